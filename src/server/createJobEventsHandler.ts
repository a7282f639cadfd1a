import { isTerminalStatus, type JobStatus } from '../core/jobStatus';
import { type Authorize, runAuthorize } from './authorize';
import type { FetchHandler } from './createProxyHandler';
import type { JobEvent, JobEventBus } from './jobEventBus';
import type { OwnerStore } from './ownerStore';
import { errorResponse } from './serverResponses';

export interface JobEventsHandlerOptions {
  /** Where updates come from: the bus the webhook handler publishes to. */
  bus: JobEventBus;
  /** The app's gate, as for the proxy. Defaults to letting every request through. */
  authorize?: Authorize;
  /**
   * The proxy's owner store: a user (the `ownerId` from `authorize`) can only follow jobs they created; another
   * user's job id is a 404, and a request with no owner id is refused (401). Required: without it every stream is
   * refused (403), unless you opt out with `owners: false`, which lets anyone who passes `authorize` follow any job
   * (for apps whose jobs are public, or a single-user tool).
   */
  owners?: OwnerStore | false;
  /** A job with no recorded owner: `deny` (404) or `allow`, as for the proxy. Defaults to `'deny'`. */
  unknownJobs?: 'deny' | 'allow';
  /** A comment line sent this often keeps proxies from closing an idle stream. Defaults to `15000` ms. */
  heartbeatMs?: number;
  /** The reconnection delay suggested to browsers (`retry:`). Defaults to `3000` ms. */
  retryMs?: number;
  /** The most streams open at once on this instance; more answer 429 with `Retry-After`. Defaults to `1000`. */
  maxStreams?: number;
  /** The most streams one owner (`ownerId`) may hold open at once; more answer 429. Defaults to `10`. */
  maxStreamsPerOwner?: number;
  /**
   * Closes a stream after this long so it ends cleanly before a platform's function time limit (the client
   * reconnects with `Last-Event-ID`). Defaults to `0` (no limit).
   */
  maxStreamMs?: number;
}

const encoder = new TextEncoder();

/**
 * A Server-Sent Events endpoint streaming one job's updates (`GET ?provider=&id=`). Each event carries an `id:` so a
 * reconnecting browser resumes with `Last-Event-ID` (header, or `?lastEventId=` for `EventSource`'s first
 * connection) and is sent what it missed from the bus's short history; a newly connected one gets the newest
 * snapshot at once. The stream ends after the terminal snapshot.
 */
export function createJobEventsHandler(options: JobEventsHandlerOptions): FetchHandler {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 3000;
  const maxStreams = options.maxStreams ?? 1000;
  const maxStreamsPerOwner = options.maxStreamsPerOwner ?? 10;
  let open = 0;
  const openByOwner = new Map<string, number>();
  const tooMany = (what: string) =>
    errorResponse(429, 'too_many_requests', `${what}; close one or follow the job by polling`, {
      'retry-after': String(Math.ceil(retryMs / 1000)),
    });

  return async function events(request: Request): Promise<Response> {
    if (request.method.toUpperCase() !== 'GET') {
      return errorResponse(405, 'method_not_allowed', 'job events are read with GET', { allow: 'GET' });
    }
    const url = new URL(request.url);
    const provider = url.searchParams.get('provider');
    const id = url.searchParams.get('id');
    if (!provider || !id || provider.length > 100 || id.length > 300) {
      return errorResponse(400, 'bad_request', 'pass the job as `?provider=<name>&id=<job id>`');
    }
    const key = `${provider}:${id}`;
    const auth = await runAuthorize(options.authorize, request);
    if (auth.response) return auth.response;
    if (options.owners === undefined) {
      return errorResponse(
        403,
        'forbidden',
        "createJobEventsHandler has no `owners`: pass the proxy's owner store so each user follows only their own jobs, or `owners: false` to let anyone who passes `authorize` follow any job",
      );
    }
    if (options.owners) {
      if (auth.ownerId === undefined) {
        return errorResponse(
          401,
          'unauthorized',
          'job events check owners, but authorize gave no ownerId: return { ownerId } for the signed-in user',
        );
      }
      const owner = await options.owners.get(key);
      if (owner !== auth.ownerId && !(owner === undefined && options.unknownJobs === 'allow')) {
        return errorResponse(404, 'not_found', `no ${provider} job ${id} for this user`);
      }
    }
    const lastEventId = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId') ?? undefined;
    const owner = auth.ownerId;
    if (open >= maxStreams) return tooMany('this server holds as many job event streams as it allows');
    if (owner !== undefined && (openByOwner.get(owner) ?? 0) >= maxStreamsPerOwner)
      return tooMany(`this user already holds ${maxStreamsPerOwner} job event streams`);
    // Counted from here; given back once, when the stream ends or fails to start.
    open++;
    if (owner !== undefined) openByOwner.set(owner, (openByOwner.get(owner) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      open--;
      if (owner === undefined) return;
      const left = (openByOwner.get(owner) ?? 1) - 1;
      if (left > 0) openByOwner.set(owner, left);
      else openByOwner.delete(owner);
    };

    // Listen before reading the history, so an update published in between is not lost (ids de-duplicate it).
    let live: ((event: JobEvent) => void) | undefined;
    const early: JobEvent[] = [];
    let unsubscribe: () => Promise<void>;
    let missed: JobEvent[];
    try {
      unsubscribe = await options.bus.subscribe(key, (event) => (live ? live(event) : early.push(event)));
      missed = await options.bus.replay(key, lastEventId);
    } catch {
      release();
      return errorResponse(503, 'upstream_error', 'job events are unavailable right now; follow the job by polling', {
        'retry-after': String(Math.ceil(retryMs / 1000)),
      });
    }

    const sent: string[] = [];
    let closed = false;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    let controller!: ReadableStreamDefaultController<Uint8Array>;

    const cleanup = () => {
      if (closed) return;
      closed = true;
      release();
      clearInterval(heartbeat);
      clearTimeout(deadline);
      request.signal.removeEventListener('abort', end);
      void unsubscribe().catch(() => undefined);
    };
    const end = () => {
      if (closed) return;
      cleanup();
      controller.close();
    };
    const write = (text: string) => {
      if (!closed) controller.enqueue(encoder.encode(text));
    };
    const send = (event: JobEvent) => {
      if (closed || sent.includes(event.id)) return;
      sent.push(event.id);
      if (sent.length > 64) sent.shift();
      write(`id: ${event.id}\nevent: snapshot\ndata: ${JSON.stringify(event.snapshot)}\n\n`);
      if (isTerminalStatus(event.snapshot.status as JobStatus)) end();
    };

    const body = new ReadableStream<Uint8Array>({
      start(streamController) {
        controller = streamController;
        write(`retry: ${retryMs}\n: connected\n\n`);
        for (const event of [...missed, ...early]) send(event);
        live = send;
        if (closed) return;
        heartbeat = setInterval(() => write(': ping\n\n'), heartbeatMs);
        if (options.maxStreamMs) deadline = setTimeout(end, options.maxStreamMs);
      },
      cancel: cleanup,
    });
    // The client went away: stop listening and end the body, so whatever still reads it sees the end.
    request.signal.addEventListener('abort', end, { once: true });
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // nginx and some platforms buffer responses unless told not to.
        'x-accel-buffering': 'no',
      },
    });
  };
}
