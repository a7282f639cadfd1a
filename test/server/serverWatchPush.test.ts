// Issue 11 point 3, "push can leave the UI stuck": a browser on `events` whose job's webhook never arrives (local
// dev, an unreachable webhook route, the simulator) must still notice the end within 30 s; with webhooks delivered
// it keeps to <= 2 requests per job. Two halves: createJobEventsHandler({ watch }) has the server follow each job it
// streams with its own keyed client (the browser keeps one request, its stream), and without it the browser keeps a
// widened poll (20 s) until a webhook of the provider has come through. Everything runs in process on fake timers;
// the browser's client and the server's client each have their own counted `fetch` to the simulator.
import { pushEvents } from '../../src/core/clientPush';
import { createVideoClient } from '../../src/core/createVideoClient';
import { createSnapshot, type JobRef } from '../../src/core/jobSnapshot';
import type { PushUpdatesOptions } from '../../src/core/pushUpdates';
import type { VideoClient } from '../../src/core/videoClient';
import { VideoJobError } from '../../src/core/videoJobError';
import { fal } from '../../src/providers/fal';
import { createJobEventsHandler, type JobEventsHandlerOptions } from '../../src/server/createJobEventsHandler';
import { createMemoryJobEventBus, type JobEventBus } from '../../src/server/jobEventBus';
import { createSimulator, type Simulator } from '../../src/testing';

const EVENTS_URL = 'https://app.test/api/video/events';
const MODEL = 'fal-ai/veo3';
/** Long enough for every job here: the client's default (10 min) would end a 600 s job's wait first. */
const WAIT = { timeoutMs: 3_600_000 };

/** Counts requests per job id (the path segment after `/requests/`) for one side (browser or server). */
function counted(sim: Simulator, skip: (request: Request) => boolean = () => false) {
  const perJob = new Map<string, number>();
  const urls: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!skip(request)) {
      urls.push(request.url);
      const id = /\/requests\/([^/?]+)/.exec(new URL(request.url).pathname)?.[1];
      if (id) perJob.set(id, (perJob.get(id) ?? 0) + 1);
    }
    return sim.fetch(input, init);
  }) as typeof fetch;
  return { fetch: fetchFn, forJob: (id: string) => perJob.get(id) ?? 0, urls };
}

interface SetupOptions {
  runMs?: number;
  queueMs?: number;
  /** The events handler's `watch`; `false` for none (a server without it, or from before it). */
  watch?: false | Partial<NonNullable<JobEventsHandlerOptions['watch']>>;
  /** The server's `fetch` to the provider, given the simulator; defaults to a counted one. */
  serverFetch?: (sim: Simulator) => typeof fetch;
  /** More of the browser's `events` options. */
  events?: Partial<PushUpdatesOptions>;
}

function setup(options: SetupOptions = {}) {
  const sim = createSimulator({ job: { queueMs: options.queueMs ?? 2000, runMs: options.runMs ?? 90_000 } });
  const bus = createMemoryJobEventBus();
  const server = counted(sim);
  const serverClients: VideoClient[] = [];
  const makeServerClient = vi.fn(() => {
    const client = createVideoClient({
      providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), apiKey: 'server-only-key', streaming: false }) },
      fetch: options.serverFetch?.(sim) ?? server.fetch,
      // No jitter from Math.random: a test that lands a webhook between two server polls must know when they are.
      random: () => 0.5,
    });
    serverClients.push(client);
    return client;
  });
  const errors: VideoJobError[] = [];
  const handler = createJobEventsHandler({
    bus,
    owners: false,
    ...(options.watch === false
      ? {}
      : { watch: { client: makeServerClient, onError: (error) => errors.push(error), ...options.watch } }),
  });
  // The browser: its stream connections per job, and its requests to the provider (the proxy) after submit.
  const streams = new Map<string, number>();
  const eventsFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const id = new URL(String(input)).searchParams.get('id') ?? '';
    streams.set(id, (streams.get(id) ?? 0) + 1);
    const controller = new AbortController();
    init?.signal?.addEventListener('abort', () => controller.abort());
    return handler(new Request(String(input), { ...init, signal: controller.signal }));
  }) as typeof fetch;
  const browserProvider = counted(sim, (request) => request.method === 'POST');
  /** A browser (one per user, or per page load); they share the counters. */
  const newBrowser = () =>
    createVideoClient({
      providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
      fetch: browserProvider.fetch,
      events: pushEvents({ url: EVENTS_URL, fetch: eventsFetch, ...options.events }),
      random: () => 0.5,
    });
  const browser = newBrowser();
  /** After the submit: the stream connections plus every status/result request. */
  const browserRequests = (id: string) => (streams.get(id) ?? 0) + browserProvider.forJob(id);
  return { sim, bus, server, serverClients, makeServerClient, errors, handler, browser, newBrowser, browserRequests };
}

