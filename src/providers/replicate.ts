import * as z from 'zod/mini';
import { createSnapshot, type JobRef, type JobSnapshot, type JobSnapshotInit } from '../core/jobSnapshot';
import type { JobStatus } from '../core/jobStatus';
import { UNCHANGED, type CancelOutcome, type ProviderAdapter, type ProviderContext } from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import {
  prepareReplicateImage,
  REPLICATE_IMAGE_LIMITS,
  withImages,
  type ReplicateFileEncoding,
  type ReplicateImageFields,
} from './replicateFiles';
import {
  cancelOutcomeOf,
  isAbsoluteHttpsUrl,
  joinUrl,
  lookupStatus,
  requirePlayableUrl,
  parseWith,
  sendRequest,
  toEpochMs,
  validateWith,
  type CommonProviderOptions,
} from './shared';
import { matches } from './zodChecks';

export type ReplicateWebhookEvent = 'start' | 'output' | 'logs' | 'completed';

export interface ReplicateOptions extends CommonProviderOptions {
  /** The API root. Defaults to `https://api.replicate.com/v1`. */
  baseUrl?: string;
  /**
   * Seconds (1..60) the create request may wait for the prediction to finish (`Prefer: wait=N`), so a fast job
   * completes in the submit answer with no poll. Keep it below the client's `requestTimeoutMs` (30 s by
   * default). Defaults to `undefined`: answer at once.
   */
  wait?: number;
  /**
   * A deadline after which Replicate cancels the prediction itself (`Cancel-After`): seconds, or a duration
   * such as `'90s'`, `'5m'`, `'1h30m'`. Defaults to `undefined` (no deadline).
   */
  cancelAfter?: number | string;
  /**
   * Which events call the job's webhook (`webhook_events_filter`). Defaults to `['start', 'completed']`:
   * `logs` and `output` events arrive up to every 500 ms, more than most apps want.
   */
  webhookEventsFilter?: readonly ReplicateWebhookEvent[];
  /**
   * How a `File` or `Blob` given as `image` / `endImage` reaches the model, as the official client's option of the
   * same name: `'default'` uploads it to Replicate's files API (`POST /v1/files`, up to 100 MiB, kept 24 h) and
   * inlines it as a `data:` URI (at most 10 MB per prediction) only when that upload gets no answer or a 5xx;
   * `'upload'` only uploads; `'data-uri'` only inlines. Defaults to `'default'`.
   */
  fileEncodingStrategy?: ReplicateFileEncoding;
  /**
   * The model's input fields for `image` and `endImage`: each model names them in its own schema (`image`,
   * `start_image`, `first_frame_image` / `last_frame_image`, `end_image`, `last_frame`...). An object for every model,
   * or a function of the model. Defaults to `{ image: 'image', endImage: 'last_frame_image' }` (google/veo-3, veo-3.1,
   * bytedance/seedance-2.0 start from `image`; seedance and minimax end on `last_frame_image`); a field left out of
   * what you give keeps its default.
   */
  imageFields?: ReplicateImageFields | ((model: string) => ReplicateImageFields);
}

/**
 * A model's input, as its schema on Replicate defines it (`prompt`, `image`, `start_image`, `duration`,
 * `aspect_ratio`, ...). The common fields are checked; the rest passes through unchanged.
 */
export interface ReplicateInput {
  prompt?: string;
  /** Seconds. */
  duration?: number;
  /** `W:H`, e.g. `16:9`. */
  aspect_ratio?: string;
  [field: string]: unknown;
}

const DEFAULT_BASE_URL = 'https://api.replicate.com/v1';
/** Replicate removes an API prediction's output files (and logs) an hour after it ends. */
const OUTPUT_TTL_MS = 3_600_000;
/** Input fields holding images the provider downloads (`image`, `start_image`, `last_frame`, `reference_images`, ...). */
const IMAGE_FIELD = /(^|_)(images?|frame)(_urls?)?$/i;

const inputSchema = z.looseObject({
  prompt: z.optional(z.string().check(z.minLength(1))),
  duration: z.optional(z.number().check(z.positive())),
  aspect_ratio: z.optional(z.string().check(matches(/^\d+:\d+$/, 'must look like "16:9"'))),
});

const text = z.optional(z.nullable(z.string()));

const predictionSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  status: z.string(),
  model: text,
  version: text,
  logs: text,
  output: z.optional(z.unknown()),
  error: z.optional(z.unknown()),
  data_removed: z.optional(z.nullable(z.boolean())),
  created_at: text,
  started_at: text,
  completed_at: text,
  urls: z.optional(z.nullable(z.looseObject({ get: text, cancel: text, stream: text, web: text }))),
  metrics: z.optional(z.nullable(z.looseObject({ predict_time: z.optional(z.nullable(z.number())) }))),
});

