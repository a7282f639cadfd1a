import type { SimJob } from '../simJob';
import type { RoutedSimRequest, SimRequest, WireContext, WireFormat, WireRoute } from '../wireFormat';

// VideoGen's tools API (https://docs.videogen.io/rest-api-reference), as the simulator speaks it:
//   POST {base}/v1/tools/{tool}                 -> 202 { toolExecutionId: 'vg_exec_...' }
//   GET  {base}/v1/tools/executions/{id}        -> { toolExecutionId, status: pending | running | succeeded | failed | cancelled,
//                                                    toolType, progressPercentage (0-100), attemptIndex, results, error }
//        `results` (when succeeded) lists `{ fileId, type }` only: the playable URL comes from the files endpoint.
//   POST {base}/v1/tools/executions/{id}/cancel -> 200 the execution (cancelled, or unchanged when it had already ended)
//   GET  {base}/v1/files/{fileId}               -> StorageFile { fileId, type, scope, displayName, durationSeconds,
//                                                    downloadSource: { status, url, expiresAt (unix s), width, height } }
// Errors answer the ApiError shape `{ message, code }`.

const EXECUTION_PATH = /^\/v1\/tools\/executions\/([^/]+)(\/cancel)?\/?$/;
const TOOL_PATH = /^\/v1\/tools\/([a-z0-9-]+)\/?$/;
const FILE_PATH = /^\/v1\/files\/(vg_file_[^/]+)\/?$/;
const SOURCE_TTL_S = 6 * 60 * 60;

/** File ids name their execution, so the store needs no second table. */
function fileIdOf(job: SimJob, index: number): string {
  return `vg_file_${index}_${job.id}`;
}

function jobIdOfFile(fileId: string): string {
  return fileId.replace(/^vg_file_\d+_/, '');
}

function route(req: SimRequest): WireRoute | undefined {
  const execution = EXECUTION_PATH.exec(req.path);
  if (execution) {
    const jobId = decodeURIComponent(execution[1] ?? '');
    if (req.method === 'GET' && !execution[2]) return { endpoint: 'status', jobId };
    if (req.method === 'POST' && execution[2]) return { endpoint: 'cancel', jobId };
    return undefined;
  }
  const file = FILE_PATH.exec(req.path);
  if (file && req.method === 'GET')
    return { endpoint: 'result', jobId: jobIdOfFile(decodeURIComponent(file[1] ?? '')) };
  if (req.method === 'POST' && TOOL_PATH.test(req.path)) return { endpoint: 'submit' };
  return undefined;
}

const STATUSES = {
  queued: 'pending',
  running: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;

function toolTypeOf(tool: string): string {
  return tool.replace(/-/g, '_').toUpperCase();
}

function executionBody(job: SimJob): Record<string, unknown> {
  const body: Record<string, unknown> = {
    toolExecutionId: job.id,
    status: STATUSES[job.status],
    toolType: toolTypeOf(job.model),
    progressPercentage:
      job.status === 'completed' ? 100 : job.status === 'running' ? Math.round((job.progress ?? 0) * 1000) / 10 : 0,
    attemptIndex: 0,
    error:
      job.status === 'failed' ? { message: job.errorMessage ?? 'Generation failed', code: 'generation_failed' } : null,
  };
  if (job.status === 'completed') {
    const count = Number(job.meta.numResults ?? '1');
    body.results = Array.from({ length: count }, (_, index) => ({ fileId: fileIdOf(job, index), type: 'VIDEO' }));
  }
  return body;
}

function fileBody(job: SimJob, fileId: string, ctx: WireContext): Record<string, unknown> {
  const video = ctx.video(job);
  return {
    fileId,
    type: 'VIDEO',
    scope: 'GLOBAL',
    displayName: video.fileName,
    description: null,
    durationSeconds: video.durationSeconds,
    toolType: toolTypeOf(job.model),
    toolExecutionId: job.id,
    thumbnailSource: null,
    previewSource: null,
    downloadSource: {
      status: 'ready',
      url: video.url,
      expiresAt: Math.floor(ctx.now() / 1000) + SOURCE_TTL_S,
      width: video.width,
      height: video.height,
    },
    isPublicPreviewEnabled: false,
  };
}

function handle(req: RoutedSimRequest, ctx: WireContext): Response {
  const { route: where } = req;
  if (where.endpoint === 'submit') {
    const tool = TOOL_PATH.exec(req.path)?.[1] ?? 'generate-video-clip';
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return ctx.json(400, { message: 'Request body must be a JSON object', code: 'invalid_parameters' });
    }
    if (tool === 'generate-video-clip' && !body.prompt && !body.imageFileIds && !body.videoFileId) {
      return ctx.json(400, {
        message: 'At least one of prompt, imageFileIds, or videoFileId must be provided',
        code: 'invalid_parameters',
      });
    }
    const numResults =
      typeof body.numResults === 'number' ? Math.max(1, Math.min(100, Math.floor(body.numResults))) : 1;
    const job = ctx.createJob({
      id: `vg_exec_${ctx.uuid().replace(/-/g, '')}`,
      model: tool,
      input: body,
      meta: { numResults: String(numResults) },
    });
    return ctx.json(202, { toolExecutionId: job.id });
  }

  const jobId = where.jobId ?? '';
  if (where.endpoint === 'cancel') {
    const outcome = ctx.cancel(jobId);
    if (outcome === 'not_found')
      return ctx.json(404, { message: `Tool execution ${jobId} not found`, code: 'not_found' });
    // "If the execution hasn't completed yet, its status will transition to cancelled": otherwise it stays as it is.
    return ctx.json(200, executionBody(ctx.job(jobId)!));
  }
  const job = ctx.job(jobId);
  if (where.endpoint === 'result') {
    const fileId = FILE_PATH.exec(req.path)?.[1] ?? '';
    if (!job || job.status !== 'completed')
      return ctx.json(404, { message: `File ${fileId} not found`, code: 'not_found' });
    return ctx.json(200, fileBody(job, fileId, ctx));
  }
  if (!job) return ctx.json(404, { message: `Tool execution ${jobId} not found`, code: 'not_found' });
  return ctx.json(200, executionBody(job));
}

export const videogenWire: WireFormat = {
  provider: 'videogen',
  hosts: ['api.videogen.io'],
  route,
  handle,
  errorBody(status, message) {
    const codes: Record<number, string> = { 401: 'invalid_api_key', 400: 'invalid_parameters', 429: 'rate_limited' };
    return codes[status] ? { message, code: codes[status] } : { message };
  },
};
