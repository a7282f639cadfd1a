import { IMAGE_FIELDS, isGiven } from './imageFields';
import type { ImageField } from './imageInput';
import type { JobRef } from './jobSnapshot';

/** The most of a job's input a ref keeps, as JSON text: refs are stored and passed around, so a larger input stays out. */
const MAX_INPUT_CHARS = 8192;

/**
 * The input to submit a job again with (`JobRef.input`): the fields as they were given, and each input image as the URL
 * it was uploaded to (`uploads`), so running it again sends no file. `undefined` when JSON cannot rebuild the job: a
 * field that is not plain JSON, an image the provider took as bytes (base64, multipart) or keeps as its own file id
 * (neither can be given back as `image`), or more than 8 KB of JSON.
 */
export function rerunInput(
  input: Record<string, unknown>,
  uploads: NonNullable<JobRef['uploads']>,
): Record<string, unknown> | undefined {
  const rerun: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if ((IMAGE_FIELDS as readonly string[]).includes(field)) {
      if (!isGiven(value)) continue;
      const kept = uploads[field as ImageField];
      const url = typeof value === 'string' && /^https?:\/\//.test(value) ? value : kept;
      if (url === undefined || !/^https?:\/\//.test(url)) return undefined;
      rerun[field] = url;
      continue;
    }
    if (!isPlainJson(value, 0)) return undefined;
    rerun[field] = value;
  }
  return JSON.stringify(rerun).length <= MAX_INPUT_CHARS ? rerun : undefined;
}

function isPlainJson(value: unknown, depth: number): boolean {
  if (depth > 16) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => item === undefined || isPlainJson(item, depth + 1));
}
