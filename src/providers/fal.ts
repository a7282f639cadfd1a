import type { ImageField, ImageLimits, PreparedImage, ProviderImageSupport } from '../core/imageInput';
import { createSnapshot } from '../core/jobSnapshot';
import type { JobRef, JobSnapshot, VideoResult } from '../core/jobSnapshot';
import { UNCHANGED } from '../core/provider';
import type { CancelOutcome, ProviderAdapter, ProviderContext, StatusRequest, SubmitRequest } from '../core/provider';
import { isDownloadableUrl } from '../core/downloadableUrl';
import { lazyModule } from '../core/lazyModule';
import { VideoJobError } from '../core/videoJobError';
import type { FalStatus } from './falStatus';
import { FAL_IMAGE_LIMITS, FAL_MULTIPART_THRESHOLD, FAL_REST_URL, falImageFields, falInitiateUrl } from './falStorage';
import type { FalImageFieldsOption } from './falStorage';
import {
  buildRequest,
  isOnOrigins,
  joinUrl,
  parseWith,
  requireOwnOrigin,
  requirePlayableUrl,
  sendRequest,
  unknownStatus,
  validateWith,
  withQuery,
} from './shared';
import type { ApiRequest, CommonProviderOptions, EndpointOptions } from './shared';

// fal's queue API (https://docs.fal.ai/model-endpoints/queue). Quirks worth knowing:
// - Submit goes to the full model id, sub-path included (`fal-ai/kling-video/v2/master/text-to-video`), but
//   status, result and cancel live under the app id alone (`fal-ai/kling-video/requests/<id>`): we use the
//   URLs the submit answer hands back and only rebuild them (app id = first two segments) when it has none.
// - The status enum is closed: IN_QUEUE, IN_PROGRESS, COMPLETED (202 while queued or running, 200 once it ended:
//   https://fal.ai/docs/api-reference/inference-api). COMPLETED says the request ended, not how: a failed or
//   cancelled request is COMPLETED too, and its result fetch answers the failure. Some third-party schemas list
//   FAILED and CANCELED, or put `error` / `error_type` on the status; we accept them.
// - How a failure on the result fetch is told from a gateway hiccup (the rule, from fal's docs):
//   * request errors (https://fal.ai/docs/documentation/model-apis/request-errors) are `{ detail, error_type }`
//     with the same value in `X-Fal-Error-Type`, typically 499/500/502/503/504; fal's queue has already retried
//     the request (https://fal.ai/docs/documentation/serverless/reliability/retries), so one on the result fetch
//     is the job's end: `client_cancelled` (499) -> cancelled, any other -> failed with fal's reason;
//   * model errors (https://fal.ai/docs/documentation/model-apis/errors) are `{ detail: [{ loc, msg, type }] }`
//     (422 and others) -> failed; any other 4xx after COMPLETED -> failed (fal never retries a 4xx);
//   * a 5xx with neither `error_type`/`X-Fal-Error-Type` nor a `detail[]` (a load balancer's 502, an HTML page)
//     is not a documented failure: it is thrown retryable and the job is asked again, never given up;
//   * the status endpoint's own 5xx are always transient (the transport retries them; the job is kept).
// - `?logs=1` returns every log line so far on each poll; the status stream sends only the new ones per event.
// - Cancel is PUT: 202 `CANCELLATION_REQUESTED` (a running job may still finish), 400 `ALREADY_COMPLETED`.
// - Browsers go through a proxy that reads the real URL from `x-fal-target-url`, as fal's own client and
//   `@fal-ai/server-proxy` do, so this adapter works with an existing fal proxy route.
// - Input images (`image`, `endImage`) are uploaded to fal's CDN the way @fal-ai/client does (falUpload.ts) and
//   their URLs go in the model's own fields (`image_url`, `start_image_url`, `tail_image_url`...).

