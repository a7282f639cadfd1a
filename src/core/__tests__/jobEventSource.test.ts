import { createSnapshot, type JobSnapshot } from '../jobSnapshot';
import { subscribeJobEvents, type EventSourceLike } from '../jobEventSource';
import { snapshotToJSON } from '../snapshotJson';
import type { VideoJobError } from '../videoJobError';

const ref = { provider: 'fal', id: 'req-1', model: 'fal-ai/veo3' };

function event(id: string, status: JobSnapshot['status'], jobId = ref.id): string {
  const snapshot = createSnapshot(
    status === 'completed'
      ? { ref: { ...ref, id: jobId }, status, video: { url: 'https://cdn.example/v.mp4' } }
      : { ref: { ...ref, id: jobId }, status },
    1,
  );
  return `id: ${id}\nevent: snapshot\ndata: ${JSON.stringify(snapshotToJSON(snapshot))}\n\n`;
}

interface Connection {
  url: string;
  headers: Headers;
  push(text: string): void;
  end(): void;
  aborted: boolean;
}

/** A fake events endpoint: each fetch opens a connection the test writes to; `status` answers refusals. */
function fakeEndpoint(answer: () => number = () => 200) {
  const connections: Connection[] = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const status = answer();
    if (status !== 200) return new Response('no', { status });
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const connection: Connection = {
      url: String(url),
      headers: new Headers(init?.headers),
      push: (text) => controller.enqueue(new TextEncoder().encode(text)),
      end: () => controller.close(),
      aborted: false,
    };
    init?.signal?.addEventListener('abort', () => {
      connection.aborted = true;
      try {
        controller.error(new DOMException('aborted', 'AbortError'));
      } catch {
        // already closed
      }
    });
    connections.push(connection);
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, connections };
}

function collect() {
  const snapshots: JobSnapshot[] = [];
  const errors: VideoJobError[] = [];
  const health: boolean[] = [];
  return {
    snapshots,
    errors,
    health,
    options: {
      onSnapshot: (s: JobSnapshot) => snapshots.push(s),
      onError: (e: VideoJobError) => errors.push(e),
      onHealthChange: (h: boolean) => health.push(h),
      random: () => 0.5,
    },
  };
}

