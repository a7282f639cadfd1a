import * as z from 'zod/mini';
import type { JobRef, JobThumbnail, VideoResult } from '../core/jobSnapshot';
import type { JobStatus } from '../core/jobStatus';
import type { ProviderAdapter } from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import { defineProvider, type DefinedSchema, type DefinedStatus, type DefinedStatusContext } from './defineProvider';
import { uploadVideoGenImage, VIDEOGEN_IMAGE_LIMITS } from './videogenUpload';
import {
  cancelOutcomeOf,
  lookupStatus,
  parseWith,
  requirePlayableUrl,
  toEpochMs,
  type CommonProviderOptions,
} from './shared';
import { anyObject, matches, wholeNumber } from './zodChecks';

/** `apiKey` is sent as a bearer token. */
export interface VideoGenOptions extends CommonProviderOptions {
  /** The API origin. Defaults to `https://api.videogen.io`. */
  baseUrl?: string;
  /**
   * Whether an input image (`generate({ prompt, image })`) is uploaded as a temporary file (`isTemporary`: kept 24 h,
   * not analysed or listed in search). Defaults to `true`.
   */
  temporaryUploads?: boolean;
}

/**
 * The body of `POST /v1/tools/<model>` (the job's model is the tool, e.g. `"generate-video-clip"`). Images and
 * videos are passed as uploaded file ids (`POST /v1/files/upload`), not URLs: a `File` or `Blob` given as the
 * client's `image` is uploaded and its id put first in `imageFileIds`. Options of other tools pass through.
 */
export type VideoGenInput = {
  /** Optional when reference images or a source video are given. */
  prompt?: string;
  /** Reference images (image-to-video), as file ids (`vg_file_...`). */
  imageFileIds?: string[];
  /** A source video to restyle, as a file id. */
  videoFileId?: string;
  generateAudio?: boolean;
  /**
   * An object in VideoGen's own shape, or `"W:H"`, sent as `{ width: W, height: H }`. Defaults to VideoGen's 16:9.
   */
  aspectRatio?: string | Record<string, unknown>;
  watermarkMode?: 'AUTO' | 'VIDEO_GEN' | 'NONE';
  /** 1..100. Defaults to VideoGen's `1`; the snapshot's `video` is the first result. */
  numResults?: number;
  isOutputTemporary?: boolean;
  [option: string]: unknown;
};

const DEFAULT_BASE_URL = 'https://api.videogen.io';

/** Input fields people reach for by habit that VideoGen does not take: it wants uploaded file ids. */
const URL_FIELDS = ['image', 'imageUrl', 'image_url', 'imageUrls', 'videoUrl', 'video_url'];

const inputSchema = z.looseObject({
  prompt: z.optional(z.string().check(z.minLength(1))),
  imageFileIds: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  videoFileId: z.optional(z.string().check(z.minLength(1))),
  generateAudio: z.optional(z.boolean()),
  aspectRatio: z.optional(z.union([z.string().check(matches(/^\d+:\d+$/, 'must look like "16:9"')), anyObject()])),
  watermarkMode: z.optional(z.literal(['AUTO', 'VIDEO_GEN', 'NONE'])),
  numResults: z.optional(z.number().check(wholeNumber(), z.gte(1), z.lte(100))),
  isOutputTemporary: z.optional(z.boolean()),
});

const sourceSchema = z.looseObject({
  status: z.optional(z.nullable(z.string())),
  url: z.optional(z.nullable(z.string())),
  /** Unix seconds. */
  expiresAt: z.optional(z.nullable(z.number())),
  width: z.optional(z.nullable(z.number())),
  height: z.optional(z.nullable(z.number())),
});

const fileSchema = z.looseObject({
  fileId: z.string(),
  type: z.optional(z.nullable(z.string())),
  displayName: z.optional(z.nullable(z.string())),
  durationSeconds: z.optional(z.nullable(z.number())),
  downloadSource: z.optional(z.nullable(sourceSchema)),
  /** A still of the file (https://docs.videogen.io/rest-api-reference/files/get-file, file-hydration). */
  thumbnailSource: z.optional(z.nullable(sourceSchema)),
});

/** A result names its file; it may carry the hydrated file (webhook shape) or a `downloadUrl` (MCP shape), or neither. */
const resultSchema = z.looseObject({
  fileId: z.string(),
  type: z.optional(z.nullable(z.string())),
  file: z.optional(z.nullable(fileSchema)),
  downloadUrl: z.optional(z.nullable(z.string())),
  /** Unix seconds, beside `downloadUrl`. */
  downloadUrlExpiresAt: z.optional(z.nullable(z.number())),
});

