import * as z from 'zod/mini';
import { createSnapshot, type JobRef, type JobSnapshot, type JobSnapshotInit } from '../core/jobSnapshot';
import type { ImageField, ImageLimits, PreparedImage } from '../core/imageInput';
import type { JobStatus } from '../core/jobStatus';
import {
  UNCHANGED,
  type CancelOutcome,
  type ProviderAdapter,
  type ProviderContext,
  type SubmitRequest,
} from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import type { HttpResponse } from '../core/transport';
import { encodeBase64 } from './encodeBase64';
import {
  isAbsoluteHttpsUrl,
  joinUrl,
  lookupStatus,
  parseWith,
  requirePlayableUrl,
  sendRequest,
  toEpochMs,
  validateWith,
  type ApiKeyOption,
  type CommonProviderOptions,
} from './shared';

export interface KlingOptions extends Omit<CommonProviderOptions, 'apiKey'> {
  /** The API origin. Defaults to `https://api-singapore.klingai.com` (the global API; `https://api.klingai.com` also works). */
  baseUrl?: string;
  /**
   * Server side only: the bearer token. Kling's tokens are JWTs signed from an access key and secret key that
   * expire (30 min in Kling's examples), so this may be a function returning a current token; it is called for
   * every request. Sets `Authorization` only when given.
   */
  apiKey?: ApiKeyOption;
}

/** Kling's text-to-video and image-to-video body, minus `model_name` (the job's model) and `callback_url` (the webhook). */
export type KlingInput = {
  /** Required without a start or end frame; at most 2500 characters. */
  prompt?: string;
  negative_prompt?: string;
  /**
   * Start frame. Through the client (`client.submit`, `generate`): a `File` or `Blob` (sent as raw base64 inside the
   * submit, no upload), an `https:` URL or a `data:` URL, checked against Kling's limits first (JPG or PNG, at most
   * 10 MB, sides of 300 px or more, width / height between 1:2.5 and 2.5:1). Calling the adapter directly: an
   * absolute `https:` URL or the image's raw base64 (no `data:` prefix). Switches the job to `/v1/videos/image2video`.
   */
  image?: string;
  /**
   * End frame (Kling's `image_tail`), in the same forms as `image`; through the client pass it as `endImage`. Needs
   * `mode: 'pro'`.
   */
  image_tail?: string;
  /** `pro` costs about twice `std` and enables end-frame control. Defaults to Kling's `std`. */
  mode?: 'std' | 'pro';
  /**
   * Seconds, as Kling's string enum; numbers are accepted and sent as strings. Which values a model takes is
   * Kling's capability map: v1.x and v2.x `5` or `10`, `kling-v3` `3` to `15`.
   */
  duration?: KlingDuration | number;
  /** Text-to-video only (an image-to-video job takes the start frame's shape). */
  aspect_ratio?: '16:9' | '9:16' | '1:1';
  /** 0..1: how closely to follow the prompt. */
  cfg_scale?: number;
  sound?: 'on' | 'off';
  /** Multi-shot (kling-v3): with `shot_type: 'customize'` the shots come from `multi_prompt` and `prompt` may be empty. */
  multi_shot?: boolean | 'true' | 'false';
  shot_type?: 'customize' | 'intelligence';
  multi_prompt?: { index: number; prompt: string; duration: string }[];
  /** Your own id for the task, unique per account; kept in `ref.meta.externalTaskId`. */
  external_task_id?: string;
  /** Other Kling fields (`camera_control`, `static_mask`, `dynamic_masks`, `watermark_info`, ...) pass through. */
  [option: string]: unknown;
};

/** The `duration` values Kling's reference lists (`/v1/videos/text2video` and `image2video`); each model takes a subset. */
export type KlingDuration = '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | '11' | '12' | '13' | '14' | '15';

const DEFAULT_BASE_URL = 'https://api-singapore.klingai.com';

const ALL_DURATIONS = ['3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15'] as const;
const FIVE_OR_TEN: readonly string[] = ['5', '10'];

