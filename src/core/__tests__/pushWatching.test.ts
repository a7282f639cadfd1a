// Issue 11 point 3: a healthy stream whose end may never be pushed must not stop polling. Until the server says it
// follows the job itself (`event: watch`, createJobEventsHandler({ watch })) or a webhook update of the provider has
// come through, a healthy stream keeps a widened poll (20 s from the last poll); after that, only the safety poll.
import { createSnapshot } from '../jobSnapshot';
import type { JobStatus } from '../jobStatus';
import { subscribeJobEvents, type EventSourceLike } from '../jobEventSource';
import { createPushUpdates } from '../pushUpdates';
import { snapshotToJSON } from '../snapshotJson';

const fal = { provider: 'fal', id: 'req-1', model: 'fal-ai/veo3' };
const fal2 = { provider: 'fal', id: 'req-2', model: 'fal-ai/veo3' };
const kling = { provider: 'kling', id: 'task-1', model: 'kling-v2', meta: { endpoint: 'image2video' } };

const WATCHING = 'event: watch\ndata: {"watching":true}\n\n';
const NOT_WATCHING = 'event: watch\ndata: {"watching":false}\n\n';

function frame(ref: { provider: string; id: string; model: string }, id: string, status: JobStatus): string {
  const init = status === 'completed' ? { ref, status, video: { url: 'https://cdn.example/v.mp4' } } : { ref, status };
  return `id: ${id}\nevent: snapshot\ndata: ${JSON.stringify(snapshotToJSON(createSnapshot(init, 1)))}\n\n`;
}

