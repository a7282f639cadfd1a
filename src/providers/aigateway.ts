import * as z from 'zod/mini';
import {
  createSnapshot,
  type JobRef,
  type JobSnapshot,
  type JobSnapshotInit,
  type VideoResult,
} from '../core/jobSnapshot';
import type { JobStatus } from '../core/jobStatus';
import { UNCHANGED, type CancelOutcome, type ProviderAdapter } from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import {
  cancelOutcomeOf,
  httpsUrlSchema,
  invalidResponse,
  joinUrl,
  lookupStatus,
  matches,
  parseWith,
  requirePlayableUrl,
  sendRequest,
  signedUrlExpiry,
  toEpochMs,
  validateWith,
  type CommonProviderOptions,
} from './shared';

/** `apiKey` is the `sk-aig-...` key, sent as a bearer token. */
export interface AigatewayOptions extends CommonProviderOptions {
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
  /** Start frame for image-to-video models: an absolute `https:` URL. */
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
  const name = 'aigateway';
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;

  return {
    name,
    capabilities: { cancel: true, progress: false, queuePosition: false, webhooks: true, streaming: false },
    minPollIntervalMs: MIN_POLL_INTERVAL_MS,

    validateInput(model: string, input: unknown): AigatewayInput {
      if (!model) {
        throw new VideoJobError({
          kind: 'invalid_input',
          provider: name,
          field: 'model',
          message:
            'input for the gateway is invalid: model is empty; pass a catalog id such as "google/veo-3.1-fast", nothing was sent',
        });
      }
      return validateWith(name, model, inputSchema, input) as AigatewayInput;
    },

    async submit(ctx, request): Promise<JobSnapshot> {
      const { media, ...fields } = request.input;
      const path = media === 'music' ? '/v1/audio/music' : '/v1/videos/generations';
      const body: Record<string, unknown> = { ...fields, model: request.model };
      if (request.webhookUrl) body.webhook_url = request.webhookUrl;
      const response = await sendRequest(ctx, options, {
        method: 'POST',
        url: joinUrl(baseUrl, path),
        body,
        signal: request.signal,
      });
      const job = parseWith(jobSchema, response.data, { provider: name, what: 'submit' });
      if (!job.id) {
        throw invalidResponse(name, undefined, 'id', 'the gateway accepted the job but its answer names no job id');
      }
      const ref: JobRef = {
        provider: name,
        id: job.id,
        model: request.model,
        createdAt: toEpochMs(job.created_at) ?? ctx.now(),
        urls: {
          status: joinUrl(baseUrl, `/v1/jobs/${encodeURIComponent(job.id)}`),
          cancel: joinUrl(baseUrl, `/v1/jobs/${encodeURIComponent(job.id)}/cancel`),
        },
      };
      return toSnapshot(ref, job, ctx.now());
    },

    async getStatus(ctx, ref, request) {
      const response = await sendRequest(ctx, options, {
        method: 'GET',
        url: joinUrl(baseUrl, `/v1/jobs/${encodeURIComponent(ref.id)}`),
        jobId: ref.id,
        signal: request.signal,
      });
      if (response.notModified) return UNCHANGED;
      return toSnapshot(
        ref,
        parseWith(jobSchema, response.data, { provider: ref.provider, jobId: ref.id, what: 'status' }),
        ctx.now(),
      );
    },

    async cancel(ctx, ref, request): Promise<CancelOutcome> {
      // 409 (and 400 from some deployments) means the job is no longer cancellable: it ended first.
      const response = await sendRequest(ctx, options, {
        method: 'POST',
        url: joinUrl(baseUrl, `/v1/jobs/${encodeURIComponent(ref.id)}/cancel`),
        jobId: ref.id,
        signal: request.signal,
        allowStatus: [400, 409],
      });
      if (response.status === 400 || response.status === 409) return 'already_completed';
      const parsed = jobSchema.safeParse(response.data);
      return cancelOutcomeOf(parsed.success ? STATUSES[parsed.data.status] : undefined);
    },
  };
}

function toSnapshot(ref: JobRef, job: GatewayJob, now: number): JobSnapshot {
  const status = lookupStatus(ref.provider, STATUSES, job.status, 'status', ref.id);
  const init: JobSnapshotInit = { ref, status, raw: job };
  const createdAt = toEpochMs(job.created_at) ?? ref.createdAt;
  if (createdAt !== undefined) init.createdAt = createdAt;
  const startedAt = toEpochMs(job.started_at);
  if (startedAt !== undefined) init.startedAt = startedAt;
  const completedAt = toEpochMs(job.completed_at);
  if (completedAt !== undefined && (status === 'completed' || status === 'failed' || status === 'cancelled')) {
    init.completedAt = completedAt;
  }
  if (status === 'running' && typeof job.progress === 'number') {
    // Some gateway deployments report 0..100, others 0..1.
    init.progress = Math.min(1, Math.max(0, job.progress > 1 ? job.progress / 100 : job.progress));
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
    init.video = toVideo(requirePlayableUrl(ref.provider, ref.id, field, url), job, completedAt ?? createdAt, now);
    init.progress = 1;
  }
  if (status === 'failed') {
    const error = typeof job.error === 'string' ? { message: job.error } : job.error;
    const code = error && 'code' in error ? error.code : undefined;
    init.error = new VideoJobError({
      kind: 'provider_failed',
      provider: ref.provider,
      jobId: ref.id,
      message: `the gateway failed the job: ${error?.message || 'no reason given'}; the gateway does not charge for failed jobs, submit again or pick another model`,
      ...(code !== undefined && code !== null ? { code: String(code) } : {}),
    });
  }
  return createSnapshot(init, now);
}

function toVideo(url: string, job: GatewayJob, signedFrom: number | undefined, now: number): VideoResult {
  const video: VideoResult = { url, contentType: job.result?.content_type ?? 'video/mp4' };
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