type Prediction = z.infer<typeof predictionSchema>;

/** A prediction as the adapter accepts it from Replicate (create, get, cancel answers and webhook bodies). */
export type ReplicatePredictionInput = z.input<typeof predictionSchema>;

/**
 * Replicate's error bodies are problem details: `{ title, detail, status }` (e.g. 401 `Unauthenticated`, 422
 * `Invalid version or not permitted`, https://github.com/replicate/replicate-python/issues/47), 422 input errors
 * adding `invalid_fields`.
 */
const problemSchema = z.looseObject({
  title: z.optional(z.unknown()),
  detail: z.optional(z.unknown()),
  invalid_fields: z.optional(z.unknown()),
});

/** Create answers whose problem details say more than the status: bad input, unknown model, refused version. */
const PROBLEM_STATUSES = [400, 404, 422] as const;

/** `aborted`: a `Cancel-After` deadline passed before the prediction started (not billed). */
const STATUSES: Record<string, JobStatus> = {
  starting: 'queued',
  processing: 'running',
  succeeded: 'completed',
  failed: 'failed',
  canceled: 'cancelled',
  aborted: 'cancelled',
};

/**
 * Replicate predictions: `POST /models/{owner}/{name}/predictions` (official models, `model: 'owner/name'`),
 * `POST /predictions` with `version` (`'owner/name:<64 hex>'` or the bare version id), or
 * `POST /deployments/{owner}/{name}/predictions` (`model: 'deployments/owner/name'`); `GET /predictions/{id}`
 * follows it, `POST /predictions/{id}/cancel` stops it. Progress comes from the tqdm bar in `logs`.
 */
export function replicate(options: ReplicateOptions = {}): ProviderAdapter<ReplicateInput> {
  const name = 'replicate';
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
  const headers = createHeaders(name, options);
  const events = options.webhookEventsFilter ?? ['start', 'completed'];
  const strategy = options.fileEncodingStrategy ?? 'default';
  if (!['default', 'upload', 'data-uri'].includes(strategy)) {
    throw new VideoJobError({
      kind: 'invalid_input',
      provider: name,
      field: 'fileEncodingStrategy',
      message: `fileEncodingStrategy must be 'default', 'upload' or 'data-uri' (got ${JSON.stringify(strategy)}); fix the replicate() options`,
    });
  }

  return {
    name,
    capabilities: { cancel: true, progress: true, queuePosition: false, webhooks: true, streaming: false },
    image: {
      fields: ['image', 'endImage'],
      limits: REPLICATE_IMAGE_LIMITS,
      prepare: (ctx, image, request) => prepareReplicateImage(ctx, options, image, { ...request, baseUrl, strategy }),
    },

    validateInput(model: string, input: unknown): ReplicateInput {
      createEndpoint(name, model);
      const parsed = validateWith(name, model, inputSchema, input) as ReplicateInput;
      for (const [field, value] of Object.entries(parsed)) {
        if (!IMAGE_FIELD.test(field)) continue;
        const values = Array.isArray(value) ? value : [value];
        values.forEach((item, index) => {
          if (typeof item === 'string' && !isAbsoluteHttpsUrl(item)) {
            throw new VideoJobError({
              kind: 'invalid_input',
              provider: name,
              field: Array.isArray(value) ? `${field}[${index}]` : field,
              message: `input for ${model} is invalid: ${field} must be an absolute https: URL Replicate can download (got ${JSON.stringify(String(item).slice(0, 60))}); upload the image first, nothing was sent`,
            });
          }
        });
      }
      return parsed;
    },

    async submit(ctx, request): Promise<JobSnapshot> {
      const endpoint = createEndpoint(name, request.model);
      const input = withImages(request.model, request.input, request.images, options.imageFields);
      const body: Record<string, unknown> = { input };
      if (endpoint.version) body.version = endpoint.version;
      if (request.webhookUrl) {
        body.webhook = request.webhookUrl;
        body.webhook_events_filter = [...events];
      }
      const response = await sendRequest(ctx, options, {
        method: 'POST',
        url: joinUrl(baseUrl, endpoint.path),
        headers,
        body,
        signal: request.signal,
        allowStatus: PROBLEM_STATUSES,
      });
      if (response.status >= 400) throw problemError(name, request.model, response.status, response.data);
      const prediction = parseWith(predictionSchema, response.data, { provider: name, what: 'submit' });
      const ref: JobRef = {
        provider: name,
        id: prediction.id,
        model: request.model,
        createdAt: toEpochMs(prediction.created_at) ?? ctx.now(),
        urls: urlsOf(prediction),
      };
      return toSnapshot(ref, prediction, ctx.now());
    },

    async getStatus(ctx: ProviderContext, ref: JobRef, request) {
      // Built from `baseUrl`, not `urls.get`, so a key is never sent to a host the answer named.
      const response = await sendRequest(ctx, options, {
        method: 'GET',
        url: joinUrl(baseUrl, `/predictions/${encodeURIComponent(ref.id)}`),
        jobId: ref.id,
        signal: request.signal,
      });
      if (response.notModified) return UNCHANGED;
      return toSnapshot(
        ref,
        parseWith(predictionSchema, response.data, { provider: name, jobId: ref.id, what: 'status' }),
        ctx.now(),
      );
    },

    async cancel(ctx, ref, request): Promise<CancelOutcome> {
      const response = await sendRequest(ctx, options, {
        method: 'POST',
        url: joinUrl(baseUrl, `/predictions/${encodeURIComponent(ref.id)}/cancel`),
        jobId: ref.id,
        // Cancelling twice is harmless, so a lost answer may be retried.
        idempotent: true,
        signal: request.signal,
      });
      if (response.data === undefined || response.data === null) return 'requested';
      const prediction = parseWith(predictionSchema, response.data, { provider: name, jobId: ref.id, what: 'cancel' });
      return cancelOutcomeOf(lookupStatus(name, STATUSES, prediction.status, 'status', ref.id));
    },
  };
}

