import * as z from 'zod/mini';
import { createSnapshot, type JobRef, type JobSnapshot, type JobSnapshotInit } from '../core/jobSnapshot';
import type { JobStatus } from '../core/jobStatus';
import {
  UNCHANGED,
  type CancelOutcome,
  type ProviderAdapter,
  type ProviderContext,
  type SubmitRequest,
} from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import {
  httpsUrlSchema,
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
  /** Start frame: an absolute `https:` URL. Switches the job to `/v1/videos/image2video`. */
  image?: string;
  /** End frame: an absolute `https:` URL; needs `mode: 'pro'`. */
  image_tail?: string;
  /** `pro` costs about twice `std` and enables end-frame control. Defaults to Kling's `std`. */
  mode?: 'std' | 'pro';
  /** Seconds, as Kling's string enum. Numbers `5` / `10` are accepted and sent as strings. */
  duration?: '5' | '10';
  /** Text-to-video only (an image-to-video job takes the start frame's shape). */
  aspect_ratio?: '16:9' | '9:16' | '1:1';
  /** 0..1: how closely to follow the prompt. */
  cfg_scale?: number;
  sound?: 'on' | 'off';
  /** Your own id for the task, unique per account; kept in `ref.meta.externalTaskId`. */
  external_task_id?: string;
  /** Other Kling fields (`camera_control`, `static_mask`, `dynamic_masks`, `watermark_info`, ...) pass through. */
  [option: string]: unknown;
};

const DEFAULT_BASE_URL = 'https://api-singapore.klingai.com';

const inputSchema = z.looseObject({
  prompt: z.optional(z.string().check(z.minLength(1), z.maxLength(2500))),
  negative_prompt: z.optional(z.string().check(z.maxLength(2500))),
  image: z.optional(httpsUrlSchema),
  image_tail: z.optional(httpsUrlSchema),
  mode: z.optional(z.literal(['std', 'pro'])),
  duration: z.optional(z.literal(['5', '10', 5, 10])),
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
      if (duration !== undefined) result.duration = String(duration) as '5' | '10';
      if (!result.image && !result.image_tail && !result.prompt) {
        throw invalidInput(model, 'prompt', 'is missing: text-to-video needs one (or pass a start frame `image`)');
      }
      if (result.image_tail && result.mode !== 'pro') {
        throw invalidInput(model, 'image_tail', "needs `mode: 'pro'` (Kling only honours an end frame in pro mode)");
      }
      return result;
    },

    async submit(ctx: ProviderContext, request: SubmitRequest<KlingInput>): Promise<JobSnapshot> {
      const { input } = request;
      const endpoint = input.image || input.image_tail ? 'image2video' : 'text2video';
      const { aspect_ratio, ...common } = input;
      const body: Record<string, unknown> = { model_name: request.model, ...common };
      if (endpoint === 'text2video' && aspect_ratio) body.aspect_ratio = aspect_ratio;
      if (request.webhookUrl) body.callback_url = request.webhookUrl;
      const response = await sendRequest(ctx, options, {
        method: 'POST',
        url: joinUrl(baseUrl, `/v1/videos/${endpoint}`),
        body,
        signal: request.signal,
      });
      const envelope = readEnvelope(name, response.data, 'submit');
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
      });
      if (response.notModified) return UNCHANGED;
      return toSnapshot(ref.provider, ref, readEnvelope(ref.provider, response.data, 'status', ref.id), ctx.now());
    },

    async cancel(): Promise<CancelOutcome> {
      // Kling's API has no endpoint that stops a task: say so instead of pretending it was cancelled.
      return 'unsupported';
    },
  };
}

function readEnvelope(provider: string, data: unknown, what: string, jobId?: string): KlingEnvelope {
  const envelope = parseWith(envelopeSchema, data, { provider, what, ...(jobId !== undefined ? { jobId } : {}) });
  const code = envelope.code;
  if (code !== undefined && code !== 0 && code !== '0' && code !== 'success') {
    const numeric = Number(code);
    const said = envelope.message ? `: "${envelope.message}"` : '';
    const auth = numeric >= 1000 && numeric < 1100;
    throw new VideoJobError({
      kind: auth ? 'auth' : numeric === 1302 || numeric === 1303 ? 'rate_limited' : 'http',
      provider,
      jobId,
      code: String(code),
      message: auth
        ? `Kling refused the credentials (code ${code})${said}; check the token configured on the server proxy`
        : `Kling answered code ${code}${said}; check the request and the account's resource packs`,
    });
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

function invalidInput(model: string, field: string, problem: string): VideoJobError {
  return new VideoJobError({
    kind: 'invalid_input',
    provider: 'kling',
    field,
    message: `input for ${model || 'kling'} is invalid: ${field} ${problem}; fix the input, nothing was sent`,
  });
}
