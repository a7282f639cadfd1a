import * as z from 'zod/mini';
import {
  createSnapshot,
  type JobRef,
  type JobSnapshot,
  type JobSnapshotInit,
  type VideoResult,
} from '../core/jobSnapshot';
import type { JobStatus } from '../core/jobStatus';
import { UNCHANGED, type CancelOutcome, type ProviderAdapter, type ProviderContext } from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import {
  httpsUrlSchema,
  joinUrl,
  lookupStatus,
  matches,
  mediaUrl,
  parseProviderInput,
  parseProviderResponse,
  requirePlayableUrl,
  sendRequest,
  signedUrlExpiry,
  toEpochMs,
  type CommonProviderOptions,
} from './shared';

export interface OpenAIVideosOptions extends CommonProviderOptions {
  /**
   * The API root, up to `/v1`. Defaults to `https://api.openai.com/v1`. Gateways with the same shape work
   * unchanged: OpenRouter `https://openrouter.ai/api/v1`, LiteLLM `http://localhost:4000/v1`, ...
   */
  baseUrl?: string;
  /** The adapter's name (and the default registration name). Defaults to `'openai'`. */
  name?: string;
  /** The `size` values the endpoint takes. Defaults to OpenAI's `720x1280`, `1280x720`, `1024x1792`, `1792x1024`; `false` accepts any. */
  sizes?: readonly string[] | false;
  /** The `seconds` values the endpoint takes. Defaults to OpenAI's `4`, `8`, `12`; `false` accepts any positive number. */
  seconds?: readonly number[] | false;
  /**
   * The body field carrying a job's webhook URL. OpenAI sets webhooks per project (dashboard, events
   * `video.completed` / `video.failed`), so by default a job with `webhookUrl` is refused before it is sent:
   * pass `false` to submit it anyway without the URL (your project webhook fires), or the gateway's field
   * name (OpenRouter: `'callback_url'`). Defaults to `undefined`.
   */
  webhookField?: string | false;
  /**
   * The URL a `<video>` plays for a finished job whose only copy is the API's content endpoint
   * (`GET /videos/{id}/content`), which needs the API key. Defaults to the content URL itself server side, and
   * with `proxyUrl` to the proxy with the content URL in its `x-video-jobs-target-url` query parameter.
   */
  contentUrl?: (contentUrl: string, ref: JobRef) => string;
  /**
   * Whether the API de-duplicates creates by their `Idempotency-Key` header (OpenAI's does), so a submit that
   * got no answer may be sent again. The header goes out with every `idempotencyKey` either way. Defaults to
   * `true` for OpenAI's own API and `false` for any other `baseUrl`, where a repeat could start a second job.
   */
  idempotentSubmit?: boolean;
}

/** The body of `POST /videos`, minus `model` (the job's model). Gateway-specific fields pass through unchanged. */
export interface OpenAIVideosInput {
  prompt: string;
  /** Clip length in seconds. Sent as a string (`"8"`), as OpenAI takes it. Defaults to OpenAI's `4`. */
  seconds?: number | string;
  /** `WIDTHxHEIGHT` for OpenAI (the snapshot reads the video's size from it). Defaults to OpenAI's `720x1280`. */
  size?: string;
  /** Image-to-video: a first frame by URL (absolute `https:`) or by uploaded file id; exactly one of the two. */
  input_reference?: { image_url?: string; file_id?: string };
  /** Shorthand for `input_reference: { image_url }`. */
  image_url?: string;
  [field: string]: unknown;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const OPENAI_SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024'];
const OPENAI_SECONDS = [4, 8, 12];

const inputSchema = z.looseObject({
  prompt: z.string().check(z.minLength(1), z.maxLength(32000)),
  seconds: z.optional(z.union([z.number().check(z.positive()), z.string().check(matches(/^\d+$/, 'must be digits'))])),
  // Checked against `sizes` below: gateways name sizes their own way (`768P`).
  size: z.optional(z.string().check(z.minLength(1))),
  input_reference: z.optional(
    z
      .strictObject({ image_url: z.optional(httpsUrlSchema), file_id: z.optional(z.string().check(z.minLength(1))) })
      .check(
        z.refine(
          (ref) => (ref.image_url === undefined) !== (ref.file_id === undefined),
          'needs exactly one of image_url, file_id',
        ),
      ),
  ),
  image_url: z.optional(httpsUrlSchema),
});

const text = z.optional(z.nullable(z.string()));
const seconds = z.optional(z.nullable(z.number()));

/**
 * OpenAI's video object; OpenRouter's job record (`polling_url`, `status: pending`, `unsigned_urls`, `urls`,
 * `error` as a string, `cancelled` / `expired`) shares it closely enough that both are read here.
 */
const videoSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  status: z.string(),
  progress: z.optional(z.nullable(z.number())),
  model: text,
  seconds: z.optional(z.nullable(z.union([z.string(), z.number()]))),
  size: text,
  created_at: seconds,
  completed_at: seconds,
  expires_at: seconds,
  error: z.optional(z.nullable(z.union([z.string(), z.looseObject({ code: text, message: text })]))),
  polling_url: text,
  urls: z.optional(z.nullable(z.array(z.string()))),
  unsigned_urls: z.optional(z.nullable(z.array(z.string()))),
});

