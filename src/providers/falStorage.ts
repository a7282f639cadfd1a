import type { ImageField, ImageLimits } from '../core/imageInput';
import { joinUrl, withQuery } from './shared';

// Where fal's input images go (field names, limits); the upload itself is in falUpload.ts, loaded with the first
// image.

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

/** The initiate URL under a storage root (`https://rest.fal.ai`, or a simulator's `.../fal`). */
export function falInitiateUrl(storageUrl: string): string {
  return withQuery(joinUrl(storageUrl, 'storage/upload/initiate'), { storage_type: 'fal-cdn-v3' });
}
