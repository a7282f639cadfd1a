// Helpers every provider adapter uses: where a request goes (API key or proxy), reading responses through
// zod/mini schemas into typed errors, input checks. Owned by the fal/simulator engineer; add small helpers at
// the end of the file, do not rewrite the others.
import type * as z from 'zod/mini';
import type { JobStatus } from '../core/jobStatus';
import type { CancelOutcome, ProviderContext } from '../core/provider';
import type { HttpMethod, HttpRequest, HttpResponse } from '../core/transport';
import { VideoJobError } from '../core/videoJobError';

/** Options every adapter factory takes. */
export interface CommonProviderOptions {
  /** The API's origin (and path prefix). Defaults to the provider's real API. */
  baseUrl?: string;
  /** Server side only: the secret key, sent in the provider's auth header. Never set it in browser code. */
  apiKey?: string;
  /**
   * Browser side: every request goes to this URL (your server's proxy route), with the real target URL in a
   * header (`x-video-jobs-target-url`, or the provider's own, e.g. fal's `x-fal-target-url`); the proxy adds
   * the key.
   */
  proxyUrl?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** The header our own proxy (`react-video-jobs/server`) reads the target URL from. */
export const TARGET_URL_HEADER = 'x-video-jobs-target-url';

export interface EndpointOptions {
  /** Turns the key into the auth header, e.g. `(key) => ['authorization', `Bearer ${key}`]`. */
  auth: (apiKey: string) => [name: string, value: string];
  /** The proxy's target-URL header. Defaults to `x-video-jobs-target-url`. */
  targetHeader?: string;
}

/**
 * Where a request to `targetUrl` really goes: straight to the API with the key (server side), or to the proxy
 * with the target in a header (browser). The auth header is only ever sent when a key was configured.
 */
export function buildRequest(
  options: CommonProviderOptions,
  targetUrl: string,
  endpoint: EndpointOptions,
): { url: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) {
    const [name, value] = endpoint.auth(options.apiKey);
    headers[name] = value;
  }
  if (options.proxyUrl) {
    headers[endpoint.targetHeader ?? TARGET_URL_HEADER] = targetUrl;
    return { url: options.proxyUrl, headers };
  }
  return { url: targetUrl, headers };
}

/** `base` + `path` with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** `url` with `params` set in its query (undefined values skipped). */
export function withQuery(url: string, params: Record<string, string | undefined>): string {
  const parsed = new URL(url);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) parsed.searchParams.set(key, value);
  return parsed.href;
}

export interface ParseContext {
  provider: string;
  jobId?: string;
  /** What the payload is, for the message: `"status"`, `"submit"`, `"result"`. */
  what: string;
  /** Prefix of the field path in the message (e.g. `"data"` when parsing a nested part). */
  pathPrefix?: string;
}

/**
 * Parses a provider payload with a zod/mini schema; a mismatch throws `invalid_response` naming the field
 * (`video.url`, `logs[2].message`), so a change in the provider's API is diagnosed in one line.
 */
export function parseWith<S extends z.ZodMiniType>(schema: S, data: unknown, context: ParseContext): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...(context.pathPrefix ? [context.pathPrefix] : []), ...issue.path.map((part) => String(part))];
  const field = formatPath(path);
  throw new VideoJobError({
    kind: 'invalid_response',
    provider: context.provider,
    ...(context.jobId !== undefined ? { jobId: context.jobId } : {}),
    field: field || '(body)',
    message: `the ${context.what} answer does not match the provider's documented shape: ${field || 'the body'} ${describeIssue(issue, valueAt(data, issue.path))}; the API may have changed, upgrade react-video-jobs or report it`,
  });
}

/** Throws `invalid_response` for a status value the adapter does not know (never a silent hang). */
export function unknownStatus(provider: string, jobId: string | undefined, field: string, value: unknown): never {
  throw new VideoJobError({
    kind: 'invalid_response',
    provider,
    ...(jobId !== undefined ? { jobId } : {}),
    field,
    message: `${field} is ${JSON.stringify(value)}, a status this adapter does not know; the API may have changed, upgrade react-video-jobs or report it`,
  });
}

/** Turns a zod error on the caller's input into `invalid_input` naming the field, before any request is sent. */
export function invalidInput(
  provider: string,
  model: string | undefined,
  error: z.core.$ZodError,
  input?: unknown,
): VideoJobError {
  const issue = error.issues[0]!;
  const field = formatPath(issue.path.map((part) => String(part))) || '(input)';
  return new VideoJobError({
    kind: 'invalid_input',
    provider,
    field,
    message: `${model ? `input for ${model}` : 'the input'} is invalid: ${field} ${describeIssue(issue, valueAt(input, issue.path))}; fix the input, nothing was sent`,
  });
}