type VideoObject = z.infer<typeof videoSchema>;

const STATUSES: Record<string, JobStatus> = {
  queued: 'queued',
  pending: 'queued',
  in_progress: 'running',
  completed: 'completed',
  failed: 'failed',
  expired: 'failed',
  cancelled: 'cancelled',
};

/**
 * OpenAI-style `/v1/videos` (Sora; OpenRouter and other gateways share the shape): `POST /videos` answers
 * the video object (`queued`), `GET /videos/{id}` follows it (`in_progress` with `progress` 0-100), the MP4
 * comes from `GET /videos/{id}/content`. There is no cancel endpoint: cancel stops following and reports
 * `unsupported`.
 */
export function openaiVideos(options: OpenAIVideosOptions = {}): ProviderAdapter<OpenAIVideosInput> {
  const name = options.name ?? 'openai';
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
  const sizes = options.sizes ?? OPENAI_SIZES;
  const allowedSeconds = options.seconds ?? OPENAI_SECONDS;
  const idempotentSubmit = options.idempotentSubmit ?? baseUrl === DEFAULT_BASE_URL;

  function snapshot(ref: JobRef, video: VideoObject, now: number): JobSnapshot {
    const content = contentUrlOf(baseUrl, ref, video);
    const playable = content.signed
      ? content.url
      : (options.contentUrl?.(content.url, ref) ?? mediaUrl(options, content.url));
    return toSnapshot(ref, video, playable, content.signed, now);
  }

  return {
    name,
    capabilities: { cancel: false, progress: true, queuePosition: false, webhooks: true, streaming: false },

    validateInput(model: string, input: unknown): OpenAIVideosInput {
      const parsed = parseProviderInput(name, inputSchema, input, model);
      const { image_url, ...result } = parsed as OpenAIVideosInput;
      if (parsed.seconds !== undefined) {
        const value = Number(parsed.seconds);
        if (allowedSeconds !== false && !allowedSeconds.includes(value)) {
          throw invalidInput(name, model, 'seconds', `must be one of ${allowedSeconds.join(', ')} (got ${value})`);
        }
        result.seconds = String(value);
      }
      if (parsed.size !== undefined && sizes !== false && !sizes.includes(parsed.size)) {
        throw invalidInput(name, model, 'size', `must be one of ${sizes.join(', ')} (got "${parsed.size}")`);
      }
      if (image_url !== undefined) {
        if (parsed.input_reference)
          throw invalidInput(name, model, 'image_url', 'give image_url or input_reference, not both');
        result.input_reference = { image_url };
      }
      return result;
    },

    async submit(ctx, request): Promise<JobSnapshot> {
      const body: Record<string, unknown> = { model: request.model, ...request.input };
      if (request.webhookUrl !== undefined) {
        if (options.webhookField === undefined) {
          throw invalidInput(
            name,
            request.model,
            'webhookUrl',
            "OpenAI takes webhooks per project, not per job: set them up in the dashboard and pass `webhookField: false`, or the gateway's field name (OpenRouter: 'callback_url')",
          );
        }
        if (options.webhookField !== false) body[options.webhookField] = request.webhookUrl;
      }
      const response = await sendRequest(ctx, options, {
        method: 'POST',
        url: joinUrl(baseUrl, '/videos'),
        headers: request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {},
        body,
        // Only an API that de-duplicates by Idempotency-Key may see a failed create repeated.
        idempotent: idempotentSubmit && request.idempotencyKey !== undefined,
        signal: request.signal,
      });
      const video = parseProviderResponse(name, videoSchema, response.data, undefined, 'submit');
      const ref: JobRef = {
        provider: name,
        id: video.id,
        model: request.model,
        createdAt: toEpochMs(video.created_at) ?? ctx.now(),
        urls: { status: statusUrl(baseUrl, video) },
      };
      return snapshot(ref, video, ctx.now());
    },

    async getStatus(ctx: ProviderContext, ref: JobRef, request) {
      const response = await sendRequest(ctx, options, {
        method: 'GET',
        url: joinUrl(baseUrl, `/videos/${encodeURIComponent(ref.id)}`),
        jobId: ref.id,
        signal: request.signal,
      });
      if (response.notModified) return UNCHANGED;
      return snapshot(ref, parseProviderResponse(name, videoSchema, response.data, ref.id, 'status'), ctx.now());
    },

    async cancel(): Promise<CancelOutcome> {
      // `DELETE /videos/{id}` removes a finished video's files; nothing stops a running one.
      return 'unsupported';
    },
  };
}

