import { isTerminalPhase, type SimJob } from '../simJob';
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
import { createFile, fileIdOf } from './replicateFiles';

/** `Prefer: wait` without a number waits this long, and no longer than this with one (Replicate's limit). */
const MAX_WAIT_S = 60;
/** Steps of the simulated tqdm progress bar written to the logs. */
const STEPS = 50;
/** The `title` of Replicate's problem-details error bodies (401: https://github.com/replicate/replicate-python/issues/47). */
const ERROR_TITLES: Record<number, string> = { 401: 'Unauthenticated', 404: 'Not found' };

/**
 * Replicate's predictions API (`https://api.replicate.com/v1`): `POST /predictions` (`version`, `input`) or
 * `POST /models/{owner}/{name}/predictions` / `POST /deployments/{owner}/{name}/predictions` (`input`), with
 * `webhook` + `webhook_events_filter`, `Prefer: wait[=N]` (hold the answer up to N s, default 60, until the
 * prediction ends) and `Cancel-After` (a deadline like `30s` or `1m30s`: `aborted` when it had not started
 * by then, `canceled` when it was running). `GET /predictions/{id}` answers the prediction (`starting |
 * processing | succeeded | failed | canceled | aborted`, `logs` with a tqdm progress bar, `output` as a URL
 * string, or a list when the input asks for `num_outputs`, `error`, `metrics.predict_time`, `urls.get` /
 * `urls.cancel`); `POST /predictions/{id}/cancel` answers it after cancelling. Errors are problem details
 * (`title`, `detail`, `status`). `POST /files` takes an input file (replicateFiles.ts); a create whose input names one
 * of its `urls.get` that is unknown is refused `422` (assumed: Replicate documents no answer for it). Checked against
 * the documented examples in test/fixtures/wire/replicate/.
 */
export const replicateWire: WireFormat = {
  provider: 'replicate',
  hosts: ['api.replicate.com'],

  route(req: SimRequest): WireRoute | undefined {
    const { path } = apiPath(req.path, req.base, '/v1');
    if (req.method === 'POST') {
      if (path === '/files') return { endpoint: 'upload' };
      if (path === '/predictions' || /^\/(models|deployments)\/[^/]+\/[^/]+\/predictions$/.test(path)) {
        return { endpoint: 'submit' };
      }
      const cancel = /^\/predictions\/([^/]+)\/cancel$/.exec(path);
      if (cancel) return { endpoint: 'cancel', jobId: decodeURIComponent(cancel[1]!) };
    }
    const status = /^\/predictions\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && status) return { endpoint: 'status', jobId: decodeURIComponent(status[1]!) };
    return undefined;
  },

  async handle(req: RoutedSimRequest, ctx: WireContext): Promise<Response> {
    const { path, root } = apiPath(req.path, req.base, '/v1');
    if (req.route.endpoint === 'submit') return submit(req, ctx, path, root);
    if (req.route.endpoint === 'upload') return createFile(req, ctx, root);
    const id = req.route.jobId!;
    if (!ctx.job(id)) return ctx.error(404, 'Not found.');
    enforceDeadline(ctx, id);
    if (req.route.endpoint === 'cancel') ctx.cancel(id);
    return ctx.json(200, prediction(ctx.job(id)!, ctx, root));
  },

  /**
   * The prediction object, Standard Webhooks signed (https://replicate.com/docs/topics/webhooks): a `start` event once
   * it runs, when `webhook_events_filter` asks for it, and the `completed` event (succeeded, failed or canceled) unless
   * a filter leaves it out. `output` and `logs` events are not simulated.
   */
  webhook(job: SimJob, req: SimRequest, ctx: WireContext, target: SimWebhookTarget): SimWebhookCallback | undefined {
    // Replicate calls a prediction's own `webhook` only.
    if (target !== 'job') return undefined;
    const filter = job.meta.webhookEventsFilter?.split(',');
    const event = job.status === 'running' ? 'start' : isTerminalPhase(job.status) ? 'completed' : undefined;
    if (event === undefined || (filter ? !filter.includes(event) : event === 'start')) return undefined;
    const { root } = apiPath(req.path, req.base, '/v1');
    return { body: prediction(job, ctx, root), signing: 'standard-webhooks', deliveryId: `msg_${job.id}_${event}` };
  },

  errorBody(status: number, message: string): unknown {
    // A throttled request gets only a `detail` (https://replicate.com/docs/topics/predictions/rate-limits).
    if (status === 429) return { detail: message };
    return { title: ERROR_TITLES[status] ?? 'Error', detail: message, status };
  },
};

