import type { UploadProgress } from './imageInput';
import { lazyModule } from './lazyModule';
import { abortReason, sleep } from './sleep';
import { VideoJobError, isAbortError } from './videoJobError';

/** The XMLHttpRequest fetch of uploads that report progress, loaded with the first one. */
const xhrCode = lazyModule(() => import('./xhrFetch'));

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /**
   * Sent as it is instead of `body`: file bytes (a `Blob` gets its own type as `content-type` unless a header says
   * otherwise) or a multipart form. The time limit grows with its size (at least 50 KB/s are assumed).
   */
  rawBody?: Blob | FormData;
  /** Called as the request body goes out (in a browser, over `XMLHttpRequest`; elsewhere once it is all sent). */
  onUploadProgress?: (progress: UploadProgress) => void;
  /**
   * Whether the request may be repeated without side effects. Idempotent requests are retried on network
   * errors, timeouts, malformed bodies, 408, 429 and 5xx (except 501 and 505). Defaults to `true` for
   * GET/PUT/DELETE and `false` for POST (a submit is only retried on 429, which means the provider did not take
   * it: after a 500 the job may exist, and a blind retry could start and bill a second one).
   */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Named in every error. */
  provider: string;
  /** Named in every error, when known. */
  jobId?: string;
  /** Statuses besides 2xx and 304 that are returned to the caller instead of thrown (e.g. fal's 400 on cancel). */
  allowStatus?: readonly number[];
  /** How to read the body. Defaults to `'json'`. */
  responseType?: 'json' | 'text' | 'none';
  /**
   * Reads a non-2xx answer the provider's way before the retry decision: receives the transport's error and the raw
   * body and returns the error to throw (or retry). E.g. Kling answers 429 both for rate limits (retry) and for an
   * exhausted account (code 1102: never resend a paid submit). Must not throw.
   */
  classifyError?: (error: VideoJobError, body: string) => VideoJobError;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** The parsed body; `undefined` on 304 and with `responseType: 'none'`. */
  data: T;
  /** `true` for `304 Not Modified`: the job is unchanged since the last poll. */
  notModified: boolean;
}

export interface RetryOptions {
  /** Retries after the first attempt. Defaults to `3`. */
  retries?: number;
  /** First backoff delay; doubled each retry, with +/-20 % jitter. Defaults to `500` ms. */
  baseDelayMs?: number;
  /** Largest backoff delay. Defaults to `8000` ms. */
  maxDelayMs?: number;
  /**
   * The longest `Retry-After` the transport waits out itself; a longer one is thrown as `rate_limited` with
   * `retryAfterMs`, so the poll schedule can sleep it instead. Defaults to `30000` ms.
   */
  maxRetryAfterMs?: number;
}

export interface TransportOptions {
  /** Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  retry?: RetryOptions;
  /** Per-attempt time limit. Defaults to `30000` ms. */
  requestTimeoutMs?: number;
  /** Defaults to `Math.random`. */
  random?: () => number;
  /** Defaults to `Date.now`. */
  now?: () => number;
  /**
   * Sends requests that report upload progress (`onUploadProgress`) with it. Pass `XMLHttpRequest` in a browser;
   * without it (or with a custom `fetch`), uploads go through `fetch` and report progress once, at the end.
   */
  xhr?: typeof XMLHttpRequest;
}

export interface Transport {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
}

/** Statuses that say "not now" whatever the request: the provider (or a gateway before it) did not handle it. */
const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);
/** 5xx that say the request itself can never work; every other 5xx is worth repeating when that is safe. */
const PERMANENT_5XX = new Set([501, 505]);

/**
 * Whether repeating a request that was answered `status` may succeed. A 500 is usually transient (a provider's
 * status endpoint hiccups), so it counts for idempotent requests, which a repeat cannot harm; for a submit it
 * does not: the job may have been created.
 */
function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (RETRYABLE_STATUS.has(status)) return true;
  return idempotent && status >= 500 && status < 600 && !PERMANENT_5XX.has(status);
}

