import type * as z from 'zod/mini';
import type { ImageField, ImageLimits, PrepareImageRequest, ProviderImageSupport } from '../core/imageInput';
import {
  createSnapshot,
  type JobRef,
  type JobSnapshot,
  type JobSnapshotInit,
  type JobThumbnail,
  type JobUrls,
  type VideoResult,
} from '../core/jobSnapshot';
import { JOB_STATUSES, type JobStatus } from '../core/jobStatus';
import {
  UNCHANGED,
  type CancelOutcome,
  type ProviderAdapter,
  type ProviderCapabilities,
  type ProviderContext,
} from '../core/provider';
import type { HttpMethod } from '../core/transport';
import { isDownloadableUrl } from '../core/downloadableUrl';
import { uploadTo, type UploadImage } from '../core/uploadTo';
import { isAbortError, VideoJobError } from '../core/videoJobError';
import {
  invalidResponse,
  joinUrl,
  parseWith,
  requirePlayableUrl,
  sendRequest,
  toEpochMs,
  validateWith,
  BEARER_AUTH,
  type ApiRequest,
  type CommonProviderOptions,
} from './shared';

/** Any zod schema (`zod` or `zod/mini`) whose parsed output is `T`. */
export type DefinedSchema<T> = z.core.$ZodType<T>;

/** What the job's submit knows besides the model and input. */
export interface DefinedSubmitContext {
  /** The job's webhook URL, to put where the API takes one. */
  webhookUrl?: string;
  idempotencyKey?: string;
}

/** What `submit.toJob` knows besides the answer: the request it answers, and where the API is. */
export interface DefinedSubmitted<Input> extends DefinedSubmitContext {
  model: string;
  input: Input;
  /** Epoch ms. */
  now: number;
  /** A path resolved against the API root as request URLs are (absolute URLs stay as they are). */
  url: (path: string) => string;
}

/** A further request a mapping makes (a file to sign, a status to read), sent like the definition's own. */
export interface DefinedRequest {
  /** Defaults to `'GET'`. */
  method?: HttpMethod;
  /** Absolute, or relative to `baseUrl`. */
  url: string;
  body?: unknown;
}

/** What `status.toStatus` knows besides the answer and the ref. */
export interface DefinedStatusContext {
  /** Epoch ms. */
  now: number;
  /** The job as the client holds it, when it does. */
  previous?: JobSnapshot;
  /** Sends a further request about the job; resolves to the answer's body. */
  request: (init: DefinedRequest) => Promise<unknown>;
}

/** What `cancel.toOutcome` knows besides the answer. */
export interface DefinedCancelContext {
  ref: JobRef;
  /** Sends a further request about the job; resolves to the answer's body. */
  request: (init: DefinedRequest) => Promise<unknown>;
}

/** One observation of a job, in the library's words; `toStatus` maps the API's answer onto it. */
export interface DefinedStatus {
  status: JobStatus;
  /** 0..1 while running. */
  progress?: number;
  /** 0-based, while queued. */
  queuePosition?: number;
  /** The finished video (required when `completed`). */
  videoUrl?: string;
  /** More about the finished video: size, duration, when a signed `videoUrl` expires (epoch ms). */
  video?: Omit<VideoResult, 'url'>;
  /**
   * A still of the video, when the API hands one out: at any status, since it may come before the video. One whose
   * URL is not `https:`, `http:` or `blob:` is dropped (a still is decoration; the job goes on).
   */
  thumbnail?: JobThumbnail;
  /** The provider's reason, when `failed`. */
  error?: string;
  /** The provider's error code, when `failed`. */
  errorCode?: string;
  logs?: readonly string[];
  /** Epoch ms, epoch seconds or an ISO date. */
  createdAt?: number | string | null;
  startedAt?: number | string | null;
  completedAt?: number | string | null;
}