async function submit(req: RoutedSimRequest, ctx: WireContext, path: string, root: string): Promise<Response> {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const invalid = (detail: string) => ctx.json(422, { title: 'Input validation failed', detail, status: 422 });
  if (typeof body.input !== 'object' || body.input === null) return invalid('- input: input is required');
  for (const [field, value] of Object.entries(body.input)) {
    const fileId = fileIdOf(value, req.base);
    if (fileId !== undefined && ctx.upload(fileId)?.provider !== 'replicate') {
      return invalid(`- ${field}: file ${fileId} does not exist or has expired`);
    }
  }
  const meta: Record<string, string> = {};
  let model: string;
  const byModel = /^\/(?:models|deployments)\/([^/]+)\/([^/]+)\/predictions$/.exec(path);
  if (byModel) {
    model = `${decodeURIComponent(byModel[1]!)}/${decodeURIComponent(byModel[2]!)}`;
  } else {
    if (typeof body.version !== 'string' || body.version === '') return invalid('- version: version is required');
    const [name, version] = body.version.includes(':') ? body.version.split(':', 2) : [body.version, body.version];
    model = name!;
    meta.version = version!;
  }
  if (Array.isArray(body.webhook_events_filter)) meta.webhookEventsFilter = body.webhook_events_filter.join(',');
  const cancelAfter = req.headers.get('cancel-after');
  if (cancelAfter) {
    const ms = parseDuration(cancelAfter);
    if (ms === undefined) return invalid(`- Cancel-After: invalid duration "${cancelAfter}"`);
    meta.cancelAfter = cancelAfter;
    meta.cancelAfterMs = String(ms);
  }
  const prefer = req.headers.get('prefer');
  if (prefer) meta.prefer = prefer;
  const webhookUrl = typeof body.webhook === 'string' ? body.webhook : undefined;
  const job = ctx.createJob({
    id: ctx.uuid().replace(/-/g, '').slice(0, 26),
    model,
    input: body.input,
    meta,
    ...(webhookUrl !== undefined ? { webhookUrl } : {}),
  });
  const wait = /^\s*wait\s*(?:=\s*(\d+))?/i.exec(prefer ?? '');
  if (wait) {
    const seconds = Math.min(MAX_WAIT_S, Math.max(1, Number(wait[1] ?? MAX_WAIT_S)));
    const deadline = meta.cancelAfterMs === undefined ? Infinity : Number(meta.cancelAfterMs);
    await holdUntilEnded(ctx, job.id, Math.min(seconds * 1000, deadline), req.signal);
    enforceDeadline(ctx, job.id);
  }
  const current = ctx.job(job.id) ?? job;
  return ctx.json(201, prediction(current, ctx, root), { location: `${root}/predictions/${current.id}` });
}

/**
 * Applies `Cancel-After` when the job is next looked at: nothing ticks in the simulator, so a job is
 * cancelled at the first request after its deadline (a job that ended on its own before anyone asked keeps
 * its outcome).
 */
function enforceDeadline(ctx: WireContext, id: string): void {
  const job = ctx.job(id);
  if (!job || job.meta.cancelAfterMs === undefined) return;
  if (ctx.now() >= job.createdAt + Number(job.meta.cancelAfterMs)) ctx.cancel(id);
}

function statusOf(job: SimJob): string {
  switch (job.status) {
    case 'queued':
      return 'starting';
    case 'running':
      return 'processing';
    case 'completed':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'cancelled': {
      const deadlineMs = job.meta.cancelAfterMs === undefined ? undefined : Number(job.meta.cancelAfterMs);
      const byDeadline = deadlineMs !== undefined && (job.endedAt ?? 0) >= job.createdAt + deadlineMs;
      const startedBeforeDeadline = deadlineMs !== undefined && job.spec.queueMs < deadlineMs;
      return byDeadline && !startedBeforeDeadline ? 'aborted' : 'canceled';
    }
  }
}

function prediction(job: SimJob, ctx: WireContext, root: string): Record<string, unknown> {
  const input = (job.input ?? {}) as Record<string, unknown>;
  const url = job.status === 'completed' ? ctx.video(job).url : undefined;
  const logs = job.logs.map((line) => line.message);
  if (job.status === 'running' && job.spec.reportsProgress) logs.push(tqdm(job.progress ?? 0));
  if (job.status === 'completed') logs.splice(Math.max(0, logs.length - 1), 0, tqdm(1));
  const metrics: Record<string, number> = {};
  if (job.endedAt !== undefined) {
    if (job.startedAt !== undefined) metrics.predict_time = (job.endedAt - job.startedAt) / 1000;
    metrics.total_time = (job.endedAt - job.createdAt) / 1000;
  }
  const record: Record<string, unknown> = {
    id: job.id,
    model: job.model,
    version: job.meta.version ?? 'hidden',
    input,
    logs: logs.join('\n'),
    output: url === undefined ? null : typeof input.num_outputs === 'number' ? [url] : url,
    data_removed: false,
    error: job.status === 'failed' ? (job.errorMessage ?? 'Prediction failed') : null,
    status: statusOf(job),
    source: 'api',
    created_at: isoTime(job.createdAt),
    started_at: isoTime(job.startedAt),
    completed_at: isoTime(job.endedAt),
    urls: {
      get: `${root}/predictions/${job.id}`,
      cancel: `${root}/predictions/${job.id}/cancel`,
      web: `https://replicate.com/p/${job.id}`,
    },
    metrics,
  };
  if (job.webhookUrl !== undefined) record.webhook = job.webhookUrl;
  if (job.meta.webhookEventsFilter) record.webhook_events_filter = job.meta.webhookEventsFilter.split(',');
  return record;
}

/** A tqdm progress line as diffusion models print it: ` 42%|████▏     | 21/50 [00:10<00:14,  2.01it/s]`. */
function tqdm(progress: number): string {
  const pct = Math.floor(progress * 100);
  const filled = Math.floor(progress * 10);
  const bar = '█'.repeat(filled) + ' '.repeat(10 - filled);
  return `${String(pct).padStart(3)}%|${bar}| ${Math.floor(progress * STEPS)}/${STEPS} [00:00<00:00,  2.00it/s]`;
}

/** Go-style durations as `Cancel-After` takes them (`500ms`, `30s`, `1m30s`, `2h`); a bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return undefined;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, amount, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g))
    total += Number(amount) * units[unit!]!;
  return total;
}
