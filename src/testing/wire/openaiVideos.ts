import { readImageHeader } from '../../core/imageHeader';
import { videoFileResponse } from '../simResponses';
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
import { apiPath } from './holdUntilEnded';

// https://developers.openai.com/api/docs/guides/video-generation: sora-2-pro adds 1080p, both models 16 and 20 s.
const SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024', '1920x1080', '1080x1920'];
const SECONDS = ['4', '8', '12', '16', '20'];
/** How long the finished MP4 stays downloadable after completion (OpenAI's `expires_at`). */
const CONTENT_TTL_S = 3600;
/** OpenAI's video `status`: a cancelled job reads as failed (its `error.code` says `cancelled`). */
const OPENAI_STATUS: Record<SimJobPhase, string> = {
  queued: 'queued',
  running: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'failed',
};
const OPENROUTER_STATUS: Record<SimJobPhase, string> = {
  queued: 'pending',
  running: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};
const ERROR_CODES: Record<number, string> = { 401: 'invalid_api_key', 404: 'not_found', 429: 'rate_limit_exceeded' };

export interface OpenaiVideosWireOptions {
  /** The provider name (path prefix). Defaults to `'openai'` (`'openrouter'` for the OpenRouter shape). */
  provider?: string;
  /**
   * `openai`: OpenAI's video object. `openrouter`: OpenRouter's job record (`POST /api/v1/videos` answers
   * `202 { id, polling_url, status: "pending" }`; a finished job lists `unsigned_urls` on the content endpoint;
   * `error` is a string; no `progress`). Defaults to `'openai'`.
   */
  shape?: 'openai' | 'openrouter';
}

/**
 * OpenAI's Videos API (`https://api.openai.com/v1`; shut down on 2026-09-24, the shape OpenAI-compatible gateways keep
 * serving, checked against test/fixtures/wire/openai/): `POST /videos` (JSON:
 * `prompt`, `model`, `seconds` as a string, `size`, `input_reference: { image_url | file_id }`) answers the
 * video object `{ id, object: "video", model, status: queued | in_progress | completed | failed, progress
 * 0-100, created_at, completed_at, expires_at (unix s), seconds, size, error: { code, message } }`;
 * `GET /videos/{id}` answers it again; `GET /videos/{id}/content` serves the MP4 (with the API key). There is
 * no cancel: `DELETE /videos/{id}` removes a finished video, it does not stop a running one.
 *
 * A create may also come as `multipart/form-data` (the guide's image-to-video cURL and the SDK's `videos.create`): the
 * fields as strings and the first frame as the file part `input_reference`, typed `image/jpeg`, `image/png` or
 * `image/webp` ("Supported file formats", https://developers.openai.com/api/docs/guides/video-generation) and, for the
 * `openai` shape, exactly `size` pixels ("The image must match the target video's resolution"). A part of another type
 * or that is no image is answered 400 "Invalid file 'input_reference': ...", a mismatched one 400 "Inpaint image must
 * match the requested width and height" (the messages OpenAI was reported to send; its docs quote none), in OpenAI's
 * error shape. The file is kept as an upload (`sim.uploads()`) and the job's input names it by URL.
 */
export function createOpenaiVideosWire(options: OpenaiVideosWireOptions = {}): WireFormat {
  const shape = options.shape ?? 'openai';
  const provider = options.provider ?? shape;
  const prefix = shape === 'openrouter' ? '/api/v1' : '/v1';
  const host = shape === 'openrouter' ? 'openrouter.ai' : 'api.openai.com';
  return {
    provider,
    hosts: provider === shape ? [host] : [],

    route(req: SimRequest): WireRoute | undefined {
      const { path } = apiPath(req.path, req.base, prefix);
      if (req.method === 'POST' && path === '/videos') return { endpoint: 'submit' };
      const match = /^\/videos\/([^/]+)(\/content)?$/.exec(path);
      if (!match) return undefined;
      const jobId = decodeURIComponent(match[1]!);
      if (match[2] && (req.method === 'GET' || req.method === 'HEAD')) return { endpoint: 'file', jobId };
      if (!match[2] && req.method === 'GET') return { endpoint: 'status', jobId };
      return undefined;
    },

    handle(req: RoutedSimRequest, ctx: WireContext): Response | Promise<Response> {
      const { root } = apiPath(req.path, req.base, prefix);
      if (req.route.endpoint === 'submit') return submit(req, ctx, shape, root);
      const job = ctx.job(req.route.jobId!);
      if (!job) return ctx.error(404, `Video with id '${req.route.jobId}' not found.`);
      if (req.route.endpoint === 'status') return ctx.json(200, render(job, shape, root));
      if (job.status !== 'completed') return ctx.error(404, `Video '${job.id}' has no content yet.`);
      return videoFileResponse(req.method, req.headers.get('range'));
    },

    webhook(job: SimJob, req: SimRequest, ctx: WireContext, target: SimWebhookTarget): SimWebhookCallback | undefined {
      if (shape === 'openai') return openaiWebhook(job, ctx);
      // OpenRouter calls a job's own `callback_url` only.
      return target === 'job' ? openrouterWebhook(job, apiPath(req.path, req.base, prefix).root) : undefined;
    },

    errorBody(status: number, message: string): unknown {
      if (shape === 'openrouter') return { error: { code: status, message } };
      const type = status < 500 ? 'invalid_request_error' : 'server_error';
      return { error: { message, type, param: null, code: ERROR_CODES[status] ?? null } };
    },
  };
}