/** The submit answer mapped: the job's id, what to keep to poll it again, and its first status when known. */
export interface DefinedJob extends Partial<DefinedStatus> {
  id: string;
  /** When the API took the job, kept as the ref's `createdAt` (epoch ms, epoch seconds or an ISO date). Defaults to now. */
  acceptedAt?: number | string | null;
  /** Kept in the job's ref (plain JSON), handed back to `status.url` / `cancel.url`. */
  urls?: JobUrls;
  meta?: Record<string, string>;
}

/**
 * How an API takes a start image or end frame (`generate({ prompt, image })`). The client checks each image against
 * `limits` before any request and prepares a file once; `submit` then finds it in the input field `fields` names, like
 * any other input field.
 */
export interface DefinedImageSupport {
  /** The input field each image goes in, e.g. `{ image: 'image_url' }`; only these images are accepted. */
  fields: Partial<Record<ImageField, string>>;
  /** The API's documented limits (types, size, dimensions), with the doc URL in `source`. */
  limits: ImageLimits;
  /** Whether an `https:` URL passes as it is (the API downloads it). Defaults to `true`. */
  urls?: boolean;
  /**
   * Puts a file where the API reads it (its own upload endpoint, base64 text) and returns what goes in the field.
   * Defaults to the factory's `uploadImage` / `uploadUrl` option, for APIs that only download images from URLs.
   */
  prepare?: (ctx: ProviderContext, image: Blob, request: PrepareImageRequest) => Promise<string>;
}

/**
 * How a local file reaches an API that only downloads images from URLs (it has no upload endpoint): your own storage.
 * Without either, a `File` is refused (`invalid_input`); `https:` URLs always pass as they are.
 */
export interface ImageUploadOptions {
  /**
   * Puts the file somewhere the provider can download it and resolves to its `https:` URL, e.g.
   * `uploadTo('/api/video/upload')` (a route made with `createUploadHandler`), or your own S3 / Vercel Blob code. Called
   * once per file: a retry or a second job with the same `File` reuses the URL. Wins over `uploadUrl`.
   */
  uploadImage?: UploadImage;
  /** Shorthand for `uploadImage: uploadTo(uploadUrl)`: your upload route, e.g. `'/api/video/upload'`. */
  uploadUrl?: string;
}

/** What a defined provider's factory takes. */
export interface DefinedProviderOptions extends CommonProviderOptions, ImageUploadOptions {}

