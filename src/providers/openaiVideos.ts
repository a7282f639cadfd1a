import * as z from 'zod/mini';
import {
  createSnapshot,
  type JobRef,
  type JobSnapshot,
  type JobSnapshotInit,
  type VideoResult,
} from '../core/jobSnapshot';
import { IMAGE_HEADER_BYTES, readImageHeader } from '../core/imageHeader';
import type { ImageLimits } from '../core/imageInput';
import { isBlob } from '../core/isBlob';
import type { JobStatus } from '../core/jobStatus';
import { UNCHANGED, type CancelOutcome, type ProviderAdapter, type ProviderContext } from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import { toMultipartForm } from './multipartForm';
import {
  joinUrl,
  lookupStatus,
  mediaUrl,
  requirePlayableUrl,
  parseWith,
  sendRequest,
  signedUrlExpiry,
  toEpochMs,
  validateWith,
  type CommonProviderOptions,
} from './shared';
import { httpsUrlSchema, matches } from './zodChecks';

export interface OpenAIVideosOptions extends CommonProviderOptions {
  /**
   * The API root of a live service that speaks OpenAI's `/v1/videos` shape, up to `/v1`: OpenRouter
   * `https://openrouter.ai/api/v1`, a LiteLLM proxy `http://localhost:4000/v1`, your own gateway. Required: OpenAI's
   * own Videos API (Sora, `https://api.openai.com/v1`) shut down on 2026-09-24, so there is no default. The key must
   * be given (TypeScript checks that); a value that is `undefined` or not an absolute http(s) URL is refused with
   * `invalid_input` naming `baseUrl` when the adapter is first used (validate, submit, status), not when it is
   * created, so a server or page module that builds its providers before its environment is set still loads.
   */
  baseUrl: string | undefined;
  /** The adapter's name (and the default registration name). Defaults to `'openai'`. */
  name?: string;
  /**
   * The `size` values the endpoint takes. Defaults to OpenAI's last documented set: `720x1280`, `1280x720`,
   * `1024x1792`, `1792x1024`, `1920x1080`, `1080x1920`; `false` accepts any (gateways name sizes their own way).
   * Unless `false`, an input `image` file must be exactly the `size` (OpenAI's rule), checked before the create.
   */
  sizes?: readonly string[] | false;
  /** The `seconds` values the endpoint takes. Defaults to OpenAI's `4`, `8`, `12`, `16`, `20`; `false` accepts any positive number. */
  seconds?: readonly number[] | false;
  /**
   * The body field carrying a job's webhook URL. OpenAI set webhooks per project (dashboard, events
   * `video.completed` / `video.failed`), so by default a job with `webhookUrl` is refused before it is sent:
   * pass `false` to submit it anyway without the URL (your project webhook fires), or the gateway's field
   * name (OpenRouter: `'callback_url'`). Defaults to `undefined`.
   */
  webhookField?: string | false;
  /**
   * The URL a `<video>` plays for a finished job whose only copy is the API's content endpoint
   * (`GET /videos/{id}/content`), which needs the API key. Defaults to the content URL itself server side, and
   * with `proxyUrl` to the proxy with the content URL in its `x-video-jobs-target-url` query parameter.
   */
  contentUrl?: (contentUrl: string, ref: JobRef) => string;
  /**
   * Set `true` only for a target that documents that it de-duplicates creates by their `Idempotency-Key` header:
   * a submit that got no answer (network error, timeout, 5xx) is then sent again with the same key. Defaults to
   * `false`: neither OpenRouter's video API nor the OpenAI-compatible gateways document it, and a repeat could
   * start (and bill) a second job. The header goes out with every `idempotencyKey` either way; a 429 (the request
   * was not taken) is retried regardless.
   */
  idempotentSubmit?: boolean;
}

