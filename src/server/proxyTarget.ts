import type { ResolvedProxyProvider } from './proxyProviders';

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

/** The proxy's `simulator` option, resolved: every request goes to this origin, with this placeholder key. */
export interface ProxySimulator {
  origin: string;
  apiKey: string;
  allowInProduction: boolean;
}

/** What `createProxyHandler({ simulator })` takes: the simulator's URL, or that with its options. */
export type ProxySimulatorOption =
  | string
  | {
      /** The simulator's origin, e.g. `http://127.0.0.1:4010` (`startSimulatorServer`) or `sim.origin` in-process. */
      url: string | undefined;
      /** Sent as every provider's key, for a simulator started with `apiKeys`. Defaults to `'simulator-placeholder-key'`. */
      apiKey?: string;
      /** Serve through the simulator even with `NODE_ENV=production` (e.g. `next start` in an end-to-end test). Defaults to `false`. */
      allowInProduction?: boolean;
    }
  | undefined;

/** The key sent to the simulator: never a real one, so a simulator (or whatever answers at its URL) learns no secret. */
export const SIMULATOR_PLACEHOLDER_KEY = 'simulator-placeholder-key';

/**
 * Reads the `simulator` option: `undefined` (or an empty URL, e.g. an unset environment variable) leaves it off.
 * Throws a `TypeError` for anything but a bare `http:`/`https:` origin, so a typo never widens what is reached.
 */
export function resolveSimulator(option: ProxySimulatorOption): ProxySimulator | undefined {
  const given = typeof option === 'string' ? { url: option } : option;
  const raw = given?.url?.trim();
  if (!given || !raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username ||
    url.password ||
    url.pathname !== '/' ||
    url.search ||
    url.hash
  ) {
    throw new TypeError(
      `[react-video-jobs/server] the proxy's simulator must be the simulator's origin, like "http://127.0.0.1:4010", got ${JSON.stringify(raw)}`,
    );
  }
  return {
    origin: url.origin,
    apiKey: given.apiKey || SIMULATOR_PLACEHOLDER_KEY,
    allowInProduction: given.allowInProduction === true,
  };
}

/**
 * A target on the simulator's own origin: `<simulator>/<provider><rest>`, where `<provider>` is one of `candidates`.
 * `undefined` otherwise, and the target is then refused like any other host.
 */
export function onSimulator(
  target: URL,
  candidates: readonly ResolvedProxyProvider[],
): { provider: ResolvedProxyProvider; paths: string[] } | undefined {
  const [, segment = '', rest = ''] = /^\/([^/]+)(\/.*)?$/.exec(target.pathname) ?? [];
  const provider = candidates.find((p) => p.simulatorName === segment || p.name === segment);
  return provider ? { provider, paths: simulatorRoutePaths(rest || '/') } : undefined;
}

/** Where a checked request goes: the target itself, or with a simulator, the same API path on the simulator. */
export function destination(
  target: URL,
  provider: ResolvedProxyProvider,
  simulator: ProxySimulator | undefined,
): string {
  if (!simulator || target.origin === simulator.origin) return target.href;
  return `${simulator.origin}/${encodeURIComponent(provider.simulatorName)}${target.pathname}${target.search}`;
}

/**
 * The simulator serves each provider under `/<provider>` and takes its API paths with or without their version root
 * (`/v1`, `/api/v1`), as an adapter whose `baseUrl` is `sim.baseUrl(provider)` sends them: the paths a provider's
 * routes are tested against for `<simulator>/<provider><rest>`.
 */
function simulatorRoutePaths(rest: string): string[] {
  return SIMULATOR_API_ROOTS.map((root) => `${root}${rest}`);
}

const SIMULATOR_API_ROOTS = ['', '/v1', '/api/v1'];