function createHeaders(name: string, options: ReplicateOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.wait !== undefined) {
    if (!Number.isInteger(options.wait) || options.wait < 1 || options.wait > 60) {
      throw new VideoJobError({
        kind: 'invalid_input',
        provider: name,
        field: 'wait',
        message: `wait must be a whole number of seconds from 1 to 60 (got ${String(options.wait)}); fix the replicate() options`,
      });
    }
    headers.prefer = `wait=${options.wait}`;
  }
  if (options.cancelAfter !== undefined) {
    const value = options.cancelAfter;
    const valid =
      typeof value === 'number' ? Number.isFinite(value) && value > 0 : /^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value.trim());
    if (!valid) {
      throw new VideoJobError({
        kind: 'invalid_input',
        provider: name,
        field: 'cancelAfter',
        message: `cancelAfter must be a positive number of seconds or a duration like "90s", "5m", "1h30m" (got ${JSON.stringify(value)}); fix the replicate() options`,
      });
    }
    headers['cancel-after'] = typeof value === 'number' ? `${Math.ceil(value)}s` : value.trim();
  }
  return headers;
}

/** Which create endpoint a model string names, or `invalid_input` naming `model`. */
function createEndpoint(name: string, model: string): { path: string; version?: string } {
  const deployment = /^deployments\/([\w.-]+)\/([\w.-]+)$/.exec(model);
  if (deployment) return { path: `/deployments/${deployment[1]}/${deployment[2]}/predictions` };
  if (/^([\w.-]+\/[\w.-]+:)?[0-9a-f]{64}$/.test(model)) return { path: '/predictions', version: model };
  const official = /^([\w.-]+)\/([\w.-]+)$/.exec(model);
  if (official) return { path: `/models/${official[1]}/${official[2]}/predictions` };
  throw new VideoJobError({
    kind: 'invalid_input',
    provider: name,
    field: 'model',
    message: `model ${JSON.stringify(model)} is not a Replicate model: use "owner/name", "owner/name:<version id>" or "deployments/owner/name"; nothing was sent`,
  });
}

/** The typed error for a refused create, with Replicate's `title` and `detail` and what to check. */
function problemError(provider: string, model: string, status: number, data: unknown): VideoJobError {
  const parsed = problemSchema.safeParse(data);
  const problem = parsed.success ? parsed.data : {};
  const said = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 300) : '');
  const title = said(problem.title);
  const detail = said(problem.detail);
  const fields = Array.isArray(problem.invalid_fields) ? (problem.invalid_fields as unknown[]) : [];
  const first = fields.find((item): item is { field: string } => {
    return typeof item === 'object' && item !== null && typeof (item as { field?: unknown }).field === 'string';
  });
  const fix =
    status === 404
      ? 'check the model name ("owner/name", "owner/name:<version id>" or "deployments/owner/name")'
      : status === 422
        ? `check the model or version ${JSON.stringify(model)}, that the token may run it, and the input against the model's schema`
        : "check the input against the model's schema";
  return new VideoJobError({
    kind: 'http',
    provider,
    status,
    ...(first ? { field: first.field } : {}),
    message: `Replicate refused the prediction (${status}${title ? ` ${title}` : ''})${detail ? `: "${detail}"` : ''}; ${fix}, nothing was started`,
  });
}

