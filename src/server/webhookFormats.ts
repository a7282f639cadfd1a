import { VideoJobError } from '../core/videoJobError';

/** How a provider's callbacks are authenticated. `none` only when you opt out explicitly (e.g. local tools). */
export type WebhookVerification = 'standard-webhooks' | 'fal-ed25519' | 'shared-secret' | 'none';

/** An answer to one of the adapter's requests while it reads a callback. */
export interface WebhookAnswer {
  status: number;
  data: unknown;
}

/** What a callback says, in terms the provider's adapter understands. */
export interface WebhookRead {
  /** The provider's job id. */
  jobId: string;
  /** The model, when the callback names it. */
  model?: string;
  /** A delivery id read from the body, used for de-duplication when the headers carry none. */
  deliveryId?: string;
  /** Facts the callback adds to the job's ref (`JobRef.meta`), e.g. visgate's `callbackId`. */
  meta?: Record<string, string>;
  /**
   * Answers the adapter's `getStatus` requests from the callback body, so the status mapping lives in one place
   * (the adapter). `undefined` sends that request to the provider for real: the adapter then needs its key, as for
   * OpenAI, whose callbacks name the video but do not describe it.
   */
  answer(request: { method: string; url: string }): WebhookAnswer | undefined;
}

/** One provider's callback format. */
export interface WebhookFormat {
  /** The verification the provider's callbacks support. */
  verification: WebhookVerification;
  /** Reads a parsed callback body; `undefined` for a delivery that is not a job update (answered 2xx and ignored). */
  read(body: unknown): WebhookRead | undefined;
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function missing(provider: string, field: string): never {
  throw new VideoJobError({
    kind: 'invalid_response',
    provider,
    field,
    message: `the ${provider} callback has no \`${field}\`; check that the webhook URL is registered for the right provider`,
  });
}

/** The object a callback describes: the body itself, or an event envelope's `data`. */
function subject(body: unknown, idField: string): Json {
  const outer = record(body) ?? {};
  const data = record(outer.data);
  return data && text(data[idField]) !== undefined && text(outer[idField]) === undefined ? data : outer;
}

function withModel(read: Omit<WebhookRead, 'model'>, model: unknown): WebhookRead {
  const name = text(model);
  return name ? { ...read, model: name } : read;
}

/** fal: `{ request_id, gateway_request_id, status: OK | ERROR, payload, error, payload_error }`. */
const fal: WebhookFormat = {
  verification: 'fal-ed25519',
  read(body) {
    const callback = record(body) ?? {};
    const jobId = text(callback.request_id) ?? missing('fal', 'request_id');
    const ok = callback.status === 'OK';
    const error = text(callback.error) ?? (ok ? undefined : 'the run failed');
    return {
      jobId,
      deliveryId: `${jobId}:${String(callback.status)}`,
      answer({ url }) {
        if (/\/status(?:[/?]|$)/.test(url))
          return { status: 200, data: ok ? { status: 'COMPLETED' } : { status: 'COMPLETED', error } };
        if (!ok) return { status: 422, data: callback.payload ?? { detail: error } };
        // A result too large for the callback (`payload_error`) is fetched from fal for real.
        return callback.payload == null ? undefined : { status: 200, data: callback.payload };
      },
    };
  },
};

/** Kling: the task object (`task_id`, `task_status`, `task_result`...), bare or in its `{ code, data }` envelope. */
const kling: WebhookFormat = {
  verification: 'shared-secret',
  read(body) {
    const task = subject(body, 'task_id');
    const jobId = text(task.task_id) ?? missing('kling', 'task_id');
    const envelope = task === body ? { code: 0, message: 'SUCCEED', data: task } : body;
    return { jobId, answer: () => ({ status: 200, data: envelope }) };
  },
};

/** A callback whose body is the very record the status endpoint answers (or an event wrapping it in `data`). */
function sameAsStatus(provider: string, verification: WebhookVerification, idField: string): WebhookFormat {
  return {
    verification,
    read(body) {
      const job = subject(body, idField);
      const jobId = text(job[idField]) ?? missing(provider, idField);
      return withModel({ jobId, answer: () => ({ status: 200, data: job }) }, job.model);
    },
  };
}

/** VideoGen: the execution record; its result files are read from the files endpoint for real. */
const videogen: WebhookFormat = {
  verification: 'standard-webhooks',
  read(body) {
    const execution = subject(body, 'toolExecutionId');
    const jobId = text(execution.toolExecutionId) ?? missing('videogen', 'toolExecutionId');
    return {
      jobId,
      answer: ({ url }) => (/\/tools\/executions\//.test(url) ? { status: 200, data: execution } : undefined),
    };
  },
};

/**
 * visgate posts "the completed result and your callbackId": the request record (`request_id`/`requestId`, `status`,
 * `output_url`/`outputUrl`...) with the id beside it, or nested as `{ callbackId, result }`. The result may also be a
 * finished generate answer (`id`, `video_url`) without a status, which its video URL (or error) stands for. The
 * `callbackId` lands in the snapshot's `ref.meta`, as it does at submit.
 */
const visgate: WebhookFormat = {
  verification: 'shared-secret',
  read(body) {
    const outer = record(body) ?? {};
    const result = record(outer.result) ?? record(outer.data) ?? outer;
    const jobId =
      text(result.request_id) ??
      text(result.requestId) ??
      text(result.id) ??
      text(outer.request_id) ??
      text(outer.requestId) ??
      missing('visgate', 'request_id');
    const callbackId =
      text(outer.callback_id) ?? text(outer.callbackId) ?? text(result.callback_id) ?? text(result.callbackId);
    let data = result;
    if (result.status === undefined || result.status === null) {
      const url = text(result.output_url) ?? text(result.outputUrl) ?? text(result.video_url) ?? text(result.videoUrl);
      const error = result.error_message ?? result.errorMessage ?? result.error;
      if (url) data = { ...result, status: 'completed' };
      else if (error) data = { ...result, status: 'failed' };
    }
    return withModel(
      { jobId, ...(callbackId ? { meta: { callbackId } } : {}), answer: () => ({ status: 200, data }) },
      result.model,
    );
  },
};

/** OpenAI: an event `{ type: 'video.completed' | 'video.failed', data: { id } }`; the video is fetched for real. */
const openai: WebhookFormat = {
  verification: 'standard-webhooks',
  read(body) {
    const event = record(body) ?? {};
    if (typeof event.type === 'string' && !event.type.startsWith('video.')) return undefined;
    const jobId = text(record(event.data)?.id) ?? missing('openai', 'data.id');
    return { jobId, answer: () => undefined };
  },
};

/** The built-in providers' callback formats, by adapter name. */
export const WEBHOOK_FORMATS: Readonly<Record<string, WebhookFormat>> = {
  fal,
  kling,
  aigateway: sameAsStatus('aigateway', 'standard-webhooks', 'id'),
  replicate: sameAsStatus('replicate', 'standard-webhooks', 'id'),
  videogen,
  visgate,
  openai,
};
