import * as z from 'zod/mini';
import type { PrepareImageRequest } from '../core/imageInput';
import type { ProviderContext } from '../core/provider';
import type { HttpResponse } from '../core/transport';
import { VideoJobError } from '../core/videoJobError';
import { isDownloadableUrl } from '../core/downloadableUrl';
import { parseWith } from './shared';
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

const initiateSchema = z.looseObject({ upload_url: z.string(), file_url: z.string() });

export interface FalUploadOptions extends PrepareImageRequest {
  /** `{rest}/storage/upload/initiate?storage_type=fal-cdn-v3` */
  initiateUrl: string;
  /** Sends a request with the key or through the proxy (the adapter's `send`). */
  send(ctx: ProviderContext, init: ApiRequest): Promise<HttpResponse<unknown>>;
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
  if (isDownloadableUrl(value)) return value;
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
