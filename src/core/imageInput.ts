import { isDownloadableUrl } from './downloadableUrl';
import { isBlob } from './isBlob';
import { formatBytes } from './formatBytes';
import { IMAGE_FIELDS, isGiven } from './imageFields';
import { IMAGE_HEADER_BYTES, readImageHeader, type ImageHeader } from './imageHeader';
import type { ProviderContext } from './provider';
import { VideoJobError } from './videoJobError';

/**
 * An image a job starts from (`image`) or ends on (`endImage`): a `File` or `Blob`, an `https:` URL the provider
 * downloads itself, or a `data:` URL (decoded and handled like a file).
 */
export type ImageInput = Blob | string;

/** The input fields that take an image, whatever the provider calls them on the wire. */
export type ImageField = 'image' | 'endImage';

// Also here for the code that took it from this module before it had its own.

/** A provider's documented limits on an input image, checked before any byte is sent. */
export interface ImageLimits {
  /** The MIME types accepted, read from the bytes (not the file name). */
  types: readonly string[];
  /** The largest file, in bytes. */
  maxBytes: number;
  minWidth?: number;
  minHeight?: number;
  maxWidth?: number;
  maxHeight?: number;
  /** The narrowest width / height ratio accepted (e.g. `0.4` for 1:2.5). */
  minAspectRatio?: number;
  /** The widest width / height ratio accepted (e.g. `2.5` for 2.5:1). */
  maxAspectRatio?: number;
  /** The largest `data:` URL accepted before decoding, in characters. Defaults to `maxBytes * 4 / 3 + 100`. */
  maxDataUrlLength?: number;
  /** Where the provider documents these limits, or what was assumed where it does not. */
  source: string;
}

/** Bytes sent so far of an upload. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface PrepareImageRequest {
  field: ImageField;
  model: string;
  /** What the bytes are, read from them. */
  header: ImageHeader;
  signal?: AbortSignal;
  /** Report bytes sent, for the upload's progress bar. */
  onProgress?: (progress: UploadProgress) => void;
}

/**
 * What takes an image's place in the submit: a URL the provider downloads, a provider file id, base64 text, or the
 * bytes themselves for a submit that carries them (multipart).
 */
export type PreparedImage = string | Blob;

/** How a provider takes input images. */
export interface ProviderImageSupport {
  /** The fields this provider's models take. */
  readonly fields: readonly ImageField[];
  readonly limits: ImageLimits;
  /**
   * Whether an `https:` URL is passed as it is (the provider downloads it). Defaults to `true`; `false` refuses URLs
   * with an `invalid_input` (the provider only reads its own uploads).
   */
  readonly urls?: boolean;
  /**
   * The bytes travel inside the submit request itself (base64 in its JSON, a multipart part), not in an upload of
   * their own: the upload's progress is then the submit's (`SubmitRequest.onUploadProgress`), and `prepare`'s own
   * reports (encoding) are not shown as bytes sent. Defaults to `false`.
   */
  readonly inline?: boolean;
  /**
   * Puts a checked file where the provider reads it (its storage upload, a pre-signed URL, base64) and returns what
   * the submit carries instead. Called once per file and provider: the client remembers the answer, so a retry or a
   * second job with the same `File` does not upload it again.
   */
  prepare(ctx: ProviderContext, image: Blob, request: PrepareImageRequest): Promise<PreparedImage>;
}

/** One image of a submit, checked: a URL passed on, or a file to prepare. */
export type CheckedImage = { field: ImageField; url: string } | { field: ImageField; blob: Blob; header: ImageHeader };

/**
 * Takes `image` / `endImage` out of a submit's input and checks each against the provider's limits before any request
 * (type and size, read from the bytes, and dimensions where documented). Throws `invalid_input` naming the limit.
 */
export async function checkImages(
  provider: string,
  support: ProviderImageSupport | undefined,
  input: Record<string, unknown>,
): Promise<{ rest: Record<string, unknown>; images: CheckedImage[] }> {
  const rest = { ...input };
  const images: CheckedImage[] = [];
  for (const field of IMAGE_FIELDS) {
    const value = rest[field];
    delete rest[field];
    if (!isGiven(value)) continue;
    if (!support) {
      throw imageError(provider, field, `${provider} takes no image input; remove ${field} or use another provider`);
    }
    if (!support.fields.includes(field)) {
      throw imageError(
        provider,
        field,
        `${provider} takes no ${field === 'endImage' ? 'end frame' : 'start image'} (it takes: ${support.fields.join(', ')})`,
      );
    }
    images.push(await checkImage(provider, support, field, value));
  }
  return { rest, images };
}

