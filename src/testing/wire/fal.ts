import type { SimJob } from '../simJob';
import type {
  RoutedSimRequest,
  SimRequest,
  SimWebhookCallback,
  SimWebhookTarget,
  WireContext,
  WireFormat,
  WireRoute,
} from '../wireFormat';

// fal's queue API (https://docs.fal.ai/model-endpoints/queue), as the simulator speaks it:
//   POST {base}/{model}[?fal_webhook=url]          -> { request_id, status_url, response_url, cancel_url, queue_position }
//   GET  {base}/{app}/requests/{id}/status?logs=1  -> 202 IN_QUEUE (queue_position) | 202 IN_PROGRESS (logs) | 200 COMPLETED (logs, metrics)
//   GET  {base}/{app}/requests/{id}/status/stream  -> SSE, one `data:` status object per change, closed after COMPLETED
//   GET  {base}/{app}/requests/{id}                -> the model's output ({ video: { url, content_type, file_name, file_size } }),
//                                                     or a request error { detail, error_type } + X-Fal-Error-Type
//                                                     (500 runner_server_error, 499 client_cancelled)
//   PUT  {base}/{app}/requests/{id}/cancel         -> 202 { status: 'CANCELLATION_REQUESTED' } | 400 { status: 'ALREADY_COMPLETED' }
//   POST {rest}/storage/upload/initiate?storage_type=fal-cdn-v3  { content_type, file_name }
//                                                  -> { upload_url, file_url }: PUT the bytes to upload_url (pre-signed,
//                                                     served by the simulator's /sim-uploads/), the model reads file_url
// `{rest}` is fal's REST host (`rest.fal.ai`, as @fal-ai/client's storage.upload calls it) or, like the queue, the
// simulator's `/fal` root. A submit whose image field points at a simulator upload that holds no file is refused 422
// `file_download_error` (an assumed type: real fal accepts the submit and fails the run when it cannot download).
// Quirk kept from the real API: `{model}` may carry a sub-path (`fal-ai/kling-video/v2/master/text-to-video`)
// but the request URLs use only the app id (`fal-ai/kling-video`); clients must use the URLs handed back.
// The queue's status enum is closed (IN_QUEUE / IN_PROGRESS / COMPLETED): a failed or cancelled request is
// COMPLETED, and only its result fetch says how it ended, in the request-error format
// (https://fal.ai/docs/documentation/model-apis/request-errors). Checked against test/fixtures/wire/fal/.

/** Apps under these namespaces have three-segment ids (`workflows/owner/name`), as in fal's own client. */
const NAMESPACES = new Set(['workflows', 'comfy']);

const REQUEST_PATH = /^\/(.+?)\/requests\/([^/]+)(\/status(?:\/stream)?|\/cancel)?\/?$/;

/** fal's REST API host, where @fal-ai/client initiates uploads (`getRestApiUrl()`). */
const REST_HOST = 'rest.fal.ai';
const INITIATE_PATH = '/storage/upload/initiate';

/** The input fields fal's image-to-video models download an image from (@fal-ai/client's endpoint types). */
const IMAGE_FIELDS = [
  'image_url',
  'start_image_url',
  'end_image_url',
  'tail_image_url',
  'first_frame_url',
  'last_frame_url',
];

function appIdOf(model: string): string {
  const parts = model.split('/').filter(Boolean);
  return parts.slice(0, NAMESPACES.has(parts[0] ?? '') ? 3 : 2).join('/');
}

function route(req: { method: string; path: string; url: URL }): WireRoute | undefined {
  if (req.path.replace(/\/+$/, '') === INITIATE_PATH) return req.method === 'POST' ? { endpoint: 'upload' } : undefined;
  // The REST host serves storage only here: its other APIs (keys, billing) are not simulated.
  if (req.url.host === REST_HOST) return undefined;
  const match = REQUEST_PATH.exec(req.path);
  if (match) {
    const [, , id = '', suffix = ''] = match;
    const jobId = decodeURIComponent(id);
    if (req.method === 'GET' && suffix === '/status') return { endpoint: 'status', jobId };
    if (req.method === 'GET' && suffix === '/status/stream') return { endpoint: 'stream', jobId };
    if (req.method === 'GET' && suffix === '') return { endpoint: 'result', jobId };
    if (req.method === 'PUT' && suffix === '/cancel') return { endpoint: 'cancel', jobId };
    return undefined;
  }
  if (req.method === 'POST' && appIdOf(req.path).split('/').length >= 2) return { endpoint: 'submit' };
  return undefined;
}