export interface FalOptions extends CommonProviderOptions {
  /** The queue origin. Defaults to `https://queue.fal.run`. */
  baseUrl?: string;
  /** Server side only: the fal key, sent as `Authorization: Key <key>`. Never set it in browser code. */
  apiKey?: string;
  /** Browser: the app's fal proxy route; the real URL goes in `x-fal-target-url`. */
  proxyUrl?: string;
  /** Ask for the runner's log lines (`?logs=1`). Defaults to `true`. */
  logs?: boolean;
  /** Offer `streamStatus` over `/status/stream` (turn off behind proxies that buffer responses). Defaults to `true`. */
  streaming?: boolean;
  /**
   * The `fetch` the status stream reads with: the stream bypasses the client's transport, which reads whole
   * bodies. Defaults to the client's own `fetch` when the context offers it, else `globalThis.fetch`.
   */
  fetch?: typeof fetch;
  /**
   * fal's REST API root, where input images are uploaded (`/storage/upload/initiate`). Defaults to
   * `https://rest.fal.ai` (as @fal-ai/client), or to `baseUrl` when that is not fal's queue: a simulator
   * (`sim.baseUrl('fal')`) or a gateway serves both under one root.
   */
  storageUrl?: string;
  /**
   * Where `image` and `endImage` go in the model's input, for every model or per model (return `undefined` to keep
   * the built-in names). Defaults to the names @fal-ai/client types for the model (`start_image_url` for Kling 3,
   * `tail_image_url` for Kling 2.5 Turbo Pro, `first_frame_url` / `last_frame_url` for Veo 3.1 first-last-frame),
   * else `image_url` and `end_image_url`.
   */
  imageFields?: FalImageFieldsOption;
  /**
   * The input image limits checked before the upload. Defaults to Kling O1's on fal (JPEG, PNG or WebP,
   * 10 MB, at least 300x300 px, width / height 0.4 to 2.5); give your model's own from its fal page.
   */
  imageLimits?: ImageLimits;
}

/** fal inputs are model-specific; only fields every video model shares are checked here. */
export type FalInput = Record<string, unknown>;

export const FAL_QUEUE_URL = 'https://queue.fal.run';
export const FAL_TARGET_URL_HEADER = 'x-fal-target-url';

/** Input fields fal downloads itself: they must be absolute https: URLs (or pass the file as `image`). */
const IMAGE_FIELDS = [
  'image_url',
  'start_image_url',
  'end_image_url',
  'tail_image_url',
  'first_frame_url',
  'last_frame_url',
];

/** What the result fetch may answer for a request that ended badly (request errors, model errors, 4xx). */
const RESULT_FAILURE_STATUS = [400, 409, 410, 413, 415, 422, 499, 500, 502, 503, 504];

/**
 * Code that loads on first use: the schemas (zod/mini) with the first request, the upload with the first image, the
 * stream reader with the first stream. Each is kept once loaded, so later uses wait on nothing.
 */
const schemas = lazyModule(() => import('./falWire'));
const uploadCode = lazyModule(() => import('./falUpload'));
const streamCode = lazyModule(() => import('./falStream'));
type Wire = typeof import('./falWire');

/** The schemas; a load that fails is a retryable `network` error, and the next request loads them again. */
function loadWire(): Promise<Wire> {
  return schemas.load().catch((error: unknown) => {
    throw new VideoJobError({
      kind: 'network',
      retryable: true,
      provider: 'fal',
      message: `the fal adapter's schemas (a chunk of this app) could not be loaded (${error instanceof Error ? error.message : String(error)}); check the connection, the next request loads them again`,
      cause: error,
    });
  });
}

export type { FalSubmitAnswer, FalVideoResult } from './falWire';
type ErrorBody = import('./falWire').FalErrorBody;