/** An events endpoint: one connection per fetch, addressed by job id (the latest one per job). */
function endpoint() {
  const open = new Map<string, ReadableStreamDefaultController<Uint8Array>>();
  const urls: string[] = [];
  const fetchFn = (async (url: RequestInfo | URL, init?: RequestInit) => {
    urls.push(String(url));
    const id = new URL(String(url), 'https://app.test').searchParams.get('id')!;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void open.set(id, c) });
    init?.signal?.addEventListener('abort', () => {
      try {
        open.get(id)?.error(new DOMException('aborted', 'AbortError'));
      } catch {
        // closed already
      }
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
  const write = (id: string, text: string) => open.get(id)!.enqueue(new TextEncoder().encode(text));
  const drop = (id: string) => open.get(id)!.close();
  return { fetch: fetchFn, urls, write, drop };
}

describe('push and polling when no webhook may come (issue 11.3)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a healthy stream that never says `watch` (an old server, or none configured) is polled every 20 s from the last poll', async () => {
    const server = endpoint();
    const push = createPushUpdates({ url: '/events', fetch: server.fetch }, { onSnapshot: () => undefined });
    push.follow(fal);
    await vi.advanceTimersByTimeAsync(0);
    expect(push.isHealthy(fal)).toBe(true);
    expect(push.isDelivering(fal)).toBe(false);
    expect(push.pollDelay(fal, 2000)).toBe(20_000);
    // Counted from the last poll, not from now: 15 s after it, the next one is 5 s away.
    expect(push.pollDelay(fal, 2000, 15_000)).toBe(5000);
    expect(push.pollDelay(fal, 0, 25_000)).toBe(0);
    // The schedule still wins when it waits longer (a hidden tab, Retry-After).
    expect(push.pollDelay(fal, 27_000, 15_000)).toBe(27_000);
    // Heartbeats alone change nothing: they prove the stream, not that the job's end will come over it.
    server.write(fal.id, ': ping\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(push.pollDelay(fal, 2000)).toBe(20_000);
    push.close();
  });

  it('`watch: true` moves the job to the safety poll and re-announces health; `watch: false` moves it back', async () => {
    const server = endpoint();
    const health: boolean[] = [];
    const push = createPushUpdates(
      { url: '/events', fetch: server.fetch },
      { onSnapshot: () => undefined, onHealthChange: (_ref, healthy) => health.push(healthy) },
    );
    const seen: boolean[] = [];
    push.subscribeHealth((_ref, healthy) => seen.push(healthy));
    push.follow(fal);
    await vi.advanceTimersByTimeAsync(0);
    server.write(fal.id, ': connected\n\n' + WATCHING);
    await vi.advanceTimersByTimeAsync(0);
    expect(push.isDelivering(fal)).toBe(true);
    expect(push.pollDelay(fal, 2000)).toBe(300_000);
    // Saying it twice is not a change.
    server.write(fal.id, WATCHING);
    await vi.advanceTimersByTimeAsync(0);
    // The watcher gave up (a refused key, maxWatchMs): the browser polls again, from its last poll.
    server.write(fal.id, NOT_WATCHING);
    await vi.advanceTimersByTimeAsync(0);
    expect(push.isDelivering(fal)).toBe(false);
    expect(push.pollDelay(fal, 2000, 60_000)).toBe(2000);
    expect(health).toEqual([true, true, true]);
    expect(seen).toEqual(health);
    push.close();
  });

  it('forgets `watch` at each new connection: an instance that does not watch may serve the reconnect', async () => {
    const server = endpoint();
    const watching: boolean[] = [];
    const sub = subscribeJobEvents('/events', fal, {
      fetch: server.fetch,
      random: () => 0.5,
      onSnapshot: () => undefined,
      onDeliveryChange: (said) => watching.push(said.watching),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(sub.watching).toBeUndefined();
    server.write(fal.id, WATCHING);
    await vi.advanceTimersByTimeAsync(0);
    expect(sub.watching).toBe(true);
    server.drop(fal.id);
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.urls).toHaveLength(2);
    expect(sub.healthy).toBe(true);
    expect(sub.watching).toBeUndefined();
    expect(watching).toEqual([true, false]);
    sub.close();
  });

  it('sends the model and meta (never URLs) so a watching server can poll the job', async () => {
    const server = endpoint();
    const withUrls = { ...kling, urls: { status: 'https://api.klingai.com/v1/videos/image2video/task-1' } };
    const sub = subscribeJobEvents('/events?tenant=a', withUrls, { fetch: server.fetch, onSnapshot: () => undefined });
    await vi.advanceTimersByTimeAsync(0);
    expect(server.urls).toEqual(['/events?tenant=a&provider=kling&id=task-1&model=kling-v2&meta.endpoint=image2video']);
    sub.close();
  });

  it('a webhook update that came through for one job puts every job of that provider on the safety poll', async () => {
    const server = endpoint();
    const woken: string[] = [];
    const health: boolean[] = [];
    const delivering: boolean[] = [];
    const push = createPushUpdates(
      { url: '/events', fetch: server.fetch },
      {
        // Known before the update is stored, so whatever plans a poll on it plans the safety one.
        onSnapshot: (snapshot) => delivering.push(push.isDelivering(snapshot.ref)),
        onHealthChange: (_ref, healthy) => health.push(healthy),
        onDelivering: (ref) => woken.push(ref.id),
      },
    );
    push.follow(fal);
    push.follow(fal2);
    push.follow(kling);
    await vi.advanceTimersByTimeAsync(0);
    expect([fal, fal2, kling].map((ref) => push.pollDelay(ref, 2000))).toEqual([20_000, 20_000, 20_000]);
    // No watch was said: this update came from a webhook, so fal's webhooks reach the server.
    server.write(fal.id, frame(fal, 'e1', 'running'));
    await vi.advanceTimersByTimeAsync(0);
    expect(push.isDelivering(fal2)).toBe(true);
    expect([fal, fal2, kling].map((ref) => push.pollDelay(ref, 2000))).toEqual([300_000, 300_000, 20_000]);
    expect(delivering).toEqual([true]);
    // The other fal job is told to work its delay out again (not as a health change); Kling's are still unproven.
    expect(woken).toEqual(['req-2']);
    expect(health).toEqual([true, true, true]);
    push.close();
  });

  it("an update on a stream whose server watches is not taken for a webhook (the watcher's may stop)", async () => {
    const server = endpoint();
    const push = createPushUpdates({ url: '/events', fetch: server.fetch }, { onSnapshot: () => undefined });
    push.follow(fal);
    push.follow(fal2);
    await vi.advanceTimersByTimeAsync(0);
    server.write(fal.id, WATCHING + frame(fal, 'e1', 'running') + frame(fal, 'e2', 'completed'));
    await vi.advanceTimersByTimeAsync(0);
    expect(push.isDelivering(fal2)).toBe(false);
    expect(push.pollDelay(fal2, 2000)).toBe(20_000);
    push.close();
  });

  it("a server that says the provider's webhooks reach it: safety poll at once, for the provider's other jobs too", async () => {
    const server = endpoint();
    const woken: string[] = [];
    const push = createPushUpdates(
      { url: '/events', fetch: server.fetch },
      { onSnapshot: () => undefined, onDelivering: (ref) => woken.push(ref.id) },
    );
    push.follow(fal);
    push.follow(fal2);
    push.follow(kling);
    await vi.advanceTimersByTimeAsync(0);
    server.write(fal.id, 'event: watch\ndata: {"watching":false,"webhooks":true}\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect([fal, fal2, kling].map((ref) => push.pollDelay(ref, 2000))).toEqual([300_000, 300_000, 20_000]);
    expect(woken).toEqual(['req-2']);
    push.close();
  });

  it('`unwatchedIntervalMs` sets the widened poll, capped at the safety interval', async () => {
    const server = endpoint();
    const push = createPushUpdates(
      { url: '/events', fetch: server.fetch, unwatchedIntervalMs: 10_000 },
      { onSnapshot: () => undefined },
    );
    push.follow(fal);
    await vi.advanceTimersByTimeAsync(0);
    expect(push.pollDelay(fal, 2000)).toBe(10_000);
    push.close();
    const capped = createPushUpdates(
      { url: '/events', fetch: server.fetch, unwatchedIntervalMs: 90_000, safetyIntervalMs: 45_000 },
      { onSnapshot: () => undefined },
    );
    capped.follow(fal);
    await vi.advanceTimersByTimeAsync(0);
    expect(capped.pollDelay(fal, 2000)).toBe(45_000);
    capped.close();
  });

  it('EventSource: the `watch` event is listened to as well', () => {
    const sources: FakeEventSource[] = [];
    class FakeEventSource implements EventSourceLike {
      readyState = 0;
      onopen: ((event: unknown) => void) | null = null;
      onerror: ((event: unknown) => void) | null = null;
      listeners = new Map<string, (event: { data: string; lastEventId?: string }) => void>();
      constructor(readonly url: string) {
        sources.push(this);
      }
      addEventListener(type: string, listener: (event: { data: string; lastEventId?: string }) => void) {
        this.listeners.set(type, listener);
      }
      close() {}
    }
    const push = createPushUpdates({ url: '/events', EventSource: FakeEventSource }, { onSnapshot: () => undefined });
    push.follow(fal);
    sources[0]!.onopen!({});
    expect(push.pollDelay(fal, 2000)).toBe(20_000);
    sources[0]!.listeners.get('watch')!({ data: '{"watching":true}' });
    expect(push.pollDelay(fal, 2000)).toBe(60_000);
    // The browser reconnected by itself (EventSource does): not known to watch until told again.
    sources[0]!.onerror!({});
    sources[0]!.onopen!({});
    expect(push.pollDelay(fal, 2000)).toBe(20_000);
    push.close();
  });
});
