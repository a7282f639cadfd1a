import { isDownloadableUrl } from '../core/downloadableUrl';
import * as z from 'zod/mini';
import type { ImageField, ImageLimits, PrepareImageRequest } from '../core/imageInput';
import type { ProviderContext } from '../core/provider';
import type { HttpResponse } from '../core/transport';
import { VideoJobError } from '../core/videoJobError';
import { joinUrl, parseWith, withQuery } from './shared';
import type { ApiRequest } from './shared';

// fal's storage upload, as @fal-ai/client's `storage.upload` does it (libs/client/src/storage.ts, 1.10.1 in
// node_modules; https://github.com/fal-ai/fal-js/blob/main/libs/client/src/storage.ts):
//   1. POST {rest}/storage/upload/initiate?storage_type=fal-cdn-v3 with the key (through the app's proxy in a
//      browser, `x-fal-target-url` like every fal request), JSON `{ content_type, file_name }`
//      -> `{ upload_url, file_url }`;
//   2. PUT the bytes to `upload_url` (pre-signed, no key) with `Content-Type`; the model input gets `file_url`.
// `{rest}` is `getRestApiUrl()`, `https://rest.fal.ai`. The SDK switches to a multipart upload
// (`initiate-multipart`, 10 MB parts, `/complete`) only above 90 MiB: no image limit here comes near it (fal's
// largest documented input image is 30 MB), so there is none, and a larger `imageLimits.maxBytes` is refused.

/** fal's REST API, where storage lives (`getRestApiUrl()` in @fal-ai/client). */
export const FAL_REST_URL = 'https://rest.fal.ai';

/** Above this size @fal-ai/client uploads in parts (`file.size > 90 * 1024 * 1024`); a single PUT stays below it. */
export const FAL_MULTIPART_THRESHOLD = 90 * 1024 * 1024;

/**
 * The input image limits checked before an upload. fal states no global limit: each model page lists its own, and
 * these are Kling O1 image-to-video's (other pages differ: Kling v4 takes 30 MB, Veo 2 "images up to 8MB"); pass a
 * model's own as `imageLimits`. The types are those fal's image inputs accept (jpg, jpeg, png, webp, gif, avif) that
 * the header reader can read.
 */
export const FAL_IMAGE_LIMITS: ImageLimits = {
  types: ['image/jpeg', 'image/png', 'image/webp'],
  // "Max file size: 10.0MB", read as decimal megabytes (the smaller reading, so fal never gets a file it refuses).
  maxBytes: 10_000_000,
  minWidth: 300,
  minHeight: 300,
  minAspectRatio: 0.4,
  maxAspectRatio: 2.5,
  source:
    'https://fal.ai/docs/model-api-reference/video-generation-api/kling-video-o1-standard-image-to-video (start_image_url: max 10.0MB, min 300x300 px, aspect ratio 0.40 to 2.50); types: https://fal.ai/models/fal-ai/kling-video/v3/pro/image-to-video/playground',
};

/** Where `image` and `endImage` go in a model's input. */
export type FalImageFields = Partial<Record<ImageField, string>>;

/** Most of fal's image-to-video models take `image_url` (and `end_image_url` for a last frame). */
export const FAL_DEFAULT_IMAGE_FIELDS: Readonly<Record<ImageField, string>> = {
  image: 'image_url',
  endImage: 'end_image_url',
};

/**
 * The models whose input names differ from the default, as @fal-ai/client 1.10.1 types them
 * (src/types/endpoints.d.ts, checked against it by the fal tests).
 */
const SDK_FIELD_NAMES: ReadonlyArray<[models: readonly string[], fields: Record<ImageField, string>]> = [
  [
    [
      'fal-ai/kling-video/o1/image-to-video',
      'fal-ai/kling-video/o1/standard/image-to-video',
      'fal-ai/kling-video/v2.6/pro/image-to-video',
      'fal-ai/kling-video/v3/pro/image-to-video',
      'fal-ai/kling-video/v3/standard/image-to-video',
      'fal-ai/vidu/q1/start-end-to-video',
      'fal-ai/vidu/start-end-to-video',
    ],
    { image: 'start_image_url', endImage: 'end_image_url' },
  ],
  [
    [
      'fal-ai/kling-video/v1/standard/image-to-video',
      'fal-ai/kling-video/v1.5/pro/image-to-video',
      'fal-ai/kling-video/v1.6/pro/image-to-video',
      'fal-ai/kling-video/v2.5-turbo/pro/image-to-video',
    ],
    { image: 'image_url', endImage: 'tail_image_url' },
  ],
  [
    [
      'fal-ai/veo3.1/first-last-frame-to-video',
      'fal-ai/veo3.1/fast/first-last-frame-to-video',
      'fal-ai/veo3.1/lite/first-last-frame-to-video',
    ],
    { image: 'first_frame_url', endImage: 'last_frame_url' },
  ],
];

