import type { ImageField } from './imageInput';

/** The input fields that carry an image (`generate({ prompt, image, endImage })`). */
export const IMAGE_FIELDS: readonly ImageField[] = ['image', 'endImage'];

/** An image field that holds something: `undefined`, `null` and `''` mean no image. */
export function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** The input without its image fields (what the adapter validates and receives; images travel apart). */
export function withoutImages(input: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...input };
  for (const field of IMAGE_FIELDS) delete rest[field];
  return rest;
}
