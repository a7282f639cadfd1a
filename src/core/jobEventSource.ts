import { jobKey, type JobRef, type JobSnapshot } from './jobSnapshot';
import { isTerminalStatus } from './jobStatus';
import { snapshotFromJSON } from './snapshotJson';
import { createSseParser, type ServerSentEvent } from './sseParser';
import { VideoJobError, toVideoJobError } from './videoJobError';

/** The parts of the DOM `EventSource` this module uses, so a polyfill or a test double fits. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  addEventListener(type: string, listener: (event: { data: string; lastEventId?: string }) => void): void;
  close(): void;
}
export type EventSourceConstructor = new (url: string) => EventSourceLike;

export interface JobEventSourceOptions {
  /** Called with every snapshot the stream delivers for the job, with the event's id. */
  onSnapshot(snapshot: JobSnapshot, eventId: string | undefined): void;
  /** Called when the stream fails: a refusal (401/403/404, not retried) or a drop (retried). */
  onError?(error: VideoJobError): void;
  /** Called when the stream becomes healthy (connected and fresh) or stops being so. */
  onHealthChange?(healthy: boolean): void;
  /**
   * Called when what the server says about the job's end changes (`event: watch`): whether it follows the job itself
   * (`createJobEventsHandler({ watch })`), and whether webhooks of the job's provider reach it. Both are `false` until
   * it says so, and again at each new connection until it says so again.
   */
  onDeliveryChange?(delivery: JobDelivery): void;
  /** Resume after this event id (sent as `Last-Event-ID`). */
  lastEventId?: string;
  /**
   * Use this `EventSource` implementation instead of reading the stream with `fetch`. `EventSource` hides
   * heartbeats, so staleness is then left to it. Defaults to `undefined` (fetch streaming, which also runs in Node).
   */
  EventSource?: EventSourceConstructor;
  /** Defaults to `globalThis.fetch`, looked up at connect time. */
  fetch?: typeof fetch;
  /** Extra request headers (fetch streaming only), e.g. an app's own auth header. */
  headers?: Record<string, string>;
  /** First reconnection delay; doubled per failed attempt, +/-20 % jitter. Defaults to `1000` ms. */
  reconnectDelayMs?: number;
  /** Longest reconnection delay. Defaults to `30000` ms. */
  maxReconnectDelayMs?: number;
  /**
   * A stream silent for this long (no event, no heartbeat) counts as dropped: polling takes over and it reconnects.
   * Defaults to `37500` ms, 2.5 heartbeats of `createJobEventsHandler` (every 15 s): one late heartbeat is
   * tolerated, two missed are not. Set it to about 2.5x the server's `heartbeatMs` when that differs.
   */
  staleAfterMs?: number;
  /** Defaults to `Math.random`. */
  random?: () => number;
}

/** What a job events server says about how the job's end will reach the stream (`event: watch`). */
export interface JobDelivery {
  /** The server follows the job itself: its end arrives without a webhook. */
  watching: boolean;
  /** Webhooks of the job's provider have lately reached the server. */
  webhooks: boolean;
}

export interface JobEventSubscription {
  /** `true` while the stream is connected and has not gone silent: updates arrive without polling. */
  readonly healthy: boolean;
  /** The id of the last event received, for resuming elsewhere. */
  readonly lastEventId: string | undefined;
  /**
   * `true` when the server said, on the current connection, that it follows the job itself (so the job's end arrives
   * without a webhook); `false` when it said it stopped or does not; `undefined` until it says (a server without
   * `watch`, or from before it, never does).
   */
  readonly watching: boolean | undefined;
  /** `true` when the server said, on the current connection, that webhooks of the job's provider reach it. */
  readonly webhooks: boolean;
  /** `true` once closed by `close()`, a terminal snapshot, or a refusal. */
  readonly closed: boolean;
  close(): void;
}

const PERMANENT_STATUS = new Set([400, 401, 403, 404, 405, 410]);

/**
 * Follows one job's events from an endpoint served by `createJobEventsHandler` (`?provider=&id=`), reconnecting
 * with `Last-Event-ID` after a drop so nothing is missed, and closing after the terminal snapshot.
 */
