import * as z from 'zod/mini';
import type { JobRef } from '../core/jobSnapshot';
import type { JobStatus } from '../core/jobStatus';
import type { ProviderAdapter } from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import { defineProvider, type DefinedSchema, type DefinedStatus, type ImageUploadOptions } from './defineProvider';
import { invalidResponse, lookupStatus, requirePlayableUrl, type CommonProviderOptions } from './shared';
import { anyObject, httpsUrlSchema } from './zodChecks';

/**
 * visgate only downloads input images from URLs (it has no upload API): give `uploadUrl` (your `createUploadHandler`
 * route) or `uploadImage` so `generate({ prompt, image: file })` works; `https:` URLs pass as they are.
 */
export interface VisgateOptions extends CommonProviderOptions, ImageUploadOptions {
  /**
   * The API root. Defaults to `https://visgateai.com/api/v1`. Behind the seed's catch-all proxy route
   * (`app/api/visgate/[...path]/route.ts` exporting `@visgate_ai/server-proxy/next`), pass that route instead:
   * `baseUrl: '/api/visgate'`.
   */
  baseUrl?: string;
}

/**
 * The body of `POST /videos/generate`, minus `model` (the job's model) and `webhook_url` (the job's webhook), with
 * the model's own parameters in `params`. A type alias rather than an interface, so it stays assignable to the
 * client's `Record<string, unknown>` inputs.
 */
export type VisgateInput = {
  prompt: string;
  /** Image-to-video: the image to animate, an absolute `https:` URL. Or pass `image` (a File, Blob or URL) instead. */
  image_url?: string;
  /** Seconds, 1..60. Defaults to visgate's `5`. */
  duration_seconds?: number;
  /** A model parameter, sent at the top level of the body like the others in `params`. */
  aspect_ratio?: '16:9' | '9:16' | '1:1' | '4:3' | '3:4' | '21:9';
  /**
   * Model-specific parameters. Sent merged into the top level of the body, as visgate's official client does
   * (`payload.update(params)`), not nested; a key that names one of the fields above (or `model`, `webhook_url`)
   * is refused.
   */
  params?: Record<string, unknown>;
  /** Your own id for the job, echoed back in the webhook call next to the result. */
  callback_id?: string;
  /** Return the provider's own URL instead of copying the file to visgate's storage first (faster). */
  skip_gcs_upload?: boolean;
};

const DEFAULT_BASE_URL = 'https://visgateai.com/api/v1';

/**
 * visgate documents no limit on the image to animate: `image_url` is "Optional image URL to animate (image-to-video)"
 * (visgate-python `resources/videos.py`, docs/API.md), forwarded to the model's provider (fal, Replicate, Runway), each
 * with its own rules. Assumed: PNG, JPEG or WebP up to 10 MB (Kling's documented image limit, the tightest common one);
 * no dimension limit, since it varies by model.
 */
const VISGATE_IMAGE_LIMITS = {
  types: ['image/png', 'image/jpeg', 'image/webp'],
  maxBytes: 10_000_000,
  source: 'assumed: visgate documents none, https://github.com/visgate-ai/visgate-python/blob/main/docs/API.md',
} as const;

const inputSchema = z.strictObject({
  prompt: z.string().check(z.minLength(1)),
  image_url: z.optional(httpsUrlSchema),
  duration_seconds: z.optional(z.number().check(z.gte(1), z.lte(60))),
  aspect_ratio: z.optional(z.literal(['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'])),
  params: z.optional(anyObject()),
  callback_id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  skip_gcs_upload: z.optional(z.boolean()),
});

/** The body fields visgate reads itself: a model parameter of the same name would overwrite them. */
const BODY_FIELDS = ['model', 'webhook_url', ...Object.keys(inputSchema.def.shape).filter((key) => key !== 'params')];

const text = z.optional(z.nullable(z.string()));
const time = z.optional(z.nullable(z.union([z.string(), z.number()])));

/** A finished generate answer (visgate-python `VideoResult`): at submit, or nested as a request's `result`. */
const videoResultSchema = z.looseObject({
  id: text,
  video_url: text,
  videoUrl: text,
  created_at: time,
  createdAt: time,
});

/**
 * The error envelope (visgate-python `client.py` `_handle_response`, and
 * https://visgateai.com/docs/api-reference/error-handling): `{ error: <code>, message, details: { field?, provider? } }`.
 */
const envelopeSchema = z.looseObject({
  error: z.optional(z.unknown()),
  message: z.optional(z.unknown()),
  details: z.optional(z.unknown()),
});

/**
 * A request record. The HTTP API (and visgate's Python SDK) speaks snake_case (`request_id`, `output_url`,
 * `error_message`, ...); the JS SDK and the seed document the same fields camelCased (`requestId`, `outputUrl`,
 * ...), and a synchronous answer is a finished result (`id`, `video_url`). All three are accepted.
 */
