import type { FetchHandler } from './createProxyHandler';

// Structural types for Node's `IncomingMessage` / `ServerResponse` (and Express's additions), so this file needs no
// `node:` import and the server entry stays loadable in any runtime.

/** The parts of `http.IncomingMessage` (or an Express request) the adapter reads. */
export interface NodeRequestLike {
  method?: string;
  url?: string;
  /** Express: the URL before a router stripped its mount path. */
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Express after a body parser: a raw `Buffer`/string is used as is (mount webhooks before `express.json()`). */
  body?: unknown;
  readableEnded?: boolean;
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy(error?: Error): unknown;
}

/** The parts of `http.ServerResponse` the adapter writes. */
export interface NodeResponseLike {
  statusCode: number;
  statusMessage?: string;
  headersSent: boolean;
  writableEnded: boolean;
  setHeader(name: string, value: string | string[]): unknown;
  flushHeaders?(): void;
  write(chunk: Uint8Array): boolean;
  end(chunk?: Uint8Array | string): unknown;
  on(event: 'close' | 'drain', listener: () => void): unknown;
  once(event: 'close' | 'drain', listener: () => void): unknown;
  off?(event: 'close' | 'drain', listener: () => void): unknown;
}

export interface NodeHandlerOptions {
  /**
   * The origin requests are rebuilt with, when `Host` cannot be trusted (behind a proxy). Defaults to
   * `http://<Host header>`.
   */
  origin?: string;
}

export type NodeHandler = (req: NodeRequestLike, res: NodeResponseLike, next?: (error?: unknown) => void) => void;

/**
 * Runs a Fetch-API handler (`createProxyHandler`, `createWebhookHandler`, `createJobEventsHandler`) on Node's
 * `http.createServer` or as Express middleware. Streams both ways (job events flow as they are written), aborts the
 * handler's `request.signal` when the client goes away, and honours backpressure.
 */
export function toNodeHandler(handler: FetchHandler, options: NodeHandlerOptions = {}): NodeHandler {
  return (req, res, next) => {
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) controller.abort();
    };
    res.once('close', onClose);
    serve(handler, req, res, controller.signal, options).catch((error: unknown) => {
      if (next) return next(error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
      }
      if (!res.writableEnded) res.end(res.headersSent ? undefined : '{"error":{"code":"handler_failed"}}');
    });
  };
}

async function serve(
  handler: FetchHandler,
  req: NodeRequestLike,
  res: NodeResponseLike,
  signal: AbortSignal,
  options: NodeHandlerOptions,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const each of Array.isArray(value) ? value : [value]) headers.append(name, each);
  }
  const url = requestUrl(req.originalUrl ?? req.url ?? '/', options.origin, headers.get('host'));
  if (!url) {
    res.statusCode = 400;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end('{"error":{"code":"bad_request","message":"the Host header or the request target is malformed"}}');
    return;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD') {
    if (typeof req.body === 'string' || req.body instanceof Uint8Array) {
      init.body = req.body as BodyInit;
    } else if (!req.readableEnded) {
      init.body = bodyStream(req);
      init.duplex = 'half';
    }
  }
  const response = await handler(new Request(url, init));

  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (!response.body) {
    res.end();
    return;
  }
  // Streams (job events) must reach the client before the first chunk is written.
  if ((response.headers.get('content-type') ?? '').includes('event-stream')) res.flushHeaders?.();
  const reader = response.body.getReader();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) break;
      if (!res.write(value)) await drained(res, signal);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) await reader.cancel().catch(() => undefined);
    if (!res.writableEnded) res.end();
  }
}

function bodyStream(req: NodeRequestLike): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk) => {
        if (cancelled) return;
        controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : new Uint8Array(chunk));
        // Backpressure: stop reading the socket until the handler asks for more.
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on('end', () => {
        if (!cancelled) controller.close();
      });
      req.on('error', (error) => {
        if (!cancelled) controller.error(error);
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      // The handler refused the body (e.g. 413): discard the rest so its answer can still be written.
      cancelled = true;
      req.resume();
    },
  });
}

function drained(res: NodeResponseLike, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off?.('drain', done);
      res.off?.('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The request's URL, or `undefined` when the `Host` header (or the target) does not make one. */
function requestUrl(target: string, origin: string | undefined, host: string | null): URL | undefined {
  // A Host is a name or address with an optional port: anything else (a path, userinfo, spaces) is refused.
  if (!origin && host !== null && !/^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.test(host)) return undefined;
  try {
    return new URL(target, origin ?? `http://${host ?? 'localhost'}`);
  } catch {
    return undefined;
  }
}
