import type { SimJob, SimJobPhase } from '../simJob';
import type {
  RoutedSimRequest,
  SimRequest,
  SimWebhookCallback,
  SimWebhookTarget,
  WireContext,
  WireFormat,
  WireRoute,
} from '../wireFormat';
import { apiPath, holdUntilEnded, isoTime } from './holdUntilEnded';
import { imageUrlProblem } from './imageUrl';

/** How long a synchronous `POST /videos/generate` (no `Prefer: respond-async`) is held before answering 202. */
const SYNC_HOLD_MS = 300_000;
/** A request's `status`: visgate has no cancel, so a job cancelled in the simulator reads as failed. */
const STATUS: Record<SimJobPhase, string> = {
  queued: 'pending',
  running: 'processing',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'failed',
};
/** The codes visgate-python's exceptions carry (`exceptions.py`); the HTTP API's own 401/429 bodies are undocumented. */
const ERROR_CODES: Record<number, string> = { 401: 'AUTHENTICATION_ERROR', 404: 'NOT_FOUND', 429: 'RATE_LIMIT_ERROR' };

/**
 * visgate's HTTP API as its Python SDK speaks it (`https://visgateai.com/api/v1`, visgate-python
 * `resources/videos.py` and `requests.py`): `POST /videos/generate` with `model`, `prompt`, `duration_seconds`,
 * `image_url` and the model's own parameters merged into the top level; `Prefer: respond-async` answers `202`
 * `{ request_id, status: "pending" }` at once, without it the request is held until the video is ready.
 * `GET /requests/{id}` answers `request_id`, `status` (`pending | processing | completed | failed`),
 * `media_type`, `provider`, `model`, `output_url`, `error_message`, `created_at`, `completed_at` (snake_case on
 * the wire; the JS SDK and the seed show them camelCased). `webhook_url` + `callback_id` are kept on the job.
 * Errors are the envelope `{ error: <CODE>, message, details }`. There is no cancel endpoint. Checked against the
 * documented examples in test/fixtures/wire/visgate/.
 */
export interface VisgateWireOptions {
  /** The provider name (path prefix). Defaults to `'visgate'`. */
  provider?: string;
  /**
   * `http`: the HTTP API's snake_case fields. `seed`: the same record camelCased, as the JS SDK and the seed
   * document it (`requestId`, `outputUrl`, ...). Defaults to `'http'`.
   */
  shape?: 'http' | 'seed';
}

export function createVisgateWire(options: VisgateWireOptions = {}): WireFormat {
  const shape = options.shape ?? 'http';
  const provider = options.provider ?? 'visgate';
  return {
    provider,
    hosts: provider === 'visgate' ? ['visgateai.com'] : [],

    route(req: SimRequest): WireRoute | undefined {
      const { path } = apiPath(req.path, req.base, '/api/v1');
      if (req.method === 'POST' && path === '/videos/generate') return { endpoint: 'submit' };
      const status = /^\/requests\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && status) return { endpoint: 'status', jobId: decodeURIComponent(status[1]!) };
      return undefined;
    },

    async handle(req: RoutedSimRequest, ctx: WireContext): Promise<Response> {
      if (req.route.endpoint === 'submit') return submit(req, ctx, shape);
      const job = ctx.job(req.route.jobId!);
      if (!job) return ctx.error(404, `Request ${req.route.jobId} not found`);
      return ctx.json(200, inShape(requestRecord(job, ctx), shape));
    },

    /**
     * "The completed result and your callbackId" (https://visgateai.com/docs/guides/async-video): the request record
     * with `callback_id` beside it. visgate signs nothing; the shared secret travels in the webhook URL (`?token=`).
     */
    webhook(job: SimJob, _req: SimRequest, ctx: WireContext, target: SimWebhookTarget): SimWebhookCallback | undefined {
      if (target !== 'job' || (job.status !== 'completed' && job.status !== 'failed')) return undefined;
      const record = requestRecord(job, ctx);
      if (job.meta.callbackId !== undefined) record.callback_id = job.meta.callbackId;
      return { body: inShape(record, shape), signing: 'none', deliveryId: `${job.id}:${job.status}` };
    },

    errorBody(status: number, message: string): unknown {
      return { error: ERROR_CODES[status] ?? 'INTERNAL_ERROR', message, details: null };
    },
  };
}

export const visgateWire: WireFormat = createVisgateWire();

/** The record with its keys camelCased, for the seed shape. */
function inShape(record: Record<string, unknown>, shape: 'http' | 'seed'): Record<string, unknown> {
  if (shape === 'http') return record;
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), value]),
  );
}

async function submit(req: RoutedSimRequest, ctx: WireContext, shape: 'http' | 'seed'): Promise<Response> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  for (const field of ['model', 'prompt'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '') {
      return ctx.json(422, { error: 'VALIDATION_ERROR', message: `${field} is required`, details: { field } });
    }
  }
  // The image to animate (visgate-python `videos.generate(image_url=...)`): refused like other bad input (422 with
  // `details.field`, as test_handle_422) when the simulator could not download it; undocumented.
  const imageProblem = body.image_url === undefined ? undefined : imageUrlProblem(body.image_url, ctx);
  if (imageProblem) {
    return ctx.json(422, { error: 'VALIDATION_ERROR', message: imageProblem, details: { field: 'image_url' } });
  }
  const meta: Record<string, string> = {};
  if (typeof body.callback_id === 'string') meta.callbackId = body.callback_id;
  const webhookUrl = typeof body.webhook_url === 'string' ? body.webhook_url : undefined;
  const job = ctx.createJob({
    model: body.model as string,
    input: body,
    meta,
    ...(webhookUrl !== undefined ? { webhookUrl } : {}),
  });
  const preferAsync = /respond-async/i.test(req.headers.get('prefer') ?? '');
  if (preferAsync) return ctx.json(202, inShape({ request_id: job.id, status: 'pending' }, shape));

  const ended = (await holdUntilEnded(ctx, job.id, SYNC_HOLD_MS, req.signal)) ?? job;
  if (ended.status === 'completed') {
    return ctx.json(
      200,
      inShape(
        {
          id: ended.id,
          video_url: ctx.video(ended).url,
          model: ended.model,
          provider: 'fal',
          cost: 0.4,
          cache_hit: false,
          latency_ms: (ended.endedAt ?? ctx.now()) - ended.createdAt,
          created_at: isoTime(ended.createdAt),
        },
        shape,
      ),
    );
  }
  if (ended.status === 'failed') {
    return ctx.json(502, {
      error: 'PROVIDER_ERROR',
      message: ended.errorMessage ?? 'The provider failed',
      details: { provider: 'fal' },
    });
  }
  return ctx.json(202, inShape({ request_id: ended.id, status: 'pending' }, shape));
}

function requestRecord(job: SimJob, ctx: WireContext): Record<string, unknown> {
  return {
    request_id: job.id,
    status: STATUS[job.status],
    media_type: 'video',
    provider: 'fal',
    model: job.model,
    output_url: job.status === 'completed' ? ctx.video(job).url : null,
    error_message:
      job.status === 'failed'
        ? (job.errorMessage ?? 'Generation failed')
        : job.status === 'cancelled'
          ? 'The request was cancelled'
          : null,
    created_at: isoTime(job.createdAt),
    completed_at: isoTime(job.endedAt),
  };
}