export function createTransport(options: TransportOptions = {}): Transport {
  const retries = options.retry?.retries ?? 3;
  const baseDelayMs = options.retry?.baseDelayMs ?? 500;
  const maxDelayMs = options.retry?.maxDelayMs ?? 8000;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 30_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  async function attempt<T>(req: HttpRequest, idempotent: boolean): Promise<HttpResponse<T>> {
    const upload = req.onUploadProgress;
    const controller = new AbortController();
    const onAbort = () => controller.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const bodySize = sizeOf(req.rawBody);
    const timeoutMs = requestTimeoutMs + Math.ceil(bodySize / 50);
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
      const init: RequestInit = { method: req.method, headers, signal: controller.signal };
      if (req.rawBody !== undefined) {
        if (req.rawBody instanceof Blob && req.rawBody.type) headers['content-type'] ??= req.rawBody.type;
        init.body = req.rawBody;
      } else if (req.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        init.body = JSON.stringify(req.body);
      }
      let response: Response;
      try {
        // Loaded with the first upload that reports progress: an app that never uploads does not ship it.
        const fetchFn: (url: string, init: RequestInit) => Promise<Response> =
          upload && options.xhr
            ? (xhrCode.loaded ?? (await xhrCode.load())).xhrFetch(options.xhr, upload)
            : (options.fetch ?? globalThis.fetch);
        response = await fetchFn(req.url, init);
      } catch (error) {
        throw failure(req, error, timedOut, timeoutMs);
      }
      if (upload && !options.xhr && bodySize > 0) upload({ loaded: bodySize, total: bodySize });
      if (response.status === 304)
        return { status: 304, headers: response.headers, data: undefined as T, notModified: true };
      const ok = response.ok || req.allowStatus?.includes(response.status);
      let text: string;
      try {
        text = req.responseType === 'none' && ok ? '' : await response.text();
      } catch (error) {
        throw failure(req, error, timedOut, timeoutMs);
      }
      if (!ok) {
        const error = httpError(req, response, text, now(), idempotent);
        throw req.classifyError ? req.classifyError(error, text) : error;
      }
      if (req.responseType === 'none')
        return { status: response.status, headers: response.headers, data: undefined as T, notModified: false };
      if (req.responseType === 'text')
        return { status: response.status, headers: response.headers, data: text as T, notModified: false };
      return {
        status: response.status,
        headers: response.headers,
        data: parseJson<T>(req, response.status, text),
        notModified: false,
      };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      const idempotent = req.idempotent ?? req.method !== 'POST';
      for (let retry = 0; ; retry++) {
        if (req.signal?.aborted) throw abortReason(req.signal);
        try {
          return await attempt<T>(req, idempotent);
        } catch (error) {
          if (!(error instanceof VideoJobError)) throw error;
          const mayRetry = error.retryable && (idempotent || error.kind === 'rate_limited') && retry < retries;
          if (!mayRetry) throw error;
          let delay: number;
          if (error.retryAfterMs !== undefined) {
            if (error.retryAfterMs > maxRetryAfterMs) throw error;
            delay = error.retryAfterMs;
          } else {
            delay = Math.min(maxDelayMs, baseDelayMs * 2 ** retry) * (0.8 + 0.4 * random());
          }
          await sleep(delay, req.signal);
        }
      }
    },
  };
}

function failure(req: HttpRequest, error: unknown, timedOut: boolean, timeoutMs: number): VideoJobError {
  const context = { provider: req.provider, jobId: req.jobId, cause: error };
  if (req.signal?.aborted) return abortReason(req.signal);
  if (timedOut) {
    return new VideoJobError({
      kind: 'timeout',
      retryable: true,
      message: `${req.method} ${describeUrl(req.url)} got no answer within ${Math.round(timeoutMs / 1000)} s; it is retried when safe`,
      ...context,
    });
  }
  if (isAbortError(error))
    return new VideoJobError({ kind: 'cancelled', message: 'the request was aborted', ...context });
  const text = error instanceof Error ? error.message : String(error);
  return new VideoJobError({
    kind: 'network',
    message: `${req.method} ${describeUrl(req.url)} failed before an answer (${text}); check the connection or the proxy URL`,
    ...context,
  });
}