/**
 * The durations `model` takes, from Kling's capability map (https://kling.ai/document-api/apiReference/model/videoModels):
 * kling-v1.x and v2.x (2.5 turbo and 2.6 included) generate 5 s or 10 s; kling-v3 3 to 15 s. A model this table does
 * not know gets the reference's whole enum, and Kling judges.
 */
function durationsFor(model: string): readonly string[] {
  return /^kling-v[12](?:[-.]|$)/.test(model) ? FIVE_OR_TEN : ALL_DURATIONS;
}

/**
 * Kling's limits on `image` and `image_tail` (https://kling.ai/document-api/apiReference/model/imageToVideo): "Supported
 * image formats: .jpg / .jpeg / .png", "File size: ≤10MB, dimensions: min 300px, aspect ratio: 1:2.5 ~ 2.5:1". Read as
 * decimal megabytes (10,000,000 bytes: the stricter reading of "10MB"), 300 px for each side; the reference states the
 * aspect ratio on `image` only, and it is applied to the end frame too (the limits are per provider).
 */
const IMAGE_LIMITS: ImageLimits = {
  types: ['image/jpeg', 'image/png'],
  maxBytes: 10_000_000,
  minWidth: 300,
  minHeight: 300,
  minAspectRatio: 1 / 2.5,
  maxAspectRatio: 2.5,
  source: 'https://kling.ai/document-api/apiReference/model/imageToVideo',
};

/** The client's image fields and the Kling fields they go to. */
const FRAME_FIELDS: ReadonlyArray<[ImageField, 'image' | 'image_tail']> = [
  ['image', 'image'],
  ['endImage', 'image_tail'],
];

