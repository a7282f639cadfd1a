import type { JobRef } from '../core/jobSnapshot';
import { isTerminalStatus, type JobStatus } from '../core/jobStatus';
import { type Authorize, runAuthorize } from './authorize';
import type { FetchHandler } from './createProxyHandler';
import type { JobEvent, JobEventBus } from './jobEventBus';
import { createJobWatcher, type JobWatcher, type JobWatchOptions } from './jobWatcher';
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
  /**
   * Has the server follow each job it streams, so its end reaches the browser even when no webhook ever arrives
   * (local development, a webhook route the provider cannot reach, a lost delivery). A server-side client with the
   * providers' keys polls the job on the adaptive schedule while at least one stream listens: one watcher per job on
   * this instance however many streams follow it, each change published to the bus (so every instance's streams get
   * it), stopped by the job's end (a webhook that comes first ends it), by its last stream closing or by
   * `maxWatchMs`. Each stream tells its browser (`event: watch`), which then keeps one request per job, the stream;
   * if the watcher gives up (a refused key, an unknown job), the streams say so and the browsers poll again. Pass
   * `client` as a function so the keys are read at the first stream. The job is polled as the stream's query names
   * it (`model=`, `meta.<key>=`, sent by the client): only model ids and short tokens are accepted, and URLs come
   * from the client's own adapters, never from the query (a `defineProvider` whose `status.url` builds a host from
   * `ref.meta` or `ref.model` must check it). Defaults to none: then only webhooks end a streamed job, and the
   * browser polls it every 20 s (`events.unwatchedIntervalMs`) unless a webhook of that provider has reached one of
   * its streams, or one of this server's within the last hour (new streams then say so).
   */
  watch?: JobWatchOptions;
}

const encoder = new TextEncoder();
const WATCHING = `event: watch\ndata: {"watching":true}\n\n`;
const NOT_WATCHING = `event: watch\ndata: {"watching":false}\n\n`;
const WEBHOOKS_ARRIVE = `event: watch\ndata: {"watching":false,"webhooks":true}\n\n`;
/** How long a provider's webhook reaching a stream vouches for the next streams of that provider. */
const WEBHOOKS_VOUCH_MS = 3_600_000;

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
  const watcher: JobWatcher | undefined = options.watch ? createJobWatcher(options.bus, options.watch) : undefined;
  // Without a watcher, only webhooks (or the app's own publishes) put updates on the bus: once one reaches a stream,
  // the provider's webhooks arrive, and the streams of that provider say so (their browsers then skip the widened
  // poll), the open ones at once and new ones for an hour after the latest.
  const webhooksSeen = new Map<string, number>();
  const untold = new Map<string, Set<() => void>>();
  const webhooksArrive = (provider: string) =>
    Date.now() - (webhooksSeen.get(provider) ?? Number.NEGATIVE_INFINITY) < WEBHOOKS_VOUCH_MS;
  /** An update reached a stream (`by`, whose browser sees it for itself): tell the provider's other streams. */
  const webhookSeen = (provider: string, by: (() => void) | undefined) => {
    if (!webhooksSeen.has(provider) && webhooksSeen.size >= 100) return;
    const vouched = webhooksArrive(provider);
    webhooksSeen.set(provider, Date.now());
    if (vouched) return;
    const waiting = untold.get(provider);
    untold.delete(provider);
    for (const tell of waiting ?? []) if (tell !== by) tell();
  };
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
    // What the server needs to poll the job itself (fal builds its status URL from the model, Kling from `meta`).
    const watchRef = watcher ? refToWatch(provider, id, url.searchParams) : undefined;
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
    let unwatch: (() => void) | undefined;
    let tell: (() => void) | undefined;
    let controller!: ReadableStreamDefaultController<Uint8Array>;

    const cleanup = () => {
      if (closed) return;
      closed = true;
      release();
      clearInterval(heartbeat);
      clearTimeout(deadline);
      unwatch?.();
      const waiting = untold.get(provider);
      if (tell && waiting?.delete(tell) && waiting.size === 0) untold.delete(provider);
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
        // This server follows the job, so its end arrives without a webhook: the browser may stop polling (told before
        // any snapshot, so it does not take the watcher's updates for webhooks). Without a watcher, the same once the
        // provider's webhooks are known to arrive. A browser told neither keeps a widened poll of its own, and so does
        // one told the watcher gave up.
        if (watchRef) write(WATCHING);
        else if (!watcher && webhooksArrive(provider)) write(WEBHOOKS_ARRIVE);
        for (const event of [...missed, ...early]) send(event);
        live = (event) => {
          if (!watcher) webhookSeen(provider, tell);
          send(event);
        };
        if (closed) return;
        if (watchRef) unwatch = watcher!.retain(watchRef, () => write(NOT_WATCHING));
        else if (!watcher && !webhooksArrive(provider)) {
          tell = () => write(WEBHOOKS_ARRIVE);
          let waiting = untold.get(provider);
          if (!waiting) untold.set(provider, (waiting = new Set()));
          waiting.add(tell);
        }
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

/** Model ids as providers spell them (`fal-ai/veo3/fast`, `owner/name:version`): no `//`, `%`, `?`, `#` or `\`. */
const MODEL_PATTERN = /^[\w.:@+-]+(?:\/[\w.:@+-]+)*$/;
const META_KEY_PATTERN = /^[A-Za-z][\w-]{0,39}$/;
/** `meta` values are ids and names (Kling's `endpoint`): nothing that can spell a host, a path or a URL. */
const META_VALUE_PATTERN = /^[\w.~+=,-]{0,200}$/;

/**
 * The job as the server's client will poll it, from the stream's query (`model=`, `meta.<key>=`), or `undefined`
 * (the server does not watch the job) when the query does not describe one the server can poll safely. The browser
 * chooses these, so they may only name a job on the provider's own host: the model is a model id (no `..` segment,
 * no scheme), `meta` a few short tokens with no `:` or `/`, and URLs are never taken from the query: each adapter
 * builds them from its own `baseUrl` (fal's refuses ref URLs on another host).
 */
function refToWatch(provider: string, id: string, query: URLSearchParams): JobRef | undefined {
  const model = query.get('model') ?? '';
  if (model.length > 200 || (model !== '' && !MODEL_PATTERN.test(model))) return undefined;
  if (model.split('/').some((segment) => segment === '.' || segment === '..' || segment.endsWith(':'))) {
    return undefined;
  }
  const meta: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of query) {
    if (!name.startsWith('meta.')) continue;
    const key = name.slice(5);
    if (++count > 8 || !META_KEY_PATTERN.test(key) || !META_VALUE_PATTERN.test(value)) return undefined;
    meta[key] = value;
  }
  return { provider, id, model, ...(count > 0 ? { meta } : {}) };
}