/** Validates the caller's input with a schema, throwing `invalid_input` naming the field before anything is sent. */
export function validateWith<S extends z.ZodMiniType>(
  provider: string,
  model: string | undefined,
  schema: S,
  input: unknown,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(provider, model, result.error, input);
}

/** Whether `value` is an absolute `https:` URL (image inputs must be reachable by the provider's servers). */
export function isAbsoluteHttpsUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Throws `invalid_input` unless `value` is an absolute `https:` URL. */
export function requireHttpsUrl(provider: string, model: string, field: string, value: unknown): string {
  if (isAbsoluteHttpsUrl(value)) return value;
  throw new VideoJobError({
    kind: 'invalid_input',
    provider,
    field,
    message: `input for ${model} is invalid: ${field} must be an absolute https: URL the provider can download (got ${describeValue(value)}); upload the image first, nothing was sent`,
  });
}

/** Only `https:`, `http:` and `blob:` URLs may reach a `src`/`href`: anything else is an `invalid_response`. */
export function requirePlayableUrl(provider: string, jobId: string | undefined, field: string, value: string): string {
  try {
    const protocol = new URL(value).protocol;
    if (protocol === 'https:' || protocol === 'http:' || protocol === 'blob:') return value;
  } catch {
    // fall through
  }
  throw new VideoJobError({
    kind: 'invalid_response',
    provider,
    ...(jobId !== undefined ? { jobId } : {}),
    field,
    message: `${field} is not a playable http(s) URL (${describeValue(value)}); refusing to hand it to a video element`,
  });
}

