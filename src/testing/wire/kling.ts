import { readImageHeader } from '../../core/imageHeader';
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

// Kling's video API (the official reference's textToVideo / imageToVideo pages, api-singapore.klingai.com), as the
// simulator speaks it:
//   POST {base}/v1/videos/text2video   { model_name, prompt, mode, duration, aspect_ratio, callback_url, external_task_id }
//   POST {base}/v1/videos/image2video  { model_name, image, image_tail, prompt, mode, duration, callback_url, external_task_id }
//     -> { code: 0, message: 'SUCCEED', request_id, data: { task_id, task_info: { external_task_id }, task_status: 'submitted', created_at, updated_at } }
//   GET  {base}/v1/videos/{text2video|image2video}/{task_id}
//     -> { code: 0, ..., data: { task_id, task_status: submitted | processing | succeed | failed, task_status_msg,
//          watermark_info: { enabled }, task_info, task_result: { videos: [{ id, url, watermark_url, duration }] },
//          final_unit_deduction, created_at, updated_at } }   (times in epoch ms, duration a string)
// Checked against the documented examples in test/fixtures/wire/kling/ (klingWire.conformance.test.ts).
// Errors answer `{ code, message, request_id }` with Kling's numeric codes (1000-1004 auth, 1201 bad params,
// 1203 unknown task, 1302 rate limit, 5000 server). There is no cancel endpoint.
// `image` / `image_tail` are an https: URL (taken as it is) or raw base64 (no `data:` prefix), held to the
// reference's limits: JPG or PNG, at most 10 MB, sides of 300 px or more, width / height between 1:2.5 and 2.5:1;
// a bad one is answered 400 / 1201 naming the field (the message wording is ours: the reference gives none). A
// decoded image is kept as an upload (`sim.uploads()`) and the job's input holds its URL instead of the base64.
// `createKlingWire({ shape: 'seed' })` answers the simplified shape of the integration-guide seed instead
// (`data.status: queued | processing | completed | failed`, `data.video_url`, `data.error`), to test that
// adapters accept both.

export interface KlingWireOptions {
  /** Defaults to `'kling'`. */
  provider?: string;
  /** `reference`: the official API; `seed`: the simplified shape of the seed doc. Defaults to `'reference'`. */
  shape?: 'reference' | 'seed';
}

const FAMILIES = new Set(['text2video', 'image2video']);
const PATH = /^\/v1\/videos\/([a-z0-9-]+)(?:\/([^/]+))?\/?$/;

function route(req: SimRequest): WireRoute | undefined {
  const match = PATH.exec(req.path);
  if (!match || !FAMILIES.has(match[1] ?? '')) return undefined;
  const id = match[2];
  if (req.method === 'POST' && id === undefined) return { endpoint: 'submit' };
  if (req.method === 'GET' && id !== undefined) return { endpoint: 'status', jobId: decodeURIComponent(id) };
  return undefined;
}

/** The reference's image limits (https://kling.ai/document-api/apiReference/model/imageToVideo). */
const MAX_IMAGE_BYTES = 10_000_000;
const MIN_SIDE = 300;
const MAX_RATIO = 2.5;

type Frame = { url: string } | { bytes: Uint8Array; contentType: string; fileName: string } | { problem: string };

/**
 * One frame of an image2video submit: an https: URL as sent, or raw base64 decoded and checked; a problem is the
 * 1201 message naming `field`.
 */