/** Runs fake time in 250 ms steps until `done` settles (or `limitMs` passes); returns when it settled (epoch ms). */
async function runUntil(done: Promise<unknown>, limitMs: number): Promise<number | undefined> {
  let at: number | undefined;
  void done.then(
    () => (at = Date.now()),
    () => (at = Date.now()),
  );
  for (let elapsed = 0; at === undefined && elapsed < limitMs; elapsed += 250) await vi.advanceTimersByTimeAsync(250);
  return at;
}

/** What the webhook handler publishes when the provider calls back about a finished job. */
async function webhookArrives(bus: JobEventBus, id: string): Promise<void> {
  const ref = { provider: 'fal', id, model: MODEL };
  await bus.publish(createSnapshot({ ref, status: 'completed', video: { url: 'https://cdn.example/out.mp4' } }));
}

/** A stream opened straight on the handler (no client), as a second tab would hold one. */
async function openStream(handler: ReturnType<typeof createJobEventsHandler>, ref: JobRef, query = '') {
  const controller = new AbortController();
  const url = `${EVENTS_URL}?provider=${ref.provider}&id=${encodeURIComponent(ref.id)}${query || `&model=${encodeURIComponent(ref.model)}`}`;
  const response = await handler(new Request(url, { signal: controller.signal }));
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      chunks.push(decoder.decode(value));
    }
  })();
  return { close: () => controller.abort(), text: () => chunks.join('') };
}

/** Queue times stepped so the end falls at a different phase of every poll cycle (2.0 .. 14.7 s). */
const PHASES = [2000, 5170, 8340, 11_510, 14_680];

/**
 * Runs four jobs one after another, each on `browserFor(index)`; the provider's webhook reaches the server 100 ms
 * after each end and is published to the bus. Returns each job's browser requests and how long after its end it was
 * noticed.
 */
async function jobsWithWebhooks(
  sim: Simulator,
  bus: JobEventBus,
  browserRequests: (id: string) => number,
  browserFor: (index: number) => VideoClient,
): Promise<{ perJob: number[]; notices: number[] }> {
  const perJob: number[] = [];
  const notices: number[] = [];
  for (let index = 0; index < 4; index++) {
    const browser = browserFor(index);
    const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: `job ${index}` } });
    const job = sim.job(submitted.id)!;
    const endAt = job.createdAt + job.spec.queueMs + job.spec.runMs;
    setTimeout(() => void webhookArrives(bus, submitted.id), endAt - Date.now() + 100);
    const noticedAt = await runUntil(browser.wait(submitted.ref, WAIT), 200_000);
    notices.push(noticedAt! - endAt);
    perJob.push(browserRequests(submitted.id));
  }
  return { perJob, notices };
}

