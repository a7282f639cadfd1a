// Resource abuse: too many streams, slow bodies, deep JSON, a malformed Host, many ranges, replayed shared-secret
// deliveries. Each is refused cheaply with the right status instead of costing the server.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { kling } from '../../src/providers/kling';
import { createJobEventsHandler } from '../../src/server/createJobEventsHandler';
import { createProxyHandler } from '../../src/server/createProxyHandler';
import { createWebhookHandler } from '../../src/server/createWebhookHandler';
import { createMemoryJobEventBus } from '../../src/server/jobEventBus';
import { toNodeHandler } from '../../src/server/node';
import { createMemoryOwnerStore } from '../../src/server/ownerStore';
import { createSimulator } from '../../src/testing';
import { callbackBody, submitVia } from '../server/providerCallbacks';

const FAL_KEY = 'fal-secret-key-0123456789';

describe('stream limits', () => {
  async function setup(limits: { maxStreams?: number; maxStreamsPerOwner?: number }) {
    const owners = createMemoryOwnerStore();
    for (const user of ['alice', 'bob']) for (let i = 0; i < 5; i++) await owners.set(`fal:${user}-${i}`, user);
    const events = createJobEventsHandler({
      bus: createMemoryJobEventBus(),
      owners,
      authorize: (request) => ({ ownerId: request.headers.get('x-user') ?? '' }),
      ...limits,
    });
    return (user: string, i: number) =>
      events(
        new Request(`https://app.example/api/video/events?provider=fal&id=${user}-${i}`, {
          headers: { 'x-user': user },
        }),
      );
  }

  it('refuses a user beyond their stream limit with 429 and Retry-After, and counts a closed stream back', async () => {
    const open = await setup({ maxStreamsPerOwner: 2 });
    const first = await open('alice', 0);
    const second = await open('alice', 1);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await open('alice', 2);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('3');
    const other = await open('bob', 0);
    expect(other.status).toBe(200);
    await first.body!.cancel();
    const again = await open('alice', 3);
    expect(again.status).toBe(200);
    for (const response of [second, other, again]) await response.body!.cancel();
  });

  it('refuses any stream beyond the server-wide limit', async () => {
    const open = await setup({ maxStreams: 2, maxStreamsPerOwner: 10 });
    const held = [await open('alice', 0), await open('bob', 0)];
    expect((await open('bob', 1)).status).toBe(429);
    for (const response of held) await response.body!.cancel();
    const after = await open('bob', 1);
    expect(after.status).toBe(200);
    await after.body!.cancel();
  });
});

/** A body that sends one byte and then nothing: a slow-body attack holding the connection. */
function slowBody() {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{'));
    },
  });
}