const recordSchema = z.looseObject({
  request_id: text,
  requestId: text,
  id: text,
  status: text,
  media_type: text,
  mediaType: text,
  output_url: text,
  outputUrl: text,
  video_url: text,
  videoUrl: text,
  error_message: text,
  errorMessage: text,
  /** docs/API.md documents `result` (the finished `VideoResult`) and `error` (a dict) on the request record. */
  result: z.optional(z.nullable(videoResultSchema)),
  error: z.optional(
    z.nullable(z.union([z.string(), z.looseObject({ message: text, detail: text, code: text, error: text })])),
  ),
  created_at: time,
  createdAt: time,
  completed_at: time,
  completedAt: time,
});

type VisgateRecord = z.infer<typeof recordSchema>;

/** `accepted` is what visgate-python's docs/API.md names the first state; its code and the guide say `pending`. */
const STATUSES: Record<string, JobStatus> = {
  accepted: 'queued',
  pending: 'queued',
  processing: 'running',
  completed: 'completed',
  failed: 'failed',
};

/**
 * visgate (`https://visgateai.com/api/v1`): `POST /videos/generate` with `Prefer: respond-async` (the SDKs'
 * `preferAsync` / `wait=False`) answers `202 { request_id, status: "pending" }`; `GET /requests/{id}` follows it.
 * No progress, no queue position, no cancel (cancel stops following and reports `unsupported`); `webhook_url` +
 * `callback_id` get the result pushed. Wire rules from visgate-python `resources/videos.py` and `requests.py`
 * (https://github.com/visgate-ai/visgate-python) and https://visgateai.com/docs/guides/async-video.
 */
export function visgate(options: VisgateOptions = {}): ProviderAdapter<VisgateInput> {
  // visgate has no endpoint that stops a request: say so rather than pretend it was cancelled.
  return { ...defineVisgate(options), cancel: async () => 'unsupported' };
}