/** Raw base64 as Kling wants it (https://kling.ai/document-api/apiReference/model/imageToVideo): no `data:` prefix. */
function isRawBase64(value: string): boolean {
  return value.length >= 16 && value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

/* @__NO_SIDE_EFFECTS__ */
function imageSchema() {
  return z
    .string()
    .check(
      z.refine(
        (value) => isAbsoluteHttpsUrl(value) || isRawBase64(value),
        'must be an absolute https: URL or the raw base64 of the image (without a `data:...;base64,` prefix)',
      ),
    );
}

const inputSchema = z.looseObject({
  // May be empty: the reference's multi-shot example sends `"prompt": ""` (checked below).
  prompt: z.optional(z.string().check(z.maxLength(2500))),
  negative_prompt: z.optional(z.string().check(z.maxLength(2500))),
  image: z.optional(imageSchema()),
  image_tail: z.optional(imageSchema()),
  mode: z.optional(z.literal(['std', 'pro'])),
  duration: z.optional(z.literal([...ALL_DURATIONS, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])),
  aspect_ratio: z.optional(z.literal(['16:9', '9:16', '1:1'])),
  cfg_scale: z.optional(z.number().check(z.gte(0), z.lte(1))),
  sound: z.optional(z.literal(['on', 'off'])),
  external_task_id: z.optional(z.string().check(z.minLength(1))),
});

/**
 * The task record. The official reference answers `task_status` (`submitted | processing | succeed | failed`) and
 * `task_result.videos[].url`; the integration-guide seed this library grew from shows a simplified `status`
 * (`completed`) with `video_url` and `error`, which some Kling resellers still answer. Both shapes are accepted.
 */
const taskSchema = z.looseObject({
  task_id: z.optional(z.string()),
  task_status: z.optional(z.string()),
  task_status_msg: z.optional(z.nullable(z.string())),
  task_info: z.optional(z.nullable(z.looseObject({ external_task_id: z.optional(z.nullable(z.string())) }))),
  task_result: z.optional(
    z.nullable(
      z.looseObject({
        videos: z.optional(
          z.nullable(
            z.array(
              z.looseObject({
                id: z.optional(z.union([z.string(), z.number()])),
                url: z.string(),
                duration: z.optional(z.union([z.string(), z.number()])),
              }),
            ),
          ),
        ),
      }),
    ),
  ),
  created_at: z.optional(z.number()),
  updated_at: z.optional(z.number()),
  // The seed's simplified shape.
  status: z.optional(z.string()),
  video_url: z.optional(z.nullable(z.string())),
  error: z.optional(z.nullable(z.union([z.string(), z.looseObject({ message: z.optional(z.string()) })]))),
});

const envelopeSchema = z.looseObject({
  code: z.optional(z.union([z.number(), z.string()])),
  message: z.optional(z.nullable(z.string())),
  request_id: z.optional(z.string()),
  // Absent on error answers; required once `code` says success (checked in `readEnvelope`).
  data: z.optional(z.nullable(taskSchema)),
});

const submittedSchema = z.looseObject({ task_id: z.string().check(z.minLength(1)) });

type KlingTask = z.infer<typeof taskSchema>;
type KlingEnvelope = z.infer<typeof envelopeSchema> & { data: KlingTask };

/**
 * Fields people carry over from other SDKs (the AI SDK's camelCase `imageTail`) or set twice: caught by name,
 * because other unknown fields pass through to Kling (`camera_control`, `static_mask`, `watermark_info`, ...).
 */
const MISPLACED: Record<string, string> = {
  imageTail: 'use `image_tail`',
  negativePrompt: 'use `negative_prompt`',
  aspectRatio: 'use `aspect_ratio`',
  cfgScale: 'use `cfg_scale`',
  externalTaskId: 'use `external_task_id`',
  model: 'the job model is sent as `model_name`; pass it as the `model` of the submit',
  model_name: 'the job model is sent as `model_name`; pass it as the `model` of the submit',
  callback_url: 'pass the webhook as `webhookUrl` of the submit',
  callbackUrl: 'pass the webhook as `webhookUrl` of the submit',
};

const STATUSES: Record<string, JobStatus> = {
  submitted: 'queued',
  processing: 'running',
  succeed: 'completed',
  failed: 'failed',
  // Seed shape (it shows `completed`; `queued` is what the simplified shape reports before a worker picks it up).
  queued: 'queued',
  completed: 'completed',
};

/** Kling has no remote cancel: `cancel` stops following the task and reports `unsupported`. */
export function kling(options: KlingOptions = {}): ProviderAdapter<KlingInput> {
  const name = 'kling';
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;

  return {
    name,
    capabilities: { cancel: false, progress: false, queuePosition: false, webhooks: true, streaming: false },

    validateInput(model: string, input: unknown): KlingInput {
      if (!model) throw invalidInput(model, 'model', 'is empty: pass a Kling `model_name` such as "kling-v2-6"');
      if (input && typeof input === 'object') {
        const misplaced = Object.keys(input).find((key) => Object.hasOwn(MISPLACED, key));
        if (misplaced) throw invalidInput(model, misplaced, `is not a Kling field: ${MISPLACED[misplaced]}`);
      }
      const { duration, ...rest } = validateWith(name, model, inputSchema, input);
      const result: KlingInput = { ...rest };
      if (duration !== undefined) {
        const seconds = String(duration) as KlingDuration;
        const allowed = durationsFor(model);
        if (!allowed.includes(seconds)) {
          throw invalidInput(
            model,
            'duration',
            `is ${seconds} s, which ${model} does not generate: it takes ${allowed.join(' or ')} (kling-v3 takes 3 to 15)`,
          );
        }
        result.duration = seconds;
      }
      // Whether a prompt is needed depends on the frames, which the client takes out of the input before this runs
      // (`image` / `endImage`): checked in `submit`, before any request.
      checkEndFrameMode(model, result, 'image_tail');
      return result;
    },

    image: {
      fields: ['image', 'endImage'],
      limits: IMAGE_LIMITS,
      inline: true,
      // Kling reads base64 inside the submit's JSON: no upload, no request here.
      prepare: (_ctx, file, { signal, onProgress }) => encodeBase64(file, { signal, onProgress }),
    },

    async submit(ctx: ProviderContext, request: SubmitRequest<KlingInput>): Promise<JobSnapshot> {
      const input = withFrames(request.model, request.input, request.images);
      const endpoint = input.image || input.image_tail ? 'image2video' : 'text2video';
      const { aspect_ratio, ...common } = input;
      const body: Record<string, unknown> = { model_name: request.model, ...common };
      if (endpoint === 'text2video' && aspect_ratio) body.aspect_ratio = aspect_ratio;
      if (request.webhookUrl) body.callback_url = request.webhookUrl;
      // Frames sent as base64 make a body of up to ~27 MB: sent as a JSON Blob, so the transport's time limit grows
      // with its size and the bytes going out are reported (`onUploadProgress`, over XMLHttpRequest in a browser).
      const carriesFiles = Object.values(request.images ?? {}).some(
        (image) => typeof image === 'string' && !/^https?:\/\//.test(image),
      );
      const response = await sendRequest(ctx, options, {
        method: 'POST',
        url: joinUrl(baseUrl, `/v1/videos/${endpoint}`),
        ...(carriesFiles
          ? {
              rawBody: new Blob([JSON.stringify(body)], { type: 'application/json' }),
              ...(request.onUploadProgress ? { onUploadProgress: request.onUploadProgress } : {}),
            }
          : { body }),
        signal: request.signal,
        classifyError: classifyKlingAnswer,
      });
      const envelope = readEnvelope(name, response, 'submit');
      const { task_id: id } = parseWith(submittedSchema, envelope.data, {
        provider: name,
        what: 'submit',
        pathPrefix: 'data',
      });
      const meta: Record<string, string> = { endpoint };
      const external = envelope.data.task_info?.external_task_id ?? input.external_task_id;
      if (external) meta.externalTaskId = external;
      const ref: JobRef = {
        provider: name,
        id,
        model: request.model,
        createdAt: toEpochMs(envelope.data.created_at) ?? ctx.now(),
        meta,
      };
      return toSnapshot(name, ref, envelope, ctx.now());
    },

    async getStatus(ctx, ref, request) {
      const endpoint = ref.meta?.endpoint === 'image2video' ? 'image2video' : 'text2video';
      const response = await sendRequest(ctx, options, {
        method: 'GET',
        url: joinUrl(baseUrl, `/v1/videos/${endpoint}/${encodeURIComponent(ref.id)}`),
        jobId: ref.id,
        signal: request.signal,
        classifyError: classifyKlingAnswer,
      });
      if (response.notModified) return UNCHANGED;
      return toSnapshot(ref.provider, ref, readEnvelope(ref.provider, response, 'status', ref.id), ctx.now());
    },

    async cancel(): Promise<CancelOutcome> {
      // Kling's API has no endpoint that stops a task: say so instead of pretending it was cancelled.
      return 'unsupported';
    },
  };
}

/**
 * The job's input with the client's prepared frames in Kling's fields (`image` -> `image`, `endImage` ->
 * `image_tail`: an `https:` URL or raw base64), then the checks that need every frame: a prompt unless there is a
 * frame (or custom multi-shot prompts), an end frame only in pro mode.
 */
function withFrames(
  model: string,
  given: KlingInput,
  images: Partial<Record<ImageField, PreparedImage>> = {},
): KlingInput {
  const input: KlingInput = { ...given };
  let endField = 'image_tail';
  for (const [field, wire] of FRAME_FIELDS) {
    const value = images[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw invalidInput(model, field, 'reached the submit as bytes; Kling takes an https: URL or raw base64 text');
    }
    if (input[wire] !== undefined) throw invalidInput(model, field, `is given twice (also as \`${wire}\`); pass one`);
    input[wire] = value;
    if (wire === 'image_tail') endField = field;
  }
  // Multi-shot with custom shots takes its prompts from `multi_prompt` (the reference: prompt is only required
  // when multi_shot is false or shot_type is intelligence).
  const customShots =
    (input.multi_shot === true || input.multi_shot === 'true') &&
    input.shot_type === 'customize' &&
    Array.isArray(input.multi_prompt) &&
    input.multi_prompt.length > 0;
  if (!input.image && !input.image_tail && !input.prompt && !customShots) {
    throw invalidInput(model, 'prompt', 'is missing: text-to-video needs one (or pass a start frame `image`)');
  }
  checkEndFrameMode(model, input, endField);
  return input;
}

function checkEndFrameMode(model: string, input: KlingInput, field: string): void {
  if (input.image_tail && input.mode !== 'pro') {
    throw invalidInput(model, field, "needs `mode: 'pro'` (Kling only honours an end frame in pro mode)");
  }
}

function readEnvelope(provider: string, response: HttpResponse, what: string, jobId?: string): KlingEnvelope {
  const envelope = parseWith(envelopeSchema, response.data, {
    provider,
    what,
    ...(jobId !== undefined ? { jobId } : {}),
  });
  const code = envelope.code;
  // Every answer carries `code`, 0 on success (https://kling.ai/document-api/apiReference/commonInfo): a 2xx with
  // another code (some gateways answer so) is read like the error answer it stands for.
  if (code !== undefined && code !== 0 && code !== '0' && code !== 'success') {
    throw klingCodeError(
      { provider, ...(jobId !== undefined ? { jobId } : {}), kind: 'http', retryable: false },
      String(code),
      envelope.message ?? undefined,
    );
  }
  if (!envelope.data)
    parseWith(z.object({ data: taskSchema }), envelope, { provider, what, ...(jobId !== undefined ? { jobId } : {}) });
  return envelope as KlingEnvelope;
}

function toSnapshot(provider: string, ref: JobRef, envelope: KlingEnvelope, now: number): JobSnapshot {
  const task: KlingTask = envelope.data;
  const field = task.task_status !== undefined ? 'data.task_status' : 'data.status';
  const value = task.task_status ?? task.status;
  const status = lookupStatus(provider, STATUSES, value, field, ref.id);
  const updatedAt = toEpochMs(task.updated_at);
  const init: JobSnapshotInit = { ref, status, raw: envelope };
  const createdAt = toEpochMs(task.created_at) ?? ref.createdAt;
  if (createdAt !== undefined) init.createdAt = createdAt;
  if (status === 'completed') {
    const video = task.task_result?.videos?.[0];
    const field = video
      ? 'data.task_result.videos[0].url'
      : task.video_url
        ? 'data.video_url'
        : 'data.task_result.videos';
    const url = requirePlayableUrl(provider, ref.id, field, video?.url ?? task.video_url ?? '');
    init.video = { url, contentType: 'video/mp4' };
    const seconds = video?.duration === undefined ? NaN : Number(video.duration);
    if (Number.isFinite(seconds) && seconds > 0) init.video.durationSeconds = seconds;
    init.progress = 1;
    if (updatedAt !== undefined) init.completedAt = updatedAt;
  } else if (status === 'failed') {
    const reason =
      task.task_status_msg || (typeof task.error === 'string' ? task.error : task.error?.message) || 'no reason given';
    init.error = new VideoJobError({
      kind: 'provider_failed',
      provider: ref.provider,
      jobId: ref.id,
      message: `Kling failed the task: ${reason}`,
    });
    if (updatedAt !== undefined) init.completedAt = updatedAt;
  }
  return createSnapshot(init, now);
}

/**
 * The transport's `classifyError` hook: reads Kling's `{ code, message }` on a non-2xx answer before the retry
 * decision, so an account problem answered 429 (1100-1102) is never sent again and every error says what Kling said.
 * Answers without a Kling code keep the transport's reading.
 */
function classifyKlingAnswer(error: VideoJobError, body: string): VideoJobError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return error;
  }
  if (typeof parsed !== 'object' || parsed === null) return error;
  const { code, message } = parsed as { code?: unknown; message?: unknown };
  if ((typeof code !== 'number' && typeof code !== 'string') || String(code) === '0' || String(code) === '')
    return error;
  return klingCodeError(
    {
      kind: error.kind,
      retryable: error.retryable,
      ...(error.provider !== undefined ? { provider: error.provider } : {}),
      ...(error.jobId !== undefined ? { jobId: error.jobId } : {}),
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    },
    String(code),
    typeof message === 'string' && message ? message : undefined,
  );
}