/** An ISO date or epoch seconds/ms as epoch ms; `undefined` when absent or unreadable. */
export function toEpochMs(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** The method an adapter request uses, re-exported so adapters import request vocabulary from one place. */
export type { HttpMethod };

function formatPath(path: readonly string[]): string {
  return path.reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeIssue(issue: z.core.$ZodIssue, actual: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return actual === undefined
        ? `is missing (expected ${issue.expected})`
        : `should be ${issue.expected}, got ${describeValue(actual)}`;
    case 'invalid_value':
      return `should be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(actual)}`;
    case 'too_small':
      return `is too small (minimum ${String(issue.minimum)}, got ${describeValue(actual)})`;
    case 'too_big':
      return `is too big (maximum ${String(issue.maximum)}, got ${describeValue(actual)})`;
    case 'invalid_format':
      return `should be a valid ${issue.format}, got ${describeValue(actual)}`;
    default:
      return issue.message && issue.message !== 'Invalid input'
        ? `${issue.message} (got ${describeValue(actual)})`
        : `is invalid (got ${describeValue(actual)})`;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// --- Helpers the Kling / AI gateway / VideoGen adapters were written against (same behaviour as above). ---

/** An API key, or a function returning a fresh one per request (e.g. Kling's short-lived JWT). */
export type ApiKeyOption = string | (() => string | undefined | Promise<string | undefined>);

export async function resolveApiKey(option: ApiKeyOption | undefined): Promise<string | undefined> {
  if (option === undefined) return undefined;
  return typeof option === 'function' ? await option() : option;
}

/** Maps a provider's status word through `table`; an unknown one is `invalid_response` naming `field`. */
export function lookupStatus(
  provider: string,
  table: Readonly<Record<string, JobStatus>>,
  value: unknown,
  field: string,
  jobId?: string,
): JobStatus {
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(table, value)) return table[value]!;
  return unknownStatus(provider, jobId, field, value);
}

/**
 * When a signed URL stops working (epoch ms), read from its query: AWS SigV4 (`X-Amz-Date` + `X-Amz-Expires`),
 * Google (`X-Goog-Date` + `X-Goog-Expires`), CloudFront-style `Expires` (epoch s), Azure SAS `se` (ISO date).
 */
export function signedUrlExpiry(url: string): number | undefined {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const get = (name: string) => {
    for (const [key, value] of params) if (key.toLowerCase() === name.toLowerCase()) return value;
    return undefined;
  };
  for (const prefix of ['x-amz', 'x-goog']) {
    const date = get(`${prefix}-date`);
    const expires = get(`${prefix}-expires`);
    const match = date ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date) : null;
    if (match && expires && /^\d+$/.test(expires)) {
      const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
      return Date.UTC(y, mo - 1, d, h, mi, s) + Number(expires) * 1000;
    }
  }
  const expires = get('expires') ?? get('exp');
  if (expires && /^\d+$/.test(expires)) return toEpochMs(Number(expires));
  const se = get('se');
  return se ? toEpochMs(se) : undefined;
}

/**
 * The URL a `<video>` element can play for a media endpoint that needs the API key (OpenAI's
 * `/videos/{id}/content`). A media element cannot send headers, so in proxy mode the target travels in the
 * proxy URL's `x-video-jobs-target-url` query parameter instead of the header; server side (no proxy) it is
 * the target itself.
 */
export function mediaUrl(options: Pick<CommonProviderOptions, 'proxyUrl'>, targetUrl: string): string {
  if (!options.proxyUrl) return targetUrl;
  const separator = options.proxyUrl.includes('?') ? '&' : '?';
  const url = `${options.proxyUrl}${separator}${TARGET_URL_HEADER}=${encodeURIComponent(targetUrl)}`;
  // A relative proxy route ('/api/video') is made absolute in the page, so URL checks downstream see http(s).
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  if (page && url.startsWith('/') && !url.startsWith('//')) {
    try {
      return new URL(url, page).href;
    } catch {
      return url;
    }
  }
  return url;
}

/** Auth for bearer-token APIs: `Authorization: Bearer <key>`. */
export const BEARER_AUTH: EndpointOptions = { auth: (key) => ['authorization', `Bearer ${key}`] };

/** A request as an adapter writes it: `url` is the API's own URL, `headers` go on top of the routing ones. */
export type ApiRequest = Omit<HttpRequest, 'provider'> & { provider?: string };

/**
 * Sends `init` through the client's transport, routed by `buildRequest`: to `init.url` with the key's auth header
 * (server side), or to `proxyUrl` with the target in a header (browser). A key given as a function (Kling's
 * short-lived JWT) is asked for again for every request.
 */
export function sendRequest(
  ctx: ProviderContext,
  options: Omit<CommonProviderOptions, 'apiKey'> & { apiKey?: ApiKeyOption },
  init: ApiRequest,
  endpoint: EndpointOptions = BEARER_AUTH,
): Promise<HttpResponse<unknown>> {
  const send = (apiKey: string | undefined) => {
    const { url, headers } = buildRequest({ ...options, apiKey }, init.url, endpoint);
    return ctx.request<unknown>({ ...init, url, headers: { ...headers, ...init.headers } });
  };
  // Only a key function is awaited: with a plain key the request leaves in the same tick, as a direct call would.
  return typeof options.apiKey === 'function' ? resolveApiKey(options.apiKey).then(send) : send(options.apiKey);
}

/**
 * What the job status in a cancel answer says about the cancel: confirmed, too late (the job ended first, so its
 * result is kept), or accepted with the end still to come. An unreadable answer (`undefined`) is `requested`:
 * the next poll tells.
 */
export function cancelOutcomeOf(status: JobStatus | undefined): CancelOutcome {
  if (status === 'cancelled') return 'cancelled';
  return status === 'completed' || status === 'failed' ? 'already_completed' : 'requested';
}

/**
 * `invalid_response` naming `field` for an answer an adapter cannot use: `problem` says what is wrong, `fix` what
 * to do. Defaults to suspecting an API change.
 */
export function invalidResponse(
  provider: string,
  jobId: string | undefined,
  field: string,
  problem: string,
  fix = 'the API may have changed, upgrade react-video-jobs or report it',
): VideoJobError {
  return new VideoJobError({
    kind: 'invalid_response',
    provider,
    jobId,
    field,
    message: `${problem} (\`${field}\`); ${fix}`,
  });
}

/** Whether `url` is an absolute URL on one of `origins` (`https://queue.fal.run`). */
export function isOnOrigins(url: string | undefined, origins: readonly string[]): url is string {
  if (url === undefined) return false;
  try {
    return origins.includes(new URL(url).origin);
  } catch {
    return false;
  }
}

/**
 * A job URL from a stored ref, checked before any request: an adapter sends its key (or its proxy's) only to its
 * provider's own hosts, so a ref naming another host (tampered storage, a forged answer) is refused, not followed.
 */
export function requireOwnOrigin(
  provider: string,
  jobId: string,
  field: string,
  url: string,
  origins: readonly string[],
): string {
  if (isOnOrigins(url, origins)) return url;
  let host = describeValue(url);
  try {
    host = new URL(url).host;
  } catch {
    // Not a URL: described as it is.
  }
  throw new VideoJobError({
    kind: 'invalid_input',
    provider,
    jobId,
    field,
    message: `${field} points at ${host}, not ${origins.map((origin) => new URL(origin).host).join(' or ')}: the key is only ever sent to the provider's own hosts; resume the job from its id without urls`,
  });
}
