import { isDownloadableUrl } from '../core/downloadableUrl';
// Replicate input files, for `generate({ prompt, image })`, the way the official client handles a `File` or `Blob`
// input (replicate-javascript lib/util.js `transformFileInputs`, option `fileEncodingStrategy`): `'default'` uploads it
// to the files API (`POST /v1/files`, multipart, its `content` field; the file's `urls.get` goes in the input) and
// falls back to a base64 `data:` URI when the upload fails for any reason but a 4xx refusal; `'upload'` only uploads;
// `'data-uri'` only inlines. Inline files are capped at 10 MB per prediction (`MAX_DATA_URI_SIZE = 10_000_000`).
import * as z from 'zod/mini';
import type { ImageField, ImageLimits, PrepareImageRequest } from '../core/imageInput';
import type { ProviderContext } from '../core/provider';
import { VideoJobError } from '../core/videoJobError';
import { joinUrl, parseWith, sendRequest, type CommonProviderOptions } from './shared';

/** How a `File` or `Blob` input image reaches a prediction, as the official client's `fileEncodingStrategy`. */
export type ReplicateFileEncoding = 'default' | 'upload' | 'data-uri';

/**
 * The files API takes up to 100 MiB ("The maximum size for uploaded files is 100MiB", replicate-javascript README;
 * "files up to 100MB", https://replicate.com/docs/topics/predictions/input-files). Which image types a model reads is
 * its own schema's business (e.g. kwaivgi/kling-o1: ".jpg/.jpeg/.png, max 10MB"): PNG, JPEG and WebP are assumed.
 */
export const REPLICATE_IMAGE_LIMITS: ImageLimits = {
  types: ['image/png', 'image/jpeg', 'image/webp'],
  maxBytes: 100 * 1024 * 1024,
  source:
    'https://replicate.com/docs/topics/predictions/input-files (files API, 100 MiB); image types are model-specific, PNG/JPEG/WebP assumed',
};

/** Where a model takes the start image and the end frame (its input schema's field names). */
export type ReplicateImageFields = Partial<Record<ImageField, string>>;

const DEFAULT_IMAGE_FIELDS: Record<ImageField, string> = { image: 'image', endImage: 'last_frame_image' };

/** The official client's cap on the files inlined into one prediction as `data:` URIs (lib/util.js). */
export const MAX_DATA_URI_BYTES = 10_000_000;

/** The file resource the files API answers; `urls.get` is what a prediction input takes (replicate-javascript README). */
const fileSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  urls: z.looseObject({ get: z.string().check(z.minLength(1)) }),
});

export interface ReplicateImageUpload extends PrepareImageRequest {
  baseUrl: string;
  strategy: ReplicateFileEncoding;
}

/** What goes in the model's image field: the uploaded file's `urls.get`, or a `data:` URI. */
export async function prepareReplicateImage(
  ctx: ProviderContext,
  options: CommonProviderOptions,
  image: Blob,
  upload: ReplicateImageUpload,
): Promise<string> {
  if (upload.strategy === 'data-uri') return toDataUri(image, upload);
  try {
    return await uploadFile(ctx, options, image, upload);
  } catch (error) {
    // As the client: a 4xx is the answer (bad token, refused file), anything else (no answer, 5xx) may be inlined.
    const refused = error instanceof VideoJobError && error.status !== undefined && error.status < 500;
    const aborted = upload.signal?.aborted || (error instanceof VideoJobError && error.kind === 'cancelled');
    if (upload.strategy === 'upload' || refused || aborted || image.size > MAX_DATA_URI_BYTES) throw error;
    return toDataUri(image, upload);
  }
}

async function uploadFile(
  ctx: ProviderContext,
  options: CommonProviderOptions,
  image: Blob,
  upload: ReplicateImageUpload,
): Promise<string> {
  const { baseUrl, header, signal, onProgress } = upload;
  const response = await sendRequest(ctx, options, {
    method: 'POST',
    url: joinUrl(baseUrl, '/files'),
    rawBody: multipartFile(image, fileNameOf(image, header.type), header.type),
    // A repeat stores one more copy (files expire after 24 h) and starts nothing.
    idempotent: true,
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onUploadProgress: onProgress } : {}),
  });
  const file = parseWith(fileSchema, response.data, { provider: 'replicate', what: 'file upload' });
  return requireFileUrl(file.urls.get);
}