const defineVisgate = /* @__PURE__ */ defineProvider<VisgateInput, VisgateRecord, VisgateRecord>({
  name: 'visgate',
  baseUrl: DEFAULT_BASE_URL,
  capabilities: { webhooks: true },
  input: inputSchema as DefinedSchema<VisgateInput>,
  validateInput(model, input, parse) {
    if (typeof input === 'object' && input !== null) {
      const unknown = Object.keys(input).find((key) => !(key in inputSchema.def.shape));
      if (unknown !== undefined) {
        throw new VideoJobError({
          kind: 'invalid_input',
          provider: 'visgate',
          field: unknown,
          message: `input for ${model} is invalid: ${unknown} is not a visgate field (${Object.keys(inputSchema.def.shape).join(', ')}); put model-specific parameters in \`params\`, nothing was sent`,
        });
      }
    }
    const parsed = parse(input);
    const clash = Object.keys(parsed.params ?? {}).find((key) => BODY_FIELDS.includes(key));
    if (clash !== undefined) {
      throw new VideoJobError({
        kind: 'invalid_input',
        provider: 'visgate',
        field: `params.${clash}`,
        message: `input for ${model} is invalid: params.${clash} would overwrite the top-level \`${clash}\` of visgate's body (model parameters are merged into it); ${clash === 'model' || clash === 'webhook_url' ? `\`${clash}\` comes from the job` : `set \`${clash}\` as a top-level field`}, nothing was sent`,
      });
    }
    return parsed;
  },
  // The image to animate goes in `image_url`; a local file is put on the app's storage by `uploadImage` / `uploadUrl`.
  image: { fields: { image: 'image_url' }, limits: VISGATE_IMAGE_LIMITS },
  failedMessage: (reason) => `visgate failed the request: ${reason}; change the input or the model and submit again`,
  submit: {
    url: () => '/videos/generate',
    // Without `Prefer: respond-async` visgate holds the request until the video exists, which proxies cut at 30-60 s.
    headers: () => ({ prefer: 'respond-async' }),
    // Model parameters go at the top level of the body, as the official client sends them (`payload.update(params)`
    // in visgate-python `resources/videos.py`); visgate does not read a nested `params`. The named fields win.
    body: (model, { params, ...named }, { webhookUrl }) => ({
      ...params,
      model,
      ...named,
      ...(webhookUrl ? { webhook_url: webhookUrl } : {}),
    }),
    // The error envelope (code, message, field) of refused input, an unknown model or a failed upstream says more
    // than the status alone.
    allowStatus: [400, 404, 422, 502],
    toError: (body, httpStatus) => envelopeError('visgate', httpStatus, body),
    response: recordSchema,
    toJob(record, { model, input, now }) {
      const id = record.request_id ?? record.requestId ?? record.id;
      if (!id) throw invalidResponse('visgate', undefined, 'request_id', 'the submit answer has no request id');
      const meta: Record<string, string> = {};
      if (input.callback_id) meta.callbackId = input.callback_id;
      // A cache hit (or a server that ignored `Prefer`) answers the finished result straight away.
      const status = record.status ?? (outputUrl(record).url ? 'completed' : 'pending');
      return { ...toStatus({ ...record, status }, { provider: 'visgate', id, model, createdAt: now }), id, meta };
    },
  },
  status: {
    url: (ref) => `/requests/${encodeURIComponent(ref.id)}`,
    response: recordSchema,
    toStatus: (record, ref) => toStatus(record, ref),
  },
});

/**
 * The typed error for an error envelope, classified as visgate-python's `_handle_response` does: 422 is a
 * validation error naming `details.field`, a code containing `PROVIDER` is the upstream provider's failure.
 */
function envelopeError(provider: string, status: number, data: unknown): VideoJobError {
  const parsed = envelopeSchema.safeParse(data);
  const envelope = parsed.success ? parsed.data : {};
  const details = typeof envelope.details === 'object' && envelope.details !== null ? envelope.details : {};
  const detail = (key: string) => {
    const value = (details as Record<string, unknown>)[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const code =
    (typeof envelope.error === 'string' && envelope.error !== '' ? envelope.error : undefined) ??
    (status === 422 ? 'VALIDATION_ERROR' : undefined);
  const message = typeof envelope.message === 'string' ? envelope.message.slice(0, 300) : '';
  const said = message ? `: "${message}"` : '';
  const answered = code ? `${status} ${code}` : String(status);
  const base = { provider, status, ...(code ? { code } : {}) };
  if (code?.includes('PROVIDER')) {
    const upstream = detail('provider');
    return new VideoJobError({
      ...base,
      kind: 'provider_failed',
      message: `visgate's upstream provider${upstream ? ` ${upstream}` : ''} failed the request (${answered})${said}; submit again later or choose another model`,
    });
  }
  if (status === 422) {
    const field = detail('field');
    return new VideoJobError({
      ...base,
      kind: 'http',
      ...(field ? { field } : {}),
      message: `visgate refused the input (${answered})${said}${field ? ` in \`${field}\`` : ''}; fix the input and submit again`,
    });
  }
  if (status === 404) {
    return new VideoJobError({
      ...base,
      kind: 'http',
      message: `visgate does not offer this model or endpoint (${answered})${said}; choose a model from visgate's catalog (GET /models) or check baseUrl`,
    });
  }
  return new VideoJobError({
    ...base,
    kind: 'http',
    message:
      status < 500
        ? `visgate refused the request (${answered})${said}; check the input and submit again`
        : `visgate answered ${answered}${said}; nothing is known to have started, submit again later`,
  });
}

/** The finished video's URL and the field it came from, in whichever shape visgate sent the record. */
function outputUrl(record: VisgateRecord): { url?: string | null; field: string } {
  const candidates: Array<[string, string | null | undefined]> = [
    ['output_url', record.output_url],
    ['outputUrl', record.outputUrl],
    ['video_url', record.video_url],
    ['videoUrl', record.videoUrl],
    ['result.video_url', record.result?.video_url],
    ['result.videoUrl', record.result?.videoUrl],
  ];
  const found = candidates.find(([, url]) => url);
  return found ? { url: found[1], field: found[0] } : { field: 'output_url' };
}

function toStatus(record: VisgateRecord, ref: JobRef): DefinedStatus {
  const status = lookupStatus(ref.provider, STATUSES, record.status, 'status', ref.id);
  const mapped: DefinedStatus = {
    status,
    createdAt: record.created_at ?? record.createdAt ?? record.result?.created_at ?? record.result?.createdAt,
  };
  const completedAt = record.completed_at ?? record.completedAt;
  if (status === 'completed') {
    const { url, field } = outputUrl(record);
    if (!url) throw invalidResponse(ref.provider, ref.id, 'output_url', 'the request completed but has no output URL');
    mapped.videoUrl = requirePlayableUrl(ref.provider, ref.id, field, url);
    mapped.completedAt = completedAt;
  } else if (status === 'failed') {
    const error = typeof record.error === 'string' ? { message: record.error } : record.error;
    const reason = record.error_message ?? record.errorMessage ?? error?.message ?? error?.detail ?? error?.error;
    const code = error?.code ?? error?.error;
    if (reason) mapped.error = reason;
    if (code) mapped.errorCode = code;
    mapped.completedAt = completedAt;
  }
  return mapped;
}
