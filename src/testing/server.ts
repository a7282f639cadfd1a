// react-video-jobs/testing/server: the simulator on a real HTTP port (Node only), for browsers (Storybook,
// Playwright) and for code that must go through real sockets. Everything else about the simulator is in the
// browser-safe `createSimulator`; this module only converts between node:http and its fetch-style handler.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Simulator } from './createSimulator';

export interface SimulatorServerOptions {
  /** The port on 127.0.0.1. Defaults to `0` (any free port; read it from `url`). */
  port?: number;
}

export interface SimulatorServer {
  /** `http://127.0.0.1:<port>`: use `${url}/fal` (etc.) as an adapter's `baseUrl`. */
  url: string;
  /** Stops listening and ends open connections (status streams included). */
  close(): Promise<void>;
}

/** Headers a page on another origin may read: the poll schedule needs `retry-after`, players need the range ones. */
const EXPOSED_HEADERS = [
  'retry-after',
  'content-range',
  'accept-ranges',
  'content-length',
  'x-fal-request-id',
  'x-fal-error-type',
].join(', ');

/** Request headers not passed on: they describe this hop, not the request. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'expect']);

/** Serves `sim.fetch` on 127.0.0.1, with CORS so a page on another port can call it. */
export function startSimulatorServer(sim: Simulator, options: SimulatorServerOptions = {}): Promise<SimulatorServer> {
  const server = createServer((req, res) => {
    handle(sim, req, res).catch(() => res.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function handle(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = req.headers.origin;
  res.setHeader('access-control-allow-origin', origin ?? '*');
  if (origin) res.setHeader('vary', 'origin');
  res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'OPTIONS') {
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
      'access-control-max-age': '600',
    });
    res.end();
    return;
  }

  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_HEADERS.has(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
  // The client going away aborts the simulated request (a held request, a status stream).
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const host = req.headers.host ?? `127.0.0.1:${(req.socket.localPort ?? 0).toString()}`;

  let response: Response;
  try {
    response = await sim.fetch(`http://${host}${req.url ?? '/'}`, {
      method,
      headers,
      // Every simulated API speaks JSON: the body is read as text on the other side anyway.
      ...(body !== undefined && body.length > 0 ? { body: body.toString('utf8') } : {}),
      signal: controller.signal,
    });
  } catch {
    // A simulated dropped connection (or an aborted request): drop the socket, as a crashed server would.
    res.destroy();
    return;
  }

  const outHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    outHeaders[name] = value;
  });
  res.writeHead(response.status, outHeaders);
  if (!response.body || method === 'HEAD') {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      // Flushed chunk by chunk, so status stream events reach the page as they happen.
      if (!res.write(value)) await new Promise((resume) => res.once('drain', resume));
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
