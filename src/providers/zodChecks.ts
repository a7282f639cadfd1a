import * as z from 'zod/mini';
import { isAbsoluteHttpsUrl } from './shared';

// The zod/mini checks the adapters share. Apart from shared.ts, whose helpers take a schema but build none, so that
// an adapter that loads its schemas later (fal) ships no zod in its first load.

/** A zod/mini string schema accepting only absolute `https:` URLs (image inputs the provider downloads). */
export const httpsUrlSchema = httpsUrlString();

/**
 * A string check by regular expression, e.g. `z.string().check(matches(/^\d+:\d+$/, 'must look like "16:9"'))`.
 * Used instead of zod's `z.regex`, which pulls zod's string-format checks into every app's bundle; a refine
 * reuses the code `httpsUrlSchema` ships anyway, and the message is ours (zod's names only "regex").
 */
/* @__NO_SIDE_EFFECTS__ */
export function matches(pattern: RegExp, message: string) {
  return z.refine<string>((value) => pattern.test(value), message);
}

/**
 * A plain object (not an array, a `Date` or null), its fields kept as they are. Same check as
 * `z.record(z.string(), z.unknown())`, without shipping zod's record schema to every app.
 */
/* @__NO_SIDE_EFFECTS__ */
export function anyObject() {
  return z.custom<Record<string, unknown>>(isPlainObject, 'must be a plain object');
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A whole-number check, instead of `z.int()` (zod's number formats ship a table of ranges; this is one line). */
/* @__NO_SIDE_EFFECTS__ */
export function wholeNumber() {
  return z.refine<number>(Number.isInteger, 'must be a whole number');
}

/**
 * Built by a function marked free of side effects: `.check()` is a method call, which a bundler must otherwise
 * keep, so every adapter's bundle (fal's too, which does not use this schema) would carry zod's refine code.
 */
/* @__NO_SIDE_EFFECTS__ */
function httpsUrlString() {
  return z.string().check(z.refine(isAbsoluteHttpsUrl, 'must be an absolute https: URL'));
}
