import type { SimJob } from '../simJob';
import type {
  RoutedSimRequest,
  SimRequest,
  SimWebhookCallback,
  WireContext,
  WireFormat,
  WireRoute,
} from '../wireFormat';

// VideoGen's tools API (https://docs.videogen.io/rest-api-reference), as the simulator speaks it:
//   POST {base}/v1/tools/{tool}                 -> 202 { toolExecutionId: 'vg_exec_...' }
//   GET  {base}/v1/tools/executions/{id}        -> { toolExecutionId, status: pending | running | succeeded | failed | cancelled,
//                                                    toolType, progressPercentage (0-100), attemptIndex, results?, error }
//        `results` (when succeeded) lists `{ fileId, type, file }`: "freshly completed tool executions include hydrated
//        URLs already" (https://docs.videogen.io/file-hydration), so for SOURCE_TTL_S after the end the file carries
//        signed sources; later its sources are null, as before hydration.
//   POST {base}/v1/tools/executions/{id}/cancel -> 202 { toolExecutionId } ("Cancellation request accepted"; the
//                                                    execution is cancelled unless it had already ended)
//   GET  {base}/v1/files/{fileId}               -> StorageFile with null sources ("Populated after hydration")
//   POST {base}/v1/files/{fileId}/hydrate       -> StorageFile { fileId, type, scope, displayName, durationSeconds, ...,
//                                                    downloadSource: { status, url, expiresAt (unix s), width, height } }
// Errors answer the ApiError shape `{ message, code }` (https://docs.videogen.io/errors).

const EXECUTION_PATH = /^\/v1\/tools\/executions\/([^/]+)(\/cancel)?\/?$/;
const TOOL_PATH = /^\/v1\/tools\/([a-z0-9-]+)\/?$/;
const FILE_PATH = /^\/v1\/files\/(vg_file_[^/]+?)(\/hydrate)?\/?$/;
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
  if (file && req.method === (file[2] ? 'POST' : 'GET'))
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

function executionBody(job: SimJob, ctx: WireContext): Record<string, unknown> {
  const body: Record<string, unknown> = {
    toolExecutionId: job.id,
    status: STATUSES[job.status],
    toolType: toolTypeOf(job.model),
    progressPercentage:
      job.status === 'completed' ? 100 : job.status === 'running' ? Math.round((job.progress ?? 0) * 1000) / 10 : 0,
    attemptIndex: 0,
  };
  if (job.status === 'completed') {
    const count = Number(job.meta.numResults ?? '1');
    // Signed at the end of the run; past their lifetime the execution shows the file as it is before hydration.
    const signedAt = job.endedAt ?? ctx.now();
    const fresh = ctx.now() < signedAt + SOURCE_TTL_S * 1000;
    body.results = Array.from({ length: count }, (_, index) => {
      const fileId = fileIdOf(job, index);
      return { fileId, type: 'VIDEO', file: fileBody(job, fileId, ctx, fresh ? signedAt : undefined) };
    });
  }
  body.error =
    job.status === 'failed' ? { message: job.errorMessage ?? 'Generation failed', code: 'generation_failed' } : null;
  return body;
}

/** The StorageFile; its sources signed at `signedAt`, or null when it has not been hydrated. */
function fileBody(job: SimJob, fileId: string, ctx: WireContext, signedAt?: number): Record<string, unknown> {
  const video = ctx.video(job);
  const source = (url: string, width: number, height: number) =>
    signedAt === undefined
      ? null
      : { status: 'ready', url, expiresAt: Math.floor(signedAt / 1000) + SOURCE_TTL_S, width, height };
  return {
    fileId,
    type: 'VIDEO',
    scope: 'GLOBAL',
    displayName: video.fileName,
    description: null,
    durationSeconds: video.durationSeconds,
    transcript: null,
    thumbnailSource: null,
    previewSource: null,
    downloadSource: source(video.url, video.width, video.height),
    hlsSource: null,
    isPublicPreviewEnabled: false,
    publicHlsUrl: null,
    publicPlaybackId: null,
    toolType: toolTypeOf(job.model),
    toolExecutionId: job.id,
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
    // Either way the answer only acknowledges the request.
    return ctx.json(202, { toolExecutionId: jobId });
  }
  const job = ctx.job(jobId);
  if (where.endpoint === 'result') {
    const [, fileId = '', hydrate] = FILE_PATH.exec(req.path) ?? [];
    if (!job || job.status !== 'completed')
      return ctx.json(404, { message: `File ${fileId} not found`, code: 'not_found' });
    // Only hydration signs URLs (https://docs.videogen.io/rest-api-reference/files/hydrate-file).
    return ctx.json(200, fileBody(job, fileId, ctx, hydrate ? ctx.now() : undefined));
  }
  if (!job) return ctx.json(404, { message: `Tool execution ${jobId} not found`, code: 'not_found' });
  return ctx.json(200, executionBody(job, ctx));
}

/** The StorageFile fields the webhook example shows for each result (https://docs.videogen.io/handling-async-tasks/webhooks). */
const WEBHOOK_FILE_FIELDS = [
  'fileId',
  'type',
  'scope',
  'displayName',
  'thumbnailSource',
  'previewSource',
  'downloadSource',
];

/**
 * VideoGen's `tool_execution.*` events (https://docs.videogen.io/webhook-events), Standard Webhooks signed. VideoGen
 * registers endpoints per account, not per job: the simulator sends them to `webhooks.endpoints.videogen`.
 */
function webhook(job: SimJob, _req: SimRequest, ctx: WireContext): SimWebhookCallback | undefined {
  // Every target gets the event: VideoGen takes no per-execution webhook, so a job only ever has the account's.
  if (job.status !== 'completed' && job.status !== 'failed' && job.status !== 'cancelled') return undefined;
  const execution = executionBody(job, ctx);
  const event = `tool_execution.${String(execution.status)}`;
  const body: Record<string, unknown> = {
    event,
    toolExecutionId: job.id,
    toolType: execution.toolType,
    occurredAt: Math.floor((job.endedAt ?? ctx.now()) / 1000),
  };
  if (job.status === 'completed') {
    body.results = (execution.results as Array<{ fileId: string; type: string; file: Record<string, unknown> }>).map(
      (result) => ({
        ...result,
        file: Object.fromEntries(WEBHOOK_FILE_FIELDS.map((field) => [field, result.file[field]])),
      }),
    );
  }
  if (job.status === 'failed') body.error = execution.error;
  return { body, signing: 'standard-webhooks', deliveryId: `msg_${job.id}_${event}` };
}

export const videogenWire: WireFormat = {
  provider: 'videogen',
  hosts: ['api.videogen.io'],
  route,
  handle,
  webhook,
  errorBody(status, message) {
    const codes: Record<number, string> = { 401: 'invalid_api_key', 400: 'invalid_parameters', 429: 'rate_limited' };
    return codes[status] ? { message, code: codes[status] } : { message };
  },
};
