import * as z from 'zod/mini';
import { createSnapshot, type JobRef, type JobSnapshot, type JobSnapshotInit } from '../core/jobSnapshot';
import type { JobStatus } from '../core/jobStatus';
import { UNCHANGED, type CancelOutcome, type ProviderAdapter, type ProviderContext } from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import {
  anyObject,
  httpsUrlSchema,
  invalidResponse,
  joinUrl,
  lookupStatus,
  parseProviderInput,
  parseProviderResponse,
  requirePlayableUrl,
  sendRequest,
  toEpochMs,
  type CommonProviderOptions,
} from './shared';

export interface VisgateOptions extends CommonProviderOptions {
  /**
   * The API root. Defaults to `https://visgateai.com/api/v1`. Behind the seed's catch-all proxy route
   * (`app/api/visgate/[...path]/route.ts` exporting `@visgate_ai/server-proxy/next`), pass that route instead:
   * `baseUrl: '/api/visgate'`.
   */
  baseUrl?: string;
}

/**
 * The body of `POST /videos/generate`, minus `model` (the job's model) and `webhook_url` (the job's webhook). A type
 * alias rather than an interface, so it stays assignable to the client's `Record<string, unknown>` inputs.
 */
export type VisgateInput = {
  prompt: string;
  /** Image-to-video: the image to animate, an absolute `https:` URL. */
  image_url?: string;
  /** Seconds, 1..60. Defaults to visgate's `5`. */
  duration_seconds?: number;
  /** Sent to the model as `params.aspect_ratio`. */
  aspect_ratio?: '16:9' | '9:16' | '1:1' | '4:3' | '3:4' | '21:9';
  /** Model-specific parameters, passed through as they are. */
  params?: Record<string, unknown>;
  /** Your own id for the job, echoed back in the webhook call next to the result. */
  callback_id?: string;
  /** Return the provider's own URL instead of copying the file to visgate's storage first (faster). */
  skip_gcs_upload?: boolean;
};

const DEFAULT_BASE_URL = 'https://visgateai.com/api/v1';

const inputSchema = z.strictObject({
  prompt: z.string().check(z.minLength(1)),
  image_url: z.optional(httpsUrlSchema),
  duration_seconds: z.optional(z.number().check(z.gte(1), z.lte(60))),
  aspect_ratio: z.optional(z.literal(['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'])),
  params: z.optional(anyObject()),
  callback_id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  skip_gcs_upload: z.optional(z.boolean()),
});

const text = z.optional(z.nullable(z.string()));
const time = z.optional(z.nullable(z.union([z.string(), z.number()])));

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
  error: z.optional(z.nullable(z.union([z.string(), z.looseObject({ message: text, code: text })]))),
  created_at: time,
  createdAt: time,
  completed_at: time,
  completedAt: time,
});

type VisgateRecord = z.infer<typeof recordSchema>;

/** `accepted` is what visgate's API reference names the first state; the SDKs and the seed say `pending`. */
const STATUSES: Record<string, JobStatus> = {
  accepted: 'queued',
  pending: 'queued',
  processing: 'running',
  completed: 'completed',
  failed: 'failed',
};

/**
 * visgate (`https://visgateai.com/api/v1`): `POST /videos/generate` with `Prefer: respond-async` (the SDKs'
 * `preferAsync`) answers `202 { request_id, status: "pending" }`; `GET /requests/{id}` follows it. No progress,
 * no queue position, no cancel (cancel stops following and reports `unsupported`); `webhook_url` +
 * `callback_id` get the result pushed.
 */