function readFrame(field: string, value: unknown): Frame {
  if (isHttpsUrl(value)) return { url: value as string };
  if (typeof value !== 'string' || value === '') return { problem: `${field} must be a URL or Base64 image data` };
  if (value.startsWith('data:')) {
    return { problem: `${field} must be raw Base64 without a prefix such as data:image/png;base64,` };
  }
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    return { problem: `${field} is neither a reachable URL nor valid Base64` };
  }
  const binary = atob(value);
  if (binary.length > MAX_IMAGE_BYTES) return { problem: `${field} exceeds the 10MB size limit` };
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  const header = readImageHeader(bytes);
  if (!header || header.type === 'image/webp') {
    return { problem: `${field} format is not supported: use .jpg / .jpeg / .png` };
  }
  const { width, height } = header;
  if (width < MIN_SIDE || height < MIN_SIDE) {
    return { problem: `${field} is ${width}x${height}px; width and height must be at least ${MIN_SIDE}px` };
  }
  if (width / height > MAX_RATIO + 1e-9 || height / width > MAX_RATIO + 1e-9) {
    return { problem: `${field} is ${width}x${height}px; the aspect ratio must be between 1:2.5 and 2.5:1` };
  }
  return { bytes, contentType: header.type, fileName: `${field}.${header.type === 'image/png' ? 'png' : 'jpg'}` };
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

const STATUS_REFERENCE = {
  queued: 'submitted',
  running: 'processing',
  completed: 'succeed',
  failed: 'failed',
  cancelled: 'failed',
} as const;
const STATUS_SEED = {
  queued: 'queued',
  running: 'processing',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'failed',
} as const;

function taskBody(job: SimJob, ctx: WireContext, shape: 'reference' | 'seed'): Record<string, unknown> {
  const updatedAt = job.endedAt ?? job.startedAt ?? job.createdAt;
  const reason = job.status === 'cancelled' ? 'Task cancelled' : (job.errorMessage ?? '');
  if (shape === 'seed') {
    const body: Record<string, unknown> = { task_id: job.id, status: STATUS_SEED[job.status] };
    if (job.status === 'completed') body.video_url = ctx.video(job).url;
    if (job.status === 'failed' || job.status === 'cancelled') body.error = reason;
    return body;
  }
  const body: Record<string, unknown> = {
    task_id: job.id,
    task_status: STATUS_REFERENCE[job.status],
    task_status_msg: job.status === 'failed' || job.status === 'cancelled' ? reason : '',
    // The Query Task example shows it on every task (https://kling.ai/document-api/apiReference/model/textToVideo).
    watermark_info: { enabled: false },
    task_info: job.meta.externalTaskId ? { external_task_id: job.meta.externalTaskId } : {},
    created_at: job.createdAt,
    updated_at: updatedAt,
  };
  if (job.status === 'completed') {
    const video = ctx.video(job);
    // No watermark is ever made here: the watermarked URL is the same file.
    const duration = video.durationSeconds.toFixed(3);
    body.task_result = { videos: [{ id: `${job.id}-0`, url: video.url, watermark_url: video.url, duration }] };
    body.final_unit_deduction = String(Math.max(1, Math.round(video.durationSeconds)));
  }
  return body;
}

function envelope(ctx: WireContext, status: number, data: unknown, code = 0, message = 'SUCCEED'): Response {
  return ctx.json(status, { code, message, request_id: ctx.uuid(), ...(data === undefined ? {} : { data }) });
}