/**
 * The `POST /v1/files` body: one `content` part with the file's name and type, as
 * `curl -F 'content=@photo.png;type=image/png;filename=photo.png'` sends it (https://sdks.replicate.com/resources/files).
 * Built as a `Blob` rather than a `FormData`, so the transport sizes its time limit and progress to the bytes.
 */
function multipartFile(image: Blob, fileName: string, type: string): Blob {
  const random = crypto.getRandomValues(new Uint8Array(12));
  // Lower case only: a Blob's type is lower-cased, boundary included.
  const boundary = `----react-video-jobs-${Array.from(random, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`;
  return new Blob([head, image, `\r\n--${boundary}--\r\n`], { type: `multipart/form-data; boundary=${boundary}` });
}

/** The file's own name when it is a safe one (required, at most 255 bytes of UTF-8), else `image.<ext>`. */
function fileNameOf(image: Blob, type: string): string {
  const name = (image as Partial<File>).name;
  const fallback = `image.${type.replace('image/', '')}`;
  if (typeof name !== 'string' || name.trim() === '') return fallback;
  const safe = name.replace(/["\\\r\n]/g, '_');
  return new TextEncoder().encode(safe).length <= 255 ? safe : fallback;
}

/** The file's URL, when Replicate's models can read it: `https:` (`http:` only on this machine: the simulator). */
function requireFileUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // refused below
  }
  if (url && isDownloadableUrl(value)) return value;
  throw new VideoJobError({
    kind: 'invalid_response',
    provider: 'replicate',
    field: 'urls.get',
    message: `Replicate answered a file URL that is not https: (${JSON.stringify(value.slice(0, 60))}); nothing was started. Report it, or check the baseUrl / proxy`,
  });
}

/** The image inline, as the client's `data-uri` strategy writes it: `data:<type>;base64,<bytes>`. */
async function toDataUri(image: Blob, { field, header }: ReplicateImageUpload): Promise<string> {
  if (image.size > MAX_DATA_URI_BYTES) {
    throw new VideoJobError({
      kind: 'invalid_input',
      provider: 'replicate',
      field,
      message: `${field} is ${image.size} bytes, over the 10 MB Replicate's client inlines as a data: URI; use fileEncodingStrategy 'default' or 'upload' (the files API takes up to 100 MiB), nothing was sent`,
    });
  }
  const bytes = new Uint8Array(await image.arrayBuffer());
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return `data:${header.type};base64,${btoa(binary)}`;
}

/**
 * The input with each prepared image (a file URL or a `data:` URI) in the model's field, refusing an image given twice
 * and more inline bytes than the official client sends (10 MB per prediction) before the prediction is created.
 */
export function withImages<Input extends Record<string, unknown>>(
  model: string,
  input: Input,
  images: Partial<Record<ImageField, unknown>> | undefined,
  option: ReplicateImageFields | ((model: string) => ReplicateImageFields) | undefined,
): Input {
  if (!images) return input;
  const fields = { ...DEFAULT_IMAGE_FIELDS, ...(typeof option === 'function' ? option(model) : option) };
  const merged: Record<string, unknown> = { ...input };
  let inlineChars = 0;
  for (const [field, value] of Object.entries(images) as Array<[ImageField, unknown]>) {
    if (value === undefined) continue;
    const key = fields[field] ?? DEFAULT_IMAGE_FIELDS[field];
    const refuse = (problem: string) =>
      new VideoJobError({
        kind: 'invalid_input',
        provider: 'replicate',
        field,
        message: `input for ${model} is invalid: ${field} ${problem}; nothing was started`,
      });
    if (typeof value !== 'string') throw refuse('must be the uploaded file URL or a data: URI, not the bytes');
    if (merged[key] !== undefined) {
      throw refuse(
        `goes in the model's \`${key}\` field, which the input also sets; give it once (imageFields renames it)`,
      );
    }
    if (value.startsWith('data:')) inlineChars += value.length;
    merged[key] = value;
  }
  if (inlineChars > Math.ceil((MAX_DATA_URI_BYTES * 4) / 3) + 200) {
    throw new VideoJobError({
      kind: 'invalid_input',
      provider: 'replicate',
      field: 'image',
      message: `the images inlined as data: URIs come to more than the 10 MB Replicate's client sends in one prediction; use fileEncodingStrategy 'upload' or smaller images, nothing was started`,
    });
  }
  return merged as Input;
}