function urlsOf(prediction: Prediction): JobRef['urls'] {
  const urls: NonNullable<JobRef['urls']> = {};
  if (prediction.urls?.get) urls.status = prediction.urls.get;
  if (prediction.urls?.cancel) urls.cancel = prediction.urls.cancel;
  return urls;
}

function toSnapshot(ref: JobRef, prediction: Prediction, now: number): JobSnapshot {
  const status = lookupStatus(ref.provider, STATUSES, prediction.status, 'status', ref.id);
  const logs = prediction.logs ? prediction.logs.split('\n').filter((line) => line.trim() !== '') : [];
  const init: JobSnapshotInit = { ref, status, logs: logs.slice(-200), raw: prediction };
  const createdAt = toEpochMs(prediction.created_at);
  if (createdAt !== undefined) init.createdAt = createdAt;
  const startedAt = toEpochMs(prediction.started_at);
  if (startedAt !== undefined) init.startedAt = startedAt;
  const completedAt = toEpochMs(prediction.completed_at);
  if (completedAt !== undefined && status !== 'queued' && status !== 'running') init.completedAt = completedAt;

  if (status === 'running') {
    const progress = progressFromLogs(prediction.logs);
    if (progress !== undefined) init.progress = progress;
  } else if (status === 'completed') {
    const output = videoUrlOf(prediction.output);
    if (!output) {
      if (prediction.data_removed) {
        throw new VideoJobError({
          kind: 'not_found',
          provider: ref.provider,
          jobId: ref.id,
          message:
            'the prediction succeeded but Replicate has removed its output (API outputs are kept for an hour); keep a copy of the video when the job completes',
        });
      }
      throw new VideoJobError({
        kind: 'invalid_response',
        provider: ref.provider,
        jobId: ref.id,
        field: 'output',
        message:
          'the prediction succeeded but its output holds no file URL (`output`); is this a video model? Report it with the raw answer',
      });
    }
    init.progress = 1;
    init.video = { url: requirePlayableUrl(ref.provider, ref.id, output.field, output.url) };
    if (completedAt !== undefined) init.video.expiresAt = completedAt + OUTPUT_TTL_MS;
  } else if (status === 'failed') {
    init.error = new VideoJobError({
      kind: 'provider_failed',
      provider: ref.provider,
      jobId: ref.id,
      message: `the prediction failed: ${errorText(prediction.error)}; check the input against the model's schema and submit again`,
    });
  } else if (status === 'cancelled') {
    init.cancellation =
      prediction.status === 'aborted'
        ? { remote: 'cancelled', message: 'the Cancel-After deadline passed before the prediction started' }
        : { remote: 'cancelled' };
  }
  return createSnapshot(init, now);
}

/** The last tqdm percentage in the logs (` 42%|████▏     | 21/50 [...]`), as 0..1. */
export function progressFromLogs(logs: string | null | undefined): number | undefined {
  if (!logs) return undefined;
  let last: number | undefined;
  for (const match of logs.matchAll(/(\d{1,3})%\|/g)) last = Number(match[1]);
  return last === undefined ? undefined : Math.min(1, last / 100);
}

/**
 * A video model's output: a URL, a list of URLs (the first is the video), or an object holding one. No thumbnail is
 * read: a prediction's `output` is whatever the model returns, and Replicate documents no still or preview field
 * (https://github.com/replicate/replicate-javascript/blob/main/index.d.ts, `Prediction`), so a second URL could be
 * anything.
 */
function videoUrlOf(output: unknown): { url: string; field: string } | undefined {
  if (typeof output === 'string' && output !== '') return { url: output, field: 'output' };
  if (Array.isArray(output)) {
    const index = output.findIndex((item) => typeof item === 'string' && item !== '');
    return index < 0 ? undefined : { url: output[index] as string, field: `output[${index}]` };
  }
  if (typeof output === 'object' && output !== null) {
    for (const [key, value] of Object.entries(output)) {
      if (typeof value === 'string' && /^[a-z]+:\/\//i.test(value)) return { url: value, field: `output.${key}` };
    }
  }
  return undefined;
}

function errorText(error: unknown): string {
  if (typeof error === 'string' && error !== '') return error;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return 'no reason given';
}