/** The body of `POST /videos`, minus `model` (the job's model). Gateway-specific fields pass through unchanged. */
export interface OpenAIVideosInput {
  prompt: string;
  /** Clip length in seconds. Sent as a string (`"8"`), as OpenAI takes it. Defaults to OpenAI's `4`. */
  seconds?: number | string;
  /** `WIDTHxHEIGHT` for OpenAI (the snapshot reads the video's size from it). Defaults to OpenAI's `720x1280`. */
  size?: string;
  /**
   * Image-to-video: a first frame by URL (absolute `https:`) or by uploaded file id; exactly one of the two. Through
   * the client, pass `image` instead: a `File` or `Blob` goes as the create's multipart `input_reference` part (no
   * separate upload; JPEG, PNG or WebP, exactly `size` pixels), an `https:` URL as `input_reference.image_url`.
   */
  input_reference?: { image_url?: string; file_id?: string };
  /** Shorthand for `input_reference: { image_url }`. */
  image_url?: string;
  [field: string]: unknown;
}

// https://developers.openai.com/api/docs/guides/video-generation: sora-2-pro adds 1080p, both models 16 and 20 s.
const OPENAI_SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024', '1920x1080', '1080x1920'];
const OPENAI_SECONDS = [4, 8, 12, 16, 20];
/** OpenAI's default `size` (the SDK's `VideoCreateParams.size`: "Defaults to 720x1280"). */
const DEFAULT_SIZE = '720x1280';

/**
 * The input image (https://developers.openai.com/api/docs/guides/video-generation#use-image-references): "Include an
 * image file as the `input_reference` parameter in your `POST /videos` request. The image must match the target
 * video's resolution (`size`). Supported file formats: `image/jpeg`, `image/png`, and `image/webp`." The docs give
 * no file size for that part; the one bound they put on the field is the JSON form's `input_reference.image_url`
 * (maxLength 20971520, https://developers.openai.com/api/reference/resources/videos/methods/create), a base64 data
 * URL of at most 15 MiB of image: assumed for the file part too. The exact size is checked against `size` in submit.
 */
const IMAGE_LIMITS: ImageLimits = {
  types: ['image/jpeg', 'image/png', 'image/webp'],
  maxBytes: 15 * 1024 * 1024,
  source: 'https://developers.openai.com/api/docs/guides/video-generation#use-image-references',
};

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** When OpenAI's own Videos API stopped answering (the `openai` SDK's deprecation notice on every videos method). */
const SORA_SHUTDOWN = '2026-09-24';

const inputSchema = z.looseObject({
  prompt: z.string().check(z.minLength(1), z.maxLength(32000)),
  seconds: z.optional(z.union([z.number().check(z.positive()), z.string().check(matches(/^\d+$/, 'must be digits'))])),
  // Checked against `sizes` below: gateways name sizes their own way (`768P`).
  size: z.optional(z.string().check(z.minLength(1))),
  input_reference: z.optional(
    z
      .strictObject({ image_url: z.optional(httpsUrlSchema), file_id: z.optional(z.string().check(z.minLength(1))) })
      .check(
        z.refine(
          (ref) => (ref.image_url === undefined) !== (ref.file_id === undefined),
          'needs exactly one of image_url, file_id',
        ),
      ),
  ),
  image_url: z.optional(httpsUrlSchema),
});

const text = z.optional(z.nullable(z.string()));
const seconds = z.optional(z.nullable(z.number()));

/**
 * OpenAI's video object; OpenRouter's job record (`polling_url`, `status: pending`, `unsigned_urls`, `urls`,
 * `error` as a string, `cancelled` / `expired`) shares it closely enough that both are read here.
 */
const videoSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  status: z.string(),
  progress: z.optional(z.nullable(z.number())),
  model: text,
  seconds: z.optional(z.nullable(z.union([z.string(), z.number()]))),
  size: text,
  created_at: seconds,
  completed_at: seconds,
  expires_at: seconds,
  error: z.optional(z.nullable(z.union([z.string(), z.looseObject({ code: text, message: text })]))),
  polling_url: text,
  urls: z.optional(z.nullable(z.array(z.string()))),
  unsigned_urls: z.optional(z.nullable(z.array(z.string()))),
});

