// A Redis outage, on a real redis-server killed and restarted: the process survives, a publish fails fast so the
// webhook answers 5xx (the provider retries), a stream opened during the outage answers 503 with Retry-After, and
// streams resume after the reconnect.
import { createClient } from 'redis';
import { createSnapshot, type JobSnapshot } from '../../src/core/jobSnapshot';
import { createSseParser, type ServerSentEvent } from '../../src/core/sseParser';
import { replicate } from '../../src/providers/replicate';
import { createJobEventsHandler } from '../../src/server/createJobEventsHandler';
import { createWebhookHandler } from '../../src/server/createWebhookHandler';
import { createRedisJobEventBus } from '../../src/server/redisJobEventBus';
import { createSimulator } from '../../src/testing';
import { callbackBody, standardHeaders, submitVia } from '../server/providerCallbacks';
import { startRedisServer, type RedisServer } from '../server/redisServer';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

const SECRET = 'whsec_' + Buffer.from('replicate-test-secret-32-bytes!!').toString('base64');

function running(id: string): JobSnapshot {
  return createSnapshot({ ref: { provider: 'replicate', id, model: 'acme/video-model' }, status: 'running' }, 1);
}

function readEvents(response: Response) {
  const events: ServerSentEvent[] = [];
  const parser = createSseParser({ onEvent: (event) => events.push(event) });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      parser.feed(value!);
    }
  })();
  return { events, cancel: () => reader.cancel().catch(() => undefined) };
}

describe('Redis killed and restarted under the job event bus', () => {
  it('survives, fails fast, answers 5xx and 503, and resumes streams after the reconnect', async () => {
    // As the README sets them up: no error listener of the app's own.
    const publisher = createClient({ url: redis.url, socket: { reconnectStrategy: () => 100 } });
    await publisher.connect();
    const subscriber = publisher.duplicate();
    await subscriber.connect();
    const errors: Error[] = [];
    const bus = createRedisJobEventBus({ publisher, subscriber, onError: (error) => errors.push(error) });
    const events = createJobEventsHandler({ bus, owners: false, heartbeatMs: 60_000, retryMs: 3000 });
    const updates: JobSnapshot[] = [];
    const webhooks = createWebhookHandler({
      providers: { replicate: replicate() },
      secrets: { replicate: SECRET },
      env: {},
      bus,
      onJobUpdate: (snapshot) => void updates.push(snapshot),
      onError: () => {},
    });
    const open = (id: string) =>
      events(new Request(`https://app.example/api/video/events?provider=replicate&id=${id}`));

    const before = await open('job-before');
    expect(before.status).toBe(200);
    const stream = readEvents(before);

    await redis.stop({ kill: true });
    await vi.waitFor(() => expect(publisher.isReady).toBe(false));
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));

    // A publish during the outage fails fast.
    const started = Date.now();
    await expect(bus.publish(running('job-before'))).rejects.toThrow(/Redis/);
    expect(Date.now() - started).toBeLessThan(2500);

    // The provider's webhook gets a 5xx, so it delivers again later.
    const sim = createSimulator();
    const submitted = await submitVia(sim, replicate(), 'acme/video-model', { prompt: 'a cat' });
    sim.complete(submitted.id);
    const body = JSON.stringify(await callbackBody(sim, submitted.ref));
    const deliver = () =>
      webhooks(
        new Request('https://app.example/api/video/webhooks/replicate', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', ...standardHeaders(SECRET, 'msg_outage', body) },
        }),
      );
    const during = await deliver();
    expect(during.status).toBeGreaterThanOrEqual(500);

    // A stream opened during the outage answers 503 with Retry-After instead of hanging.
    const opened = Date.now();
    const refused = await open('job-during');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(Date.now() - opened).toBeLessThan(2500);

    await redis.restart();
    await vi.waitFor(() => expect(publisher.isReady && subscriber.isReady).toBe(true), { timeout: 10_000 });

    // The redelivery is handled for real now: the app heard it (at least once: the failed attempt ran it too) and
    // the bus carries it.
    expect((await deliver()).status).toBe(200);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(new Set(updates.map((update) => update.status))).toEqual(new Set(['completed']));
    const replayed = await bus.replay(`replicate:${submitted.id}`);
    expect(replayed.at(-1)?.snapshot.status).toBe('completed');

    // The stream opened before the outage hears what is published after the reconnect.
    await vi.waitFor(
      async () => {
        await bus.publish(running('job-before'));
        expect(stream.events.some((event) => event.event === 'snapshot')).toBe(true);
      },
      { timeout: 10_000, interval: 300 },
    );
    await stream.cancel();
    await bus.close();
    await subscriber.close();
    await publisher.close();
  }, 40_000);
});
