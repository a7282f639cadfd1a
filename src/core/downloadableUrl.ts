/**
 * Whether a provider (or a browser) can fetch `value` from anywhere: an `https:` URL, or `http:` on this machine only
 * (a local simulator or storage). The one check behind every image URL the library passes on or accepts back from an
 * upload API: a user's `image`, a storage's pre-signed upload URL, an upload route's answer.
 */
export function isDownloadableUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