/**
 * The execution record of `GET /v1/tools/executions/{id}`, or a webhook event about it: events carry `event`
 * (`tool_execution.succeeded` | `failed` | `cancelled`) and `occurredAt` instead of `status`
 * (https://docs.videogen.io/handling-async-tasks/webhooks, https://docs.videogen.io/webhook-events).
 */
const executionSchema = z.looseObject({
  toolExecutionId: z.string(),
  status: z.optional(z.string()),
  event: z.optional(z.string()),
  toolType: z.optional(z.nullable(z.string())),
  progressPercentage: z.optional(z.nullable(z.number())),
  attemptIndex: z.optional(z.nullable(z.number())),
  results: z.optional(z.nullable(z.array(resultSchema))),
  error: z.optional(
    z.nullable(
      z.looseObject({ message: z.optional(z.nullable(z.string())), code: z.optional(z.nullable(z.string())) }),
    ),
  ),
});

const submitSchema = z.looseObject({ toolExecutionId: z.string().check(z.minLength(1)) });

type SubmitAnswer = z.infer<typeof submitSchema>;
type Execution = z.infer<typeof executionSchema>;
type StorageFile = z.infer<typeof fileSchema>;
type ExecutionResult = z.infer<typeof resultSchema>;

const STATUSES: Record<string, JobStatus> = {
  pending: 'queued',
  running: 'running',
  succeeded: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** Webhook events, which name the terminal status instead of carrying `status`. */
const EVENTS: Record<string, JobStatus> = {
  'tool_execution.succeeded': 'completed',
  'tool_execution.failed': 'failed',
  'tool_execution.cancelled': 'cancelled',
};

const WEBHOOK_NOTE =
  'VideoGen sends webhooks to endpoints registered on the account (POST /v1/webhooks/endpoints), not per job; the job webhook URL was not sent';

/**
 * VideoGen's tools API: `POST /v1/tools/<tool>` answers `202 { toolExecutionId }`, `GET /v1/tools/executions/{id}`
 * reports `progressPercentage`, and a finished execution lists its result files. A file that carries no usable
 * download URL (none yet, or an expired one) is hydrated with `POST /v1/files/{fileId}/hydrate`, which signs fresh
 * URLs (https://docs.videogen.io/file-hydration); `GET /v1/files/{fileId}` would answer `downloadSource: null`.
 */
export function videogen(options: VideoGenOptions = {}): ProviderAdapter<VideoGenInput> {
  const { temporaryUploads = true, ...common } = options;
  const base = defineVideogen(common);
  const baseUrl = common.baseUrl ?? DEFAULT_BASE_URL;
  return {
    ...base,
    // VideoGen reads only its own files (https://docs.videogen.io/file-uploads), and documents no end frame: the
    // generate-video-clip reference takes reference images (`imageFileIds`), nothing for a last frame.
    image: {
      fields: ['image'],
      urls: false,
      limits: VIDEOGEN_IMAGE_LIMITS,
      prepare: (ctx, image, request) =>
        uploadVideoGenImage(ctx, common, image, { ...request, baseUrl, temporary: temporaryUploads }),
    },
    async submit(ctx, { images, onUploadProgress: _sentByPut, ...request }) {
      const fileId = images?.image;
      if (fileId !== undefined && typeof fileId !== 'string') {
        throw invalidInput(request.model, 'image', 'must be the file id its upload answered, not the bytes');
      }
      const input: VideoGenInput = fileId
        ? { ...request.input, imageFileIds: [fileId, ...(request.input.imageFileIds ?? [])] }
        : request.input;
      // Checked here, not in validateInput: the client's `image` is only known once it has been uploaded.
      if (request.model === 'generate-video-clip' && !input.prompt && !input.imageFileIds && !input.videoFileId) {
        throw invalidInput(
          request.model,
          'prompt',
          'is missing: generate-video-clip needs a `prompt`, an `image`, `imageFileIds` or a `videoFileId`',
        );
      }
      return base.submit(ctx, { ...request, input });
    },
  };
}

const executionPath = (id: string) => `/v1/tools/executions/${encodeURIComponent(id)}`;

const defineVideogen = /* @__PURE__ */ defineProvider<VideoGenInput, SubmitAnswer, Execution>({
  name: 'videogen',
  baseUrl: DEFAULT_BASE_URL,
  capabilities: { cancel: true, progress: true, webhooks: true },
  input: inputSchema as DefinedSchema<VideoGenInput>,
  validateInput(model, input, parse) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(model)) {
      throw invalidInput(
        model,
        'model',
        `must be a VideoGen tool such as "generate-video-clip" (got ${JSON.stringify(model)})`,
      );
    }
    if (input && typeof input === 'object') {
      const field = URL_FIELDS.find((key) => key in input);
      if (field) {
        throw invalidInput(
          model,
          field,
          'is not accepted: VideoGen takes uploaded file ids, not URLs; upload with POST /v1/files/upload and pass `imageFileIds` / `videoFileId`',
        );
      }
    }
    return parse(input);
  },
  failedMessage: (reason) => `VideoGen failed the execution: ${reason}`,
  submit: {
    url: (model) => `/v1/tools/${model}`,
    // The job's webhook URL is not sent: see WEBHOOK_NOTE.
    body(_model, input) {
      const ratio = input.aspectRatio;
      if (typeof ratio !== 'string') return input;
      const [width, height] = ratio.split(':').map(Number);
      return { ...input, aspectRatio: { width, height } };
    },
    response: submitSchema,
    toJob: ({ toolExecutionId }, { webhookUrl }) => ({
      id: toolExecutionId,
      status: 'queued',
      logs: webhookUrl ? [WEBHOOK_NOTE] : [],
    }),
  },
  status: {
    url: (ref) => executionPath(ref.id),
    response: executionSchema,
    async toStatus(execution, ref, context) {
      const mapped: DefinedStatus = { status: statusOf(ref, execution) };
      const attempt = execution.attemptIndex ?? 0;
      if (attempt > 0) mapped.logs = [`VideoGen is on attempt ${attempt + 1} of this execution`];
      if (mapped.status === 'running' && typeof execution.progressPercentage === 'number') {
        mapped.progress = execution.progressPercentage / 100;
      }
      if (mapped.status === 'completed') {
        const { video, thumbnail, preparing } = await resolveVideo(ref, execution, context);
        // The file's still, which can be signed while its download rendition is still being prepared.
        if (thumbnail) mapped.thumbnail = thumbnail;
        if (!video) {
          // The execution is done but its file cannot be downloaded yet: keep polling.
          mapped.status = 'running';
          mapped.progress = 0.99;
          mapped.logs = [...(mapped.logs ?? []), preparing];
        } else {
          const { url, ...rest } = video;
          mapped.videoUrl = requirePlayableUrl(ref.provider, ref.id, 'downloadSource.url', url);
          mapped.video = rest;
        }
      }
      if (mapped.status === 'failed') {
        if (execution.error?.message) mapped.error = execution.error.message;
        if (execution.error?.code) mapped.errorCode = execution.error.code;
      }
      return mapped;
    },
  },
  cancel: {
    url: (ref) => `${executionPath(ref.id)}/cancel`,
    // 409 is not documented; kept for an execution that has already ended. 400 is `invalid_id` /
    // `invalid_parameters` (https://docs.videogen.io/errors), a real error.
    allowStatus: [409],
    response: z.unknown(),
    async toOutcome(answer, httpStatus, { ref, request }) {
      if (httpStatus === 409) return 'already_completed';
      // The answer is `{ toolExecutionId }` ("Cancellation request accepted"; the execution "transitions to cancelled
      // if it has not already completed"): only the execution's status says which happened
      // (https://docs.videogen.io/rest-api-reference/tools/cancel-tool-execution).
      const answered = executionSchema.safeParse(answer);
      if (answered.success && answered.data.status !== undefined)
        return cancelOutcomeOf(STATUSES[answered.data.status]);
      try {
        const execution = executionSchema.safeParse(await request({ url: executionPath(ref.id) }));
        return cancelOutcomeOf(
          execution.success && execution.data.status ? STATUSES[execution.data.status] : undefined,
        );
      } catch {
        // The cancel itself was accepted; the next poll tells how the execution ended.
        return 'requested';
      }
    },
  },
});

