import type { CheckedImage, ImageField, PreparedImage, ProviderImageSupport, UploadProgress } from './imageInput';
import type { ProviderContext } from './provider';
import { abortReason } from './sleep';
import { toVideoJobError } from './videoJobError';

/** The files a client already put on each provider: a retry or a second job with the same `File` reuses them. */
export type PreparedImages = WeakMap<Blob, Map<string, Promise<PreparedImage>>>;

export interface PrepareImagesOptions {
  provider: string;
  model: string;
  support: ProviderImageSupport;
  context: ProviderContext;
  memo: PreparedImages;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
}

/**
 * The upload phase of a submit: each file is prepared by the provider's adapter (uploaded, or encoded), URLs pass as
 * they are. Reports bytes sent over all files, and returns what the submit carries plus what the job's ref keeps
 * (URLs and file ids, so a resumed or repeated job never uploads again).
 */
export async function prepareImages(
  images: readonly CheckedImage[],
  options: PrepareImagesOptions,
): Promise<{
  images: Partial<Record<ImageField, PreparedImage>>;
  uploads: Partial<Record<ImageField, string>>;
  /** For a provider whose submit carries the bytes (`inline`): maps the submit's upload progress onto the files'. */
  submitProgress?: (progress: UploadProgress) => void;
}> {
  const { provider, model, support, context, memo, signal, onProgress } = options;
  const files = images.filter((image) => 'blob' in image);
  const total = files.reduce((sum, image) => sum + image.blob.size, 0);
  const loaded = new Map<ImageField, number>();
  const report = () => onProgress?.({ loaded: [...loaded.values()].reduce((a, b) => a + b, 0), total });
  const inline = support.inline === true;
  if (files.length > 0) report();
  const prepared = await Promise.all(
    images.map(async (image): Promise<[ImageField, PreparedImage]> => {
      if (!('blob' in image)) return [image.field, image.url];
      const { field, blob, header } = image;
      const perProvider = memo.get(blob) ?? new Map<string, Promise<PreparedImage>>();
      memo.set(blob, perProvider);
      let pending = perProvider.get(provider);
      if (!pending) {
        if (signal?.aborted) throw abortReason(signal);
        pending = support
          .prepare(context, blob, {
            field,
            model,
            header,
            signal,
            onProgress: (progress) => {
              // Encoding for an inline submit is not sending: those bytes are counted as the submit sends them.
              if (inline) return;
              loaded.set(field, Math.min(blob.size, Math.max(0, progress.loaded)));
              report();
            },
          })
          .catch((error: unknown) => {
            perProvider.delete(provider);
            throw toVideoJobError(error, { provider });
          });
        perProvider.set(provider, pending);
      }
      const value = await pending;
      if (!inline) {
        loaded.set(field, blob.size);
        report();
      }
      return [field, value];
    }),
  );
  const result: Partial<Record<ImageField, PreparedImage>> = {};
  const uploads: Partial<Record<ImageField, string>> = {};
  for (const [field, value] of prepared) {
    result[field] = value;
    if (typeof value === 'string' && isWorthKeeping(value)) uploads[field] = value;
  }
  if (!inline || total === 0) return { images: result, uploads };
  // The submit's body is the files plus the other fields: its share sent stands for the files' share.
  const submitProgress = (progress: UploadProgress) =>
    onProgress?.({
      loaded: progress.total > 0 ? Math.round((Math.min(progress.loaded, progress.total) / progress.total) * total) : 0,
      total,
    });
  return { images: result, uploads, submitProgress };
}

/** A URL or a short id is kept in the ref; base64 text and bytes are not (they would swell stored refs). */
function isWorthKeeping(value: string): boolean {
  return /^https?:\/\//.test(value) ? value.length <= 4096 : value.length <= 256 && !/\s/.test(value);
}
