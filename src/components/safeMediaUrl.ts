/** The only URL schemes that may ever reach a `src` or `href`: anything else (javascript:, data:, file:, ...) is refused. */
const ALLOWED_PROTOCOLS: ReadonlySet<string> = new Set(['https:', 'http:', 'blob:']);

/**
 * Returns `url` normalised when it is an `https:`, `http:` or `blob:` URL, and `undefined` for anything
 * else, so a provider's answer can never smuggle a `javascript:` or `data:` URL into the page.
 *
 * Relative URLs are resolved against `base` and accepted only when the result is one of those schemes.
 * `base` defaults to the page's `location.href` in a browser; without one, relative URLs are refused.
 */
export function safeMediaUrl(url: unknown, base: string | undefined = pageBase()): string | undefined {
  if (typeof url !== 'string' || url.trim() === '') return undefined;
  let parsed: URL;
  try {
    parsed = base === undefined ? new URL(url) : new URL(url, base);
  } catch {
    return undefined;
  }
  return ALLOWED_PROTOCOLS.has(parsed.protocol) ? parsed.href : undefined;
}

function pageBase(): string | undefined {
  const location = (globalThis as { location?: { href?: unknown } }).location;
  return typeof location?.href === 'string' ? location.href : undefined;
}