function statusUrl(baseUrl: string, video: VideoObject): string {
  if (video.polling_url) return absolute(baseUrl, video.polling_url);
  return joinUrl(baseUrl, `/videos/${encodeURIComponent(video.id)}`);
}

/**
 * Where the finished MP4 is: a signed storage URL that plays as it is (OpenRouter's `urls[0]`), or the API's
 * content endpoint (`unsigned_urls[0]`, else `/videos/{id}/content`), which needs the key.
 */
function contentUrlOf(baseUrl: string, ref: JobRef, video: VideoObject): { url: string; signed: boolean } {
  const signed = video.urls?.[0];
  if (signed) return { url: absolute(baseUrl, signed), signed: true };
  const unsigned = video.unsigned_urls?.[0];
  if (unsigned) return { url: absolute(baseUrl, unsigned), signed: false };
  return { url: joinUrl(baseUrl, `/videos/${encodeURIComponent(ref.id)}/content`), signed: false };
}

/** A URL the API handed back, resolved against the API's origin when it is a path (`/api/v1/videos/...`). */
function absolute(baseUrl: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  try {
    return new URL(url, baseUrl).href;
  } catch {
    return url;
  }
}

function toSnapshot(ref: JobRef, video: VideoObject, playable: string, signed: boolean, now: number): JobSnapshot {
  const status = lookupStatus(ref.provider, STATUSES, video.status, 'status', ref.id);
  const init: JobSnapshotInit = { ref, status, raw: video };
  const createdAt = toEpochMs(video.created_at);
  if (createdAt !== undefined) init.createdAt = createdAt;
  const completedAt = toEpochMs(video.completed_at);
  if (status === 'running' && typeof video.progress === 'number') {
    init.progress = Math.min(1, Math.max(0, video.progress / 100));
  } else if (status === 'completed') {
    init.progress = 1;
    if (completedAt !== undefined) init.completedAt = completedAt;
    // A root-relative URL is the app's own proxy route outside a page (SSR): same origin, so it is kept.
    const sameOrigin = playable.startsWith('/') && !playable.startsWith('//');
    const field = signed ? 'urls[0]' : 'content';
    const result: VideoResult = {
      url: sameOrigin ? playable : requirePlayableUrl(ref.provider, ref.id, field, playable),
    };
    result.contentType = 'video/mp4';
    const expiresAt = toEpochMs(video.expires_at) ?? (signed ? signedUrlExpiry(playable) : undefined);
    if (expiresAt !== undefined) result.expiresAt = expiresAt;
    const size = /^(\d+)x(\d+)$/.exec(video.size ?? '');
    if (size) {
      result.width = Number(size[1]);
      result.height = Number(size[2]);
    }
    const length = Number(video.seconds);
    if (video.seconds !== null && video.seconds !== undefined && Number.isFinite(length) && length > 0) {
      result.durationSeconds = length;
    }
    init.video = result;
  } else if (status === 'failed') {
    if (completedAt !== undefined) init.completedAt = completedAt;
    const error = typeof video.error === 'string' ? { message: video.error, code: undefined } : video.error;
    const reason =
      error?.message ?? (video.status === 'expired' ? 'the job expired before it finished' : 'no reason given');
    init.error = new VideoJobError({
      kind: 'provider_failed',
      provider: ref.provider,
      jobId: ref.id,
      ...(error?.code ? { code: error.code } : {}),
      message: `the video generation failed: ${reason}; change the prompt or settings and submit again`,
    });
  } else if (status === 'cancelled') {
    init.cancellation = { remote: 'cancelled' };
  }
  return createSnapshot(init, now);
}

function invalidInput(provider: string, model: string, field: string, problem: string): VideoJobError {
  return new VideoJobError({
    kind: 'invalid_input',
    provider,
    field,
    message: `input for ${model} is invalid: ${field} ${problem}; fix the input, nothing was sent`,
  });
}