export interface ProviderDefinition<Input, SubmitAnswer, StatusAnswer, CancelAnswer = unknown> {
  /** The adapter's name (and default registration name). */
  name: string;
  /** The API root that relative URLs are joined to. The factory's `baseUrl` option overrides it. */
  baseUrl?: string;
  /** What the API can do. Each defaults to `false`; `cancel` defaults to whether `cancel` is defined. */
  capabilities?: Partial<ProviderCapabilities>;
  /** The shortest interval between polls the API tolerates. */
  minPollIntervalMs?: number;
  /** The auth header for a server-side `apiKey`. Defaults to `Authorization: Bearer <key>`. */
  auth?: (apiKey: string) => [name: string, value: string];
  /** Validates (and may transform) the input before anything is sent. Defaults to any object. */
  input?: DefinedSchema<Input>;
  /**
   * Checks beyond the schema (the model's form, fields that clash), run around `parse` (the `input` check); throw a
   * `VideoJobError` of kind `invalid_input` to refuse. Defaults to `parse` alone.
   */
  validateInput?: (model: string, input: unknown, parse: (input: unknown) => Input) => Input;
  /** How the API takes input images (`image`, `endImage`). Leave it out when it takes none: images are then refused. */
  image?: DefinedImageSupport;
  /** The message of a `failed` job's error, from the provider's reason. Defaults to "the job failed: <reason>; ...". */
  failedMessage?: (reason: string) => string;
  submit: {
    /** Defaults to `'POST'`. */
    method?: HttpMethod;
    /** Absolute, or relative to `baseUrl`. */
    url: (model: string, input: Input, context: DefinedSubmitContext) => string;
    /** Defaults to the input as it is. */
    body?: (model: string, input: Input, context: DefinedSubmitContext) => unknown;
    headers?: (model: string, input: Input, context: DefinedSubmitContext) => Record<string, string>;
    /** Statuses besides 2xx handed to `toError` instead of the transport's generic error (the API's error envelope). */
    allowStatus?: readonly number[];
    /** The error to throw for an answer with one of `allowStatus`, from its body. */
    toError?: (body: unknown, httpStatus: number) => VideoJobError;
    response: DefinedSchema<SubmitAnswer>;
    toJob: (answer: SubmitAnswer, submitted: DefinedSubmitted<Input>) => DefinedJob;
  };
  status: {
    /** Defaults to `'GET'`. */
    method?: HttpMethod;
    url: (ref: JobRef) => string;
    response: DefinedSchema<StatusAnswer>;
    toStatus: (
      answer: StatusAnswer,
      ref: JobRef,
      context: DefinedStatusContext,
    ) => DefinedStatus | Promise<DefinedStatus>;
  };
  /** Leave it out when the API cannot stop a job: cancel then stops following it and reports `unsupported`. */
  cancel?: {
    /** Defaults to `'POST'`. */
    method?: HttpMethod;
    url: (ref: JobRef) => string;
    /** Statuses besides 2xx handed to `toOutcome` instead of failing (e.g. `409` for "already finished"). */
    allowStatus?: readonly number[];
    /** Parses the answer's body for `toOutcome`. Defaults to not reading it. */
    response?: DefinedSchema<CancelAnswer>;
    /** Defaults to `'requested'` (the next poll tells whether the job stopped). */
    toOutcome?: (
      answer: CancelAnswer | undefined,
      httpStatus: number,
      context: DefinedCancelContext,
    ) => CancelOutcome | Promise<CancelOutcome>;
  };
}

/**
 * Wires any submit-and-poll video API into the library with your own zod schemas and status mapping; the
 * result is an adapter factory like the built-in ones (`baseUrl`, `apiKey`, `proxyUrl`, `headers`), using the
 * same transport, retries and typed errors.
 */
export function defineProvider<
  Input = Record<string, unknown>,
  SubmitAnswer = unknown,
  StatusAnswer = unknown,
  CancelAnswer = unknown,
