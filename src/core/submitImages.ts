// The image code of a submit (checks read from the bytes, uploads, progress), loaded by the client's submit with the
// first input that carries an image: an app that never passes one never loads it, and bundlers split it out.
import { validateSubmit } from './clientInput';
import type { ImageField, PreparedImage, UploadProgress } from './imageInput';
import { checkImages } from './imageInput';
import { prepareImages, type PreparedImages } from './prepareImages';
import type { ProviderAdapter, ProviderContext } from './provider';
import { abortReason } from './sleep';
import type { SubmitOptions } from './videoClient';

export interface SubmitImages {
  /** The input without its images, through the adapter's own validation. */
  input: Record<string, unknown>;
  images: Partial<Record<ImageField, PreparedImage>>;
  uploads: Partial<Record<ImageField, string>>;
  /** What the adapter's submit reports its bytes going out to (`inline` providers map them onto the files'). */
  onUploadProgress?: (progress: UploadProgress) => void;
}

/**
 * The upload phase of a submit: the images are taken out of the input and checked against the provider's limits before
 * any request, the rest of the input is validated, then each file is prepared the provider's way (`prepareImages`).
 */
export async function submitImages(
  provider: ProviderAdapter,
  options: SubmitOptions,
  raw: Record<string, unknown>,
  context: ProviderContext,
  memo: PreparedImages,
): Promise<SubmitImages> {
  const { provider: name, model, signal, onUploadProgress } = options;
  const checked = await checkImages(name, provider.image, raw);
  const input = await validateSubmit(provider, options, checked.rest);
  if (signal?.aborted) throw abortReason(signal);
  const prepared = await prepareImages(checked.images, {
    provider: name,
    model,
    support: provider.image!,
    context,
    memo,
    signal,
    onProgress: onUploadProgress,
  });
  return {
    input,
    images: prepared.images,
    uploads: prepared.uploads,
    onUploadProgress: prepared.submitProgress ?? onUploadProgress,
  };
}