describe('createJobEventsHandler({ watch }): the server watches the jobs it streams', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  // (ii) No webhook ever arrives: the server's watcher finds the end; the browser only holds its stream.
  for (const runMs of [90_000, 600_000]) {
    it(`no webhook, a ${runMs / 1000} s job: the end is noticed within 30 s at every phase, 1 browser request`, async () => {
      const notices: number[] = [];
      for (const queueMs of PHASES) {
        const { sim, browser, browserRequests, errors } = setup({ runMs, queueMs });
        const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
        const done = browser.wait(submitted.ref, WAIT);
        const noticedAt = await runUntil(done, runMs + 120_000);
        expect(noticedAt, 'the browser never noticed the end').toBeDefined();
        const final = await done;
        expect(final.status).toBe('completed');
        expect(final.video?.url).toMatch(/^https?:/);
        notices.push(noticedAt! - sim.job(submitted.id)!.endedAt!);
        // One request: the stream. No status poll from the browser.
        expect(browserRequests(submitted.id)).toBe(1);
        expect(errors).toEqual([]);
      }
      expect(Math.max(...notices)).toBeLessThanOrEqual(30_000);
      // The server's schedule (its 5 s blind cap) is what bounds it in practice.
      expect(Math.max(...notices)).toBeLessThanOrEqual(6_000);
    });
  }

  it('reads no key and builds no client until the first stream (safe at import and in `next build`)', async () => {
    const { makeServerClient, browser } = setup();
    expect(makeServerClient).not.toHaveBeenCalled();
    const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
    expect(makeServerClient).not.toHaveBeenCalled();
    void browser.wait(submitted.ref).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(makeServerClient).toHaveBeenCalledTimes(1);
  });

  // (iii) The webhook arrives: it ends the job at once, the watcher stops, the browser still sent one request.
  it('webhook delivered: end noticed within 1 s of it, <= 2 browser requests, the watcher stops', async () => {
    for (const runMs of [30_000, 90_000, 300_000]) {
      const { sim, bus, server, browser, browserRequests } = setup({ runMs });
      const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
      const done = browser.wait(submitted.ref, WAIT);
      // The provider ends the job and its webhook lands 50 ms later, before the server's next poll could see it.
      const endAt = sim.job(submitted.id)!.createdAt + 2000 + runMs;
      await vi.advanceTimersByTimeAsync(endAt - Date.now() - 100);
      sim.complete(submitted.id);
      await vi.advanceTimersByTimeAsync(50);
      const webhookAt = Date.now();
      const serverPolls = server.forJob(submitted.id);
      await webhookArrives(bus, submitted.id);
      const noticedAt = await runUntil(done, 5000);
      expect(noticedAt! - webhookAt).toBeLessThanOrEqual(1000);
      expect((await done).video?.url).toBe('https://cdn.example/out.mp4');
      expect(browserRequests(submitted.id)).toBeLessThanOrEqual(2);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(server.forJob(submitted.id)).toBe(serverPolls);
    }
  });

  it('two streams on the same job share one server-side watcher', async () => {
    const { sim, server, serverClients, makeServerClient, handler, browser } = setup({ runMs: 3_600_000 });
    const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
    // The browser's own stream (opened at submit) holds the watcher; two more tabs join it.
    const first = await openStream(handler, submitted.ref);
    await vi.advanceTimersByTimeAsync(0);
    const watch = vi.spyOn(serverClients[0]!, 'watch');
    const second = await openStream(handler, submitted.ref);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(makeServerClient).toHaveBeenCalledTimes(1);
    expect(watch).not.toHaveBeenCalled();
    // One schedule: a running job without progress is polled about every 5 s (the blind cap), not twice as often.
    const polls = server.forJob(submitted.id);
    expect(polls).toBeGreaterThanOrEqual(10);
    expect(polls).toBeLessThanOrEqual(16);
    sim.complete(submitted.id);
    await vi.advanceTimersByTimeAsync(6000);
    expect(first.text()).toContain('event: watch\ndata: {"watching":true}');
    expect(first.text()).toContain('"status":"completed"');
    expect(second.text()).toContain('"status":"completed"');
  });

  it('stops watching when the last stream closes, not before', async () => {
    const { server, handler, browser } = setup({ runMs: 3_600_000 });
    const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
    const first = await openStream(handler, submitted.ref);
    const second = await openStream(handler, submitted.ref);
    // The browser leaves (its stream closes); two tabs still listen.
    browser.forget(submitted.ref);
    await vi.advanceTimersByTimeAsync(30_000);
    first.close();
    const before = server.forJob(submitted.id);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(server.forJob(submitted.id)).toBeGreaterThan(before);
    second.close();
    await vi.advanceTimersByTimeAsync(0);
    const stopped = server.forJob(submitted.id);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(server.forJob(submitted.id)).toBe(stopped);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up after maxWatchMs: reported, the streams say so, and the browser finds the end by its own poll', async () => {
    const { sim, server, browser, errors, handler } = setup({ runMs: 200_000, watch: { maxWatchMs: 60_000 } });
    const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
    const tab = await openStream(handler, submitted.ref);
    const done = browser.wait(submitted.ref, WAIT);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(errors.map((error) => error.kind)).toEqual(['timeout']);
    expect(errors[0]!.message).toMatch(/maxWatchMs/);
    expect(tab.text()).toContain('event: watch\ndata: {"watching":false}');
    const serverPolls = server.forJob(submitted.id);
    const noticedAt = await runUntil(done, 300_000);
    expect(noticedAt! - sim.job(submitted.id)!.endedAt!).toBeLessThanOrEqual(30_000);
    expect(server.forJob(submitted.id)).toBe(serverPolls);
    tab.close();
  });

  it('a provider that refuses the server key: reported once naming provider and job; the browser polls again', async () => {
    const refusing = () =>
      (async () =>
        new Response(JSON.stringify({ detail: 'bad key' }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        })) as typeof fetch;
    const { sim, browser, errors } = setup({ runMs: 60_000, serverFetch: refusing });
    const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
    const done = browser.wait(submitted.ref, WAIT);
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(VideoJobError);
    expect(errors[0]!.kind).toBe('auth');
    expect(errors[0]!.provider).toBe('fal');
    expect(errors[0]!.jobId).toBe(submitted.id);
    expect(errors[0]!.message).toMatch(/key/i);
    // The stream stays (webhooks may still come), but it no longer says the server watches: widened poll.
    expect(browser.push!.isHealthy(submitted.ref)).toBe(true);
    expect(browser.push!.isDelivering(submitted.ref)).toBe(false);
    const noticedAt = await runUntil(done, 200_000);
    expect(noticedAt! - sim.job(submitted.id)!.endedAt!).toBeLessThanOrEqual(30_000);
    expect(errors).toHaveLength(1);
  });

  it('a network that keeps failing: the watcher backs off and retries without throwing, and finds the end once it heals', async () => {
    let down = true;
    const flaky = (sim: Simulator) =>
      (async (input: RequestInfo | URL, init?: RequestInit) => {
        if (down) throw new TypeError('fetch failed');
        return sim.fetch(input, init);
      }) as typeof fetch;
    const { browser, browserRequests, errors } = setup({ runMs: 60_000, serverFetch: flaky });
    const { ref } = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
    const done = browser.wait(ref, WAIT);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(errors).toEqual([]);
    down = false;
    const noticedAt = await runUntil(done, 60_000);
    expect(noticedAt).toBeDefined();
    expect((await done).status).toBe('completed');
    expect(browserRequests(ref.id)).toBe(1);
  });

  it('a client factory that throws (a missing key) is reported, and the stream still serves webhooks', async () => {
    const { bus, browser, browserRequests, errors } = setup({
      watch: {
        client: () => {
          throw new VideoJobError({ kind: 'invalid_input', message: 'FAL_KEY is not set' });
        },
      },
    });
    const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
    const done = browser.wait(submitted.ref, WAIT);
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors.map((error) => error.message)).toEqual([expect.stringMatching(/FAL_KEY/)]);
    expect(errors[0]!.jobId).toBe(submitted.id);
    await webhookArrives(bus, submitted.id);
    expect(await runUntil(done, 2000)).toBeDefined();
    expect(browserRequests(submitted.id)).toBe(1);
  });

  it("the stream's model/meta cannot send the server's key to another host (URLs come from the server's adapter)", async () => {
    const { sim, server, handler, serverClients, makeServerClient } = setup({ runMs: 3_600_000 });
    const ref = { provider: 'fal', id: 'job-1', model: MODEL };
    const hostile = [
      // Refused: the server does not watch these at all.
      ['&model=https%3A%2F%2Fevil.example%2Fx', false],
      ['&model=%2F%2Fevil.example%2Fx', false],
      ['&model=..%2F..%2Fevil', false],
      ['&model=fal-ai%2Fveo3%3Fx%3D%40evil.example', false],
      ['&model=fal-ai%2Fveo3&meta.statusUrl=https%3A%2F%2Fevil.example%2Fstatus', false],
      ['&model=fal-ai%2Fveo3&meta.endpoint=%2F%2Fevil.example', false],
      ['&model=fal-ai%2Fveo3&meta.x=a%5Cevil.example', false],
      // Accepted as model ids or ignored: whatever they say, the path is built on the adapter's own host.
      ['&model=evil.example%3A443%2Fx', true],
      ['&model=%40evil.example%2Fx', true],
      [
        '&model=fal-ai%2Fveo3&urls.status=https%3A%2F%2Fevil.example%2Fs&status_url=https%3A%2F%2Fevil.example%2Fs',
        true,
      ],
    ] as const;
    for (const [index, [query, watched]] of hostile.entries()) {
      const stream = await openStream(handler, { ...ref, id: `job-${index}` }, query);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(stream.text().includes('"watching":true'), query).toBe(watched);
      stream.close();
    }
    expect(server.urls.length).toBeGreaterThan(0);
    for (const url of server.urls) {
      expect(new URL(url).origin, url).toBe(sim.origin);
      expect(new URL(url).pathname.startsWith('/fal/'), url).toBe(true);
    }
    // And a ref that did carry a foreign URL is refused by fal's adapter before any request (pinned here too).
    expect(makeServerClient).toHaveBeenCalled();
    const before = server.urls.length;
    const foreign = { ...ref, id: 'job-x', urls: { status: 'https://evil.example/fal-ai/veo3/requests/job-x/status' } };
    await expect(serverClients[0]!.getStatus(foreign)).rejects.toMatchObject({ kind: 'invalid_input' });
    expect(server.urls.length).toBe(before);
  });

  it('a query the server will not poll gets no `watch`: the browser keeps its widened poll', async () => {
    const { browser, sim } = setup({ runMs: 60_000 });
    // A model with a scheme-like segment (never a real model id) is refused as a job to watch.
    const submitted = await browser.submit({
      provider: 'fal',
      model: 'https:/fal-ai/veo3',
      input: { prompt: 'a cat' },
    });
    const done = browser.wait(submitted.ref, WAIT);
    await vi.advanceTimersByTimeAsync(100);
    expect(browser.push!.isHealthy(submitted.ref)).toBe(true);
    expect(browser.push!.isDelivering(submitted.ref)).toBe(false);
    const noticedAt = await runUntil(done, 200_000);
    expect(noticedAt! - sim.job(submitted.id)!.endedAt!).toBeLessThanOrEqual(30_000);
  });
});

