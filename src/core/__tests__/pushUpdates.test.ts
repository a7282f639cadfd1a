import { createSnapshot, type JobSnapshot } from '../jobSnapshot';
import type { JobStatus } from '../jobStatus';
import { createPushUpdates, resolvePushOptions } from '../pushUpdates';
import { snapshotToJSON } from '../snapshotJson';

const ref = { provider: 'fal', id: 'req-1', model: 'fal-ai/veo3' };

function frame(id: string, status: JobStatus): string {
  const init = status === 'completed' ? { ref, status, video: { url: 'https://cdn.example/v.mp4' } } : { ref, status };
  return `id: ${id}\nevent: snapshot\ndata: ${JSON.stringify(snapshotToJSON(createSnapshot(init, 1)))}\n\n`;
}

/** An events endpoint the test writes to; one controller per connection. */
function endpoint() {
  const open: Array<ReadableStreamDefaultController<Uint8Array>> = [];
  const urls: string[] = [];
  const fetchFn = (async (url: RequestInfo | URL, init?: RequestInit) => {
    urls.push(String(url));
    const body = new ReadableStream<Uint8Array>({ start: (c) => void open.push(c) });
    init?.signal?.addEventListener('abort', () => {
      try {
        open.at(-1)?.error(new DOMException('aborted', 'AbortError'));
      } catch {
        // closed already
      }
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
  const write = (text: string) => open.at(-1)!.enqueue(new TextEncoder().encode(text));
  const drop = () => open.at(-1)!.close();
  return { fetch: fetchFn, urls, write, drop };
}

describe('createPushUpdates', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opens one stream per job, stretches the poll delay while healthy, and stops after the terminal snapshot', async () => {
    const server = endpoint();
    const snapshots: JobSnapshot[] = [];
    const health: Array<[string, boolean]> = [];
    const push = createPushUpdates(
      { ...resolvePushOptions('/api/video/events'), fetch: server.fetch, random: () => 0.5 },
      { onSnapshot: (s) => snapshots.push(s), onHealthChange: (r, h) => health.push([r.id, h]) },
    );
    const seen: boolean[] = [];
    push.subscribeHealth((_r, h) => seen.push(h));
    push.follow(ref);
    push.follow(ref);
    expect(push.pollDelay(ref, 2000)).toBe(2000);
    await vi.advanceTimersByTimeAsync(0);
    expect(server.urls).toEqual(['/api/video/events?provider=fal&id=req-1&model=fal-ai%2Fveo3']);
    expect(push.isHealthy(ref)).toBe(true);
    // Until the server says it watches the job (or a webhook came through), the end may never be pushed: 20 s.
    expect(push.pollDelay(ref, 2000)).toBe(20_000);
    server.write('event: watch\ndata: {"watching":true}\n\n');
    await vi.advanceTimersByTimeAsync(0);
    // Heartbeats catch a stalled stream (fetch streaming): the safety poll can be rare.
    expect(push.pollDelay(ref, 2000)).toBe(300_000);
    expect(push.pollDelay(ref, 400_000)).toBe(400_000);

    server.write(frame('e1', 'running'));
    await vi.advanceTimersByTimeAsync(0);
    expect(snapshots.map((s) => s.status)).toEqual(['running']);

    server.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(push.isHealthy(ref)).toBe(false);
    expect(push.pollDelay(ref, 2000)).toBe(2000);

    await vi.advanceTimersByTimeAsync(1000);
    expect(server.urls).toHaveLength(2);
    server.write(frame('e2', 'completed'));
    await vi.advanceTimersByTimeAsync(0);
    expect(snapshots.map((s) => s.status)).toEqual(['running', 'completed']);
    expect(push.isHealthy(ref)).toBe(false);
    expect(health).toEqual([
      ['req-1', true],
      ['req-1', true], // told it watches: the delay changed
      ['req-1', false],
      ['req-1', true],
      ['req-1', false],
    ]);
    expect(seen).toEqual([true, true, false, true, false]);
    // Following a finished job again opens a fresh stream (a resumed job): the server ends it at once.
    push.follow(ref);
    expect(server.urls).toHaveLength(3);
    push.close();
  });

  it('keeps the safety poll at 60 s with EventSource, which hides the heartbeats a stall would be seen by', async () => {
    class SilentEventSource {
      readyState = 1;
      onopen: ((event: unknown) => void) | null = null;
      onerror: ((event: unknown) => void) | null = null;
      constructor(_url: string) {
        queueMicrotask(() => this.onopen?.({}));
      }
      addEventListener(type: string, listener: (event: { data: string }) => void) {
        if (type === 'watch') queueMicrotask(() => listener({ data: '{"watching":true}' }));
      }
      close() {}
    }
    const push = createPushUpdates({ url: '/events', EventSource: SilentEventSource }, { onSnapshot: () => undefined });
    push.follow(ref);
    await vi.advanceTimersByTimeAsync(0);
    expect(push.isHealthy(ref)).toBe(true);
    expect(push.pollDelay(ref, 2000)).toBe(60_000);
    push.close();
  });

  it('unfollow and close end the streams', async () => {
    const server = endpoint();
    const push = createPushUpdates(
      { url: '/events', fetch: server.fetch, safetyIntervalMs: 5000 },
      { onSnapshot: () => undefined },
    );
    push.follow(ref);
    push.follow({ ...ref, id: 'req-2' });
    await vi.advanceTimersByTimeAsync(0);
    // Not told the server watches: the widened poll, never above the safety interval.
    expect(push.pollDelay(ref, 100)).toBe(5000);
    push.unfollow(ref);
    expect(push.isHealthy(ref)).toBe(false);
    expect(push.isHealthy({ ...ref, id: 'req-2' })).toBe(true);
    push.close();
    expect(push.isHealthy({ ...ref, id: 'req-2' })).toBe(false);
  });
});