/** The execution's video result: the first VIDEO one, else the first. */
function pickResult(ref: JobRef, execution: Execution): ExecutionResult {
  const results = execution.results ?? [];
  const result = results.find((entry) => (entry.type ?? entry.file?.type ?? 'VIDEO') === 'VIDEO') ?? results[0];
  if (!result) {
    throw new VideoJobError({
      kind: 'invalid_response',
      provider: ref.provider,
      jobId: ref.id,
      field: 'results',
      message: 'the execution succeeded but lists no results; report it with the raw answer',
    });
  }
  return result;
}

/** A succeeded execution's file: its playable video, or what VideoGen is still preparing; its still when signed. */
type ResolvedFile =
  | { video: VideoResult; preparing?: undefined; thumbnail?: JobThumbnail }
  | { video?: undefined; preparing: string; thumbnail?: JobThumbnail };

/**
 * The playable video of a succeeded execution, or what VideoGen is still preparing. The URL carried by the result
 * is used while it is valid, unless the client already holds the job as completed (a `refresh`, which wants a
 * fresh URL): then, as when it is missing or expired, the file is hydrated for fresh URLs.
 */
async function resolveVideo(
  ref: JobRef,
  execution: Execution,
  { now, previous, request }: DefinedStatusContext,
): Promise<ResolvedFile> {
  const result = pickResult(ref, execution);
  const inline = fromFile(result.file, now) ?? fromDownloadUrl(result, now);
  const held = previous?.status === 'completed' && previous.video !== undefined;
  if (inline && !held) return withThumbnail({ video: inline }, thumbnailOf(result.file, now));
  const answer = await request({ method: 'POST', url: `/v1/files/${encodeURIComponent(result.fileId)}/hydrate` });
  const file = parseWith(fileSchema, answer, { provider: ref.provider, jobId: ref.id, what: 'file' });
  const thumbnail = thumbnailOf(file, now) ?? thumbnailOf(result.file, now);
  const hydrated = fromFile(file, now);
  if (hydrated) return withThumbnail({ video: hydrated }, thumbnail);
  const source = file.downloadSource?.status ?? 'missing';
  if (source === 'failed' || source === 'skipped') {
    throw new VideoJobError({
      kind: 'invalid_response',
      provider: ref.provider,
      jobId: ref.id,
      field: 'downloadSource.status',
      message: `VideoGen finished the execution but its file ${result.fileId} has no download rendition (downloadSource.status "${source}"); open the file in VideoGen or generate it again`,
    });
  }
  // "pending: asset is still processing" (or no source yet): the next poll hydrates again.
  return withThumbnail(
    { preparing: `VideoGen is preparing file ${result.fileId} for download (downloadSource ${source})` },
    thumbnail,
  );
}

