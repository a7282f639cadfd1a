// A small app backend on 127.0.0.1 for end-to-end tests: the three react-video-jobs/server handlers mounted the
// way an app mounts them, over Node's http server through toNodeHandler.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobSnapshot } from '../../src/core/jobSnapshot';
import type { ProviderAdapter } from '../../src/core/provider';
import {
  createJobEventsHandler,
  createProxyHandler,
  createWebhookHandler,
  toNodeHandler,
  type JobEventBus,
  type WebhookHandlerOptions,
} from '../../src/server';

export interface AppServerOptions {
  bus: JobEventBus;
  /** Server-side adapters for reading webhooks. */
  providers: Record<string, ProviderAdapter>;
  secrets: WebhookHandlerOptions['secrets'];
  /** The provider API the proxy forwards to (the simulator's fetch). */
  upstream: typeof fetch;
  env?: Record<string, string>;
  heartbeatMs?: number;
  /** The reconnection delay the events route suggests (`retry:`). Defaults to the handler's. */
  retryMs?: number;
  onJobUpdate?: (snapshot: JobSnapshot) => void | Promise<void>;
}

export interface AppServer {
  url: string;
  server: Server;
  /** Drops every open connection (job event streams included), as a restart or a network cut would. */
  dropConnections(): void;
  /** While on, the events route answers 503 (an instance that is down). */
  refuseEvents(on: boolean): void;
  /** The `Last-Event-ID` each events request carried, in order (`null` for none). */
  readonly eventRequests: Array<string | null>;
  close(): Promise<void>;
}

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const proxy = toNodeHandler(
    createProxyHandler({ providers: Object.keys(options.providers), env: options.env ?? {}, fetch: options.upstream }),
  );
  const webhooks = toNodeHandler(
    createWebhookHandler({
      providers: options.providers,
      secrets: options.secrets,
      bus: options.bus,
      env: {},
      ...(options.onJobUpdate ? { onJobUpdate: options.onJobUpdate } : {}),
    }),
  );
  const events = toNodeHandler(
    createJobEventsHandler({
      bus: options.bus,
      owners: false,
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.retryMs ? { retryMs: options.retryMs } : {}),
    }),
  );
  let refusing = false;
  const eventRequests: Array<string | null> = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    // CORS for a browser-like client on another loopback port.
    res.setHeader('access-control-allow-origin', '*');
    if (path.startsWith('/api/video/webhooks')) return webhooks(req, res);
    if (path.startsWith('/api/video/events')) {
      if (refusing) {
        res.statusCode = 503;
        return res.end();
      }
      eventRequests.push((req.headers['last-event-id'] as string | undefined) ?? null);
      return events(req, res);
    }
    if (path.startsWith('/api/video/proxy')) return proxy(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    dropConnections: () => server.closeAllConnections(),
    refuseEvents: (on) => void (refusing = on),
    eventRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