async function checkImage(
  provider: string,
  support: ProviderImageSupport,
  field: ImageField,
  value: unknown,
): Promise<CheckedImage> {
  const limits = support.limits;
  if (typeof value === 'string') {
    if (value.startsWith('data:')) {
      const maxLength = limits.maxDataUrlLength ?? Math.ceil((limits.maxBytes * 4) / 3) + 100;
      if (value.length > maxLength) {
        throw imageError(
          provider,
          field,
          `${field} is a data: URL of ${formatBytes(value.length)}, over ${provider}'s limit of ${formatBytes(limits.maxBytes)}: pass the File instead, or a smaller image`,
          limits,
        );
      }
      return checkImage(provider, support, field, decodeDataUrl(provider, field, value));
    }
    if (isRawBase64(value)) {
      // Raw base64 (no `data:` prefix), as Kling's own `image` field takes it: decoded and checked like a file.
      const maxLength = limits.maxDataUrlLength ?? Math.ceil((limits.maxBytes * 4) / 3) + 100;
      if (value.length > maxLength) {
        throw imageError(
          provider,
          field,
          `${field} is base64 of ${formatBytes(Math.floor((value.length * 3) / 4))}, over ${provider}'s limit of ${formatBytes(limits.maxBytes)}; use a smaller image`,
          limits,
        );
      }
      return checkImage(provider, support, field, decodeDataUrl(provider, field, `data:;base64,${value}`));
    }
    if (!isDownloadableUrl(value)) {
      throw imageError(
        provider,
        field,
        `${field} must be a File or Blob, an https: URL or a data: URL; got ${JSON.stringify(value.slice(0, 60))}`,
      );
    }
    if (support.urls === false) {
      throw imageError(
        provider,
        field,
        `${provider} reads only its own uploads, not URLs; pass the image as a File or Blob and it is uploaded`,
      );
    }
    return { field, url: value };
  }
  if (!isBlob(value)) {
    throw imageError(provider, field, `${field} must be a File or Blob, an https: URL or a data: URL`);
  }
  if (value.size > limits.maxBytes) {
    throw imageError(
      provider,
      field,
      `${field} is ${formatBytes(value.size)}, over ${provider}'s limit of ${formatBytes(limits.maxBytes)}; use a smaller image`,
      limits,
    );
  }
  const header = readImageHeader(new Uint8Array(await value.slice(0, IMAGE_HEADER_BYTES).arrayBuffer()));
  if (!header || !limits.types.includes(header.type)) {
    const seen = header ? header.type.replace('image/', '').toUpperCase() : `not an image ${provider} can read`;
    throw imageError(
      provider,
      field,
      `${field} is ${header ? `a ${seen}` : seen}${value.type ? ` (declared ${value.type})` : ''}; ${provider} takes ${describeTypes(limits.types)}`,
      limits,
    );
  }
  checkDimensions(provider, field, header, limits);
  return { field, blob: value, header };
}

function checkDimensions(provider: string, field: ImageField, header: ImageHeader, limits: ImageLimits): void {
  const { width, height } = header;
  const size = `${width}x${height}`;
  const fail = (rule: string) => imageError(provider, field, `${field} is ${size}; ${provider} needs ${rule}`, limits);
  if (limits.minWidth !== undefined && width < limits.minWidth) throw fail(`a width of at least ${limits.minWidth} px`);
  if (limits.minHeight !== undefined && height < limits.minHeight)
    throw fail(`a height of at least ${limits.minHeight} px`);
  if (limits.maxWidth !== undefined && width > limits.maxWidth) throw fail(`a width of at most ${limits.maxWidth} px`);
  if (limits.maxHeight !== undefined && height > limits.maxHeight)
    throw fail(`a height of at most ${limits.maxHeight} px`);
  const ratio = width / height;
  if (limits.minAspectRatio !== undefined && ratio < limits.minAspectRatio - 1e-9) {
    throw fail(`a width / height ratio of at least ${formatRatio(limits.minAspectRatio)}`);
  }
  if (limits.maxAspectRatio !== undefined && ratio > limits.maxAspectRatio + 1e-9) {
    throw fail(`a width / height ratio of at most ${formatRatio(limits.maxAspectRatio)}`);
  }
}

/** A `data:` URL's bytes as a Blob of its declared type (base64 or percent-encoded). */
function decodeDataUrl(provider: string, field: ImageField, url: string): Blob {
  const comma = url.indexOf(',');
  const meta = comma > 5 ? url.slice(5, comma) : '';
  const parts = meta.split(';');
  const type = parts[0] || 'text/plain';
  const data = url.slice(comma + 1);
  try {
    if (parts.includes('base64')) {
      const binary = atob(data.replace(/\s/g, ''));
      const bytes = new Uint8Array(binary.length);
      for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
      return new Blob([bytes], { type });
    }
    return new Blob([decodeURIComponent(data)], { type });
  } catch (cause) {
    throw imageError(
      provider,
      field,
      `${field} is a data: URL that does not decode; pass the File instead`,
      undefined,
      cause,
    );
  }
}

/** Long base64 text with no scheme: an image's bytes, as some APIs take them (Kling). */
function isRawBase64(value: string): boolean {
  return value.length >= 64 && !value.includes(':') && /^[A-Za-z0-9+/\s]+={0,2}\s*$/.test(value);
}

/** An `invalid_input` naming the field and the limit; the page documenting it goes in `docsUrl`. */
function imageError(
  provider: string,
  field: ImageField,
  message: string,
  limits?: ImageLimits,
  cause?: unknown,
): VideoJobError {
  const docsUrl = limits && /https:\/\/\S+/.exec(limits.source)?.[0].replace(/[),;.]+$/, '');
  return new VideoJobError({ kind: 'invalid_input', field, provider, message, cause, ...(docsUrl ? { docsUrl } : {}) });
}

function describeTypes(types: readonly string[]): string {
  const names = types.map((type) => type.replace('image/', '').toUpperCase());
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}` : (names[0] ?? 'no image');
}

function formatRatio(ratio: number): string {
  return ratio >= 1 ? `${Number(ratio.toFixed(2))}:1` : `1:${Number((1 / ratio).toFixed(2))}`;
}