interface KlingErrorBase {
  /** What the answer is without Kling's code (the transport's reading of the HTTP status). */
  kind: VideoJobError['kind'];
  retryable: boolean;
  provider?: string;
  jobId?: string;
  status?: number;
  retryAfterMs?: number;
}

/**
 * Kling's service codes, read as the error-code table says (https://kling.ai/document-api/apiReference/commonInfo):
 * 1000-1004 auth; 1100-1102 account (exception, arrears, resource pack depleted: not retryable, whatever the 429);
 * 1103 no permission; 1200/1201 parameters; 1202/1203 unknown method or resource; 1300/1301 policy; 1302/1303 rate
 * and concurrency limits (retried with backoff); 1304 IP allow-list; 5000-5002 server errors.
 */
function klingCodeError(base: KlingErrorBase, code: string, kling: string | undefined): VideoJobError {
  const said = `code ${code}${kling ? `: "${kling.slice(0, 300)}"` : ''}`;
  const n = Number(code);
  const common = {
    provider: base.provider ?? 'kling',
    code,
    ...(base.jobId !== undefined ? { jobId: base.jobId } : {}),
    ...(base.status !== undefined ? { status: base.status } : {}),
  };
  const fail = (kind: VideoJobError['kind'], message: string, retryable = false) =>
    new VideoJobError({
      ...common,
      kind,
      retryable,
      ...(retryable && base.retryAfterMs !== undefined ? { retryAfterMs: base.retryAfterMs } : {}),
      message,
    });
  if (n >= 1000 && n <= 1004) {
    const fix =
      n === 1003
        ? "the token is not valid yet: check the server clock (the JWT's nbf)"
        : n === 1004
          ? 'the token has expired: mint a fresh JWT for each request (pass `apiKey` as a function)'
          : 'check the token configured on the server proxy';
    return fail('auth', `Kling refused the credentials (${said}); ${fix}`);
  }
  if (n === 1100)
    return fail(
      'http',
      `Kling reports an account exception (${said}); check the account in the Kling console, nothing was started`,
    );
  if (n === 1101)
    return fail(
      'http',
      `Kling reports the account in arrears (${said}); recharge it in the Kling console, nothing was started`,
    );
  if (n === 1102)
    return fail(
      'http',
      `Kling's resource pack is depleted or expired (${said}); buy a resource pack or enable post-payment in the Kling console, then submit again (nothing was started)`,
    );
  if (n === 1103)
    return fail(
      'auth',
      `Kling does not let this account use the API or model (${said}); check the account's permissions`,
    );
  if (n === 1200 || n === 1201)
    return fail(
      'http',
      `Kling rejected the request parameters (${said}); fix the parameter Kling names, nothing was started`,
    );
  if (n === 1202 || n === 1203)
    return fail(
      'not_found',
      base.jobId !== undefined
        ? `Kling does not know this task (${said}); it may have expired (results are kept 30 days) or belong to another account`
        : `Kling does not know the requested resource (${said}); check the model name and the endpoint`,
    );
  if (n === 1300 || n === 1301)
    return fail(
      'http',
      `Kling's content policy refused the input (${said}); change the prompt or images and submit again`,
    );
  if (n === 1302)
    return fail('rate_limited', `Kling's rate limit was hit (${said}); requests are slowed down and retried`, true);
  if (n === 1303)
    return fail(
      'rate_limited',
      `the account runs as many tasks as its resource pack allows (${said}); retried with backoff, or raise the pack's concurrency`,
      true,
    );
  if (n === 1304)
    return fail(
      'http',
      `Kling's IP allow-list refused this server (${said}); allow the server's IP in the Kling console or ask Kling support`,
    );
  if (n >= 5000 && n <= 5002)
    return fail(
      base.kind === 'rate_limited' ? 'http' : base.kind,
      `Kling had an internal error (${said}); ${
        base.retryable
          ? 'it is asked again'
          : base.jobId !== undefined
            ? 'try again later'
            : 'try again later (a submit may still have created a task: look it up by external_task_id before resending)'
      }`,
      base.retryable,
    );
  return fail(
    base.kind,
    `Kling answered ${base.status !== undefined ? `${base.status} with ` : ''}${said}; check the request and the account`,
    base.retryable,
  );
}

function invalidInput(model: string, field: string, problem: string): VideoJobError {
  return new VideoJobError({
    kind: 'invalid_input',
    provider: 'kling',
    field,
    message: `input for ${model || 'kling'} is invalid: ${field} ${problem}; fix the input, nothing was sent`,
  });
}