export function subscribeJobEvents(
  url: string,
  ref: Pick<JobRef, 'provider' | 'id'> & Partial<Pick<JobRef, 'model' | 'meta'>>,
  options: JobEventSourceOptions,
): JobEventSubscription {
  const baseDelay = options.reconnectDelayMs ?? 1000;
  const maxDelay = options.maxReconnectDelayMs ?? 30_000;
  const staleAfterMs = options.staleAfterMs ?? 37_500;
  const random = options.random ?? Math.random;
  const streamUrl = `${url}${url.includes('?') ? '&' : '?'}${jobQuery(ref)}`;

  let healthy = false;
  let watching: boolean | undefined;
  let webhooks = false;
  let closed = false;
  let lastEventId = options.lastEventId;
  let failures = 0;
  let serverRetry: number | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let staleTimer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  let source: EventSourceLike | undefined;

  function setHealthy(next: boolean) {
    if (healthy === next) return;
    healthy = next;
    options.onHealthChange?.(next);
  }

  function report(error: VideoJobError) {
    options.onError?.(error);
  }

  function close() {
    if (closed) return;
    closed = true;
    clearTimeout(reconnectTimer);
    clearTimeout(staleTimer);
    controller?.abort();
    source?.close();
    setHealthy(false);
  }

  function watchSaid(data: string) {
    let said: unknown;
    try {
      said = JSON.parse(data);
    } catch {
      return;
    }
    const fields = typeof said === 'object' && said !== null ? (said as Record<string, unknown>) : {};
    setDelivery(fields.watching === true, fields.webhooks === true);
  }

  /** `undefined`: a new connection, which has said nothing yet. */
  function setDelivery(nextWatching: boolean | undefined, nextWebhooks: boolean) {
    const changed = (watching === true) !== (nextWatching === true) || webhooks !== nextWebhooks;
    watching = nextWatching;
    webhooks = nextWebhooks;
    if (changed) options.onDeliveryChange?.({ watching: watching === true, webhooks });
  }

  function handle(event: Pick<ServerSentEvent, 'data' | 'id'>) {
    let snapshot: JobSnapshot;
    try {
      snapshot = snapshotFromJSON(JSON.parse(event.data));
    } catch (error) {
      report(toVideoJobError(error, ref));
      return;
    }
    if (jobKey(snapshot) !== jobKey(ref)) return;
    if (event.id !== undefined && event.id !== '') lastEventId = event.id;
    options.onSnapshot(snapshot, lastEventId);
    if (isTerminalStatus(snapshot.status)) close();
  }

  function scheduleReconnect() {
    if (closed) return;
    setHealthy(false);
    const base = Math.min(maxDelay, (serverRetry ?? baseDelay) * 2 ** failures);
    failures++;
    const delay = base * (0.8 + 0.4 * random());
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, delay);
  }

  function armStale() {
    clearTimeout(staleTimer);
    staleTimer = setTimeout(() => {
      if (closed) return;
      report(
        new VideoJobError({
          kind: 'network',
          ...ref,
          message: `the job event stream went silent for ${Math.round(staleAfterMs / 1000)} s; reconnecting, polling meanwhile`,
        }),
      );
      // Forget the connection before aborting it, so its reader's AbortError is not reported as a second failure.
      const stale = controller;
      controller = undefined;
      stale?.abort();
      scheduleReconnect();
    }, staleAfterMs);
  }

  async function connectFetch() {
    const current = new AbortController();
    controller = current;
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      'cache-control': 'no-cache',
      ...options.headers,
    };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    try {
      const fetchFn = options.fetch ?? globalThis.fetch;
      const response = await fetchFn(streamUrl, { headers, signal: current.signal });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        refused(response.status);
        return;
      }
      failures = 0;
      // Each connection says for itself: after a reconnect the stream may be served by an instance that does not watch.
      setDelivery(undefined, false);
      setHealthy(true);
      armStale();
      const parser = createSseParser({
        onEvent(event) {
          if (event.retry !== undefined) serverRetry = event.retry;
          if (event.event === 'snapshot') handle(event);
          else if (event.event === 'watch') watchSaid(event.data);
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || closed || controller !== current) break;
        armStale();
        parser.feed(value);
      }
    } catch (error) {
      if (closed || controller !== current) return;
      report(toVideoJobError(error, ref));
    }
    if (closed || controller !== current) return;
    clearTimeout(staleTimer);
    scheduleReconnect();
  }

  function refused(status: number) {
    const permanent = PERMANENT_STATUS.has(status);
    report(
      new VideoJobError({
        kind: status === 401 || status === 403 ? 'auth' : status === 404 ? 'not_found' : 'http',
        status,
        retryable: !permanent,
        ...ref,
        message: permanent
          ? `the job events endpoint refused the stream (${status}); following the job by polling instead`
          : `the job events endpoint answered ${status}; reconnecting, polling meanwhile`,
      }),
    );
    if (permanent) close();
    else scheduleReconnect();
  }

  function connectEventSource(EventSourceImpl: EventSourceConstructor) {
    // EventSource cannot set headers on its first request: the resume point travels in the query instead.
    const resume = lastEventId === undefined ? '' : `&lastEventId=${encodeURIComponent(lastEventId)}`;
    const current = new EventSourceImpl(streamUrl + resume);
    source = current;
    current.onopen = () => {
      failures = 0;
      setDelivery(undefined, false);
      setHealthy(true);
    };
    current.addEventListener('snapshot', (event) => handle({ data: event.data, id: event.lastEventId }));
    current.addEventListener('watch', (event) => watchSaid(event.data));
    current.onerror = () => {
      if (closed || source !== current) return;
      setHealthy(false);
      // readyState 2 (CLOSED): the browser gave up (e.g. an HTTP error); reconnect ourselves with backoff.
      if (current.readyState === 2) {
        current.close();
        scheduleReconnect();
      }
    };
  }

  function connect() {
    if (closed) return;
    if (options.EventSource) connectEventSource(options.EventSource);
    else void connectFetch();
  }

  connect();

  return {
    get healthy() {
      return healthy;
    },
    get lastEventId() {
      return lastEventId;
    },
    get watching() {
      return watching;
    },
    get webhooks() {
      return webhooks;
    },
    get closed() {
      return closed;
    },
    close,
  };
}

/**
 * `provider=&id=`, plus what a server that watches the job needs to poll it (`model=`, `meta.<key>=`): never URLs,
 * which the server builds from its own adapter.
 */
function jobQuery(ref: Pick<JobRef, 'provider' | 'id'> & Partial<Pick<JobRef, 'model' | 'meta'>>): string {
  const query = new URLSearchParams({ provider: ref.provider, id: ref.id });
  if (ref.model) query.set('model', ref.model);
  for (const [key, value] of Object.entries(ref.meta ?? {})) query.set(`meta.${key}`, value);
  return query.toString();
}