>(
  definition: ProviderDefinition<Input, SubmitAnswer, StatusAnswer, CancelAnswer>,
): (options?: DefinedProviderOptions) => ProviderAdapter<Input> {
  const { name } = definition;
  const capabilities: ProviderCapabilities = {
    cancel: definition.cancel !== undefined,
    progress: false,
    queuePosition: false,
    webhooks: false,
    streaming: false,
    ...definition.capabilities,
  };

  return (options: DefinedProviderOptions = {}) => {
    const baseUrl = options.baseUrl ?? definition.baseUrl;
    const endpoint = definition.auth ? { auth: definition.auth } : BEARER_AUTH;
    const url = (path: string) => resolve(baseUrl, path);
    const send = (ctx: ProviderContext, init: ApiRequest) =>
      sendRequest(ctx, options, { ...init, url: url(init.url) }, endpoint);
    const follow = (ctx: ProviderContext, ref: JobRef, signal: AbortSignal | undefined) => (init: DefinedRequest) =>
      send(ctx, { ...init, method: init.method ?? 'GET', jobId: ref.id, signal }).then((response) => response.data);

    const adapter: ProviderAdapter<Input> = {
      name,
      capabilities,
      ...(definition.image ? { image: imageSupport(name, definition.image, options) } : {}),

      validateInput(model: string, input: unknown): Input {
        const parse = (value: unknown): Input => {
          if (definition.input)
            return validateWith(name, model, definition.input as unknown as z.ZodMiniType<Input>, value);
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Input;
          throw new VideoJobError({
            kind: 'invalid_input',
            provider: name,
            field: '(input)',
            message: `input for ${model} must be an object; nothing was sent`,
          });
        };
        return definition.validateInput ? definition.validateInput(model, input, parse) : parse(input);
      },

      async submit(ctx, request): Promise<JobSnapshot> {
        const context: DefinedSubmitContext = {};
        if (request.webhookUrl !== undefined) {
          if (!capabilities.webhooks) {
            throw new VideoJobError({
              kind: 'invalid_input',
              provider: name,
              field: 'webhookUrl',
              message: `${name} takes no webhook URL (its definition does not declare capabilities.webhooks); drop webhookUrl or map it in submit.body`,
            });
          }
          context.webhookUrl = request.webhookUrl;
        }
        if (request.idempotencyKey !== undefined) context.idempotencyKey = request.idempotencyKey;
        const { submit } = definition;
        const input = withImages(name, request.input, request.images, definition.image);
        const response = await send(ctx, {
          method: submit.method ?? 'POST',
          url: submit.url(request.model, input, context),
          headers: submit.headers?.(request.model, input, context),
          body: submit.body ? submit.body(request.model, input, context) : input,
          signal: request.signal,
          ...(submit.allowStatus ? { allowStatus: submit.allowStatus } : {}),
        });
        if (submit.toError && response.status >= 400) throw submit.toError(response.data, response.status);
        const answer = parse(submit.response, response.data, { provider: name, what: 'submit' });
        const now = ctx.now();
        const submitted = { ...context, model: request.model, input, now, url };
        const job = await mapWith(name, undefined, 'submit.toJob', () => submit.toJob(answer, submitted));
        if (typeof job?.id !== 'string' || job.id === '') {
          throw invalidDefinedResponse(name, undefined, 'id', 'submit.toJob returned no job id');
        }
        const ref: JobRef = {
          provider: name,
          id: job.id,
          model: request.model,
          createdAt: toEpochMs(job.acceptedAt) ?? now,
        };
        if (job.urls) ref.urls = { ...job.urls };
        if (job.meta) ref.meta = { ...job.meta };
        return toSnapshot(ref, { ...job, status: job.status ?? 'queued' }, answer, now, definition.failedMessage);
      },

      async getStatus(ctx: ProviderContext, ref: JobRef, request) {
        const { status } = definition;
        const response = await send(ctx, {
          method: status.method ?? 'GET',
          url: status.url(ref),
          jobId: ref.id,
          signal: request.signal,
        });
        if (response.notModified) return UNCHANGED;
        const answer = parse(status.response, response.data, { provider: name, jobId: ref.id, what: 'status' });
        const now = ctx.now();
        const context: DefinedStatusContext = { now, request: follow(ctx, ref, request.signal) };
        if (request.previous) context.previous = request.previous;
        const mapped = await mapWith(name, ref.id, 'status.toStatus', () => status.toStatus(answer, ref, context));
        return toSnapshot(ref, mapped, answer, now, definition.failedMessage);
      },
    };

    const { cancel } = definition;
    if (cancel) {
      adapter.cancel = async (ctx, ref, request): Promise<CancelOutcome> => {
        const response = await send(ctx, {
          method: cancel.method ?? 'POST',
          url: cancel.url(ref),
          jobId: ref.id,
          idempotent: true,
          signal: request.signal,
          ...(cancel.allowStatus ? { allowStatus: cancel.allowStatus } : {}),
          ...(cancel.response ? {} : { responseType: 'none' as const }),
        });
        const answer = cancel.response
          ? parse(cancel.response, response.data, { provider: name, jobId: ref.id, what: 'cancel' })
          : undefined;
        if (!cancel.toOutcome) return 'requested';
        const context = { ref, request: follow(ctx, ref, request.signal) };
        return mapWith(name, ref.id, 'cancel.toOutcome', () => cancel.toOutcome!(answer, response.status, context));
      };
    }
    if (definition.minPollIntervalMs !== undefined) {
      return { ...adapter, minPollIntervalMs: definition.minPollIntervalMs };
    }
    return adapter;
  };
}