type VideoObject = z.infer<typeof videoSchema>;

/** What the adapter reads from a status or submit answer: OpenAI's video object or OpenRouter's job record. */
export type OpenAIVideoRecord = z.input<typeof videoSchema>;

const STATUSES: Record<string, JobStatus> = {
  queued: 'queued',
  pending: 'queued',
  in_progress: 'running',
  completed: 'completed',
  failed: 'failed',
  expired: 'failed',
  cancelled: 'cancelled',
};

/**
 * OpenAI-style `/v1/videos`, as OpenRouter and other gateways serve it: `POST /videos` answers the job
 * (OpenAI's video object, `queued`; OpenRouter's `202 { id, polling_url, status: "pending" }`), `GET /videos/{id}`
 * follows it (`in_progress`, with `progress` 0-100 where the target reports it), the MP4 comes from a signed URL
 * (`urls[0]`) or the key-guarded `GET /videos/{id}/content`. There is no cancel endpoint: cancel stops following
 * and reports `unsupported`.
 *
 * OpenAI's own Videos API (Sora) shut down on 2026-09-24 (the `openai` SDK marks every videos method so), so
 * `baseUrl` has no default: name the live gateway, e.g. `openaiVideos({ name: 'openrouter', baseUrl:
 * 'https://openrouter.ai/api/v1', webhookField: 'callback_url', sizes: false, seconds: false })`. Without one, the
 * first use throws `invalid_input` with `field: 'baseUrl'` and nothing is sent. A submit that got no answer is
 * repeated only with `idempotentSubmit: true`, for a target that documents `Idempotency-Key` de-duplication.
 */
