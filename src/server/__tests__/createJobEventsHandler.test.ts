import { createSnapshot, type JobSnapshot } from '../../core/jobSnapshot';
import type { JobStatus } from '../../core/jobStatus';
import { createSseParser, type ServerSentEvent } from '../../core/sseParser';
import { createJobEventsHandler } from '../createJobEventsHandler';
import { createMemoryJobEventBus, type JobEventBus } from '../jobEventBus';
import { createMemoryOwnerStore } from '../ownerStore';

const ref = { provider: 'fal', id: 'req-1', model: 'fal-ai/veo3' };

function snapshot(status: JobStatus, id = ref.id): JobSnapshot {
  return createSnapshot(
    status === 'completed'
      ? { ref: { ...ref, id }, status, video: { url: 'https://cdn.example/v.mp4' } }
      : { ref: { ...ref, id }, status },
    1,
  );
}

/** Reads an SSE response incrementally: events and comments so far, and whether it ended. */
function reader(response: Response) {
  const events: ServerSentEvent[] = [];
  const comments: string[] = [];
  const parser = createSseParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  const stream = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const state = { ended: false };
  const pump = (async () => {
    for (;;) {
      const { done, value } = await stream.read();
      if (done) break;
      parser.feed(value);
    }
    state.ended = true;
  })();
  return { events, comments, state, pump, cancel: () => stream.cancel() };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function request(query: string, init: RequestInit = {}) {
  return new Request(`https://app.example/api/video/events${query}`, init);
}

describe('createMemoryJobEventBus', () => {
  it('delivers to listeners of the job only, and replays what a stream missed', async () => {
    const bus = createMemoryJobEventBus({ historySize: 3 });
    const seen: string[] = [];
    const stop = await bus.subscribe('fal:req-1', (event) => seen.push(event.snapshot.status));
    await bus.subscribe('fal:other', () => seen.push('wrong job'));
    const first = await bus.publish(snapshot('queued'));
    const second = await bus.publish(snapshot('running'));
    expect(seen).toEqual(['queued', 'running']);
    expect(second.id > first.id).toBe(true);

    expect((await bus.replay('fal:req-1')).map((e) => e.id)).toEqual([second.id]);
    expect((await bus.replay('fal:req-1', first.id)).map((e) => e.id)).toEqual([second.id]);
    expect(await bus.replay('fal:req-1', second.id)).toEqual([]);
    expect((await bus.replay('fal:req-1', 'unknown')).map((e) => e.id)).toEqual([second.id]);
    expect(await bus.replay('fal:nothing')).toEqual([]);

    for (const status of ['running', 'running', 'completed'] as const) await bus.publish(snapshot(status));
    const history = await bus.replay('fal:req-1', 'unknown');
    expect(history).toHaveLength(1);
    expect((await bus.replay('fal:req-1', first.id)).at(-1)!.snapshot.status).toBe('completed');

    await stop();
    await bus.publish(snapshot('completed'));
    expect(seen).toHaveLength(5);
  });
});

describe('createJobEventsHandler', () => {
  let bus: JobEventBus;
  beforeEach(() => {
    bus = createMemoryJobEventBus();
  });

  it('streams the newest snapshot at once, then live updates with ids, and ends after the terminal one', async () => {
    await bus.publish(snapshot('queued'));
    const handler = createJobEventsHandler({ bus, owners: false });
    const response = await handler(request('?provider=fal&id=req-1'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toContain('no-cache');
    const stream = reader(response);
    await flush();
    expect(stream.events.map((e) => JSON.parse(e.data).status)).toEqual(['queued']);
    expect(stream.events[0]!.retry).toBe(3000);

    const running = await bus.publish(snapshot('running'));
    await bus.publish(snapshot('running', 'another-job'));
    await flush();
    expect(stream.events.map((e) => e.id)).toContain(running.id);
    expect(stream.events).toHaveLength(2);

    await bus.publish(snapshot('completed'));
    await stream.pump;
    expect(stream.state.ended).toBe(true);
    expect(stream.events.map((e) => JSON.parse(e.data).status)).toEqual(['queued', 'running', 'completed']);
  });

  it('resumes after Last-Event-ID (header or query) with exactly the missed events', async () => {
    const first = await bus.publish(snapshot('queued'));
    const second = await bus.publish(snapshot('running'));
    const third = await bus.publish(snapshot('running'));
    const handler = createJobEventsHandler({ bus, owners: false });

    const byHeader = reader(
      await handler(request('?provider=fal&id=req-1', { headers: { 'last-event-id': first.id } })),
    );
    const byQuery = reader(await handler(request(`?provider=fal&id=req-1&lastEventId=${second.id}`)));
    const current = reader(
      await handler(request('?provider=fal&id=req-1', { headers: { 'last-event-id': third.id } })),
    );
    await flush();
    expect(byHeader.events.map((e) => e.id)).toEqual([second.id, third.id]);
    expect(byQuery.events.map((e) => e.id)).toEqual([third.id]);
    expect(current.events).toEqual([]);
    for (const stream of [byHeader, byQuery, current]) await stream.cancel();
  });

  it('sends heartbeats and stops listening when the client goes away', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const stopped = vi.fn();
      const watched: JobEventBus = {
        ...bus,
        subscribe: async (key, listener) => {
          const stop = await bus.subscribe(key, listener);
          return async () => {
            stopped(key);
            await stop();
          };
        },
      };
      const handler = createJobEventsHandler({ bus: watched, owners: false, heartbeatMs: 1000 });
      const stream = reader(await handler(request('?provider=fal&id=req-1', { signal: controller.signal })));
      await vi.advanceTimersByTimeAsync(3500);
      expect(stream.comments.filter((c) => c === 'ping')).toHaveLength(3);
      expect(stopped).not.toHaveBeenCalled();
      controller.abort();
      await vi.advanceTimersByTimeAsync(5000);
      expect(stopped).toHaveBeenCalledExactlyOnceWith('fal:req-1');
      expect(stream.comments.filter((c) => c === 'ping')).toHaveLength(3);
      await bus.publish(snapshot('running'));
      await vi.advanceTimersByTimeAsync(0);
      expect(stream.events).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends a stream after maxStreamMs so it closes before a platform time limit', async () => {
    vi.useFakeTimers();
    try {
      const handler = createJobEventsHandler({ bus, owners: false, maxStreamMs: 10_000 });
      const stream = reader(await handler(request('?provider=fal&id=req-1')));
      await vi.advanceTimersByTimeAsync(10_000);
      await stream.pump;
      expect(stream.state.ended).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses bad queries (400), other methods (405), and other users\u2019 jobs (404)', async () => {
    const owners = createMemoryOwnerStore();
    owners.set('fal:req-1', 'alice');
    const handler = createJobEventsHandler({
      bus,
      owners,
      authorize: (req) =>
        req.headers.get('x-user') ? { ownerId: req.headers.get('x-user')! } : new Response(null, { status: 401 }),
    });
    expect((await handler(request('?provider=fal'))).status).toBe(400);
    expect((await handler(request('?provider=fal&id=req-1', { method: 'POST' }))).status).toBe(405);
    expect((await handler(request('?provider=fal&id=req-1'))).status).toBe(401);
    expect((await handler(request('?provider=fal&id=req-1', { headers: { 'x-user': 'mallory' } }))).status).toBe(404);
    const mine = await handler(request('?provider=fal&id=req-1', { headers: { 'x-user': 'alice' } }));
    expect(mine.status).toBe(200);
    await mine.body!.cancel();
    const unrecorded = request('?provider=fal&id=req-9', { headers: { 'x-user': 'alice' } });
    expect((await handler(unrecorded)).status).toBe(404);
    const lenient = createJobEventsHandler({
      bus,
      owners,
      unknownJobs: 'allow',
      authorize: () => ({ ownerId: 'alice' }),
    });
    const allowed = await lenient(request('?provider=fal&id=req-9'));
    expect(allowed.status).toBe(200);
    await allowed.body!.cancel();
    const owned = await lenient(request('?provider=fal&id=req-1'));
    expect(owned.status).toBe(200);
    await owned.body!.cancel();
  });

  it('answers 503 when the bus is down, so the browser keeps polling', async () => {
    const broken: JobEventBus = { ...bus, subscribe: async () => Promise.reject(new Error('redis down')) };
    const response = await createJobEventsHandler({ bus: broken, owners: false })(request('?provider=fal&id=req-1'));
    expect(response.status).toBe(503);
  });
});