export function visgate(options: VisgateOptions = {}): ProviderAdapter<VisgateInput> {
  const name = 'visgate';
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;

  return {
    name,
    capabilities: { cancel: false, progress: false, queuePosition: false, webhooks: true, streaming: false },

    validateInput(model: string, input: unknown): VisgateInput {
      if (typeof input === 'object' && input !== null) {
        const unknown = Object.keys(input).find((key) => !(key in inputSchema.def.shape));
        if (unknown !== undefined) {
          throw new VideoJobError({
            kind: 'invalid_input',
            provider: name,
            field: unknown,
            message: `input for ${model} is invalid: ${unknown} is not a visgate field (${Object.keys(inputSchema.def.shape).join(', ')}); put model-specific parameters in \`params\`, nothing was sent`,
          });
        }
      }
      return parseProviderInput(name, inputSchema, input, model);
    },

    async submit(ctx, request): Promise<JobSnapshot> {
      const { aspect_ratio, params, ...rest } = request.input;
      const body: Record<string, unknown> = { model: request.model, ...rest };
      const merged = aspect_ratio === undefined ? params : { ...params, aspect_ratio };
      if (merged !== undefined) body.params = merged;
      if (request.webhookUrl) body.webhook_url = request.webhookUrl;
      // Without `Prefer: respond-async` visgate holds the request until the video exists, which proxies cut at 30-60 s.
      const response = await sendRequest(ctx, options, {
        method: 'POST',
        url: joinUrl(baseUrl, '/videos/generate'),
        headers: { prefer: 'respond-async' },
        body,
        signal: request.signal,
      });
      const record = parseProviderResponse(name, recordSchema, response.data, undefined, 'submit');
      const id = record.request_id ?? record.requestId ?? record.id;
      if (!id) throw invalidResponse(name, undefined, 'request_id', 'the submit answer has no request id');
      const meta: Record<string, string> = {};
      if (request.input.callback_id) meta.callbackId = request.input.callback_id;
      const ref: JobRef = { provider: name, id, model: request.model, createdAt: ctx.now(), meta };
      // A cache hit (or a server that ignored `Prefer`) answers the finished result straight away.
      const finished = record.video_url ?? record.videoUrl ?? record.output_url ?? record.outputUrl;
      return toSnapshot(ref, { ...record, status: record.status ?? (finished ? 'completed' : 'pending') }, ctx.now());
    },

    async getStatus(ctx: ProviderContext, ref: JobRef, request) {
      const response = await sendRequest(ctx, options, {
        method: 'GET',
        url: joinUrl(baseUrl, `/requests/${encodeURIComponent(ref.id)}`),
        jobId: ref.id,
        signal: request.signal,
      });
      if (response.notModified) return UNCHANGED;
      return toSnapshot(ref, parseProviderResponse(name, recordSchema, response.data, ref.id, 'status'), ctx.now());
    },

    async cancel(): Promise<CancelOutcome> {
      // visgate has no endpoint that stops a request: say so rather than pretend it was cancelled.
      return 'unsupported';
    },
  };
}

function toSnapshot(ref: JobRef, record: VisgateRecord, now: number): JobSnapshot {
  const status = lookupStatus(ref.provider, STATUSES, record.status, 'status', ref.id);
  const init: JobSnapshotInit = { ref, status, raw: record };
  const createdAt = toEpochMs(record.created_at ?? record.createdAt);
  if (createdAt !== undefined) init.createdAt = createdAt;
  const completedAt = toEpochMs(record.completed_at ?? record.completedAt);
  if (status === 'completed') {
    const field =
      record.output_url !== undefined ? 'output_url' : record.outputUrl !== undefined ? 'outputUrl' : 'video_url';
    const url = record.output_url ?? record.outputUrl ?? record.video_url ?? record.videoUrl;
    if (!url) throw invalidResponse(ref.provider, ref.id, 'output_url', 'the request completed but has no output URL');
    init.video = { url: requirePlayableUrl(ref.provider, ref.id, field, url) };
    init.progress = 1;
    if (completedAt !== undefined) init.completedAt = completedAt;
  } else if (status === 'failed') {
    const reason =
      record.error_message ??
      record.errorMessage ??
      (typeof record.error === 'string' ? record.error : record.error?.message) ??
      'no reason given';
    init.error = new VideoJobError({
      kind: 'provider_failed',
      provider: ref.provider,
      jobId: ref.id,
      message: `visgate failed the request: ${reason}; change the input or the model and submit again`,
    });
    if (completedAt !== undefined) init.completedAt = completedAt;
  }
  return createSnapshot(init, now);
}
