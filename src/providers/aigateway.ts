import * as z from 'zod/mini';
import type { JobRef, VideoResult } from '../core/jobSnapshot';
import type { JobStatus } from '../core/jobStatus';
import type { ProviderAdapter } from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import { defineProvider, type DefinedSchema, type DefinedStatus, type ImageUploadOptions } from './defineProvider';
import {
  cancelOutcomeOf,
  invalidResponse,
  lookupStatus,
  requirePlayableUrl,
  signedUrlExpiry,
  toEpochMs,
  type CommonProviderOptions,
} from './shared';
import { httpsUrlSchema, matches } from './zodChecks';

/**
 * `apiKey` is the `sk-aig-...` key, sent as a bearer token. The gateway only downloads input images from URLs (it has no
 * upload API): give `uploadUrl` (your `createUploadHandler` route) or `uploadImage` so `generate({ prompt, image: file })`
 * works; `https:` URLs pass as they are.
 */
export interface AigatewayOptions extends CommonProviderOptions, ImageUploadOptions {
  /** The API origin. Defaults to `https://api.aigateway.sh`. */
  baseUrl?: string;
}

/**
 * The body of `POST /v1/videos/generations` (or `/v1/audio/music`), minus `model` and `webhook_url`. Fields the
 * gateway forwards to a particular model (e.g. `resolution`, `is_instrumental`) pass through unchanged.
 */
export type AigatewayInput = {
  prompt: string;
  /** Seconds; honoured where the model supports it and clamped to its range. */
  duration?: number;
  /** `"W:H"`, e.g. `"16:9"`. */
  aspect_ratio?: string;
  /** Start frame for image-to-video models: an absolute `https:` URL. Or pass `image` (a File, Blob or URL) instead. */
  image_url?: string;
  negative_prompt?: string;
  /** Which job family to submit to: `video` (`/v1/videos/generations`) or `music` (`/v1/audio/music`). Not sent. Defaults to `video`. */
  media?: 'video' | 'music';
  [option: string]: unknown;
};

