import type { SimJob } from '../simJob';
import { videoFileResponse } from '../simResponses';
import type {
  RoutedSimRequest,
  SimRequest,
  SimWebhookCallback,
  SimWebhookTarget,
  WireContext,
  WireFormat,
  WireRoute,
} from '../wireFormat';
import { imageUrlProblem } from './imageUrl';

// The AI gateway async-job pattern (https://aigateway.sh/docs/async-jobs), as the simulator speaks it. Every answer
// has the shape of the documented examples in test/fixtures/wire/aigateway/ (checked by aigatewayWire.conformance):
//   POST {base}/v1/videos/generations  { model, prompt, webhook_url, ... }  -> 202 { id: 'job_...', status: 'queued', object: 'job' }
//   POST {base}/v1/audio/music         (same)
//        `image_url` (the start frame, aigateway-sh/sdk-node `VideoRequest.image_url`) must be an https: URL the
//        simulator could download (one of its own uploads must exist): else 400 invalid_request (undocumented).
//        The job keeps the whole body as its input, `image_url` included.
//   GET  {base}/v1/jobs/{id}  -> { id, status: queued | running | failed | cancelled, object: 'job', error?: { code, message } }
//                                 { id, status: 'completed', result: { file_url } }
//        answered 304 Not Modified when the same job was polled less than 3 s before.
//   POST {base}/v1/jobs/{id}/cancel -> 200 the job record (cancelled) | 409 when it already ended
//   GET  {base}/v1/files/jobs/{id}.mp4?expires=<unix s>&signature=<hex> -> the video; 403 once expired or tampered.
// Result URLs are signed for 24 h from the moment the record is fetched, so re-fetching the job hands out a fresh one.
// Errors: { error: { message, type, code } } as the official SDK reads them, with the documented types
// (invalid_key, rate_limited, model_not_found, budget_exceeded, scope_exceeded).

const MIN_POLL_INTERVAL_MS = 3000;
const SIGNED_URL_TTL_S = 24 * 60 * 60;

const SUBMIT_PATHS = new Set(['/v1/videos/generations', '/v1/audio/music']);
const JOB_PATH = /^\/v1\/jobs\/([^/]+)(\/cancel)?\/?$/;
const FILE_PATH = /^\/v1\/files\/jobs\/([^/]+)\.mp4$/;

function route(req: SimRequest): WireRoute | undefined {
  if (req.method === 'POST' && SUBMIT_PATHS.has(req.path)) return { endpoint: 'submit' };
  const job = JOB_PATH.exec(req.path);
  if (job) {
    const jobId = decodeURIComponent(job[1] ?? '');
    if (req.method === 'GET' && !job[2]) return { endpoint: 'status', jobId };
    if (req.method === 'POST' && job[2]) return { endpoint: 'cancel', jobId };
    return undefined;
  }
  const file = FILE_PATH.exec(req.path);
  if (file && (req.method === 'GET' || req.method === 'HEAD'))
    return { endpoint: 'file', jobId: decodeURIComponent(file[1] ?? ''), public: true };
  return undefined;
}