export const openaiVideosWire: WireFormat = createOpenaiVideosWire();

function invalid(ctx: WireContext, param: string, message: string): Response {
  return ctx.json(400, { error: { message, type: 'invalid_request_error', param, code: null } });
}

const REFERENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/** The create's fields: the JSON body, or the multipart form with its `input_reference` file checked and stored. */
async function createFields(
  req: RoutedSimRequest,
  ctx: WireContext,
  shape: 'openai' | 'openrouter',
): Promise<Record<string, unknown> | Response> {
  if (!(req.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    const body = req.body;
    if (typeof body !== 'object' || body === null) return invalid(ctx, 'prompt', 'The request body must be JSON.');
    return body as Record<string, unknown>;
  }
  let form: FormData;
  try {
    form = await new Response(req.bytes as Uint8Array<ArrayBuffer>, { headers: req.headers }).formData();
  } catch {
    return ctx.error(400, 'Could not parse multipart form');
  }
  const fields: Record<string, unknown> = {};
  let file: File | undefined;
  form.forEach((value, key) => {
    if (typeof value === 'string') fields[key] = value;
    else if (key === 'input_reference') file = value;
  });
  if (!file) return fields;
  const type = file.type || 'application/octet-stream';
  if (!REFERENCE_TYPES.includes(type)) {
    return ctx.error(
      400,
      `Invalid file 'input_reference': unsupported mimetype ('${type}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`,
    );
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const header = readImageHeader(bytes);
  if (!header) return ctx.error(400, "Invalid file 'input_reference': the file could not be read as an image.");
  const size = String(fields.size ?? '720x1280');
  if (shape === 'openai' && `${header.width}x${header.height}` !== size) {
    return ctx.error(400, 'Inpaint image must match the requested width and height');
  }
  const upload = ctx.storeUpload({ bytes, contentType: type, ...(file.name ? { fileName: file.name } : {}) });
  fields.input_reference = upload.url;
  return fields;
}

async function submit(
  req: RoutedSimRequest,
  ctx: WireContext,
  shape: 'openai' | 'openrouter',
  root: string,
): Promise<Response> {
  const read = await createFields(req, ctx, shape);
  if (read instanceof Response) return read;
  const fields = read;
  const body = fields;
  if (typeof fields.prompt !== 'string' || fields.prompt === '') {
    return invalid(ctx, 'prompt', "Missing required parameter: 'prompt'.");
  }
  if (shape === 'openai') {
    if (fields.seconds !== undefined && !SECONDS.includes(String(fields.seconds))) {
      return invalid(
        ctx,
        'seconds',
        `Invalid value: '${String(fields.seconds)}'. Supported values are: ${SECONDS.map((value) => `'${value}'`).join(', ')}.`,
      );
    }
    if (fields.size !== undefined && !SIZES.includes(String(fields.size))) {
      return invalid(
        ctx,
        'size',
        `Invalid value: '${String(fields.size)}'. Supported values are: ${SIZES.join(', ')}.`,
      );
    }
  }
  const model = typeof fields.model === 'string' ? fields.model : 'sora-2';
  const webhookUrl = typeof fields.callback_url === 'string' ? fields.callback_url : undefined;
  const job = ctx.createJob({
    id: shape === 'openai' ? `video_${ctx.uuid().replace(/-/g, '')}` : ctx.uuid(),
    model,
    input: body,
    meta: { seconds: String(fields.seconds ?? fields.duration ?? '4'), size: String(fields.size ?? '720x1280') },
    ...(webhookUrl !== undefined ? { webhookUrl } : {}),
  });
  if (shape === 'openrouter') {
    return ctx.json(202, { id: job.id, polling_url: `${root}/videos/${job.id}`, status: 'pending' });
  }
  return ctx.json(200, render(job, shape, root));
}

function render(job: SimJob, shape: 'openai' | 'openrouter', root: string): Record<string, unknown> {
  return shape === 'openai' ? videoObject(job) : openRouterJob(job, root);
}

function videoObject(job: SimJob): Record<string, unknown> {
  const completedAt = job.endedAt === undefined ? null : Math.floor(job.endedAt / 1000);
  const progress =
    job.status === 'completed' ? 100 : job.status === 'running' ? Math.floor((job.progress ?? 0) * 100) : 0;
  let error: { code: string; message: string } | null = null;
  if (job.status === 'failed') error = { code: 'video_generation_failed', message: job.errorMessage ?? 'failed' };
  if (job.status === 'cancelled') error = { code: 'cancelled', message: 'The video job was cancelled.' };
  const input = (job.input ?? {}) as Record<string, unknown>;
  return {
    id: job.id,
    object: 'video',
    model: job.model,
    status: OPENAI_STATUS[job.status],
    progress,
    created_at: Math.floor(job.createdAt / 1000),
    completed_at: completedAt,
    expires_at: job.status === 'completed' && completedAt !== null ? completedAt + CONTENT_TTL_S : null,
    prompt: typeof input.prompt === 'string' ? input.prompt : null,
    remixed_from_video_id: null,
    seconds: job.meta.seconds ?? '4',
    size: job.meta.size ?? '720x1280',
    // No `quality`: the reference's create example shows one, the SDK's Video type (and every other example) not.
    error,
  };
}

function openRouterJob(job: SimJob, root: string): Record<string, unknown> {
  const record: Record<string, unknown> = {
    id: job.id,
    polling_url: `${root}/videos/${job.id}`,
    status: OPENROUTER_STATUS[job.status],
  };
  if (job.status === 'completed') {
    record.generation_id = `gen-${job.id.slice(0, 8)}`;
    record.unsigned_urls = [`${root}/videos/${job.id}/content?index=0`];
    record.usage = { cost: 0.5 };
  }
  if (job.status === 'failed') record.error = job.errorMessage ?? 'Generation failed';
  return record;
}

/**
 * OpenAI's project webhook (https://developers.openai.com/api/docs/guides/video-generation): an event naming the video,
 * Standard Webhooks signed. Set per project, not per job: delivered to the job's `callback_url` when a gateway took
 * one, else to `webhooks.endpoints.openai`. A cancelled job gets none.
 */
function openaiWebhook(job: SimJob, ctx: WireContext): SimWebhookCallback | undefined {
  if (job.status !== 'completed' && job.status !== 'failed') return undefined;
  const type = job.status === 'completed' ? 'video.completed' : 'video.failed';
  return {
    body: {
      id: `evt_${job.id}_${job.status}`,
      object: 'event',
      created_at: Math.floor((job.endedAt ?? ctx.now()) / 1000),
      type,
      data: { id: job.id },
    },
    signing: 'standard-webhooks',
    deliveryId: `msg_${job.id}_${job.status}`,
  };
}

/**
 * OpenRouter's per-job `callback_url` delivery (https://openrouter.ai/docs/cookbook/video-generation/video-generation-webhooks):
 * `{ type: video.generation.<status>, created_at, data: <the job> }` with `X-OpenRouter-Idempotency-Key`.
 */
function openrouterWebhook(job: SimJob, root: string): SimWebhookCallback | undefined {
  if (job.status !== 'completed' && job.status !== 'failed' && job.status !== 'cancelled') return undefined;
  const status = OPENROUTER_STATUS[job.status];
  const data: Record<string, unknown> = { id: job.id, status, model: job.model };
  if (job.status === 'completed') {
    data.generation_id = `gen-${job.id.slice(0, 8)}`;
    data.unsigned_urls = [`${root}/videos/${job.id}/content?index=0`];
    data.usage = { cost: 0.5, is_byok: false };
  }
  if (job.status === 'failed') data.error = job.errorMessage ?? 'Generation failed';
  const key = `${job.id}-${status}`;
  return {
    body: { type: `video.generation.${status}`, created_at: new Date(job.endedAt ?? 0).toISOString(), data },
    signing: 'openrouter-hmac',
    secretOptional: true,
    deliveryId: key,
    headers: { 'x-openrouter-idempotency-key': key },
  };
}