describe('createJobEventsHandler without `watch` (or a server from before it): the browser polls', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  // (i) The issue's case: events configured, no webhook ever delivered, nobody watching. On HEAD the browser waited
  // for the 5-minute safety poll (a 90 s job sat on "In queue" for minutes).
  it('no webhook ever: the end is noticed within 30 s, max over run times and phases', async () => {
    const notices: number[] = [];
    const requests: number[] = [];
    for (const runMs of [30_000, 90_000, 300_000]) {
      for (const queueMs of PHASES) {
        const { sim, browser, browserRequests } = setup({ runMs, queueMs, watch: false });
        const submitted = await browser.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a cat' } });
        const done = browser.wait(submitted.ref, WAIT);
        const noticedAt = await runUntil(done, runMs + 120_000);
        expect(noticedAt, `${runMs} ms job, queue ${queueMs} ms: never noticed`).toBeDefined();
        expect((await done).status).toBe('completed');
        notices.push(noticedAt! - sim.job(submitted.id)!.endedAt!);
        requests.push(browserRequests(submitted.id));
      }
    }
    expect(Math.max(...notices)).toBeLessThanOrEqual(30_000);
    // The price of no watcher and no webhook: a poll every 20 s of the job's life (a 300 s job: ~17), a quarter of
    // the schedule's blind 5 s cap.
    expect(Math.max(...requests)).toBeLessThanOrEqual(1 + Math.ceil((300_000 + 15_000) / 20_000) + 2);
  });

  it('webhooks delivered (completion only, as fal sends them): after the first job, <= 2 requests per job, noticed within 1 s', async () => {
    const { sim, bus, browser, browserRequests } = setup({ runMs: 90_000, watch: false });
    const { perJob, notices } = await jobsWithWebhooks(sim, bus, browserRequests, () => browser);
    // The first job cannot know webhooks work: it pays the widened poll (about one request per 20 s).
    expect(perJob[0]).toBeGreaterThan(2);
    expect(perJob.slice(1)).toEqual([1, 1, 1]);
    expect(Math.max(...notices)).toBeLessThanOrEqual(1000);
  });

  it('the first webhook that reaches the server is told to the streams already open for that provider', async () => {
    const { sim, bus, newBrowser, browserRequests } = setup({ runMs: 90_000, watch: false });
    const first = newBrowser();
    const second = newBrowser();
    const a = await first.submit({ provider: 'fal', model: MODEL, input: { prompt: 'job a' } });
    await vi.advanceTimersByTimeAsync(40_000);
    const b = await second.submit({ provider: 'fal', model: MODEL, input: { prompt: 'job b' } });
    const doneB = second.wait(b.ref, WAIT);
    const aEnds = sim.job(a.id)!.createdAt + 92_000;
    await vi.advanceTimersByTimeAsync(aEnds - Date.now() + 100);
    expect(second.push!.isDelivering(b.ref)).toBe(false);
    await webhookArrives(bus, a.id);
    await vi.advanceTimersByTimeAsync(0);
    // B's browser never saw A's webhook: the server told B's stream, and B is on the safety poll from now on.
    expect(second.push!.isDelivering(b.ref)).toBe(true);
    const polled = browserRequests(b.id);
    const bEnds = sim.job(b.id)!.createdAt + 92_000;
    await vi.advanceTimersByTimeAsync(bEnds - Date.now() + 100);
    await webhookArrives(bus, b.id);
    expect(await runUntil(doneB, 1000)).toBeDefined();
    expect(browserRequests(b.id)).toBe(polled);
  });

  it("webhooks delivered, a new browser per job: the server vouches for the provider's webhooks to the next ones", async () => {
    const { sim, bus, newBrowser, browserRequests, handler } = setup({ runMs: 90_000, watch: false });
    const { perJob, notices } = await jobsWithWebhooks(sim, bus, browserRequests, newBrowser);
    // Only the server's first job pays; each later browser is told at once that fal's webhooks reach the server.
    expect(perJob[0]).toBeGreaterThan(2);
    expect(perJob.slice(1)).toEqual([1, 1, 1]);
    expect(Math.max(...notices)).toBeLessThanOrEqual(1000);
    const tab = await openStream(handler, { provider: 'fal', id: 'job-next', model: MODEL });
    await vi.advanceTimersByTimeAsync(0);
    expect(tab.text()).toContain('event: watch\ndata: {"watching":false,"webhooks":true}');
    tab.close();
    // An hour without any webhook: the server no longer vouches (the route may have broken since).
    await vi.advanceTimersByTimeAsync(3_600_000);
    const later = await openStream(handler, { provider: 'fal', id: 'job-later', model: MODEL });
    await vi.advanceTimersByTimeAsync(0);
    expect(later.text()).toContain(': connected');
    expect(later.text()).not.toContain('"webhooks":true');
    later.close();
  });
});