function withThumbnail(resolved: ResolvedFile, thumbnail: JobThumbnail | undefined): ResolvedFile {
  return thumbnail ? { ...resolved, thumbnail } : resolved;
}

/**
 * The file's `thumbnailSource` when it is ready and its signed URL still valid. Each source has `status`, `url`,
 * `expiresAt` (Unix seconds), `width`, `height` (https://docs.videogen.io/file-hydration); results carry it only
 * once the execution has succeeded, so there is no still while the clip renders.
 */
function thumbnailOf(file: StorageFile | null | undefined, now: number): JobThumbnail | undefined {
  const source = file?.thumbnailSource;
  if (!source?.url || (source.status && source.status !== 'ready')) return undefined;
  const expiresAt = toEpochMs(source.expiresAt);
  if (expiresAt !== undefined && expiresAt <= now) return undefined;
  const thumbnail: JobThumbnail = { url: source.url };
  if (expiresAt !== undefined) thumbnail.expiresAt = expiresAt;
  if (typeof source.width === 'number') thumbnail.width = source.width;
  if (typeof source.height === 'number') thumbnail.height = source.height;
  return thumbnail;
}

/** The job status an execution record (`status`) or a webhook event (`event`) stands for. */
function statusOf(ref: JobRef, execution: Execution): JobStatus {
  if (execution.status !== undefined) return lookupStatus(ref.provider, STATUSES, execution.status, 'status', ref.id);
  if (execution.event !== undefined) return lookupStatus(ref.provider, EVENTS, execution.event, 'event', ref.id);
  throw new VideoJobError({
    kind: 'invalid_response',
    provider: ref.provider,
    jobId: ref.id,
    field: 'status',
    message:
      'the execution has neither a `status` nor a tool_execution `event`; the API may have changed, upgrade react-video-jobs or report it',
  });
}

function fromFile(file: StorageFile | null | undefined, now: number): VideoResult | undefined {
  const source = file?.downloadSource;
  if (!file || !source?.url || (source.status && source.status !== 'ready')) return undefined;
  const expiresAt = toEpochMs(source.expiresAt);
  // An expired signed URL is no URL: hydration hands out a fresh one.
  if (expiresAt !== undefined && expiresAt <= now) return undefined;
  const video: VideoResult = { url: source.url, contentType: 'video/mp4' };
  if (expiresAt !== undefined) video.expiresAt = expiresAt;
  if (typeof source.width === 'number') video.width = source.width;
  if (typeof source.height === 'number') video.height = source.height;
  if (typeof file.durationSeconds === 'number') video.durationSeconds = file.durationSeconds;
  if (file.displayName) video.fileName = file.displayName;
  return video;
}

/** A result's own `downloadUrl` (the MCP server's shape), unless it has expired. */
function fromDownloadUrl(result: ExecutionResult, now: number): VideoResult | undefined {
  if (!result.downloadUrl) return undefined;
  const expiresAt = toEpochMs(result.downloadUrlExpiresAt);
  if (expiresAt !== undefined && expiresAt <= now) return undefined;
  return expiresAt === undefined ? { url: result.downloadUrl } : { url: result.downloadUrl, expiresAt };
}

function invalidInput(model: string, field: string, problem: string): VideoJobError {
  return new VideoJobError({
    kind: 'invalid_input',
    provider: 'videogen',
    field,
    message: `input for ${model || 'videogen'} is invalid: ${field} ${problem}; fix the input, nothing was sent`,
  });
}