function urlsOf(base: string, job: SimJob) {
  const root = `${base}/${job.meta.appId ?? appIdOf(job.model)}/requests/${job.id}`;
  return { response_url: root, status_url: `${root}/status`, cancel_url: `${root}/cancel` };
}

/** The body of `GET .../status` (and of each stream event). */
export function falStatusBody(base: string, job: SimJob, withLogs: boolean): Record<string, unknown> {
  const common = { request_id: job.id, ...urlsOf(base, job) };
  if (job.status === 'queued') return { status: 'IN_QUEUE', queue_position: job.queuePosition ?? 0, ...common };
  const logs = withLogs
    ? job.logs.map((line) => ({
        message: line.message,
        level: line.level,
        source: 'USER',
        timestamp: new Date(line.at).toISOString(),
      }))
    : null;
  if (job.status === 'running') return { status: 'IN_PROGRESS', ...common, logs };
  const body: Record<string, unknown> = { status: 'COMPLETED', ...common, logs };
  if (job.startedAt !== undefined && job.endedAt !== undefined)
    body.metrics = { inference_time: (job.endedAt - job.startedAt) / 1000 };
  return body;
}

function handle(req: RoutedSimRequest, ctx: WireContext): Response {
  const { route: where } = req;
  if (where.endpoint === 'upload') return initiateUpload(req, ctx);
  if (where.endpoint === 'submit') {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      return ctx.json(422, {
        detail: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }],
      });
    }
    const missing = missingUpload(req.body as Record<string, unknown>, ctx);
    if (missing) return missing;
    const model = req.path.replace(/^\/+|\/+$/g, '');
    const webhookUrl = req.url.searchParams.get('fal_webhook') ?? undefined;
    const job = ctx.createJob({
      model,
      input: req.body,
      meta: { appId: appIdOf(model) },
      ...(webhookUrl ? { webhookUrl } : {}),
    });
    return ctx.json(
      200,
      { status: 'IN_QUEUE', request_id: job.id, ...urlsOf(req.base, job), queue_position: job.queuePosition ?? 0 },
      { 'x-fal-request-id': job.id },
    );
  }

  const jobId = where.jobId ?? '';
  const withLogs = req.url.searchParams.get('logs') === '1';
  if (where.endpoint === 'cancel') {
    const outcome = ctx.cancel(jobId);
    if (outcome === 'not_found') return ctx.json(404, { status: 'NOT_FOUND', detail: `Request ${jobId} not found` });
    if (outcome === 'already_ended') return ctx.json(400, { status: 'ALREADY_COMPLETED' });
    return ctx.json(202, { status: 'CANCELLATION_REQUESTED' });
  }

  const job = ctx.job(jobId);
  if (!job) return ctx.json(404, { detail: `Request ${jobId} not found` });
  const headers = { 'x-fal-request-id': job.id };
  if (where.endpoint === 'status') {
    const body = falStatusBody(req.base, job, withLogs);
    // 202 while queued or running, 200 once ended (https://fal.ai/docs/api-reference/inference-api).
    return ctx.json(body.status === 'COMPLETED' ? 200 : 202, body, headers);
  }
  if (where.endpoint === 'stream') {
    // Like fal's stream, each event carries only the log lines written since the previous event.
    let sentLogs = 0;
    let lastKey = '';
    const render = (current: SimJob) => {
      const body = falStatusBody(req.base, current, withLogs);
      const key = `${String(body.status)}|${String(body.queue_position ?? '')}|${current.logs.length}`;
      if (key === lastKey) return undefined;
      lastKey = key;
      if (Array.isArray(body.logs)) body.logs = body.logs.slice(sentLogs);
      sentLogs = current.logs.length;
      return { data: JSON.stringify(body) };
    };
    return ctx.sse(job.id, render, req.signal ? { signal: req.signal } : {});
  }

  // result
  if (job.status === 'queued' || job.status === 'running') {
    return ctx.json(400, { detail: 'Request is still in progress' }, headers);
  }
  if (job.status === 'failed') {
    return ctx.json(
      500,
      { detail: job.errorMessage ?? 'Internal Server Error', error_type: 'runner_server_error' },
      { ...headers, 'x-fal-error-type': 'runner_server_error' },
    );
  }
  if (job.status === 'cancelled') {
    return ctx.json(
      499,
      { detail: 'The request was cancelled by the client.', error_type: 'client_cancelled' },
      { ...headers, 'x-fal-error-type': 'client_cancelled' },
    );
  }
  return ctx.json(200, resultBody(job, ctx), headers);
}