/** The adapter's `image`: the definition's fields and limits, and its `prepare` or else the app's uploader. */
function imageSupport(provider: string, image: DefinedImageSupport, options: ImageUploadOptions): ProviderImageSupport {
  const fields = Object.keys(image.fields) as ImageField[];
  const upload = options.uploadImage ?? (options.uploadUrl ? uploadTo(options.uploadUrl) : undefined);
  const prepare =
    image.prepare ??
    (async (ctx: ProviderContext, blob: Blob, request: PrepareImageRequest): Promise<string> => {
      if (!upload) {
        throw new VideoJobError({
          kind: 'invalid_input',
          provider,
          field: request.field,
          message: `${provider} only downloads images from URLs (it has no upload API): pass ${request.field} as an https: URL, or give the adapter an uploader, e.g. ${provider}({ uploadUrl: '/api/video/upload' }) with a route made by createUploadHandler from react-video-jobs/server, or uploadImage: (file) => <your storage's https: URL>; nothing was sent`,
        });
      }
      let url: unknown;
      try {
        url = await upload(blob, {
          request: (init) => ctx.request(init),
          ...(request.signal ? { signal: request.signal } : {}),
          ...(request.onProgress ? { onProgress: request.onProgress } : {}),
        });
      } catch (error) {
        if (error instanceof VideoJobError) throw error.provider ? error : error.withJob(provider);
        if (isAbortError(error) || request.signal?.aborted) throw error;
        throw new VideoJobError({
          kind: 'network',
          provider,
          field: request.field,
          message: `uploadImage failed (${error instanceof Error ? error.message : String(error)}); the image was not uploaded and nothing was sent, try again`,
          cause: error,
        });
      }
      if (typeof url !== 'string' || !isDownloadableUrl(url)) {
        throw new VideoJobError({
          kind: 'invalid_input',
          provider,
          field: request.field,
          message: `uploadImage resolved to ${typeof url === 'string' ? JSON.stringify(url.slice(0, 80)) : `a ${typeof url}`}, not an https: URL ${provider} can download (http: only on localhost); return the stored file's public or signed https: URL, nothing was sent`,
        });
      }
      return url;
    });
  return { fields, limits: image.limits, ...(image.urls === false ? { urls: false } : {}), prepare };
}

/**
 * The input with each prepared image in its field (`image_url`...), refusing an image given twice (as `image` and as
 * the field itself) before anything is sent.
 */
function withImages<Input>(
  provider: string,
  input: Input,
  images: Partial<Record<ImageField, unknown>> | undefined,
  support: DefinedImageSupport | undefined,
): Input {
  if (!images) return input;
  const merged = { ...(input as Record<string, unknown>) };
  for (const [field, value] of Object.entries(images) as Array<[ImageField, unknown]>) {
    if (value === undefined) continue;
    const key = support?.fields[field];
    if (!key) {
      throw new VideoJobError({
        kind: 'invalid_input',
        provider,
        field,
        message: `${provider} takes no ${field} (its definition's image.fields does not name one); nothing was sent`,
      });
    }
    if (typeof value !== 'string') {
      throw new VideoJobError({
        kind: 'invalid_input',
        provider,
        field,
        message: `${field} was prepared as a file, but ${provider}'s submit sends JSON: the definition's image.prepare must return a URL or text; nothing was sent`,
      });
    }
    if (merged[key] !== undefined && merged[key] !== null && merged[key] !== '') {
      throw new VideoJobError({
        kind: 'invalid_input',
        provider,
        field: key,
        message: `the image was given twice, as ${field} and as ${key}; pass it once (${field} takes a File, Blob or URL), nothing was sent`,
      });
    }
    merged[key] = value;
  }
  return merged as Input;
}

