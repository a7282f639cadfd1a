// createVideoClient({ events }): jobs followed over the app's job event stream instead of polling. The events
// route is react-video-jobs/server's handler, called in process through the client's `fetch`.
import { fal } from '../../src/providers/fal';
import { createJobEventsHandler } from '../../src/server/createJobEventsHandler';
import { createMemoryJobEventBus, type JobEventBus } from '../../src/server/jobEventBus';
import { createSimulator, type Simulator } from '../../src/testing';
import { pushEvents, type PushEvents } from '../../src/core/clientPush';
import { createVideoClient } from '../../src/core/createVideoClient';
import { createSnapshot, type JobSnapshot } from '../../src/core/jobSnapshot';

const EVENTS_URL = 'https://app.test/api/video/events';

/** A `fetch` that serves the events route in process, with a switch to refuse it (an instance that went away). */
function eventsRoute(bus: JobEventBus, heartbeatMs = 15_000) {
  const handler = createJobEventsHandler({ bus, owners: false, heartbeatMs, retryMs: 1000 });
  const state = { down: false, requests: 0, streams: [] as AbortController[] };
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    state.requests++;
    if (state.down) return new Response(null, { status: 503 });
    const controller = new AbortController();
    init?.signal?.addEventListener('abort', () => controller.abort());
    state.streams.push(controller);
    const response = await handler(new Request(String(input), { ...init, signal: controller.signal }));
    return response;
  }) as typeof fetch;
  /** Cuts every open stream, as a network drop would. */
  const drop = () => {
    for (const controller of state.streams.splice(0)) controller.abort();
  };
  return { fetch: fetchFn, state, drop };
}

/** What the webhook handler does when the provider calls back: publish the job as the provider reports it. */
async function providerCallsBack(sim: Simulator, bus: JobEventBus, id: string) {
  const job = sim.job(id)!;
  const ref = { provider: 'fal', id, model: '' };
  const snapshot: JobSnapshot =
    job.status === 'completed'
      ? createSnapshot({ ref, status: 'completed', video: { url: 'https://cdn.example/out.mp4' } })
      : createSnapshot({ ref, status: job.status === 'queued' ? 'queued' : 'running' });
  await bus.publish(snapshot);
}

function setup(options: { runMs?: number; safetyIntervalMs?: number; heartbeatMs?: number } = {}) {
  const sim = createSimulator({ job: { queueMs: 0, runMs: options.runMs ?? 3_600_000 } });
  const bus = createMemoryJobEventBus();
  const route = eventsRoute(bus, options.heartbeatMs);
  const safety = 'safetyIntervalMs' in options ? options.safetyIntervalMs : 60_000;
  const client = createVideoClient({
    providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
    fetch: sim.fetch,
    events: pushEvents({
      url: EVENTS_URL,
      fetch: route.fetch,
      ...(safety === undefined ? {} : { safetyIntervalMs: safety }),
    }),
  });
  return { sim, bus, route, client };
}

