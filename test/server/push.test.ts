// Push end to end over real loopback servers: a simulated provider finishes a job, its webhook is POSTed to the
// app, verified, published on the bus, and the browser's job event stream delivers it, with no status poll.
import { createClient } from 'redis';
import type { JobRef, JobSnapshot } from '../../src/core/jobSnapshot';
import { subscribeJobEvents, type JobEventSubscription } from '../../src/core/jobEventSource';
import { replicate } from '../../src/providers/replicate';
import { createMemoryJobEventBus, createRedisJobEventBus, type JobEventBus } from '../../src/server';
import { createSimulator, type Simulator } from '../../src/testing';
import { startAppServer, type AppServer } from './appServer';
import { callbackBody, simContext, standardHeaders } from './providerCallbacks';
import { startRedisServer, type RedisServer } from './redisServer';

const SECRET = 'whsec_' + Buffer.from('push-test-secret-0123456789abcdef').toString('base64');

/** The simulator's fetch, counting what the proxy forwards by endpoint (the browser's requests to the provider). */
function countingUpstream(sim: Simulator) {
  const forwarded: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    forwarded.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    return sim.fetch(input, init);
  }) as typeof fetch;
  return { fetch: fetchFn, statusPolls: () => forwarded.filter((line) => line.startsWith('GET ')).length, forwarded };
}

/** What the provider does when the job changes: POST its signed callback to the URL it was given at submit. */
async function deliverWebhook(sim: Simulator, ref: JobRef, messageId: string): Promise<Response> {
  const url = sim.job(ref.id)!.webhookUrl!;
  const body = JSON.stringify(await callbackBody(sim, ref));
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...standardHeaders(SECRET, messageId, body) },
  });
}

/** Submits like a browser: the adapter holds no key and goes through the app's proxy. */
async function submitThroughProxy(app: AppServer, webhookApp: AppServer = app): Promise<JobSnapshot> {
  const browserAdapter = replicate({ proxyUrl: `${app.url}/api/video/proxy` });
  const ctx = simContext(createSimulator(), globalThis.fetch);
  return browserAdapter.submit(ctx, {
    model: 'acme/video-model',
    input: { prompt: 'a cat surfing' },
    webhookUrl: `${webhookApp.url}/api/video/webhooks/replicate`,
  });
}

function follow(app: AppServer, ref: JobRef): { got: JobSnapshot[]; subscription: JobEventSubscription } {
  const got: JobSnapshot[] = [];
  const subscription = subscribeJobEvents(`${app.url}/api/video/events`, ref, {
    onSnapshot: (snapshot) => got.push(snapshot),
    reconnectDelayMs: 50,
  });
  return { got, subscription };
}

function appFor(sim: Simulator, bus: JobEventBus, upstream: typeof fetch) {
  return startAppServer({
    bus,
    providers: { replicate: replicate() },
    secrets: { replicate: SECRET },
    upstream,
    env: { REPLICATE_API_TOKEN: 'r8_server_only' },
    retryMs: 50,
  });
}

describe('push end to end, one instance (memory bus)', () => {
  let app: AppServer;
  afterEach(async () => app?.close());

  it('delivers the completed job to the browser stream with zero status polls', async () => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 3_600_000 } });
    const upstream = countingUpstream(sim);
    app = await appFor(sim, createMemoryJobEventBus(), upstream.fetch);
    const submitted = await submitThroughProxy(app);
    expect(sim.job(submitted.id)!.webhookUrl).toBe(`${app.url}/api/video/webhooks/replicate`);

    const { got, subscription } = follow(app, submitted.ref);
    await vi.waitFor(() => expect(subscription.healthy).toBe(true));
    sim.complete(submitted.id);
    const response = await deliverWebhook(sim, submitted.ref, 'msg_done');
    expect(response.status).toBe(200);

    await vi.waitFor(() => expect(got.at(-1)?.status).toBe('completed'));
    expect(got.at(-1)!.video!.url).toMatch(/^https?:\/\//);
    expect(subscription.closed).toBe(true);
    expect(upstream.statusPolls()).toBe(0);
    expect(upstream.forwarded).toEqual(['POST /v1/models/acme/video-model/predictions']);
  });

  it('loses nothing across a dropped stream: the reconnect resumes with Last-Event-ID', async () => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 3_600_000 } });
    const upstream = countingUpstream(sim);
    app = await appFor(sim, createMemoryJobEventBus(), upstream.fetch);
    const submitted = await submitThroughProxy(app);
    const { got, subscription } = follow(app, submitted.ref);
    await vi.waitFor(() => expect(subscription.healthy).toBe(true));

    expect((await deliverWebhook(sim, submitted.ref, 'msg_start')).status).toBe(200);
    await vi.waitFor(() => expect(got.map((s) => s.status)).toEqual(['running']));
    const seenId = subscription.lastEventId;
    expect(seenId).toBeDefined();

    // The instance goes away: streams drop and reconnects are refused while the job ends.
    app.refuseEvents(true);
    app.dropConnections();
    await vi.waitFor(() => expect(subscription.healthy).toBe(false));
    sim.complete(submitted.id);
    expect((await deliverWebhook(sim, submitted.ref, 'msg_done')).status).toBe(200);
    expect(got.map((s) => s.status)).toEqual(['running']);
    app.refuseEvents(false);

    await vi.waitFor(() => expect(got.map((s) => s.status)).toEqual(['running', 'completed']), { timeout: 5000 });
    expect(app.eventRequests).toEqual([null, seenId]);
    expect(subscription.lastEventId).not.toBe(seenId);
    expect(upstream.statusPolls()).toBe(0);
  });
});

describe('push end to end, two instances through Redis (real redis-server)', () => {
  let redis: RedisServer;
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => redis?.stop());

  async function redisBus(): Promise<JobEventBus> {
    const publisher = createClient({ url: redis.url });
    await publisher.connect();
    const subscriber = publisher.duplicate();
    await subscriber.connect();
    const bus = createRedisJobEventBus({ publisher, subscriber, prefix: 'push-e2e:' });
    cleanups.push(async () => {
      await bus.close();
      await subscriber.close();
      await publisher.close();
    });
    return bus;
  }

  it('a webhook landing on instance A reaches a browser streaming from instance B', async () => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 3_600_000 } });
    const upstream = countingUpstream(sim);
    const a = await appFor(sim, await redisBus(), upstream.fetch);
    const b = await appFor(sim, await redisBus(), upstream.fetch);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );

    const submitted = await submitThroughProxy(b, a);
    const { got, subscription } = follow(b, submitted.ref);
    await vi.waitFor(() => expect(subscription.healthy).toBe(true));
    expect((await deliverWebhook(sim, submitted.ref, 'msg_start')).status).toBe(200);
    await vi.waitFor(() => expect(got.map((s) => s.status)).toEqual(['running']));

    // The browser's stream drops and reconnects to instance A while the job ends: Redis history fills the gap.
    b.dropConnections();
    sim.complete(submitted.id);
    expect((await deliverWebhook(sim, submitted.ref, 'msg_done')).status).toBe(200);
    const resumed = subscribeJobEvents(`${a.url}/api/video/events`, submitted.ref, {
      lastEventId: subscription.lastEventId,
      onSnapshot: (snapshot) => got.push(snapshot),
    });
    subscription.close();
    await vi.waitFor(() => expect(got.map((s) => s.status)).toEqual(['running', 'completed']));
    expect(resumed.closed).toBe(true);
    expect(upstream.statusPolls()).toBe(0);
  });
});
