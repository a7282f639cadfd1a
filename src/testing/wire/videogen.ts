import { readImageHeader } from '../../core/imageHeader';
import type { SimJob } from '../simJob';
import type { SimUpload } from '../simUploads';
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
//   POST {base}/v1/files/upload                 -> 200 { fileId, uploadUrl } (https://docs.videogen.io/file-uploads):
//        `displayName` required, `type` IMAGE | VIDEO | AUDIO | PDF | SLIDESHOW, `isTemporary`; the bytes are PUT to the
//        pre-signed `uploadUrl` (the simulator's /sim-uploads/<id>, no key). Until they arrive the file has no sources
//        (GET and hydrate answer null ones); then hydrating it signs them, ready at once (the simulator processes
//        nothing). A submit naming an uploaded file that is unknown answers 404, one still waiting for its bytes 400.
// Errors answer the ApiError shape `{ message, code }` (https://docs.videogen.io/errors).

const EXECUTION_PATH = /^\/v1\/tools\/executions\/([^/]+)(\/cancel)?\/?$/;
const TOOL_PATH = /^\/v1\/tools\/([a-z0-9-]+)\/?$/;
const FILE_PATH = /^\/v1\/files\/(vg_file_[^/]+?)(\/hydrate)?\/?$/;
const UPLOAD_PATH = /^\/v1\/files\/upload\/?$/;
/** Result files are named after their execution (`vg_file_<index>_<execution>`); any other id is an upload. */
const RESULT_FILE = /^vg_file_\d+_/;
const FILE_TYPES = ['IMAGE', 'VIDEO', 'AUDIO', 'PDF', 'SLIDESHOW'];
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
  if (req.method === 'POST' && UPLOAD_PATH.test(req.path)) return { endpoint: 'upload' };
  const file = FILE_PATH.exec(req.path);
  if (file && req.method === (file[2] ? 'POST' : 'GET')) {
    const fileId = decodeURIComponent(file[1] ?? '');
    return RESULT_FILE.test(fileId) ? { endpoint: 'result', jobId: jobIdOfFile(fileId) } : { endpoint: 'upload' };
  }
  if (req.method === 'POST' && TOOL_PATH.test(req.path)) return { endpoint: 'submit' };
  return undefined;
}

/** The upload a file id names (`vg_file_<upload id>`), whatever provider's store it is in. */
function uploadOf(ctx: WireContext, fileId: string): SimUpload | undefined {
  if (!fileId.startsWith('vg_file_') || RESULT_FILE.test(fileId)) return undefined;
  const upload = ctx.upload(fileId.slice('vg_file_'.length));
  return upload?.provider === 'videogen' ? upload : undefined;
}

/** `POST /v1/files/upload`, and an uploaded file read back (`GET`) or hydrated. */
function handleUpload(req: RoutedSimRequest, ctx: WireContext): Response {
  if (UPLOAD_PATH.test(req.path)) {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    if (typeof body.displayName !== 'string' || body.displayName === '') {
      return ctx.json(400, { message: 'displayName is required', code: 'invalid_parameters' });
    }
    if (body.type !== undefined && !FILE_TYPES.includes(String(body.type))) {
      return ctx.json(400, { message: `type must be one of ${FILE_TYPES.join(', ')}`, code: 'invalid_parameters' });
    }
    const reserved = ctx.reserveUpload({ fileName: body.displayName });
    return ctx.json(200, { fileId: `vg_file_${reserved.id}`, uploadUrl: reserved.uploadUrl });
  }
  const [, fileId = '', hydrate] = FILE_PATH.exec(req.path) ?? [];
  const upload = uploadOf(ctx, fileId);
  if (!upload) return ctx.json(404, { message: `File ${fileId} not found`, code: 'not_found' });
  return ctx.json(200, uploadedFileBody(fileId, upload, ctx, Boolean(hydrate)));
}

/** An uploaded file as the hydrate example shows one (https://docs.videogen.io/file-hydration): signed once stored. */
function uploadedFileBody(fileId: string, upload: SimUpload, ctx: WireContext, hydrate: boolean) {
  const header = readImageHeader(upload.bytes.subarray(0, 64 * 1024));
  const kind = upload.contentType.split('/')[0]?.toUpperCase() ?? '';
  const ready = hydrate && upload.status === 'stored';
  const source = () =>
    ready
      ? {
          status: 'ready',
          url: upload.url,
          expiresAt: Math.floor(ctx.now() / 1000) + SOURCE_TTL_S,
          width: header?.width ?? 0,
          height: header?.height ?? 0,
        }
      : null;
  return {
    fileId,
    type: ['IMAGE', 'VIDEO', 'AUDIO'].includes(kind) ? kind : 'IMAGE',
    scope: 'GLOBAL',
    displayName: upload.fileName ?? fileId,
    thumbnailSource: source(),
    previewSource: source(),
    downloadSource: source(),
  };
}

/** The 404 / 400 a submit gets for an input file id that names no usable upload, else `undefined`. */
function missingFile(ctx: WireContext, ids: unknown): Response | undefined {
  for (const id of Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]) {
    if (typeof id !== 'string' || !id.startsWith('vg_file_')) {
      return ctx.json(400, { message: `Invalid file id: ${String(id)}`, code: 'invalid_id' });
    }
    if (RESULT_FILE.test(id)) continue;
    const upload = uploadOf(ctx, id);
    if (!upload) return ctx.json(404, { message: `File ${id} not found`, code: 'not_found' });
    if (upload.status !== 'stored') {
      return ctx.json(400, { message: `File ${id} has not finished uploading`, code: 'invalid_parameters' });
    }
  }
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
  if (where.endpoint === 'upload') return handleUpload(req, ctx);
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
    const missing = missingFile(ctx, body.imageFileIds) ?? missingFile(ctx, body.videoFileId);
    if (missing) return missing;
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