function handler(shape: 'reference' | 'seed') {
  return (req: RoutedSimRequest, ctx: WireContext): Response => {
    if (req.route.endpoint === 'submit') {
      const family = PATH.exec(req.path)?.[1] ?? 'text2video';
      const body = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return envelope(ctx, 400, undefined, 1201, 'Request body must be a JSON object');
      }
      const input = { ...(body as Record<string, unknown>) };
      if (family === 'text2video' && (typeof input.prompt !== 'string' || input.prompt === '')) {
        return envelope(ctx, 400, undefined, 1201, 'prompt is required');
      }
      if (family === 'image2video') {
        if (input.image === undefined && input.image_tail === undefined) {
          return envelope(ctx, 400, undefined, 1201, 'at least one of image or image_tail must be provided');
        }
        if (input.image_tail !== undefined && input.mode !== 'pro') {
          return envelope(ctx, 400, undefined, 1201, 'image_tail is only supported in pro mode');
        }
        const frames = (['image', 'image_tail'] as const)
          .filter((field) => input[field] !== undefined)
          .map((field) => [field, readFrame(field, input[field])] as const);
        const bad = frames.find(([, frame]) => 'problem' in frame)?.[1];
        if (bad && 'problem' in bad) return envelope(ctx, 400, undefined, 1201, bad.problem);
        // Kept as uploads once both frames passed; the job's input names them by URL (not 13 MB of text).
        for (const [field, frame] of frames) {
          if ('url' in frame) input[field] = frame.url;
          else if ('bytes' in frame) input[field] = ctx.storeUpload(frame).url;
        }
      } else if (input.image_tail !== undefined && input.mode !== 'pro') {
        return envelope(ctx, 400, undefined, 1201, 'image_tail is only supported in pro mode');
      }
      const meta: Record<string, string> = { family };
      if (typeof input.external_task_id === 'string' && input.external_task_id)
        meta.externalTaskId = input.external_task_id;
      const model = typeof input.model_name === 'string' && input.model_name ? input.model_name : 'kling-v1';
      const callback = typeof input.callback_url === 'string' && input.callback_url ? input.callback_url : undefined;
      const job = ctx.createJob({ model, input, meta, ...(callback ? { webhookUrl: callback } : {}) });
      const data =
        shape === 'seed'
          ? { task_id: job.id, status: STATUS_SEED[job.status] }
          : {
              task_id: job.id,
              task_info: meta.externalTaskId ? { external_task_id: meta.externalTaskId } : {},
              task_status: STATUS_REFERENCE[job.status],
              created_at: job.createdAt,
              updated_at: job.createdAt,
            };
      return envelope(ctx, 200, data);
    }
    const family = PATH.exec(req.path)?.[1];
    const job = ctx.job(req.route.jobId ?? '');
    // A task is only found under the family it was created in, as on the real API.
    if (!job || job.meta.family !== family) return envelope(ctx, 404, undefined, 1203, 'task not found');
    return envelope(ctx, 200, taskBody(job, ctx, shape));
  };
}

/**
 * The legacy callback of the `model_name` APIs (https://klingai.com/document-api/api/get-started/callbacks): the bare
 * task object, without the query answer's `watermark_info` and `watermark_url`, and with `final_unit_deduction` on a
 * failed task too, sent as the task's status changes (`processing`, then `succeed` or `failed`; the `submitted` state
 * is the submit's own answer). Kling signs it (Standard Webhooks) only once a Webhook Secret exists.
 */
function webhook(shape: 'reference' | 'seed') {
  return (
    job: SimJob,
    _req: SimRequest,
    ctx: WireContext,
    target: SimWebhookTarget,
  ): SimWebhookCallback | undefined => {
    // The legacy callback goes to the task's own `callback_url` only.
    if (target !== 'job' || job.status === 'queued' || job.status === 'cancelled') return undefined;
    const body = taskBody(job, ctx, shape);
    if (shape === 'reference') {
      delete body.watermark_info;
      const result = body.task_result as { videos: Array<Record<string, unknown>> } | undefined;
      for (const video of result?.videos ?? []) delete video.watermark_url;
      if (job.status !== 'running') body.final_unit_deduction ??= '0';
    }
    return { body, signing: 'standard-webhooks', secretOptional: true, deliveryId: `${job.id}:${job.status}` };
  };
}

const ERROR_CODES: Record<number, number> = { 400: 1201, 401: 1001, 403: 1103, 404: 1203, 429: 1302 };

/** A Kling wire format; the registered one speaks the reference shape under the name `kling`. */
export function createKlingWire(options: KlingWireOptions = {}): WireFormat {
  const shape = options.shape ?? 'reference';
  const provider = options.provider ?? 'kling';
  return {
    provider,
    hosts: provider === 'kling' ? ['api.klingai.com', 'api-singapore.klingai.com'] : [],
    route,
    handle: handler(shape),
    webhook: webhook(shape),
    errorBody(status, message) {
      return { code: ERROR_CODES[status] ?? 5000, message, request_id: `sim-${status}` };
    },
  };
}

export const klingWire: WireFormat = createKlingWire();
