import { VideoJobError } from '../core/videoJobError';

/** How a provider's callbacks are authenticated. `none` only when you opt out explicitly (e.g. local tools). */
export type WebhookVerification =
  | 'standard-webhooks'
  | 'fal-ed25519'
  | 'shared-secret'
  /** The AI gateway's `aig-signature`: hex HMAC-SHA256 of `${aig-timestamp}.${raw body}` (aigateway.sh/docs/webhooks). */
  | 'aigateway-hmac'
  | 'none';

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

/**
 * fal: `{ request_id, gateway_request_id, status: OK | ERROR, payload, error, payload_error }`
 * (https://docs.fal.ai/model-endpoints/webhooks). An ERROR's `error` is generic ("Invalid status code: 422"); the
 * reason is `payload.detail`, which the adapter reads as the result fetch's answer, with the status the text names.
 */
const fal: WebhookFormat = {
  verification: 'fal-ed25519',
  read(body) {
    const callback = record(body) ?? {};
    const jobId = text(callback.request_id) ?? missing('fal', 'request_id');
    const ok = callback.status === 'OK';
    const error = text(callback.error) ?? (ok ? undefined : 'the run failed');
    const payload = record(callback.payload);
    const errorType = text(payload?.error_type);
    const named = Number(/\b(4\d\d|5\d\d)\b/.exec(error ?? '')?.[1]);
    const failureStatus = [400, 422, 499, 500, 502, 503, 504].includes(named) ? named : 422;
    return {
      jobId,
      deliveryId: `${jobId}:${String(callback.status)}`,
      answer({ url }) {
        if (/\/status(?:[/?]|$)/.test(url))
          return {
            status: 200,
            data: ok
              ? { status: 'COMPLETED' }
              : { status: 'COMPLETED', error, ...(errorType ? { error_type: errorType } : {}) },
          };
        if (!ok) return { status: failureStatus, data: payload && 'detail' in payload ? payload : { detail: error } };
        // A result too large for the callback (`payload_error`) is fetched from fal for real.
        return callback.payload == null ? undefined : { status: 200, data: callback.payload };
      },
    };
  },
};

/**
 * Kling: the task object (`task_id`, `task_status`, `task_result`...), bare or in its `{ code, data }` envelope
 * (https://klingai.com/document-api/api/get-started/callbacks, the callback of the `model_name` APIs). A body of the
 * newer path-addressed API (`id`, `status`, `outputs`), which is also what the console's test callback sends, names
 * no task this adapter submitted: answered 2xx and ignored. Kling signs callbacks (Standard Webhooks headers) only
 * once a Webhook Secret exists; choose `verification: { kling: 'standard-webhooks' }` with that `whsec_` secret.
 */
