import type * as z from 'zod/mini';
import {
  createSnapshot,
  type JobRef,
  type JobSnapshot,
  type JobSnapshotInit,
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
import { VideoJobError } from '../core/videoJobError';
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
  /** The provider's reason, when `failed`. */
  error?: string;
  /** The provider's error code, when `failed`. */
  errorCode?: string;
  logs?: readonly string[];
  /** Epoch ms, epoch seconds or an ISO date. */
  createdAt?: number | string;
  startedAt?: number | string;
  completedAt?: number | string;
}

/** The submit answer mapped: the job's id, what to keep to poll it again, and its first status when known. */
export interface DefinedJob extends Partial<DefinedStatus> {
  id: string;
  /** Kept in the job's ref (plain JSON), handed back to `status.url` / `cancel.url`. */
  urls?: JobUrls;
  meta?: Record<string, string>;
}

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
  submit: {
    /** Defaults to `'POST'`. */
    method?: HttpMethod;
    /** Absolute, or relative to `baseUrl`. */
    url: (model: string, input: Input, context: DefinedSubmitContext) => string;
    /** Defaults to the input as it is. */
    body?: (model: string, input: Input, context: DefinedSubmitContext) => unknown;
    headers?: (model: string, input: Input, context: DefinedSubmitContext) => Record<string, string>;
    response: DefinedSchema<SubmitAnswer>;
    toJob: (answer: SubmitAnswer) => DefinedJob;
  };
  status: {
    /** Defaults to `'GET'`. */
    method?: HttpMethod;
    url: (ref: JobRef) => string;
    response: DefinedSchema<StatusAnswer>;
    toStatus: (answer: StatusAnswer, ref: JobRef) => DefinedStatus;
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
    toOutcome?: (answer: CancelAnswer | undefined, httpStatus: number) => CancelOutcome;
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
): (options?: CommonProviderOptions) => ProviderAdapter<Input> {
  const { name } = definition;
  const capabilities: ProviderCapabilities = {
    cancel: definition.cancel !== undefined,
    progress: false,
    queuePosition: false,
    webhooks: false,
    streaming: false,
    ...definition.capabilities,
  };

  return (options: CommonProviderOptions = {}) => {
    const baseUrl = options.baseUrl ?? definition.baseUrl;
    const endpoint = definition.auth ? { auth: definition.auth } : BEARER_AUTH;
    const send = (ctx: ProviderContext, init: ApiRequest) =>
      sendRequest(ctx, options, { ...init, url: resolve(baseUrl, init.url) }, endpoint);

    const adapter: ProviderAdapter<Input> = {
      name,
      capabilities,

      validateInput(model: string, input: unknown): Input {
        if (!definition.input) {
          if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Input;
          throw new VideoJobError({
            kind: 'invalid_input',
            provider: name,
            field: '(input)',
            message: `input for ${model} must be an object; nothing was sent`,
          });
        }
        return validateWith(name, model, definition.input as unknown as z.ZodMiniType<Input>, input);
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
        const response = await send(ctx, {
          method: submit.method ?? 'POST',
          url: submit.url(request.model, request.input, context),
          headers: submit.headers?.(request.model, request.input, context),
          body: submit.body ? submit.body(request.model, request.input, context) : request.input,
          signal: request.signal,
        });
        const answer = parse(submit.response, response.data, { provider: name, what: 'submit' });
        const job = mapWith(name, undefined, 'submit.toJob', () => submit.toJob(answer));
        if (typeof job?.id !== 'string' || job.id === '') {
          throw invalidDefinedResponse(name, undefined, 'id', 'submit.toJob returned no job id');
        }
        const ref: JobRef = { provider: name, id: job.id, model: request.model, createdAt: ctx.now() };
        if (job.urls) ref.urls = { ...job.urls };
        if (job.meta) ref.meta = { ...job.meta };
        return toSnapshot(ref, { ...job, status: job.status ?? 'queued' }, answer, ctx.now());
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
        const mapped = mapWith(name, ref.id, 'status.toStatus', () => status.toStatus(answer, ref));
        return toSnapshot(ref, mapped, answer, ctx.now());
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
        return mapWith(name, ref.id, 'cancel.toOutcome', () => cancel.toOutcome!(answer, response.status));
      };
    }
    if (definition.minPollIntervalMs !== undefined) {
      return { ...adapter, minPollIntervalMs: definition.minPollIntervalMs };
    }
    return adapter;
  };
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
function mapWith<T>(provider: string, jobId: string | undefined, what: string, map: () => T): T {
  try {
    return map();
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

function toSnapshot(ref: JobRef, mapped: DefinedStatus, raw: unknown, now: number): JobSnapshot {
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
      message: `the job failed: ${mapped.error || 'no reason given'}; change the input and submit again`,
    });
  } else if (status === 'cancelled') {
    init.cancellation = { remote: 'cancelled' };
  }
  return createSnapshot(init, now);
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