describe('createVideoClient({ events })', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('follows a job over the stream: no status poll, subscribers told, wait() resolves with the video', async () => {
    const { sim, bus, client } = setup();
    const submitted = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a cat' } });
    const seen: string[] = [];
    client.subscribe((snapshot) => seen.push(snapshot.status));
    const done = client.wait(submitted.ref);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.push!.isHealthy(submitted.ref)).toBe(true);
    // No webhook has come through yet and the server does not watch: the widened poll (issue 11.3).
    expect(client.nextPollDelay(submitted.ref)).toBe(20_000);

    await vi.advanceTimersByTimeAsync(5000);
    await providerCallsBack(sim, bus, submitted.id);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.getSnapshot(submitted.ref)!.status).toBe('running');
    // A webhook came through: fal's webhooks reach the server, the safety poll is enough.
    expect(client.nextPollDelay(submitted.ref)).toBe(60_000);

    await vi.advanceTimersByTimeAsync(20_000);
    sim.complete(submitted.id);
    await providerCallsBack(sim, bus, submitted.id);
    const final = await done;
    expect(final.status).toBe('completed');
    expect(final.video!.url).toBe('https://cdn.example/out.mp4');
    // The client's own ref (model, fal's URLs) is kept, not the server's.
    expect(final.model).toBe('fal-ai/veo3');
    expect(seen).toEqual(['running', 'completed']);
    expect(sim.count({ endpoint: 'status' })).toBe(0);
    expect(client.push!.isHealthy(submitted.ref)).toBe(false);
    expect(client.nextPollDelay(submitted.ref)).toBe(false);
  });

  it('polls on the schedule while the stream is down, and nothing is lost', async () => {
    const { sim, bus, route, client } = setup();
    const submitted = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a cat' } });
    const pushedHealth: boolean[] = [];
    client.push!.subscribeHealth((_ref, healthy) => pushedHealth.push(healthy));
    const done = client.wait(submitted.ref);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.push!.isHealthy(submitted.ref)).toBe(true);

    route.state.down = true;
    route.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.push!.isHealthy(submitted.ref)).toBe(false);
    expect(client.nextPollDelay(submitted.ref)).toBeLessThan(60_000);
    // While the stream is away the job ends; the webhook's event waits in the bus history.
    sim.complete(submitted.id);
    await providerCallsBack(sim, bus, submitted.id);
    await vi.advanceTimersByTimeAsync(15_000);
    const final = await done;
    expect(final.status).toBe('completed');
    expect(sim.count({ endpoint: 'status' })).toBeGreaterThanOrEqual(1);
    expect(pushedHealth).toEqual([true, false]);
  });

  it('catches up by polling when the stream drops, then stretches polling out again once it is back', async () => {
    const { sim, bus, route, client } = setup();
    const submitted = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a cat' } });
    const done = client.wait(submitted.ref);
    await vi.advanceTimersByTimeAsync(4000);
    // The job starts and its webhook comes through: the route is known to deliver.
    await providerCallsBack(sim, bus, submitted.id);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sim.count({ endpoint: 'status' })).toBe(0);
    route.drop();
    // The schedule was due: one catch-up poll while the stream reconnects (retry: 1 s).
    await vi.advanceTimersByTimeAsync(1300);
    expect(sim.count({ endpoint: 'status' })).toBe(1);
    expect(route.state.requests).toBe(2);
    expect(client.push!.isHealthy(submitted.ref)).toBe(true);
    expect(client.nextPollDelay(submitted.ref)).toBe(60_000);

    await vi.advanceTimersByTimeAsync(30_000);
    sim.complete(submitted.id);
    await providerCallsBack(sim, bus, submitted.id);
    expect((await done).status).toBe('completed');
    expect(sim.count({ endpoint: 'status' })).toBe(1);
  });

  it('sends no status poll for a 3-minute job while heartbeats keep its stream healthy (default safety interval)', async () => {
    const { sim, bus, route, client } = setup({ runMs: 180_000, safetyIntervalMs: undefined });
    const submitted = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a cat' } });
    const health: boolean[] = [];
    client.push!.subscribeHealth((_ref, healthy) => health.push(healthy));
    const done = client.wait(submitted.ref);
    await vi.advanceTimersByTimeAsync(100);
    await providerCallsBack(sim, bus, submitted.id);
    await vi.advanceTimersByTimeAsync(180_000);
    await providerCallsBack(sim, bus, submitted.id);
    const final = await done;
    expect(final.status).toBe('completed');
    expect(sim.count({ endpoint: 'status' })).toBe(0);
    // One connection for the whole job: no heartbeat was missed, so the stream never counted as stalled.
    expect(route.state.requests).toBe(1);
    expect(health).toEqual([true, false]); // connected once, closed after the terminal snapshot
  });

  it('treats a stream that stalls (connected, no heartbeats) as dropped within 2.5 heartbeats: polling resumes', async () => {
    // The server's heartbeat never comes: a proxy holding the connection open but passing nothing through.
    const { sim, route, client } = setup({ runMs: 120_000, safetyIntervalMs: undefined, heartbeatMs: 3_600_000 });
    const submitted = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a cat' } });
    const done = client.wait(submitted.ref);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.push!.isHealthy(submitted.ref)).toBe(true);
    // No webhook has come through: the widened poll (20 s) runs while the stream looks healthy.
    await vi.advanceTimersByTimeAsync(37_000);
    expect(sim.count({ endpoint: 'status' })).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    // Stalled at 37.5 s: a catch-up poll at once (the schedule was due long ago) and a reconnect.
    expect(sim.count({ endpoint: 'status' })).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(route.state.requests).toBe(2);
    // The job ends unannounced (no webhook): polling, not the silent stream, finds it.
    await vi.advanceTimersByTimeAsync(120_000);
    expect((await done).status).toBe('completed');
    expect(sim.count({ endpoint: 'status' })).toBeGreaterThanOrEqual(3);
  });

  it('has no push state without events, and polls as before', async () => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 2000 } });
    const client = createVideoClient({
      providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
      fetch: sim.fetch,
    });
    expect(client.push).toBeUndefined();
    const submitted = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a cat' } });
    const done = client.wait(submitted.ref);
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await done).status).toBe('completed');
    expect(sim.count({ endpoint: 'status' })).toBeGreaterThan(0);
  });

  it('refuses the bare route (events before pushEvents) with the fix, and opens no stream', () => {
    const sim = createSimulator();
    const route = eventsRoute(createMemoryJobEventBus());
    for (const events of ['/api/video/events', { url: EVENTS_URL, fetch: route.fetch }]) {
      const create = () =>
        createVideoClient({
          providers: { fal: fal({ baseUrl: sim.baseUrl('fal') }) },
          fetch: sim.fetch,
          // The option as it was typed before push became opt-in.
          events: events as unknown as PushEvents,
        });
      expect(create).toThrow(
        expect.objectContaining({
          kind: 'invalid_input',
          field: 'events',
          message: expect.stringContaining(
            typeof events === 'string' ? 'pushEvents("/api/video/events")' : 'pushEvents({ url, ...options })',
          ),
        }),
      );
    }
    expect(route.state.requests).toBe(0);
  });

  it('pushEvents needs a route', () => {
    expect(() => pushEvents('')).toThrow(expect.objectContaining({ kind: 'invalid_input', field: 'events' }));
    expect(pushEvents('/api/video/events').options).toEqual({ url: '/api/video/events' });
  });
});