function httpError(
  req: HttpRequest,
  response: Response,
  body: string,
  now: number,
  idempotent: boolean,
): VideoJobError {
  const status = response.status;
  const reason = providerReason(body);
  const said = reason ? `: "${reason}"` : '';
  const base = { provider: req.provider, jobId: req.jobId, status };
  if (status === 401 || status === 403) {
    return new VideoJobError({
      kind: 'auth',
      message: `the provider refused the credentials (${status})${said}; check the API key configured on the server proxy`,
      ...base,
    });
  }
  if (status === 404) {
    return new VideoJobError({
      kind: 'not_found',
      message: `the provider does not know this ${req.jobId ? 'job' : 'endpoint'} (404)${said}; it may have expired, been deleted or belong to another account`,
      ...base,
    });
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  if (status === 429) {
    return new VideoJobError({
      kind: 'rate_limited',
      message: `rate limited (429)${said}; ${retryAfterMs !== undefined ? `retry after ${Math.ceil(retryAfterMs / 1000)} s` : 'slow down and retry later'}`,
      retryAfterMs,
      ...base,
    });
  }
  const retryable = isRetryableStatus(status, idempotent);
  return new VideoJobError({
    kind: 'http',
    retryable,
    retryAfterMs: status === 503 ? retryAfterMs : undefined,
    message: `${req.method} ${describeUrl(req.url)} answered ${status}${said}; ${
      status < 500 && !retryable
        ? 'check the request input'
        : RETRYABLE_STATUS.has(status)
          ? 'the provider is unavailable for now, it is retried when safe'
          : retryable
            ? 'the provider had an internal error, it is asked again'
            : 'the provider had an internal error, try again later'
    }`,
    ...base,
  });
}

function parseJson<T>(req: HttpRequest, status: number, text: string): T {
  if (text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    return failJson(req, status, text, error);
  }
}

function failJson(req: HttpRequest, status: number, text: string, error: unknown): never {
  throw new VideoJobError({
    kind: 'invalid_response',
    retryable: true,
    status,
    provider: req.provider,
    jobId: req.jobId,
    message: `${req.method} ${describeUrl(req.url)} answered ${status} with a body that is not JSON (${JSON.stringify(text.slice(0, 60))}); a proxy may be in the way, it is retried when safe`,
    cause: error,
  });
}

/** Pulls the provider's human-readable reason out of an error body, whatever its shape. */
export function providerReason(body: string): string | undefined {
  if (!body) return undefined;
  try {
    const json: unknown = JSON.parse(body);
    const found = findMessage(json);
    if (found) return found.slice(0, 300);
  } catch {
    // not JSON: fall through to the text itself
  }
  const text = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, 200) : undefined;
}

function findMessage(value: unknown, depth = 0): string | undefined {
  if (depth > 3 || value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return findMessage(value[0], depth + 1);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of ['message', 'detail', 'error', 'errorMessage', 'error_message', 'msg', 'title']) {
      const found = findMessage(record[key], depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** `Retry-After` in ms from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function describeUrl(url: string): string {
  try {
    const parsed = new URL(url, 'http://relative.invalid');
    return parsed.pathname;
  } catch {
    return url;
  }
}

/** Bytes of a raw body: a Blob's size, or a form's files and fields added up (the multipart framing aside). */
function sizeOf(body: HttpRequest['rawBody']): number {
  if (body === undefined) return 0;
  if (body instanceof Blob) return body.size;
  let size = 0;
  for (const [, value] of body.entries()) size += typeof value === 'string' ? value.length : value.size;
  return size;
}