const kling: WebhookFormat = {
  verification: 'shared-secret',
  read(body) {
    const task = subject(body, 'task_id');
    const outer = record(body) ?? {};
    if (text(task.task_id) === undefined && text(outer.id) !== undefined && typeof outer.status === 'string')
      return undefined;
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

/**
 * VideoGen: Standard Webhooks signed events `{ event: 'tool_execution.succeeded' | 'tool_execution.failed' |
 * 'tool_execution.cancelled', toolExecutionId, toolType, occurredAt, results?, error? }`
 * (https://docs.videogen.io/handling-async-tasks/webhooks, https://docs.videogen.io/webhook-events). The event
 * answers the adapter's status request as it is (the adapter reads `event` where a poll has `status`); a result file
 * without a usable URL is hydrated from VideoGen for real. `file.*` events are acknowledged and ignored.
 */
const videogen: WebhookFormat = {
  verification: 'standard-webhooks',
  read(body) {
    const event = record(body) ?? {};
    if (typeof event.event === 'string' && !event.event.startsWith('tool_execution.')) return undefined;
    const jobId = text(event.toolExecutionId) ?? missing('videogen', 'toolExecutionId');
    // The tool type names the tool endpoint the job was submitted to: GENERATE_VIDEO_CLIP is generate-video-clip.
    const tool = text(event.toolType)?.toLowerCase().replace(/_/g, '-');
    return withModel(
      {
        jobId,
        ...(typeof event.event === 'string' ? { deliveryId: `${jobId}:${event.event}` } : {}),
        answer: ({ url }) => (/\/tools\/executions\//.test(url) ? { status: 200, data: event } : undefined),
      },
      tool,
    );
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

/**
 * OpenAI-style videos. OpenAI's project webhooks send `{ id: 'evt_...', type: 'video.completed' | 'video.failed',
 * data: { id } }` (https://developers.openai.com/api/docs/guides/video-generation): the video is fetched for real.
 * OpenRouter's per-job `callback_url` sends `{ type: 'video.generation.<status>', created_at, data: <the job record> }`
 * (https://openrouter.ai/docs/cookbook/video-generation/video-generation-webhooks): the record is read as the status
 * answer, and `<job id>-<status>` (its `X-OpenRouter-Idempotency-Key`) de-duplicates. OpenRouter signs with its own
 * `X-OpenRouter-Signature` scheme, which is not verified here: register it with a `verification` of your choice.
 */
const openai: WebhookFormat = {
  verification: 'standard-webhooks',
  read(body) {
    const event = record(body) ?? {};
    if (typeof event.type === 'string' && !event.type.startsWith('video.')) return undefined;
    const data = record(event.data);
    const jobId = text(data?.id) ?? missing('openai', 'data.id');
    if (data && text(data.status)) {
      return withModel(
        { jobId, deliveryId: `${jobId}-${String(data.status)}`, answer: () => ({ status: 200, data }) },
        data.model,
      );
    }
    return { jobId, answer: () => undefined };
  },
};

/**
 * AI gateway. Dashboard endpoints get events (https://aigateway.sh/docs/webhooks): `{ id: 'evt_...', type, created,
 * data: { job_id, model, result_url, usage } }`; `job.completed` and `job.failed` are job updates (the job is
 * `data.job_id`, the `evt_` id only de-duplicates), the other events (`batch.completed`, `usage.threshold`,
 * `balance.low`, `key.rotated`) are acknowledged and ignored. A job's own `webhook_url` gets "the completed job
 * record" (https://aigateway.sh/docs/async-jobs), read like a status answer.
 */
const aigateway: WebhookFormat = {
  verification: 'aigateway-hmac',
  read(body) {
    const outer = record(body) ?? {};
    const type = text(outer.type);
    if (type === undefined) {
      const jobId = text(outer.id) ?? missing('aigateway', 'id');
      return withModel(
        { jobId, deliveryId: `${jobId}:${String(outer.status)}`, answer: () => ({ status: 200, data: outer }) },
        outer.model,
      );
    }
    if (type !== 'job.completed' && type !== 'job.failed') return undefined;
    const data = record(outer.data) ?? {};
    const jobId = text(data.job_id) ?? missing('aigateway', 'data.job_id');
    const completed = type === 'job.completed';
    // The event as the job record the adapter reads (the SDKs' `Job` carries `result_url` the same way). The docs
    // show no job.failed payload: its reason is read from `data.error` (`{ code, message }` as on the job record, or
    // a string), else `data.message`.
    const job = {
      id: jobId,
      status: completed ? 'completed' : 'failed',
      model: data.model,
      completed_at: outer.created,
      result_url: completed ? data.result_url : undefined,
      error: completed ? undefined : (data.error ?? data.message),
      usage: data.usage,
    };
    return withModel(
      {
        jobId,
        deliveryId: text(outer.id) ?? `${jobId}:${type}`,
        // A completed event without its URL: the job record is fetched from the gateway (needs the adapter's key).
        answer: () => (completed && !text(data.result_url) ? undefined : { status: 200, data: job }),
      },
      data.model,
    );
  },
};

/** The built-in providers' callback formats, by adapter name. */
export const WEBHOOK_FORMATS: Readonly<Record<string, WebhookFormat>> = {
  fal,
  kling,
  aigateway,
  replicate: sameAsStatus('replicate', 'standard-webhooks', 'id'),
  videogen,
  visgate,
  openai,
};