function resolve(baseUrl: string | undefined, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || baseUrl === undefined) return url;
  return joinUrl(baseUrl, url);
}

function parse<T>(schema: DefinedSchema<T>, data: unknown, context: Parameters<typeof parseWith>[2]): T {
  // Both `zod` and `zod/mini` schemas carry `safeParse`, which is all `parseWith` uses.
  return parseWith(schema as unknown as z.ZodMiniType<T>, data, context) as T;
}

/** Runs the definition's own mapping, turning what it throws into `invalid_response` naming the function. */
async function mapWith<T>(
  provider: string,
  jobId: string | undefined,
  what: string,
  map: () => T | Promise<T>,
): Promise<T> {
  try {
    return await map();
  } catch (error) {
    if (error instanceof VideoJobError) throw error;
    throw invalidDefinedResponse(
      provider,
      jobId,
      what,
      `${what} threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function toSnapshot(
  ref: JobRef,
  mapped: DefinedStatus,
  raw: unknown,
  now: number,
  failedMessage = (reason: string) => `the job failed: ${reason}; change the input and submit again`,
): JobSnapshot {
  const { status } = mapped;
  if (!JOB_STATUSES.includes(status)) {
    throw invalidDefinedResponse(
      ref.provider,
      ref.id,
      'status',
      `toStatus mapped the answer to ${JSON.stringify(status)}, which is not one of ${JOB_STATUSES.join(', ')}`,
    );
  }
  const init: JobSnapshotInit = { ref, status, raw };
  if (mapped.logs) init.logs = mapped.logs;
  const createdAt = toEpochMs(mapped.createdAt);
  if (createdAt !== undefined) init.createdAt = createdAt;
  const startedAt = toEpochMs(mapped.startedAt);
  if (startedAt !== undefined) init.startedAt = startedAt;
  const completedAt = toEpochMs(mapped.completedAt);
  if (completedAt !== undefined) init.completedAt = completedAt;
  if (status === 'queued' && mapped.queuePosition !== undefined && mapped.queuePosition >= 0) {
    init.queuePosition = mapped.queuePosition;
  }
  if (status === 'running' && typeof mapped.progress === 'number' && Number.isFinite(mapped.progress)) {
    init.progress = Math.min(1, Math.max(0, mapped.progress));
  }
  const thumbnail = playableThumbnail(mapped.thumbnail);
  if (thumbnail) init.thumbnail = thumbnail;
  if (status === 'completed') {
    if (!mapped.videoUrl)
      throw invalidDefinedResponse(ref.provider, ref.id, 'videoUrl', 'the job completed without a videoUrl');
    init.video = { ...mapped.video, url: requirePlayableUrl(ref.provider, ref.id, 'videoUrl', mapped.videoUrl) };
    init.progress = 1;
  } else if (status === 'failed') {
    init.error = new VideoJobError({
      kind: 'provider_failed',
      provider: ref.provider,
      jobId: ref.id,
      ...(mapped.errorCode ? { code: mapped.errorCode } : {}),
      message: failedMessage(mapped.error || 'no reason given'),
    });
  } else if (status === 'cancelled') {
    init.cancellation = { remote: 'cancelled' };
  }
  return createSnapshot(init, now);
}

function playableThumbnail(thumbnail: JobThumbnail | undefined): JobThumbnail | undefined {
  if (!thumbnail?.url) return undefined;
  try {
    const protocol = new URL(thumbnail.url).protocol;
    return protocol === 'https:' || protocol === 'http:' || protocol === 'blob:' ? { ...thumbnail } : undefined;
  } catch {
    return undefined;
  }
}

/** `invalid_response` for an answer the definition mapped wrong: the fix is in the definition, not the library. */
function invalidDefinedResponse(
  provider: string,
  jobId: string | undefined,
  field: string,
  problem: string,
): VideoJobError {
  return invalidResponse(provider, jobId, field, problem, "check the provider definition against the API's answer");
}