export function openaiVideos(given: OpenAIVideosOptions): ProviderAdapter<OpenAIVideosInput> {
  // A JavaScript caller may pass nothing at all: that gets the same `baseUrl` error at first use, not a TypeError.
  const options: OpenAIVideosOptions = (given as OpenAIVideosOptions | undefined) ?? { baseUrl: undefined };
  const name = options.name ?? 'openai';
  const sizes = options.sizes ?? OPENAI_SIZES;
  const allowedSeconds = options.seconds ?? OPENAI_SECONDS;
  const idempotentSubmit = options.idempotentSubmit ?? false;
  // Checked at first use rather than here: see `OpenAIVideosOptions.baseUrl`.
  const baseUrl = (model?: string, jobId?: string): string => liveBaseUrl(name, options.baseUrl, model, jobId);

  function snapshot(root: string, ref: JobRef, video: VideoObject, now: number): JobSnapshot {
    const content = contentUrlOf(root, ref, video);
    const playable = content.signed
      ? content.url
      : (options.contentUrl?.(content.url, ref) ?? mediaUrl(options, content.url));
    return toSnapshot(ref, video, playable, content.signed, now);
  }

  return {
    name,
    capabilities: { cancel: false, progress: true, queuePosition: false, webhooks: true, streaming: false },

    validateInput(model: string, input: unknown): OpenAIVideosInput {
      baseUrl(model);
      const parsed = validateWith(name, model, inputSchema, input);
      const { image_url, ...result } = parsed as OpenAIVideosInput;
      if (parsed.seconds !== undefined) {
        const value = Number(parsed.seconds);
        if (allowedSeconds !== false && !allowedSeconds.includes(value)) {
          throw invalidInput(name, model, 'seconds', `must be one of ${allowedSeconds.join(', ')} (got ${value})`);
        }
        result.seconds = String(value);
      }
      if (parsed.size !== undefined && sizes !== false && !sizes.includes(parsed.size)) {
        throw invalidInput(name, model, 'size', `must be one of ${sizes.join(', ')} (got "${parsed.size}")`);
      }
      if (image_url !== undefined) {
        if (parsed.input_reference)
          throw invalidInput(name, model, 'image_url', 'give image_url or input_reference, not both');
        result.input_reference = { image_url };
      }
      return result;
    },

    image: {
      fields: ['image'],
      limits: IMAGE_LIMITS,
      inline: true,
      // The file is a part of the create request itself (multipart `input_reference`): nothing is uploaded first.
      // `https:` URLs pass as they are, to `input_reference.image_url` (the reference: "A fully qualified URL").
      prepare: async (_ctx, file, { header }) => typedFile(file, header.type),
    },

    async submit(ctx, request): Promise<JobSnapshot> {
      const root = baseUrl(request.model);
      const body: Record<string, unknown> = { model: request.model, ...request.input };
      const image = request.images?.image;
      if (image !== undefined && body.input_reference !== undefined) {
        throw invalidInput(name, request.model, 'image', 'and input_reference are both given; pass one');
      }
      if (typeof image === 'string') body.input_reference = { image_url: image };
      if (request.webhookUrl !== undefined) {
        if (options.webhookField === undefined) {
          throw invalidInput(
            name,
            request.model,
            'webhookUrl',
            "OpenAI takes webhooks per project, not per job: set them up in the dashboard and pass `webhookField: false`, or the gateway's field name (OpenRouter: 'callback_url')",
          );
        }
        if (options.webhookField !== false) body[options.webhookField] = request.webhookUrl;
      }
      let form: FormData | undefined;
      if (image !== undefined && isBlob(image)) {
        // OpenAI's default size holds only for its own size set; a gateway (`sizes: false`) has its own rules.
        const size = typeof body.size === 'string' ? body.size : options.sizes === undefined ? DEFAULT_SIZE : undefined;
        if (sizes !== false && size !== undefined) await checkImageSize(name, request.model, image, size, sizes);
        // The SDK sends a create with a file as multipart/form-data, the other fields as strings (`videos.create`).
        form = toMultipartForm({ ...body, input_reference: image }, (field, problem) =>
          invalidInput(name, request.model, field, problem),
        );
      }
      const response = await sendRequest(ctx, options, {
        method: 'POST',
        url: joinUrl(root, '/videos'),
        headers: request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {},
        ...(form
          ? { rawBody: form, ...(request.onUploadProgress ? { onUploadProgress: request.onUploadProgress } : {}) }
          : { body }),
        // Only an API that documents de-duplicating by Idempotency-Key may see a failed create repeated.
        idempotent: idempotentSubmit && request.idempotencyKey !== undefined,
        classifyError: billingStop,
        signal: request.signal,
      });
      const video = parseWith(videoSchema, response.data, { provider: name, what: 'submit' });
      const ref: JobRef = {
        provider: name,
        id: video.id,
        model: request.model,
        createdAt: toEpochMs(video.created_at) ?? ctx.now(),
        urls: { status: statusUrl(root, video) },
      };
      return snapshot(root, ref, video, ctx.now());
    },

    async getStatus(ctx: ProviderContext, ref: JobRef, request) {
      const root = baseUrl(ref.model, ref.id);
      const response = await sendRequest(ctx, options, {
        method: 'GET',
        url: joinUrl(root, `/videos/${encodeURIComponent(ref.id)}`),
        jobId: ref.id,
        signal: request.signal,
      });
      if (response.notModified) return UNCHANGED;
      return snapshot(
        root,
        ref,
        parseWith(videoSchema, response.data, { provider: name, jobId: ref.id, what: 'status' }),
        ctx.now(),
      );
    },

    async cancel(): Promise<CancelOutcome> {
      // `DELETE /videos/{id}` removes a finished video's files; nothing stops a running one.
      return 'unsupported';
    },
  };
}

/**
 * The configured API root, or `invalid_input` naming `baseUrl`: OpenAI's own endpoint is gone, so the adapter has
 * no default to fall back on and must never quietly send a paid request to a dead host.
 */