describe('slow bodies', () => {
  it('the proxy gives up on a body that does not arrive in time (408), sending nothing upstream', async () => {
    const upstream = vi.fn(async () => Response.json({}));
    const proxy = createProxyHandler({
      providers: ['fal'],
      env: { FAL_KEY },
      fetch: upstream as unknown as typeof fetch,
      bodyTimeoutMs: 100,
    });
    const started = Date.now();
    const response = await proxy(
      new Request('https://app.example/api/video/proxy', {
        method: 'POST',
        headers: { 'x-fal-target-url': 'https://queue.fal.run/fal-ai/veo3' },
        body: slowBody(),
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(408);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(upstream).not.toHaveBeenCalled();
  });

  it('the webhook handler gives up on a slow body (408)', async () => {
    const webhooks = createWebhookHandler({
      providers: { kling: kling() },
      secrets: { kling: 'kling-token' },
      env: {},
      bodyTimeoutMs: 100,
    });
    const response = await webhooks(
      new Request('https://app.example/api/video/webhooks/kling?token=kling-token', {
        method: 'POST',
        body: slowBody(),
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(408);
  });
});

describe('deep JSON', () => {
  const deep = (levels: number) => `{"task_id":"t1","a":${'['.repeat(levels)}${']'.repeat(levels)}}`;

  it('a webhook body nested 100 000 levels deep is a 400, not a 500', async () => {
    const webhooks = createWebhookHandler({ providers: { kling: kling() }, secrets: { kling: 'tok' }, env: {} });
    const response = await webhooks(
      new Request('https://app.example/webhooks/kling?token=tok', { method: 'POST', body: deep(100_000) }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('kling');
  });

  it('a proxied submit body nested too deep is a 400 where the proxy must read it', async () => {
    const upstream = vi.fn(async () => Response.json({}));
    const proxy = createProxyHandler({
      providers: ['kling'],
      env: { KLING_API_KEY: 'kling-key' },
      fetch: upstream as unknown as typeof fetch,
      webhook: { url: 'https://app.example/api/video/webhooks', token: 'tok' },
    });
    const response = await proxy(
      new Request('https://app.example/api/video/proxy', {
        method: 'POST',
        headers: { 'x-video-jobs-target-url': 'https://api-singapore.klingai.com/v1/videos/text2video' },
        body: `{"prompt":"x","a":${'['.repeat(1000)}${']'.repeat(1000)}}`,
      }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('JSON object body');
    expect(upstream).not.toHaveBeenCalled();
  });
});

describe('a malformed Host on a real Node server', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer(toNodeHandler(async (request) => Response.json({ url: request.url })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** Sends a raw HTTP/1.1 request with `host` as its Host header and reads the status line. */
  function rawStatus(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /api/video/events HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
      socket.on('error', reject);
    });
  }

  it.each(['[::1', 'evil.example/../x', 'a b', 'user@evil.example', 'host:99999999'])(
    'answers 400 for Host: %s',
    async (host) => {
      expect(await rawStatus(host)).toBe(400);
    },
  );

  it('still serves a well-formed Host', async () => {
    expect(await rawStatus(`127.0.0.1:${port}`)).toBe(200);
  });
});

describe('many ranges', () => {
  it('refuses a Range header with several ranges (416) without calling the provider', async () => {
    const upstream = vi.fn(async () => new Response(new Uint8Array(10), { headers: { 'content-type': 'video/mp4' } }));
    const proxy = createProxyHandler({
      providers: ['openai'],
      env: { OPENAI_API_KEY: 'sk-test' },
      fetch: upstream as unknown as typeof fetch,
    });
    const target = 'https://api.openai.com/v1/videos/video_1/content';
    const ranges = Array.from({ length: 500 }, (_, i) => `${i * 10}-${i * 10 + 5}`).join(',');
    for (const range of [`bytes=${ranges}`, 'bytes=0-1,5-6', 'bytes=-5,0-']) {
      const response = await proxy(
        new Request('https://app.example/api/video/proxy', {
          headers: { 'x-video-jobs-target-url': target, range },
        }),
      );
      expect(response.status).toBe(416);
    }
    expect(upstream).not.toHaveBeenCalled();
    const single = await proxy(
      new Request('https://app.example/api/video/proxy', {
        headers: { 'x-video-jobs-target-url': target, range: 'bytes=0-99' },
      }),
    );
    expect(single.status).toBe(200);
  });
});

describe('replayed shared-secret deliveries (Kling)', () => {
  it('handles a delivery once however often it is replayed, by body hash', async () => {
    const sim = createSimulator();
    const submitted = await submitVia(sim, kling(), 'kling-v2-6', { prompt: 'a cat' });
    sim.complete(submitted.id);
    const body = JSON.stringify(await callbackBody(sim, submitted.ref));
    const updates: unknown[] = [];
    const webhooks = createWebhookHandler({
      providers: { kling: kling() },
      secrets: { kling: 'kling-token' },
      env: {},
      onJobUpdate: (snapshot) => void updates.push(snapshot),
    });
    const deliver = (init: { query?: string; header?: boolean }) =>
      webhooks(
        new Request(`https://app.example/webhooks/kling${init.query ?? ''}`, {
          method: 'POST',
          body,
          headers: init.header ? { 'x-webhook-secret': 'kling-token' } : {},
        }),
      );
    expect((await deliver({ query: '?token=kling-token' })).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const replay = await deliver(i % 2 ? { header: true } : { query: '?token=kling-token' });
      expect(await replay.json()).toMatchObject({ duplicate: true });
    }
    expect(updates).toHaveLength(1);
  });
});
