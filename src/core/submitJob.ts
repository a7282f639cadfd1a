import { checkRef, checkSubmit, validateSubmit } from './clientInput';
import { IMAGE_FIELDS, isGiven, withoutImages } from './imageFields';
import { lazyModule } from './lazyModule';
import type { JobSnapshot } from './jobSnapshot';
import type { PreparedImages } from './prepareImages';
import type { ProviderRegistry } from './providerRegistry';
import { rerunInput } from './rerunInput';
import { abortReason } from './sleep';
import type { SubmitImages } from './submitImages';
import type { SubmitOptions } from './videoClient';
import { VideoJobError, toVideoJobError } from './videoJobError';

/**
 * A submit as the client makes it: the input checked (its images, if any, checked and uploaded by the image code,
 * loaded then), the adapter's submit called once (never retried blindly), and the job's ref completed with what
 * running it again needs. Returns the first snapshot, the full ref and when the submit was sent.
 */
export async function submitJob(
  registry: ProviderRegistry,
  memo: PreparedImages,
  now: () => number,
  options: SubmitOptions,
): Promise<{ first: JobSnapshot; ref: JobSnapshot['ref']; sentAt: number }> {
  const name = options?.provider;
  const provider = registry.adapter(name);
  const { model, webhookUrl, idempotencyKey, signal } = options;
  const raw = checkSubmit(options);
  const context = registry.context(name);
  // The image code loads with the first input image: an app that never passes one does not ship it.
  const withImages: SubmitImages | undefined = IMAGE_FIELDS.some((field) => isGiven(raw[field]))
    ? await (await loadImageCode(name)).submitImages(provider, options, raw, context, memo)
    : undefined;
  let input: Record<string, unknown>;
  if (withImages) input = withImages.input;
  else {
    // Awaited only when the adapter's validation is asynchronous: a synchronous one adds no turn before the submit.
    const validated = validateSubmit(provider, options, withoutImages(raw));
    input = validated instanceof Promise ? await validated : validated;
  }
  if (signal?.aborted) throw abortReason(signal);
  const sentAt = now();
  let first: JobSnapshot;
  try {
    first = await provider.submit(context, {
      model,
      input,
      webhookUrl,
      idempotencyKey,
      signal,
      ...(withImages ? { images: withImages.images, onUploadProgress: withImages.onUploadProgress } : {}),
    });
  } catch (error) {
    throw toVideoJobError(error, { provider: name });
  }
  const uploads = withImages?.uploads ?? {};
  const rerun = rerunInput(raw, uploads);
  const ref = {
    ...first.ref,
    provider: name,
    ...(Object.keys(uploads).length ? { uploads } : {}),
    ...(rerun ? { input: rerun } : {}),
  };
  checkRef(ref);
  return { first, ref, sentAt };
}

const imageCode = lazyModule(() => import('./submitImages'));

/** The image code of a submit, fetched with the first input image (a chunk of its own in an app's build). */
function loadImageCode(provider: string): Promise<typeof import('./submitImages')> {
  return imageCode.load().catch((cause: unknown) => {
    throw new VideoJobError({
      kind: 'network',
      provider,
      message: 'the code that uploads input images could not be loaded; check the connection and submit again',
      cause,
    });
  });
}