/** The option that renames them: fixed names for every model, or per model (`undefined` keeps the built-in names). */
export type FalImageFieldsOption = FalImageFields | ((model: string) => FalImageFields | undefined);

/** Where each image goes for `model`: the option's names, else the SDK's for that model, else `image_url`. */
export function falImageFields(model: string, option: FalImageFieldsOption | undefined): Record<ImageField, string> {
  const id = model.replace(/^\/+|\/+$/g, '');
  const known = SDK_FIELD_NAMES.find(([models]) => models.includes(id))?.[1] ?? FAL_DEFAULT_IMAGE_FIELDS;
  const chosen = typeof option === 'function' ? option(id) : option;
  return { ...known, ...chosen };
}

/** `https:` anywhere; `http:` only on this machine (the simulator): what fal may download and we may PUT to. */
export const isFalFileUrl = isDownloadableUrl;

const initiateSchema = z.looseObject({ upload_url: z.string(), file_url: z.string() });

/** The initiate answer, as @fal-ai/client types it (`InitiateUploadResult`). */
export type FalInitiateUploadAnswer = z.input<typeof initiateSchema>;

export interface FalUploadOptions extends PrepareImageRequest {
  /** `{rest}/storage/upload/initiate?storage_type=fal-cdn-v3` */
  initiateUrl: string;
  /** Sends a request with the key or through the proxy (the adapter's `send`). */
  send(ctx: ProviderContext, init: ApiRequest): Promise<HttpResponse<unknown>>;
}

/** The initiate URL under a storage root (`https://rest.fal.ai`, or a simulator's `.../fal`). */
export function falInitiateUrl(storageUrl: string): string {
  return withQuery(joinUrl(storageUrl, 'storage/upload/initiate'), { storage_type: 'fal-cdn-v3' });
}

/** Uploads `image` to fal's CDN and returns its `file_url`, the URL the model downloads. */
export async function uploadToFal(ctx: ProviderContext, image: Blob, options: FalUploadOptions): Promise<string> {
  const { header, signal, onProgress } = options;
  // The type read from the bytes, not the File's (may be empty, `application/octet-stream` in the SDK): fal's CDN
  // serves the file with it, and the PUT must declare the type the URL was signed for.
  const contentType = header.type;
  const named = (image as Partial<File>).name;
  const fileName = typeof named === 'string' && named ? named : `${ctx.now()}.${contentType.split('/')[1]!}`;
  const response = await options.send(ctx, {
    method: 'POST',
    url: options.initiateUrl,
    body: { content_type: contentType, file_name: fileName },
    // Initiating only hands out a URL: asking again after a lost answer does no harm.
    idempotent: true,
    ...(signal ? { signal } : {}),
  });
  const answer = parseWith(initiateSchema, response.data, { provider: 'fal', what: 'storage upload initiate' });
  const uploadUrl = fileUrl('upload_url', answer.upload_url);
  const url = fileUrl('file_url', answer.file_url);
  // The pre-signed URL takes the bytes straight from the page: no key, never through the proxy.
  await ctx.request({
    method: 'PUT',
    url: uploadUrl,
    rawBody: image,
    headers: { 'content-type': contentType },
    responseType: 'none',
    classifyError: refusedUpload,
    ...(onProgress ? { onUploadProgress: onProgress } : {}),
    ...(signal ? { signal } : {}),
  });
  return url;
}

function fileUrl(field: 'upload_url' | 'file_url', value: string): string {
  if (isFalFileUrl(value)) return value;
  throw new VideoJobError({
    kind: 'invalid_response',
    provider: 'fal',
    field,
    message: `fal's storage answered a ${field} that is not an https: URL (${JSON.stringify(value.slice(0, 60))}); refusing to send the image there, check the storage URL the adapter uses`,
  });
}

/** A refused PUT is about the pre-signed URL (expired, used, wrong type), not about the key the transport suspects. */
function refusedUpload(error: VideoJobError, body: string): VideoJobError {
  if (error.status === undefined || error.status >= 500 || error.status === 429) return error;
  return new VideoJobError({
    kind: 'http',
    provider: 'fal',
    status: error.status,
    message: `fal's storage refused the image upload (${error.status}${body ? `: ${body.slice(0, 120)}` : ''}); the pre-signed URL may have expired, submit again to get a new one`,
    cause: error,
  });
}
