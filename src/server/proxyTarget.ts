/** Why a target URL was refused, as the proxy reports it. */
export interface TargetRefusal {
  status: 400 | 403;
  message: string;
}

// `..` or `.` as a path segment, plain or percent-encoded (`%2e%2e`, `.%2E`), between any kind of slash.
const DOT_SEGMENT = /(?:^|[/\\])(?:\.|%2e){1,2}(?:[/\\?#]|$)/i;
// Encoded slash, backslash, percent (double encoding) and NUL: none appears in a provider path we forward.
const ENCODED_TRICKS = /%(?:2f|5c|25|00)/i;

/**
 * Parses and vets the URL the browser asked the proxy to reach. Refuses anything a provider path never needs:
 * dot segments (also encoded), encoded slashes and double encoding, backslashes, credentials, control characters,
 * other schemes. Origin checks against the allow-list happen afterwards (`checkOrigin`).
 */
export function parseTarget(raw: string | null): URL | TargetRefusal {
  if (!raw) {
    return {
      status: 400,
      message:
        'the target URL header (`x-video-jobs-target-url` or `x-fal-target-url`) is missing; a media GET may carry it in the `x-video-jobs-target-url` query parameter instead',
    };
  }
  if (raw.length > 4096) return { status: 400, message: 'the target URL is longer than 4096 characters' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f\\]/.test(raw)) {
    return { status: 403, message: 'the target URL contains whitespace, control characters or a backslash' };
  }
  const pathPart = raw.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0] ?? '';
  if (DOT_SEGMENT.test(pathPart) || ENCODED_TRICKS.test(pathPart)) {
    return {
      status: 403,
      message: 'the target URL path contains `.`/`..` segments or encoded slashes; it is not forwarded',
    };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { status: 400, message: 'the target URL is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { status: 403, message: `the target URL scheme ${url.protocol} is not forwarded; only https: is` };
  }
  if (url.username || url.password) return { status: 403, message: 'the target URL carries credentials' };
  return url;
}

/**
 * Whether `url` may be reached given the allowed origins. Only an exact origin match passes, so `http:`, IP
 * literals, `localhost`, other ports and look-alike hosts are refused unless that very origin was allow-listed
 * (e.g. a test simulator on `http://127.0.0.1:<port>`). The message says which rule refused it.
 */
export function checkOrigin(url: URL, allowed: readonly string[]): TargetRefusal | undefined {
  if (allowed.includes(url.origin)) return undefined;
  const host = url.hostname;
  if (isIpLiteral(host) || isLocalName(host)) {
    return {
      status: 403,
      message: `the target host ${host} is an IP address or a local name; only allow-listed hosts are forwarded`,
    };
  }
  if (url.protocol !== 'https:')
    return { status: 403, message: 'the target URL is not https:; only https: targets are forwarded' };
  return { status: 403, message: `the target host ${url.host} is not on the proxy's allow-list` };
}

/** IPv4 (the URL parser already turned `0x7f.1`, `2130706433` and friends into dotted form) or bracketed IPv6. */
export function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname);
}

function isLocalName(hostname: string): boolean {
  const host = hostname.replace(/\.$/, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.internal') ||
    !host.includes('.')
  );
}