/** Not a real HMAC: the simulator only needs a signature that changes with the expiry and cannot be guessed by accident. */
function sign(jobId: string, expires: number): string {
  let hash = 0x811c9dc5;
  for (const char of `${jobId}:${expires}:sim-media-secret`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** A freshly signed URL for the job's video, valid 24 h from now. */
function signedFileUrl(req: SimRequest, ctx: WireContext, job: SimJob): string {
  const expires = Math.floor(ctx.now() / 1000) + SIGNED_URL_TTL_S;
  const query = `expires=${expires}&signature=${sign(job.id, expires)}`;
  const plain = ctx.video(job).url;
  // With the simulator's default video URL, serve the file here so the signature is enforced; a configured
  // `videoUrl` (e.g. a static asset in Storybook) only gets the query string.
  if (plain === `${req.url.origin}/files/${encodeURIComponent(job.id)}.mp4`) {
    return `${req.base}/v1/files/jobs/${encodeURIComponent(job.id)}.mp4?${query}`;
  }
  return `${plain}${plain.includes('?') ? '&' : '?'}${query}`;
}

function jobRecord(req: SimRequest, ctx: WireContext, job: SimJob): Record<string, unknown> {
  // The docs' completed example is `{ status, result: { file_url } }`; the id is kept so a record stands alone.
  if (job.status === 'completed')
    return { id: job.id, status: job.status, result: { file_url: signedFileUrl(req, ctx, job) } };
  const record: Record<string, unknown> = { id: job.id, status: job.status, object: 'job' };
  // "failed: error.code and error.message explain why."
  if (job.status === 'failed')
    record.error = { code: 'generation_failed', message: job.errorMessage ?? 'Generation failed' };
  return record;
}

function handle(req: RoutedSimRequest, ctx: WireContext): Response {
  const { route: where } = req;
  if (where.endpoint === 'submit') {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return ctx.error(400, 'Request body must be a JSON object');
    }
    if (typeof body.model !== 'string' || !body.model) return ctx.error(400, 'model is required');
    if (typeof body.prompt !== 'string' || !body.prompt) return ctx.error(400, 'prompt is required');
    const imageProblem = body.image_url === undefined ? undefined : imageUrlProblem(body.image_url, ctx);
    if (imageProblem) return ctx.error(400, imageProblem);
    const webhookUrl = typeof body.webhook_url === 'string' && body.webhook_url ? body.webhook_url : undefined;
    const media = req.path === '/v1/audio/music' ? 'music' : 'video';
    const job = ctx.createJob({
      id: `job_${ctx.uuid().replace(/-/g, '')}`,
      model: body.model,
      input: body,
      meta: { media },
      ...(webhookUrl ? { webhookUrl } : {}),
    });
    return ctx.json(202, { id: job.id, status: 'queued', object: 'job' });
  }

  const jobId = where.jobId ?? '';
  if (where.endpoint === 'file') {
    const job = ctx.job(jobId);
    const expires = Number(req.url.searchParams.get('expires'));
    const signature = req.url.searchParams.get('signature');
    if (!job || job.status !== 'completed') return ctx.error(404, 'No such file');
    if (!Number.isFinite(expires) || signature !== sign(job.id, expires)) return ctx.error(403, 'Invalid signature');
    if (expires * 1000 <= ctx.now()) return ctx.error(403, 'Signed URL expired; fetch the job again for a fresh URL');
    return videoFileResponse(req.method, req.headers.get('range'));
  }
  if (where.endpoint === 'cancel') {
    const outcome = ctx.cancel(jobId);
    if (outcome === 'not_found') return ctx.error(404, `Job ${jobId} not found`);
    if (outcome === 'already_ended') return ctx.error(409, `Job ${jobId} has already ended and cannot be cancelled`);
    return ctx.json(200, jobRecord(req, ctx, ctx.job(jobId)!));
  }
  const job = ctx.job(jobId);
  if (!job) return ctx.error(404, `Job ${jobId} not found`);
  return ctx.json(200, jobRecord(req, ctx, job));
}

/**
 * A job's own `webhook_url` gets "the completed job record" (https://aigateway.sh/docs/async-jobs): the record as the
 * status endpoint answers it, for a completed or failed job (no callback is documented for a cancelled one). An
 * endpoint registered in the dashboard gets the `job.completed` / `job.failed` events instead
 * (https://aigateway.sh/docs/webhooks). Both are signed `aig-signature`.
 */
function webhook(
  job: SimJob,
  req: SimRequest,
  ctx: WireContext,
  target: SimWebhookTarget,
): SimWebhookCallback | undefined {
  if (job.status !== 'completed' && job.status !== 'failed') return undefined;
  if (target === 'job') {
    return { body: jobRecord(req, ctx, job), signing: 'aigateway-hmac', deliveryId: `${job.id}:${job.status}` };
  }
  const completed = job.status === 'completed';
  const data: Record<string, unknown> = { job_id: job.id, model: job.model };
  if (completed) data.result_url = signedFileUrl(req, ctx, job);
  else data.error = { code: 'generation_failed', message: job.errorMessage ?? 'Generation failed' };
  // No charge for a failed job, as in the failed example.
  data.usage = { cost_cents: completed ? SIMULATED_COST_CENTS : 0 };
  const id = `evt_${job.id.replace(/^job_/, '')}_${job.status}`;
  return {
    body: {
      id,
      type: completed ? 'job.completed' : 'job.failed',
      created: Math.floor((job.endedAt ?? ctx.now()) / 1000),
      data,
    },
    signing: 'aigateway-hmac',
    deliveryId: id,
  };
}

/** What a simulated completed job costs, in the events' `usage.cost_cents`. */
const SIMULATED_COST_CENTS = 100;

/** The `type` of each error: https://aigateway.sh/docs/authentication (401 invalid_key, 403 scope_exceeded, 429
 * rate_limited), /support (402 budget_exceeded), the SDK's test (404 model_not_found); the others are undocumented. */
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_key',
  402: 'budget_exceeded',
  403: 'scope_exceeded',
  404: 'not_found',
  409: 'invalid_request',
  429: 'rate_limited',
  502: 'provider_error',
  504: 'timeout',
};

export const aigatewayWire: WireFormat = {
  provider: 'aigateway',
  hosts: ['api.aigateway.sh', 'media.aigateway.sh'],
  notModifiedWithinMs: MIN_POLL_INTERVAL_MS,
  route,
  handle,
  webhook,
  errorBody(status, message) {
    return { error: { message, type: ERROR_TYPES[status] ?? 'api_error', code: status } };
  },
};
