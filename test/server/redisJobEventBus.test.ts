// The Redis job event bus against a real redis-server on 127.0.0.1 (started here; no skip when it is missing).
import { createClient } from 'redis';
import { createSnapshot, type JobSnapshot } from '../../src/core/jobSnapshot';
import type { JobStatus } from '../../src/core/jobStatus';
import type { JobEvent } from '../../src/server/jobEventBus';
import { createRedisJobEventBus, type RedisJobEventBusOptions } from '../../src/server/redisJobEventBus';
import { startRedisServer, type RedisServer } from './redisServer';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

const ref = { provider: 'fal', id: 'req-1', model: 'fal-ai/veo3' };
function snapshot(status: JobStatus, id = ref.id): JobSnapshot {
  return createSnapshot(
    status === 'completed'
      ? { ref: { ...ref, id }, status, video: { url: 'https://cdn.example/v.mp4' } }
      : { ref: { ...ref, id }, status },
    1,
  );
}

/** One "server instance": its own pair of connections and its own bus. */
async function instance(prefix: string, extra: Partial<RedisJobEventBusOptions> = {}) {
  const publisher = createClient({ url: redis.url });
  await publisher.connect();
  const subscriber = publisher.duplicate();
  await subscriber.connect();
  const bus = createRedisJobEventBus({ publisher, subscriber, prefix, ...extra });
  return {
    bus,
    publisher,
    async close() {
      await bus.close();
      await subscriber.close();
      await publisher.close();
    },
  };
}

describe('createRedisJobEventBus (real redis-server)', () => {
  it('delivers an event published on one instance to listeners on another', async () => {
    const a = await instance('t1:');
    const b = await instance('t1:');
    try {
      const received: JobEvent[] = [];
      const stop = await b.bus.subscribe('fal:req-1', (event) => received.push(event));
      await b.bus.subscribe('fal:other', () => received.push({ id: 'wrong', key: 'x', snapshot: {} as never }));
      const published = await a.bus.publish(snapshot('running'));
      await vi.waitFor(() => expect(received).toHaveLength(1));
      expect(received[0]).toEqual(published);
      expect(received[0]!.snapshot.status).toBe('running');

      await stop();
      await a.bus.publish(snapshot('completed'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps a bounded, expiring history in Redis so any instance can replay what a stream missed', async () => {
    const a = await instance('t2:', { historySize: 3, historyTtlMs: 60_000 });
    const b = await instance('t2:', { historySize: 3 });
    try {
      const events: JobEvent[] = [];
      for (const status of ['queued', 'running', 'running', 'running', 'completed'] as const) {
        events.push(await a.bus.publish(snapshot(status)));
      }
      expect((await b.bus.replay('fal:req-1')).map((e) => e.id)).toEqual([events[4]!.id]);
      expect((await b.bus.replay('fal:req-1', events[2]!.id)).map((e) => e.id)).toEqual([events[3]!.id, events[4]!.id]);
      // Trimmed to 3: an id that fell out of the history gets the newest snapshot only.
      expect((await b.bus.replay('fal:req-1', events[0]!.id)).map((e) => e.id)).toEqual([events[4]!.id]);
      expect(await b.bus.replay('fal:nothing')).toEqual([]);
      const ttl = await a.publisher.pTTL('t2:history:fal:req-1');
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('shares one Redis subscription per job among local listeners and drops it after the last one', async () => {
    const a = await instance('t3:');
    const b = await instance('t3:');
    try {
      const first: string[] = [];
      const second: string[] = [];
      const stopFirst = await b.bus.subscribe('fal:req-1', (e) => first.push(e.id));
      const stopSecond = await b.bus.subscribe('fal:req-1', (e) => second.push(e.id));
      const channels = async () =>
        (await a.publisher.sendCommand(['PUBSUB', 'NUMSUB', 't3:events:fal:req-1'])) as unknown[];
      expect((await channels())[1]).toBe(1);
      await a.bus.publish(snapshot('running'));
      await vi.waitFor(() => expect(second).toHaveLength(1));
      expect(first).toHaveLength(1);
      await stopFirst();
      expect((await channels())[1]).toBe(1);
      await stopSecond();
      expect((await channels())[1]).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('ignores foreign messages on its channels', async () => {
    const a = await instance('t4:');
    try {
      const received: JobEvent[] = [];
      await a.bus.subscribe('fal:req-1', (event) => received.push(event));
      await a.publisher.publish('t4:events:fal:req-1', 'not json');
      await a.publisher.publish('t4:events:fal:req-1', JSON.stringify({ id: 'x', key: 'fal:other', snapshot: {} }));
      await a.bus.publish(snapshot('running'));
      await vi.waitFor(() => expect(received).toHaveLength(1));
      expect(received[0]!.snapshot.status).toBe('running');
    } finally {
      await a.close();
    }
  });
});
