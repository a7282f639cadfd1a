import { isDownloadableUrl } from '../core/downloadableUrl';
// VideoGen's file uploads (https://docs.videogen.io/file-uploads), for `generate({ prompt, image })`: create a
// pending file (`POST /v1/files/upload` -> `{ fileId, uploadUrl }`, through the proxy in a browser), PUT the bytes
// straight to the pre-signed URL (no key), then wait until VideoGen has processed the file, as the official SDK's
// `uploadFile` helper does (https://github.com/video-gen/videogen-typescript-sdk/blob/main/src/uploadFile.ts):
// hydrate it until its download or preview rendition is `ready`.
import * as z from 'zod/mini';
import type { ImageLimits, PrepareImageRequest } from '../core/imageInput';
import type { ProviderContext } from '../core/provider';
import { sleep } from '../core/sleep';
import { VideoJobError } from '../core/videoJobError';
import { joinUrl, parseWith, sendRequest, type CommonProviderOptions } from './shared';

/**
 * VideoGen documents no limit on uploaded images: neither the file-uploads guide nor the create-file-upload and
 * generate-video-clip references name a type, size or dimension. The types are the ones an `IMAGE` file can be
 * read as here; 50 MB is our own bound, so a mistaken huge file fails before any byte is sent.
 */
export const VIDEOGEN_IMAGE_LIMITS: ImageLimits = {
  types: ['image/png', 'image/jpeg', 'image/webp'],
  maxBytes: 50_000_000,
  source:
    'https://docs.videogen.io/file-uploads names no limit; PNG, JPEG, WebP and 50 MB are assumed by react-video-jobs',
};

/** The SDK's `uploadFile` polls every 2 s (its `pollIntervalMs` default). */
const READY_POLL_MS = 2000;
/** The SDK waits up to an hour; an image that takes more than this is not coming. */
const READY_TIMEOUT_MS = 5 * 60_000;

/** `200 { fileId, uploadUrl }` (https://docs.videogen.io/rest-api-reference/files/create-file-upload). */
const uploadSchema = z.looseObject({
  fileId: z.string().check(z.minLength(1)),
  uploadUrl: z.string().check(z.minLength(1)),
});

const sourceSchema = z.optional(z.nullable(z.looseObject({ status: z.optional(z.nullable(z.string())) })));

/** The hydrated StorageFile, as far as readiness goes (https://docs.videogen.io/file-hydration). */
const fileStateSchema = z.looseObject({ downloadSource: sourceSchema, previewSource: sourceSchema });

export interface VideoGenUpload extends PrepareImageRequest {
  baseUrl: string;
  /** Sent as `isTemporary` (kept 24 h, not analysed). */
  temporary: boolean;
}

/** Uploads `image` to VideoGen and resolves to its file id (`vg_file_...`) once VideoGen can use it. */
export async function uploadVideoGenImage(
  ctx: ProviderContext,
  options: CommonProviderOptions,
  image: Blob,
  upload: VideoGenUpload,
): Promise<string> {
  const { baseUrl, signal, header } = upload;
  const created = await sendRequest(ctx, options, {
    method: 'POST',
    url: joinUrl(baseUrl, '/v1/files/upload'),
    body: { displayName: displayNameOf(image, header.type), type: 'IMAGE', isTemporary: upload.temporary },
    // A repeated create only leaves an unused pending file behind, so a lost answer may be asked again.
    idempotent: true,
    signal,
  });
  const { fileId, uploadUrl } = parseWith(uploadSchema, created.data, { provider: 'videogen', what: 'file upload' });
  const target = requireUploadUrl(uploadUrl);
  try {
    // Straight to storage: no key, no proxy, no headers of the app's (the URL is signed for exactly this PUT).
    await ctx.request({
      method: 'PUT',
      url: target,
      rawBody: image,
      responseType: 'none',
      ...(signal ? { signal } : {}),
      ...(upload.onProgress ? { onUploadProgress: upload.onProgress } : {}),
    });
  } catch (error) {
    throw storageError(error);
  }
  await waitUntilReady(ctx, options, baseUrl, fileId, signal);
  return fileId;
}

/**
 * Hydrates the file until a rendition is `ready` (the SDK's readiness test); `failed` or `skipped` renditions
 * and no `ready` one mean VideoGen could not read the image.
 */
async function waitUntilReady(
  ctx: ProviderContext,
  options: CommonProviderOptions,
  baseUrl: string,
  fileId: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const deadline = ctx.now() + READY_TIMEOUT_MS;
  for (;;) {
    const answer = await sendRequest(ctx, options, {
      method: 'POST',
      url: joinUrl(baseUrl, `/v1/files/${encodeURIComponent(fileId)}/hydrate`),
      idempotent: true,
      signal,
    });
    const file = parseWith(fileStateSchema, answer.data, { provider: 'videogen', what: 'file' });
    const statuses = [file.downloadSource?.status, file.previewSource?.status];
    if (statuses.includes('ready')) return;
    if (statuses.some((status) => status === 'failed' || status === 'skipped')) {
      throw new VideoJobError({
        kind: 'provider_failed',
        provider: 'videogen',
        field: 'image',
        message: `VideoGen could not process the uploaded image (file ${fileId}, renditions ${statuses.map(String).join(' / ')}); check that it opens as a PNG, JPEG or WebP and try another`,
      });
    }
    if (ctx.now() + READY_POLL_MS > deadline) {
      throw new VideoJobError({
        kind: 'timeout',
        provider: 'videogen',
        field: 'image',
        message: `VideoGen has not finished processing the uploaded image (file ${fileId}) after ${READY_TIMEOUT_MS / 60_000} min; submit again later`,
      });
    }
    await sleep(READY_POLL_MS, signal);
  }
}

/** The pre-signed URL, when it is one the bytes may go to: `https:`, or `http:` on this machine (the simulator). */
function requireUploadUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // refused below
  }
  if (url && isDownloadableUrl(value)) return url.href;
  throw new VideoJobError({
    kind: 'invalid_response',
    provider: 'videogen',
    field: 'uploadUrl',
    message: `VideoGen answered an upload URL that is not https: (${url ? url.protocol : 'not a URL'}); the image was not sent. Report it, or check the baseUrl / proxy`,
  });
}

/** What a failed PUT to storage means: the pre-signed URL's own errors are not the API key's. */
function storageError(error: unknown): unknown {
  if (!(error instanceof VideoJobError) || error.kind === 'cancelled') return error;
  const status = error.status;
  const reason =
    status === 401 || status === 403
      ? `refused it (${status}): the pre-signed upload URL expired or was already used`
      : status !== undefined
        ? `answered ${status}`
        : `could not be reached (${error.kind})`;
  return new VideoJobError({
    kind: status === undefined ? error.kind : 'http',
    provider: 'videogen',
    field: 'image',
    ...(status !== undefined ? { status } : {}),
    retryable: false,
    message: `uploading the image to VideoGen's storage failed: the storage ${reason}; submit again to upload it with a new URL`,
    cause: error,
  });
}

/** The file's own name, else `image.<ext>` (`displayName` is required). */
function displayNameOf(image: Blob, type: string): string {
  const name = (image as Partial<File>).name;
  return typeof name === 'string' && name.trim() !== '' ? name.slice(0, 200) : `image.${type.replace('image/', '')}`;
}