function liveBaseUrl(provider: string, baseUrl: string | undefined, model?: string, jobId?: string): string {
  const given = baseUrl?.trim() ?? '';
  let problem = given === '' ? 'is not set' : undefined;
  if (problem === undefined && !/^https?:\/\/[^/]/i.test(given))
    problem = `must be an absolute http(s) URL (got ${JSON.stringify(given)})`;
  if (problem === undefined) return given;
  throw new VideoJobError({
    kind: 'invalid_input',
    provider,
    ...(jobId ? { jobId } : {}),
    field: 'baseUrl',
    message: `${model ? `${model}: ` : ''}baseUrl ${problem}; OpenAI's own Videos API (Sora) shut down on ${SORA_SHUTDOWN}, so there is no default: pass the API root of a live gateway that serves /v1/videos, e.g. openaiVideos({ baseUrl: 'https://openrouter.ai/api/v1' }); nothing was sent`,
  });
}

/**
 * The file as a part OpenAI reads: typed from its bytes (a part typed `application/octet-stream` is refused as an
 * "unsupported mimetype") and named (`input_reference.png` when it has no name), as `curl -F
 * input_reference="@sample_720p.jpeg;type=image/jpeg"` sends it in the guide.
 */
function typedFile(file: Blob, type: string): Blob {
  const given = typeof (file as Partial<File>).name === 'string' ? (file as File).name : '';
  if (file.type === type && given) return file;
  const name = given || `input_reference.${EXTENSIONS[type] ?? 'png'}`;
  return typeof File === 'function' ? new File([file], name, { type }) : new Blob([file], { type });
}

/** OpenAI's rule, checked before the create: "The image must match the target video's resolution (`size`)". */
async function checkImageSize(
  provider: string,
  model: string,
  image: Blob,
  size: string,
  sizes: readonly string[],
): Promise<void> {
  const wanted = /^(\d+)x(\d+)$/.exec(size);
  if (!wanted) return;
  const header = readImageHeader(new Uint8Array(await image.slice(0, IMAGE_HEADER_BYTES).arrayBuffer()));
  // The client read the same bytes before (an image it cannot read never gets here).
  if (!header || (header.width === Number(wanted[1]) && header.height === Number(wanted[2]))) return;
  const own = `${header.width}x${header.height}`;
  throw invalidInput(
    provider,
    model,
    'image',
    `is ${own}, but the video's size is ${size} and OpenAI needs the image to match it exactly (${IMAGE_LIMITS.source}): resize or crop it to ${size}${sizes.includes(own) ? `, or pass size: '${own}'` : ''}`,
  );
}

function statusUrl(baseUrl: string, video: VideoObject): string {
  if (video.polling_url) return absolute(baseUrl, video.polling_url);
  return joinUrl(baseUrl, `/videos/${encodeURIComponent(video.id)}`);
}

/**
 * Where the finished MP4 is: a signed storage URL that plays as it is (OpenRouter's `urls[0]`), or the API's
 * content endpoint (`unsigned_urls[0]`, else `/videos/{id}/content`), which needs the key.
 */
function contentUrlOf(baseUrl: string, ref: JobRef, video: VideoObject): { url: string; signed: boolean } {
  const signed = video.urls?.[0];
  if (signed) return { url: absolute(baseUrl, signed), signed: true };
  const unsigned = video.unsigned_urls?.[0];
  if (unsigned) return { url: absolute(baseUrl, unsigned), signed: false };
  return { url: joinUrl(baseUrl, `/videos/${encodeURIComponent(ref.id)}/content`), signed: false };
}

/** A URL the API handed back, resolved against the API's origin when it is a path (`/api/v1/videos/...`). */
function absolute(baseUrl: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  try {
    return new URL(url, baseUrl).href;
  } catch {
    return url;
  }
}