describe('subscribeJobEvents (fetch streaming)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('delivers snapshots, stays healthy, and closes after the terminal one', async () => {
    const endpoint = fakeEndpoint();
    const seen = collect();
    const sub = subscribeJobEvents('https://app.example/api/video/events', ref, {
      ...seen.options,
      fetch: endpoint.fetch,
    });
    await vi.advanceTimersByTimeAsync(0);
    const [connection] = endpoint.connections;
    expect(connection!.url).toBe('https://app.example/api/video/events?provider=fal&id=req-1&model=fal-ai%2Fveo3');
    expect(connection!.headers.get('accept')).toBe('text/event-stream');
    expect(sub.healthy).toBe(true);

    connection!.push(': heartbeat\n\n' + event('e1', 'running') + event('x', 'running', 'other-job'));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.snapshots.map((s) => s.status)).toEqual(['running']);
    expect(sub.lastEventId).toBe('e1');

    connection!.push(event('e2', 'completed'));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.snapshots.map((s) => s.status)).toEqual(['running', 'completed']);
    expect(seen.snapshots[1]!.video!.url).toBe('https://cdn.example/v.mp4');
    expect(sub.closed).toBe(true);
    expect(sub.healthy).toBe(false);
    expect(connection!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(endpoint.connections).toHaveLength(1);
    expect(seen.health).toEqual([true, false]);
  });

  it('reconnects after a drop with Last-Event-ID, and reports the gap as unhealthy', async () => {
    const endpoint = fakeEndpoint();
    const seen = collect();
    const sub = subscribeJobEvents('/events?tenant=a', ref, {
      ...seen.options,
      fetch: endpoint.fetch,
      lastEventId: 'e0',
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(endpoint.connections[0]!.url).toBe('/events?tenant=a&provider=fal&id=req-1&model=fal-ai%2Fveo3');
    expect(endpoint.connections[0]!.headers.get('last-event-id')).toBe('e0');
    endpoint.connections[0]!.push(event('e1', 'queued'));
    endpoint.connections[0]!.end();
    await vi.advanceTimersByTimeAsync(0);
    expect(sub.healthy).toBe(false);

    await vi.advanceTimersByTimeAsync(999);
    expect(endpoint.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(endpoint.connections).toHaveLength(2);
    expect(endpoint.connections[1]!.headers.get('last-event-id')).toBe('e1');
    expect(sub.healthy).toBe(true);
    sub.close();
    expect(endpoint.connections[1]!.aborted).toBe(true);
    expect(seen.health).toEqual([true, false, true, false]);
  });

  it('treats a silent stream as dropped; heartbeats keep it healthy', async () => {
    const endpoint = fakeEndpoint();
    const seen = collect();
    const sub = subscribeJobEvents('/events', ref, { ...seen.options, fetch: endpoint.fetch, staleAfterMs: 10_000 });
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(9_000);
      endpoint.connections[0]!.push(': ping\n\n');
    }
    expect(sub.healthy).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sub.healthy).toBe(false);
    expect(seen.errors.at(-1)!.message).toMatch(/went silent/);
    expect(endpoint.connections[0]!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(endpoint.connections).toHaveLength(2);
    sub.close();
  });

  it('stops on a refusal (404) and backs off on an outage (503)', async () => {
    const refused = fakeEndpoint(() => 404);
    const seen = collect();
    const sub = subscribeJobEvents('/events', ref, { ...seen.options, fetch: refused.fetch });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sub.closed).toBe(true);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]!.kind).toBe('not_found');

    const statuses = [503, 503, 200];
    const flaky = fakeEndpoint(() => statuses.shift() ?? 200);
    const again = collect();
    const calls = flaky.fetch as unknown as ReturnType<typeof vi.fn>;
    const sub2 = subscribeJobEvents('/events', ref, { ...again.options, fetch: flaky.fetch });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(calls).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveBeenCalledTimes(3);
    expect(sub2.healthy).toBe(true);
    expect(again.errors.map((e) => e.status)).toEqual([503, 503]);
    sub2.close();
  });

  it('reports a malformed event and keeps listening', async () => {
    const endpoint = fakeEndpoint();
    const seen = collect();
    const sub = subscribeJobEvents('/events', ref, { ...seen.options, fetch: endpoint.fetch });
    await vi.advanceTimersByTimeAsync(0);
    endpoint.connections[0]!.push('event: snapshot\ndata: {not json\n\n' + event('e1', 'running'));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.errors).toHaveLength(1);
    expect(seen.snapshots).toHaveLength(1);
    expect(sub.healthy).toBe(true);
    sub.close();
  });
});

describe('subscribeJobEvents (EventSource)', () => {
  it('uses the given EventSource, resuming through the query', () => {
    const sources: FakeEventSource[] = [];
    class FakeEventSource implements EventSourceLike {
      readyState = 0;
      onopen: ((event: unknown) => void) | null = null;
      onerror: ((event: unknown) => void) | null = null;
      listeners = new Map<string, (event: { data: string; lastEventId?: string }) => void>();
      closed = false;
      constructor(readonly url: string) {
        sources.push(this);
      }
      addEventListener(type: string, listener: (event: { data: string; lastEventId?: string }) => void) {
        this.listeners.set(type, listener);
      }
      close() {
        this.closed = true;
      }
    }
    const seen = collect();
    const sub = subscribeJobEvents('/events', ref, {
      ...seen.options,
      EventSource: FakeEventSource,
      lastEventId: 'e9',
    });
    const source = sources[0]!;
    expect(source.url).toBe('/events?provider=fal&id=req-1&model=fal-ai%2Fveo3&lastEventId=e9');
    source.onopen!({});
    expect(sub.healthy).toBe(true);
    const data = event('e10', 'completed').split('\n')[2]!.slice('data: '.length);
    source.listeners.get('snapshot')!({ data, lastEventId: 'e10' });
    expect(seen.snapshots[0]!.status).toBe('completed');
    expect(sub.lastEventId).toBe('e10');
    expect(sub.closed).toBe(true);
    expect(source.closed).toBe(true);
  });
});