const DEFAULT_BASE_URL = 'https://api.aigateway.sh';
/** The gateway answers `304 Not Modified` to polls of one job closer together than this. */
const MIN_POLL_INTERVAL_MS = 3000;
/** Result URLs are signed for 24 h. */
const SIGNED_URL_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The gateway documents no limit on the start frame: its image-to-video field is `image_url` (aigateway-sh/sdk-node
 * `VideoRequest.image_url`; https://aigateway.sh/docs/async-jobs passes other fields through to the model), and each
 * model has its own rules. Assumed: PNG, JPEG or WebP up to 10 MB, Kling's documented image limit
 * (https://kling.ai/document-api/apiReference/model/imageToVideo), the tightest of the gateway's common image-to-video
 * models; no dimension limit, since it varies by model.
 */
const AIGATEWAY_IMAGE_LIMITS = {
  types: ['image/png', 'image/jpeg', 'image/webp'],
  maxBytes: 10_000_000,
  source: 'assumed: the gateway documents none, https://aigateway.sh/docs/async-jobs',
} as const;

const inputSchema = z.looseObject({
  prompt: z.string().check(z.minLength(1)),
  duration: z.optional(z.number().check(z.positive(), z.lte(600))),
  aspect_ratio: z.optional(z.string().check(matches(/^\d+(\.\d+)?:\d+(\.\d+)?$/, 'must look like "16:9"'))),
  image_url: z.optional(httpsUrlSchema),
  negative_prompt: z.optional(z.string()),
  media: z.optional(z.literal(['video', 'music'])),
});

/** Job timestamps: the docs show none, the official SDKs type them as unix seconds; ISO strings also pass. */
const timeSchema = z.optional(z.nullable(z.union([z.number(), z.string()])));

/**
 * A job record in either documented form: the docs' (https://aigateway.sh/docs/async-jobs: `result.file_url`,
 * `error: { code, message }`; their completed example has no `id`, the ref carries it) or the official SDKs'
 * `Job` (aigateway-sh/sdk-node `src/index.ts`: `status: 'processing'`, top-level `result_url`, `error` a string).
 */
const jobSchema = z.looseObject({
  id: z.optional(z.string()),
  object: z.optional(z.string()),
  status: z.string(),
  modality: z.optional(z.nullable(z.string())),
  model: z.optional(z.nullable(z.string())),
  progress: z.optional(z.nullable(z.number())),
  created_at: timeSchema,
  started_at: timeSchema,
  completed_at: timeSchema,
  updated_at: timeSchema,
  result_url: z.optional(z.nullable(z.string())),
  result: z.optional(
    z.nullable(
      z.looseObject({
        file_url: z.optional(z.nullable(z.string())),
        content_type: z.optional(z.nullable(z.string())),
        duration: z.optional(z.nullable(z.number())),
        width: z.optional(z.nullable(z.number())),
        height: z.optional(z.nullable(z.number())),
      }),
    ),
  ),
  error: z.optional(
    z.nullable(
      z.union([
        z.string(),
        z.looseObject({
          code: z.optional(z.nullable(z.union([z.string(), z.number()]))),
          message: z.optional(z.nullable(z.string())),
        }),
      ]),
    ),
  ),
});

type GatewayJob = z.infer<typeof jobSchema>;

const STATUSES: Record<string, JobStatus> = {
  queued: 'queued',
  running: 'running',
  // The SDKs' `JobStatus` says `processing` where the docs say `running`.
  processing: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/**
 * The AI gateway async-job pattern (aigateway.sh): submit answers `202` with a job record, `GET /v1/jobs/{id}`
 * follows it, `POST /v1/jobs/{id}/cancel` stops it. Polls closer than 3 s apart are answered `304`, so the adapter
 * declares a 3 s floor. Result URLs are signed for 24 h: `video.expiresAt` says when, and fetching the job record
 * again yields a freshly signed URL.
 */
export function aigateway(options: AigatewayOptions = {}): ProviderAdapter<AigatewayInput> {
  return defineAigateway(options);
}

const jobPath = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;

const defineAigateway = /* @__PURE__ */ defineProvider<AigatewayInput, GatewayJob, GatewayJob>({
  name: 'aigateway',
  baseUrl: DEFAULT_BASE_URL,
  capabilities: { cancel: true, webhooks: true },
  minPollIntervalMs: MIN_POLL_INTERVAL_MS,
  input: inputSchema as DefinedSchema<AigatewayInput>,
  validateInput(model, input, parse) {
    if (!model) {
      throw new VideoJobError({
        kind: 'invalid_input',
        provider: 'aigateway',
        field: 'model',
        message:
          'input for the gateway is invalid: model is empty; pass a catalog id such as "google/veo-3.1-fast", nothing was sent',
      });
    }
    return parse(input);
  },
  // The start frame goes in `image_url`; a local file is put on the app's storage by `uploadImage` / `uploadUrl`.
  image: { fields: { image: 'image_url' }, limits: AIGATEWAY_IMAGE_LIMITS },
  failedMessage: (reason) =>
    `the gateway failed the job: ${reason}; the gateway does not charge for failed jobs, submit again or pick another model`,
  submit: {
    url: (_model, input) => (input.media === 'music' ? '/v1/audio/music' : '/v1/videos/generations'),
    body: (model, { media: _media, ...fields }, { webhookUrl }) => ({
      ...fields,
      model,
      ...(webhookUrl ? { webhook_url: webhookUrl } : {}),
    }),
    response: jobSchema,
    toJob(job, { model, now, url }) {
      if (!job.id) {
        throw invalidResponse(
          'aigateway',
          undefined,
          'id',
          'the gateway accepted the job but its answer names no job id',
        );
      }
      const ref: JobRef = { provider: 'aigateway', id: job.id, model, createdAt: toEpochMs(job.created_at) ?? now };
      return {
        ...toStatus(job, ref, now),
        id: job.id,
        acceptedAt: job.created_at,
        urls: { status: url(jobPath(job.id)), cancel: url(`${jobPath(job.id)}/cancel`) },
      };
    },
  },
  status: {
    url: (ref) => jobPath(ref.id),
    response: jobSchema,
    toStatus: (job, ref, { now }) => toStatus(job, ref, now),
  },
  cancel: {
    url: (ref) => `${jobPath(ref.id)}/cancel`,
    // 409 (and 400 from some deployments) means the job is no longer cancellable: it ended first.
    allowStatus: [400, 409],
    response: z.unknown(),
    toOutcome(answer, httpStatus) {
      if (httpStatus === 400 || httpStatus === 409) return 'already_completed';
      const parsed = jobSchema.safeParse(answer);
      return cancelOutcomeOf(parsed.success ? STATUSES[parsed.data.status] : undefined);
    },
  },
});

function toStatus(job: GatewayJob, ref: JobRef, now: number): DefinedStatus {
  const status = lookupStatus(ref.provider, STATUSES, job.status, 'status', ref.id);
  const mapped: DefinedStatus = { status, createdAt: job.created_at, startedAt: job.started_at };
  const createdAt = toEpochMs(job.created_at) ?? ref.createdAt;
  const completedAt = toEpochMs(job.completed_at);
  if (status === 'completed' || status === 'failed' || status === 'cancelled') mapped.completedAt = job.completed_at;
  if (status === 'running' && typeof job.progress === 'number') {
    // Some gateway deployments report 0..100, others 0..1.
    mapped.progress = job.progress > 1 ? job.progress / 100 : job.progress;
  }
  if (status === 'completed') {
    const field = job.result?.file_url ? 'result.file_url' : 'result_url';
    const url = job.result?.file_url || job.result_url;
    if (!url) {
      throw new VideoJobError({
        kind: 'invalid_response',
        provider: ref.provider,
        jobId: ref.id,
        field: 'result.file_url',
        message:
          'the job completed but its record has no `result.file_url` (or `result_url`); fetch the job again, or report the raw answer',
      });
    }
    mapped.videoUrl = requirePlayableUrl(ref.provider, ref.id, field, url);
    mapped.video = toVideo(mapped.videoUrl, job, completedAt ?? createdAt, now);
  }
  if (status === 'failed') {
    const error = typeof job.error === 'string' ? { message: job.error } : job.error;
    const code = error && 'code' in error ? error.code : undefined;
    if (error?.message) mapped.error = error.message;
    if (code !== undefined && code !== null) mapped.errorCode = String(code);
  }
  return mapped;
}

function toVideo(url: string, job: GatewayJob, signedFrom: number | undefined, now: number): Omit<VideoResult, 'url'> {
  const video: Omit<VideoResult, 'url'> = { contentType: job.result?.content_type ?? 'video/mp4' };
  if (typeof job.result?.duration === 'number') video.durationSeconds = job.result.duration;
  if (typeof job.result?.width === 'number') video.width = job.result.width;
  if (typeof job.result?.height === 'number') video.height = job.result.height;
  // The signed query string says when it stops working; without one, assume 24 h from completion. A record
  // fetched after that window carries a freshly signed URL, so then the 24 h count from now.
  let expiresAt = signedUrlExpiry(url);
  if (expiresAt === undefined) {
    const fromCompletion = signedFrom === undefined ? undefined : signedFrom + SIGNED_URL_TTL_MS;
    expiresAt = fromCompletion !== undefined && fromCompletion > now ? fromCompletion : now + SIGNED_URL_TTL_MS;
  }
  video.expiresAt = expiresAt;
  return video;
}