/** The fal queue adapter. */
export function fal(options: FalOptions = {}): ProviderAdapter<FalInput> {
  const name = 'fal';
  const baseUrl = options.baseUrl ?? FAL_QUEUE_URL;
  const logs = options.logs ?? true;
  const streaming = options.streaming ?? true;
  const storageUrl = options.storageUrl ?? (new URL(baseUrl).origin === FAL_QUEUE_URL ? FAL_REST_URL : baseUrl);
  const imageLimits = options.imageLimits ?? FAL_IMAGE_LIMITS;
  if (imageLimits.maxBytes > FAL_MULTIPART_THRESHOLD) {
    throw new TypeError(
      `[react-video-jobs] fal imageLimits.maxBytes is ${imageLimits.maxBytes}: files above 90 MiB need fal's multipart upload, which this adapter does not do; lower the limit`,
    );
  }

  const endpoint: EndpointOptions = {
    auth: (key) => ['authorization', `Key ${key}`],
    targetHeader: FAL_TARGET_URL_HEADER,
  };
  const target = (url: string) => buildRequest(options, url, endpoint);
  const send = (ctx: ProviderContext, init: ApiRequest) => sendRequest(ctx, options, init, endpoint);

  // The key (or the proxy's) is only ever sent to the queue's own host: URLs from answers or refs elsewhere are not
  // followed.
  const origins = [new URL(baseUrl).origin];

  /**
   * The request URLs of a job, rebuilt from the app id when the submit answer had none. A ref URL on another host
   * is refused (`invalid_input`) before anything is sent.
   */
  function urls(ref: JobRef) {
    const own = (field: keyof NonNullable<JobRef['urls']>) => {
      const url = ref.urls?.[field];
      return url === undefined ? undefined : requireOwnOrigin(name, ref.id, `ref.urls.${field}`, url, origins);
    };
    const appId = ref.model.split('/').filter(Boolean).slice(0, 2).join('/');
    const root = own('result') ?? joinUrl(baseUrl, `${appId}/requests/${encodeURIComponent(ref.id)}`);
    const status = own('status') ?? `${root}/status`;
    return {
      result: root,
      status,
      cancel: own('cancel') ?? `${root}/cancel`,
      stream: own('stream') ?? `${status}/stream`,
    };
  }

  /** Turns one status body (polled or streamed) into a snapshot, fetching the result when it is COMPLETED. */
  async function toSnapshot(
    ctx: ProviderContext,
    ref: JobRef,
    body: FalStatus,
    lines: readonly string[],
    request: StatusRequest,
  ): Promise<JobSnapshot> {
    const now = ctx.now();
    const base = { ref, logs: lines, raw: body };
    switch (body.status) {
      case 'IN_QUEUE':
        return createSnapshot(
          { ...base, status: 'queued', ...(body.queue_position != null ? { queuePosition: body.queue_position } : {}) },
          now,
        );
      case 'IN_PROGRESS':
        return createSnapshot({ ...base, status: 'running', startedAt: request.previous?.startedAt ?? now }, now);
      case 'CANCELED':
      case 'CANCELLED':
        return cancelled(base, now);
      case 'FAILED':
        return failed(ref, base, body.error ?? 'the run failed', body.error_type ?? undefined, now);
      case 'COMPLETED':
        if (body.error_type === 'client_cancelled') return cancelled(base, now);
        // A status that already names the failure still has the result fetched: that answer carries fal's reason.
        return fetchResult(
          ctx,
          ref,
          base,
          request,
          now,
          body.error ? { error: body.error, errorType: body.error_type ?? undefined } : undefined,
        );
      default:
        return unknownStatus(name, ref.id, 'status', body.status);
    }
  }

  async function fetchResult(
    ctx: ProviderContext,
    ref: JobRef,
    base: { ref: JobRef; logs: readonly string[]; raw: unknown },
    request: StatusRequest,
    now: number,
    known?: KnownFailure,
  ): Promise<JobSnapshot> {
    const { resultSchema, errorBodySchema } = schemas.loaded ?? (await loadWire());
    // A finished run's failure comes back as the result fetch's answer (see the rule at the top of this file).
    let response: Awaited<ReturnType<typeof send>>;
    try {
      response = await send(ctx, {
        method: 'GET',
        url: urls(ref).result,
        jobId: ref.id,
        allowStatus: RESULT_FAILURE_STATUS,
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      // The status already said the run failed: its reason stands even when the detail cannot be fetched.
      if (known && !request.signal?.aborted) return failed(ref, base, known.error, known.errorType, now);
      throw error;
    }
    if (response.status >= 400) {
      const parsed = errorBodySchema.safeParse(response.data);
      return endedBadly(ref, base, parsed.success ? parsed.data : {}, response, now, known);
    }
    const data = normaliseResult(response.data);
    const result = parseWith(resultSchema, data, { provider: name, jobId: ref.id, what: 'result' });
    // No thumbnail: the documented video results hold `video` (a File) only, e.g. the Output Example of
    // https://fal.ai/docs/model-api-reference/video-generation-api/kling-video-o3-pro-text-to-video.
    const { video } = result;
    const out: VideoResult = { url: requirePlayableUrl(name, ref.id, 'video.url', video.url) };
    if (video.content_type) out.contentType = video.content_type;
    if (video.file_name) out.fileName = video.file_name;
    if (video.file_size != null) out.fileSize = video.file_size;
    if (video.width != null) out.width = video.width;
    if (video.height != null) out.height = video.height;
    if (video.duration != null) out.durationSeconds = video.duration;
    // fal measures the run itself (`metrics.inference_time`, seconds, on the COMPLETED status): the start is put
    // that far before the end we saw, so the run time the client learns is fal's, not the spacing of our polls
    // (a job first seen running late in a long gap read as a 2 s run). Without it, the first poll that saw it run.
    const inference = (base.raw as FalStatus | undefined)?.metrics?.inference_time;
    const startedAt =
      typeof inference === 'number' && inference > 0 ? now - inference * 1000 : request.previous?.startedAt;
    return createSnapshot(
      {
        ...base,
        raw: { status: base.raw, result },
        status: 'completed',
        progress: 1,
        video: out,
        completedAt: now,
        ...(startedAt ? { startedAt } : {}),
      },
      now,
    );
  }

  /** The snapshot of a request whose result fetch answered `response` (>= 400), or a retryable throw for a hiccup. */
  function endedBadly(
    ref: JobRef,
    base: { ref: JobRef; logs: readonly string[]; raw: unknown },
    body: ErrorBody,
    response: { status: number; headers: Headers },
    now: number,
    known: KnownFailure | undefined,
  ): JobSnapshot {
    const { status } = response;
    const errorType = response.headers.get('x-fal-error-type') ?? body.error_type ?? known?.errorType;
    if (errorType === 'client_cancelled' || (status === 499 && !errorType)) return cancelled(base, now);
    const modelError = Array.isArray(body.detail);
    if (!errorType && !modelError && !known && status >= 500) {
      throw new VideoJobError({
        kind: 'http',
        retryable: true,
        provider: name,
        jobId: ref.id,
        status,
        message: `the result fetch answered ${status} without fal's error type (no X-Fal-Error-Type, no error_type): taken for a gateway hiccup, the job is asked again`,
      });
    }
    const reason = reasonOf(body);
    const code = errorType ?? firstDetailType(body.detail);
    // Request errors were already retried by fal's queue; model errors and 4xx are about the input.
    const hint = errorType && !modelError ? 'fal already retried it; submit it again' : 'change the input or try again';
    return failed(ref, base, reason === NO_REASON && known ? known.error : reason, code, now, status, hint);
  }

  /** The input with each prepared image (a fal CDN URL, or a URL passed as it is) in the model's own field. */
  function withImages(model: string, input: FalInput, images: SubmitRequest['images']): FalInput {
    if (!images) return input;
    const fields = falImageFields(model, options.imageFields);
    const out = { ...input };
    for (const [field, value] of Object.entries(images) as Array<[ImageField, PreparedImage | undefined]>) {
      if (value === undefined) continue;
      const target = fields[field];
      if (!isDownloadableUrl(value)) {
        throw new VideoJobError({
          kind: 'invalid_input',
          provider: name,
          field,
          message: `${field} for ${model} must be an https: URL fal can download, got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : 'bytes'}; nothing was sent`,
        });
      }
      if (out[target] !== undefined && out[target] !== value) {
        throw new VideoJobError({
          kind: 'invalid_input',
          provider: name,
          field: target,
          message: `input for ${model} sets ${target} and ${field}, which fal receives as ${target}; pass one of them, nothing was sent`,
        });
      }
      out[target] = value;
    }
    return out;
  }

  const image: ProviderImageSupport = {
    fields: ['image', 'endImage'],
    limits: imageLimits,
    // The upload code loads with the first image (an app without image input never ships it).
    prepare: async (ctx, blob, request) =>
      (uploadCode.loaded ?? (await uploadCode.load())).uploadToFal(ctx, blob, {
        ...request,
        initiateUrl: falInitiateUrl(storageUrl),
        send,
      }),
  };

  /** fal's input checks: the model id, the shared fields (falWire's input schema), the image URL fields. */
  function validate({ inputSchema }: Wire, model: string, input: unknown): FalInput {
    if (!model || model.split('/').filter(Boolean).length < 2) {
      throw new VideoJobError({
        kind: 'invalid_input',
        provider: name,
        field: 'model',
        message: `model ${JSON.stringify(model)} is not a fal endpoint id; use "owner/app[/sub-path]", e.g. "fal-ai/veo3"`,
      });
    }
    const parsed = validateWith(name, model, inputSchema, input) as FalInput;
    const fields = new Set([...IMAGE_FIELDS, ...Object.values(falImageFields(model, options.imageFields))]);
    for (const field of fields) {
      const value = parsed[field];
      if (value !== undefined && !isDownloadableUrl(value)) {
        throw new VideoJobError({
          kind: 'invalid_input',
          provider: name,
          field,
          message: `input for ${model} is invalid: ${field} must be an absolute https: URL fal can download (got ${JSON.stringify(value).slice(0, 60)}); upload the image first, nothing was sent`,
        });
      }
    }
    return parsed;
  }

  const adapter: ProviderAdapter<FalInput> = {
    name,
    capabilities: { cancel: true, progress: false, queuePosition: true, webhooks: true, streaming },
    image,

    validateInput(model, input) {
      const loaded = schemas.loaded;
      return loaded ? validate(loaded, model, input) : loadWire().then((wire) => validate(wire, model, input));
    },

    async submit(ctx, request) {
      const { submitSchema } = schemas.loaded ?? (await loadWire());
      const submitUrl = withQuery(joinUrl(baseUrl, request.model), { fal_webhook: request.webhookUrl });
      const response = await send(ctx, {
        method: 'POST',
        url: submitUrl,
        body: withImages(request.model, request.input, request.images),
        idempotent: false,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const body = parseWith(submitSchema, response.data, { provider: name, what: 'submit' });
      const ref: JobRef = { provider: name, id: body.request_id, model: request.model, createdAt: ctx.now() };
      const refUrls = urls(ref);
      // An answer URL on another host is ignored (the job is kept, its URLs rebuilt from baseUrl): never followed.
      const answered = (url: string | undefined) => (isOnOrigins(url, origins) ? url : undefined);
      const statusUrl = answered(body.status_url) ?? refUrls.status;
      ref.urls = {
        status: statusUrl,
        result: answered(body.response_url) ?? refUrls.result,
        cancel: answered(body.cancel_url) ?? refUrls.cancel,
        stream: `${statusUrl}/stream`,
      };
      return createSnapshot(
        {
          ref,
          status: 'queued',
          raw: body,
          ...(body.queue_position != null ? { queuePosition: body.queue_position } : {}),
        },
        ctx.now(),
      );
    },

    async getStatus(ctx, ref, request) {
      const { falStatusSchema } = schemas.loaded ?? (await loadWire());
      const response = await send(ctx, {
        method: 'GET',
        url: withQuery(urls(ref).status, { logs: logs ? '1' : '0' }),
        jobId: ref.id,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      if (response.notModified) return UNCHANGED;
      const body = parseWith(falStatusSchema, response.data, { provider: name, jobId: ref.id, what: 'status' });
      const lines = body.logs ? body.logs.map((line) => line.message) : (request.previous?.logs ?? []);
      return toSnapshot(ctx, ref, body, lines, request);
    },

    async cancel(ctx, ref, request): Promise<CancelOutcome> {
      const { cancelSchema, errorBodySchema } = schemas.loaded ?? (await loadWire());
      const response = await send(ctx, {
        method: 'PUT',
        url: urls(ref).cancel,
        jobId: ref.id,
        allowStatus: [400],
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const body = parseWith(cancelSchema, response.data ?? {}, { provider: name, jobId: ref.id, what: 'cancel' });
      if (response.status === 400) {
        if (body.status === 'ALREADY_COMPLETED') return 'already_completed';
        throw new VideoJobError({
          kind: 'http',
          provider: name,
          jobId: ref.id,
          status: 400,
          message: `fal refused to cancel (400${body.status ? ` ${body.status}` : ''}: ${reasonOf(parseWith(errorBodySchema, response.data ?? {}, { provider: name, jobId: ref.id, what: 'cancel' }))}); check the request id`,
        });
      }
      // fal removes a queued request at once; a running one gets a cancellation signal it may not honour.
      return body.status === 'OK' || body.status === 'CANCELLED' ? 'cancelled' : 'requested';
    },
  };

  if (streaming) {
    // The stream reader loads with the first `watch(ref, { stream: true })`: the hooks poll, so most apps never load
    // it. A chunk that fails to load ends the stream like a dropped one: the client polls.
    adapter.streamStatus = async function* (ctx, ref, request) {
      const { readFalStream } = streamCode.loaded ?? (await streamCode.load());
      yield* readFalStream({
        ctx,
        ref,
        request,
        url: withQuery(urls(ref).stream, { logs: logs ? '1' : '0' }),
        target,
        fetch: options.fetch ?? ctx.fetch,
        toSnapshot: (body, lines, previous) =>
          toSnapshot(ctx, ref, body, lines, { ...request, ...(previous ? { previous } : {}) }),
      });
    };
  }
  return adapter;
}

function cancelled(base: { ref: JobRef; logs: readonly string[]; raw: unknown }, now: number): JobSnapshot {
  return createSnapshot({ ...base, status: 'cancelled', completedAt: now, cancellation: { remote: 'cancelled' } }, now);
}

/** A failure the status answer already named (`error`, `error_type`): third-party schemas, webhook deliveries. */
interface KnownFailure {
  error: string;
  errorType: string | undefined;
}

const NO_REASON = 'no reason given';

function failed(
  ref: JobRef,
  base: { ref: JobRef; logs: readonly string[]; raw: unknown },
  reason: string,
  code: string | undefined,
  now: number,
  status?: number,
  hint = 'change the input or try again',
): JobSnapshot {
  const error = new VideoJobError({
    kind: 'provider_failed',
    provider: 'fal',
    jobId: ref.id,
    message: `the job failed on fal: "${reason}"${code ? ` (${code}${status !== undefined ? `, ${status}` : ''})` : ''}; ${hint}`,
    ...(code ? { code } : {}),
    ...(status !== undefined ? { status } : {}),
  });
  return createSnapshot({ ...base, status: 'failed', completedAt: now, error }, now);
}

/** fal's error bodies: `{ detail: "..." }`, `{ detail: [{ msg, loc }] }` (validation) or `{ error: "..." }`. */
function reasonOf(body: { detail?: unknown; error?: unknown }): string {
  const { detail, error } = body;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((item: unknown) => {
        if (typeof item !== 'object' || item === null) return String(item);
        const { msg, loc } = item as { msg?: unknown; loc?: unknown };
        const where = Array.isArray(loc) ? loc.filter((part) => part !== 'body').join('.') : '';
        return `${where ? `${where}: ` : ''}${typeof msg === 'string' ? msg : JSON.stringify(item)}`;
      })
      .join('; ');
  }
  if (typeof error === 'string') return error;
  return NO_REASON;
}

/** The machine-readable `type` of the first model error (`content_policy_violation`, `value_error.missing`...). */
function firstDetailType(detail: unknown): string | undefined {
  if (!Array.isArray(detail)) return undefined;
  const first: unknown = detail[0];
  const type = typeof first === 'object' && first !== null ? (first as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type : undefined;
}

/** Some fal video models answer `videos: [...]` instead of `video`. */
function normaliseResult(data: unknown): unknown {
  if (typeof data === 'object' && data !== null && !('video' in data) && 'videos' in data) {
    const videos = (data as { videos: unknown }).videos;
    if (Array.isArray(videos) && videos.length > 0) return { ...data, video: videos[0] };
  }
  return data;
}
