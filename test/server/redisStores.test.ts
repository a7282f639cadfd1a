// The owner store and the webhook de-dupe: one contract for the memory and Redis versions, run against a real
// redis-server on 127.0.0.1 (started here), and two app instances sharing one Redis.
import { createClient } from 'redis';
import type { JobSnapshot } from '../../src/core/jobSnapshot';
import { replicate } from '../../src/providers/replicate';
import { createProxyHandler } from '../../src/server/createProxyHandler';
import { createWebhookHandler } from '../../src/server/createWebhookHandler';
import { createMemoryDedupe, type DeliveryDedupe } from '../../src/server/deliveryDedupe';
import { createMemoryOwnerStore, type OwnerStore } from '../../src/server/ownerStore';
import { createRedisDedupe } from '../../src/server/redisDedupe';
import { createRedisOwnerStore } from '../../src/server/redisOwnerStore';
import { createSimulator } from '../../src/testing';
import { callbackBody, standardHeaders, submitVia } from './providerCallbacks';
import { startRedisServer, type RedisServer } from './redisServer';

let redis: RedisServer;
const clients: Array<{ close(): Promise<unknown> }> = [];
beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);
afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await redis?.stop();
});

async function connect() {
  const client = createClient({ url: redis.url });
  await client.connect();
  clients.push(client);
  return client;
}

let run = 0;
const stores: Array<[string, () => Promise<{ owners: OwnerStore; dedupe: DeliveryDedupe }>]> = [
  ['memory', async () => ({ owners: createMemoryOwnerStore(), dedupe: createMemoryDedupe() })],
  [
    'redis',
    async () => {
      const client = await connect();
      const prefix = `contract${++run}:`;
      return { owners: createRedisOwnerStore({ client, prefix }), dedupe: createRedisDedupe({ client, prefix }) };
    },
  ],
];

describe.each(stores)('owner store and de-dupe contract (%s)', (_name, make) => {
  it('remembers an owner and never reassigns it', async () => {
    const { owners } = await make();
    expect(await owners.get('fal:j1')).toBeUndefined();
    await owners.set('fal:j1', 'alice');
    await owners.set('fal:j1', 'mallory');
    expect(await owners.get('fal:j1')).toBe('alice');
    expect(await owners.get('fal:j2')).toBeUndefined();
  });

  it('claims a delivery once, and again after it is given back', async () => {
    const { dedupe } = await make();
    expect(await dedupe.claim('msg_1')).toBe(true);
    expect(await dedupe.claim('msg_1')).toBe(false);
    expect(await dedupe.claim('msg_2')).toBe(true);
    await dedupe.release('msg_1');
    expect(await dedupe.claim('msg_1')).toBe(true);
  });
});

describe('createRedisDedupe / createRedisOwnerStore: expiry (real redis-server)', () => {
  it('forgets a delivery and an owner after their ttl', async () => {
    const client = await connect();
    const dedupe = createRedisDedupe({ client, prefix: 'ttl:', ttlMs: 50 });
    const owners = createRedisOwnerStore({ client, prefix: 'ttl:', ttlMs: 50 });
    expect(await dedupe.claim('msg')).toBe(true);
    await owners.set('fal:j', 'alice');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await dedupe.claim('msg')).toBe(true);
    expect(await owners.get('fal:j')).toBeUndefined();
  });
});

describe('two instances sharing one Redis', () => {
  const SECRET = 'whsec_' + Buffer.from('replicate-test-secret-32-bytes!!').toString('base64');

  async function instance(prefix: string, updates: JobSnapshot[]) {
    const client = await connect();
    return createWebhookHandler({
      providers: { replicate: replicate() },
      secrets: { replicate: SECRET },
      env: {},
      dedupe: createRedisDedupe({ client, prefix }),
      onJobUpdate: (snapshot) => void updates.push(snapshot),
    });
  }

  it('handles a webhook delivered to A and redelivered to B once', async () => {
    const sim = createSimulator();
    const submitted = await submitVia(sim, replicate(), 'acme/video-model', { prompt: 'a cat' });
    sim.complete(submitted.id);
    const body = JSON.stringify(await callbackBody(sim, submitted.ref));
    const updates: JobSnapshot[] = [];
    const a = await instance('shared1:', updates);
    const b = await instance('shared1:', updates);
    const deliver = (handler: typeof a) =>
      handler(
        new Request('https://app.example/api/video/webhooks/replicate', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', ...standardHeaders(SECRET, 'msg_shared', body) },
        }),
      );
    expect((await deliver(a)).status).toBe(200);
    const again = await deliver(b);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(updates).toHaveLength(1);
  });

  it('owns a job created through A on B', async () => {
    const sim = createSimulator({ apiKeys: { fal: 'fal-key-123456789' } });
    const proxyOn = async () =>
      createProxyHandler({
        providers: ['fal'],
        env: { FAL_KEY: 'fal-key-123456789' },
        fetch: sim.fetch,
        owners: createRedisOwnerStore({ client: await connect(), prefix: 'shared2:' }),
        authorize: (request) => ({ ownerId: request.headers.get('x-user') ?? undefined }),
      });
    const [a, b] = [await proxyOn(), await proxyOn()];
    const call = (proxy: typeof a, user: string, target: string, method = 'GET') =>
      proxy(
        new Request('https://app.example/api/video/proxy', {
          method,
          headers: { 'x-fal-target-url': target, 'x-user': user, 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: JSON.stringify({ prompt: 'a cat' }) } : {}),
        }),
      );
    const submitted = await call(a, 'alice', 'https://queue.fal.run/fal-ai/veo3', 'POST');
    expect(submitted.ok).toBe(true);
    const { request_id: id } = (await submitted.json()) as { request_id: string };
    const status = `https://queue.fal.run/fal-ai/veo3/requests/${id}/status`;
    expect((await call(b, 'alice', status)).ok).toBe(true);
    expect((await call(b, 'mallory', status)).status).toBe(404);
  });
});
