import type { SimJob } from '../../src/testing';
import type { RoutedSimRequest, SimRequest, WireContext, WireFormat, WireRoute } from '../../src/testing';

/**
 * Runway's task API as far as its SDK's `waitForTaskOutput` uses it, so the SDK can run its own loop against
 * the same simulated jobs as everyone else (bench-only: the library has no Runway adapter).
 *   POST /v1/text_to_video | /v1/image_to_video  -> { id }
 *   GET  /v1/tasks/{id}  -> { id, status: PENDING | THROTTLED | RUNNING | SUCCEEDED | FAILED | CANCELLED,
 *                           createdAt, progress (0..1 while RUNNING), output: [url], failure }
 *   DELETE /v1/tasks/{id} -> 204 (cancels a pending or running task)
 */
export const runwayWire: WireFormat = {
  provider: 'runway',
  hosts: ['api.dev.runwayml.com'],

  route(req: SimRequest): WireRoute | undefined {
    const path = req.path.replace(/\/+$/, '');
    if (req.method === 'POST' && /^\/v1\/(text|image)_to_video$/.test(path)) return { endpoint: 'submit' };
    const task = /^\/v1\/tasks\/([^/]+)$/.exec(path);
    if (!task) return undefined;
    const jobId = decodeURIComponent(task[1]!);
    if (req.method === 'GET') return { endpoint: 'status', jobId };
    if (req.method === 'DELETE') return { endpoint: 'cancel', jobId };
    return undefined;
  },

  handle(req: RoutedSimRequest, ctx: WireContext): Response {
    if (req.route.endpoint === 'submit') {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const model = typeof body.model === 'string' ? body.model : 'gen4_turbo';
      const job = ctx.createJob({ model, input: body });
      return ctx.json(200, { id: job.id });
    }
    const id = req.route.jobId!;
    if (req.route.endpoint === 'cancel') {
      return ctx.cancel(id) === 'not_found' ? ctx.error(404, 'Task not found') : new Response(null, { status: 204 });
    }
    const job = ctx.job(id);
    return job ? ctx.json(200, task(job, ctx)) : ctx.error(404, 'Task not found');
  },
};

function task(job: SimJob, ctx: WireContext): Record<string, unknown> {
  const base = { id: job.id, createdAt: new Date(job.createdAt).toISOString() };
  switch (job.status) {
    case 'queued':
      return { ...base, status: 'PENDING' };
    case 'running':
      return { ...base, status: 'RUNNING', ...(job.progress !== undefined ? { progress: job.progress } : {}) };
    case 'completed':
      return { ...base, status: 'SUCCEEDED', output: [ctx.video(job).url] };
    case 'failed':
      return { ...base, status: 'FAILED', failure: job.errorMessage ?? 'Task failed', failureCode: 'INTERNAL' };
    case 'cancelled':
      return { ...base, status: 'CANCELLED' };
  }
}