/** `POST /storage/upload/initiate`: a pre-signed PUT target and the URL the file is read from, in fal's names. */
function initiateUpload(req: SimRequest, ctx: WireContext): Response {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  for (const field of ['content_type', 'file_name']) {
    if (typeof body[field] !== 'string') {
      return ctx.json(422, { detail: [{ loc: ['body', field], msg: 'Field required', type: 'missing' }] });
    }
  }
  const upload = ctx.reserveUpload({ contentType: body.content_type as string, fileName: body.file_name as string });
  return ctx.json(200, { upload_url: upload.uploadUrl, file_url: upload.url });
}

/** A 422 for an image field naming a simulator upload that holds no file (never PUT, or unknown). */
function missingUpload(input: Record<string, unknown>, ctx: WireContext): Response | undefined {
  for (const field of IMAGE_FIELDS) {
    const value = input[field];
    if (typeof value !== 'string' || !value.includes('/sim-uploads/')) continue;
    if (ctx.upload(value)?.status === 'stored') continue;
    return ctx.json(422, {
      detail: [
        {
          loc: ['body', field],
          msg: 'Failed to download the file. Please check if the URL is accessible.',
          type: 'file_download_error',
          input: value,
        },
      ],
    });
  }
  return undefined;
}

/** The model's output, as the result endpoint answers it and a successful webhook carries it in `payload`. */
function resultBody(job: SimJob, ctx: WireContext): Record<string, unknown> {
  const video = ctx.video(job);
  return {
    video: { url: video.url, content_type: video.contentType, file_name: video.fileName, file_size: video.fileSize },
  };
}

/**
 * fal's webhook (https://docs.fal.ai/model-endpoints/webhooks): `status: OK` with the result as `payload`, or `status:
 * ERROR` with the generic `error` ("Invalid status code: <n>") and the result fetch's error body as `payload`. No
 * callback is documented for a cancelled request, so none is sent.
 */
function webhook(
  job: SimJob,
  _req: SimRequest,
  ctx: WireContext,
  target: SimWebhookTarget,
): SimWebhookCallback | undefined {
  // fal has no account-level webhook: only a request's own `fal_webhook` is called.
  if (target !== 'job') return undefined;
  const ids = { request_id: job.id, gateway_request_id: job.id };
  let body: Record<string, unknown>;
  if (job.status === 'completed') body = { ...ids, status: 'OK', payload: resultBody(job, ctx) };
  else if (job.status === 'failed') {
    body = {
      ...ids,
      status: 'ERROR',
      error: 'Invalid status code: 500',
      payload: { detail: job.errorMessage ?? 'Internal Server Error', error_type: 'runner_server_error' },
    };
  } else return undefined;
  return { body, signing: 'fal-ed25519', deliveryId: job.id };
}

export const falWire: WireFormat = {
  provider: 'fal',
  hosts: ['queue.fal.run', REST_HOST],
  route,
  handle,
  webhook,
  errorBody(status, message) {
    // fal answers validation errors with a FastAPI-style `detail` array and everything else with a string.
    return status === 422 ? { detail: [{ loc: ['body'], msg: message, type: 'value_error' }] } : { detail: message };
  },
};