function toSnapshot(ref: JobRef, video: VideoObject, playable: string, signed: boolean, now: number): JobSnapshot {
  const status = lookupStatus(ref.provider, STATUSES, video.status, 'status', ref.id);
  const init: JobSnapshotInit = { ref, status, raw: video };
  const createdAt = toEpochMs(video.created_at);
  if (createdAt !== undefined) init.createdAt = createdAt;
  const completedAt = toEpochMs(video.completed_at);
  if (status === 'running' && typeof video.progress === 'number') {
    init.progress = Math.min(1, Math.max(0, video.progress / 100));
  } else if (status === 'completed') {
    init.progress = 1;
    if (completedAt !== undefined) init.completedAt = completedAt;
    // A root-relative URL is the app's own proxy route outside a page (SSR): same origin, so it is kept.
    const sameOrigin = playable.startsWith('/') && !playable.startsWith('//');
    const field = signed ? 'urls[0]' : 'content';
    const result: VideoResult = {
      url: sameOrigin ? playable : requirePlayableUrl(ref.provider, ref.id, field, playable),
    };
    result.contentType = 'video/mp4';
    const expiresAt = toEpochMs(video.expires_at) ?? (signed ? signedUrlExpiry(playable) : undefined);
    if (expiresAt !== undefined) result.expiresAt = expiresAt;
    const size = /^(\d+)x(\d+)$/.exec(video.size ?? '');
    if (size) {
      result.width = Number(size[1]);
      result.height = Number(size[2]);
    }
    const length = Number(video.seconds);
    if (video.seconds !== null && video.seconds !== undefined && Number.isFinite(length) && length > 0) {
      result.durationSeconds = length;
    }
    init.video = result;
  } else if (status === 'failed') {
    if (completedAt !== undefined) init.completedAt = completedAt;
    const error = typeof video.error === 'string' ? { message: video.error, code: undefined } : video.error;
    const reason =
      error?.message ?? (video.status === 'expired' ? 'the job expired before it finished' : 'no reason given');
    init.error = new VideoJobError({
      kind: 'provider_failed',
      provider: ref.provider,
      jobId: ref.id,
      ...(error?.code ? { code: error.code } : {}),
      message: `the video generation failed: ${reason}; change the prompt or settings and submit again`,
    });
  } else if (status === 'cancelled') {
    init.cancellation = { remote: 'cancelled' };
  }
  return createSnapshot(init, now);
}

/**
 * OpenAI (and gateways passing its errors through) answer 429 both for rate limits and for billing stops: the
 * `insufficient_quota` family (https://developers.openai.com/api/docs/guides/error-codes), which no retry fixes. Those
 * become a non-retryable error saying what OpenAI said, so a paid create is not sent again and again.
 */
const BILLING_CODES = new Set([
  'insufficient_quota',
  'credit_balance_exhausted',
  'organization_spend_limit_exceeded',
  'project_spend_limit_exceeded',
  'organization_usage_limit_exceeded',
]);

function billingStop(error: VideoJobError, body: string): VideoJobError {
  if (error.status !== 429) return error;
  let detail: { type?: unknown; code?: unknown; message?: unknown } | undefined;
  try {
    const parsed = JSON.parse(body) as { error?: unknown } | null;
    const inner = parsed?.error;
    if (typeof inner === 'object' && inner !== null) detail = inner;
  } catch {
    return error;
  }
  const code = typeof detail?.code === 'string' ? detail.code : undefined;
  const type = typeof detail?.type === 'string' ? detail.type : undefined;
  const billing = [code, type].find((value) => value !== undefined && BILLING_CODES.has(value));
  if (billing === undefined) return error;
  const said = typeof detail?.message === 'string' ? `: "${detail.message.slice(0, 300)}"` : '';
  return new VideoJobError({
    kind: 'http',
    status: 429,
    retryable: false,
    code: code ?? billing,
    ...(error.provider ? { provider: error.provider } : {}),
    message: `the API refused the job for billing (429 ${code ?? billing})${said}; this is not a rate limit and retrying will not help: add credits or raise the spend limit, then submit again`,
    cause: error,
  });
}

function invalidInput(provider: string, model: string, field: string, problem: string): VideoJobError {
  return new VideoJobError({
    kind: 'invalid_input',
    provider,
    field,
    message: `input for ${model} is invalid: ${field} ${problem}; fix the input, nothing was sent`,
  });
}
