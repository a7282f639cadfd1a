// The same round trip over real sockets: the simulator's loopback server (`startSimulatorServer`) runs the jobs and
// POSTs the signed callbacks over HTTP to an app server on another port, whose proxy reaches the simulator through
// `createProxyHandler({ simulator: server.url })` and whose webhook handler fetches fal's keys from the simulator.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVideoClient } from '../../src/core/createVideoClient';
import { fal } from '../../src/providers/fal';
import { replicate } from '../../src/providers/replicate';
import {
  createMemoryJobEventBus,
  createProxyHandler,
  createWebhookHandler,
  toNodeHandler,
  type JobEvent,
} from '../../src/server';
import { createSimulator, type Simulator } from '../../src/testing';
import { startSimulatorServer, type SimulatorServer } from '../../src/testing/server';

const REPLICATE_SECRET = 'whsec_' + Buffer.from('replicate-loopback-webhook-secret!').toString('base64');

let sim: Simulator;
let simServer: SimulatorServer;
let app: Server;
let appUrl: string;
const bus = createMemoryJobEventBus();
const errors: unknown[] = [];

beforeAll(async () => {
  sim = createSimulator({
    job: { queueMs: 50, runMs: 150 },
    // No `fetch`: callbacks go out over real HTTP.
    webhooks: { secrets: { replicate: REPLICATE_SECRET }, retryDelayMs: 50 },
  });
  simServer = await startSimulatorServer(sim);
  const proxy = toNodeHandler(
    createProxyHandler({
      providers: ['fal', 'replicate'],
      simulator: simServer.url,
      webhook: { url: () => `${appUrl}/api/video/webhooks` },
      env: {},
    }),
  );
  const webhooks = toNodeHandler(
    createWebhookHandler({
      providers: { fal: fal(), replicate: replicate() },
      bus,
      secrets: { replicate: REPLICATE_SECRET },
      falJwks: { url: sim.webhooks.falJwksUrl(simServer.url) },
      env: {},
      onError: (error) => void errors.push(error),
    }),
  );
  app = createServer((req, res) => {
    if (req.url?.startsWith('/api/video/webhooks')) return webhooks(req, res);
    if (req.url?.startsWith('/api/video/proxy')) return proxy(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await simServer.close();
  app.closeAllConnections();
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await bus.close();
});

async function until<T>(read: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; deliveries: ${JSON.stringify(sim.webhooks.deliveries)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the simulator server delivers signed webhooks over HTTP', () => {
  it.each([
    ['fal', () => fal({ baseUrl: `${simServer.url}/fal`, proxyUrl: `${appUrl}/api/video/proxy` }), 'fal-ai/veo3'],
    [
      'replicate',
      () => replicate({ baseUrl: `${simServer.url}/replicate`, proxyUrl: `${appUrl}/api/video/proxy` }),
      'acme/video-model',
    ],
  ])('%s: submitted through the app proxy, completed by a verified callback', async (provider, adapter, model) => {
    const client = createVideoClient({ providers: { [provider]: adapter() } });
    const job = await client.submit({ provider, model, input: { prompt: 'a fox' } });
    const events: JobEvent[] = [];
    await bus.subscribe(`${provider}:${job.id}`, (event) => void events.push(event));
    expect(sim.job(job.id)!.webhookUrl).toBe(`${appUrl}/api/video/webhooks/${provider}`);

    const done = await until(() => events.find((event) => event.snapshot.status === 'completed'));
    expect(done.snapshot).toMatchObject({ provider, id: job.id, status: 'completed' });
    const video = (done.snapshot as { video: { url: string } }).video.url;
    expect(video.startsWith(`${simServer.url}/files/`)).toBe(true);
    expect((await fetch(video)).status).toBe(200);
    const ours = sim.webhooks.deliveries.filter((delivery) => delivery.jobId === job.id);
    expect(ours.every((delivery) => delivery.status === 200)).toBe(true);
    expect(errors).toEqual([]);
    // The handler took fal's keys from the simulator's own JWKS, over HTTP.
    if (provider === 'fal') expect(sim.count({ endpoint: 'jwks' })).toBeGreaterThan(0);
  });

  it('retries when the app is down, and records each attempt', async () => {
    const down = createSimulator({
      job: { queueMs: 10, runMs: 10 },
      webhooks: { retries: 1, retryDelayMs: 20, secrets: { replicate: REPLICATE_SECRET } },
    });
    const server = await startSimulatorServer(down);
    try {
      // A port nothing listens on.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      await fetch(`${server.url}/replicate/v1/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version: 'v', input: {}, webhook: `http://127.0.0.1:${port}/hook` }),
      });
      const attempts = await until(() => (down.webhooks.deliveries.length >= 2 ? down.webhooks.deliveries : undefined));
      await down.webhooks.flush();
      expect(attempts.map((delivery) => [delivery.attempt, delivery.status])).toEqual([
        [1, 0],
        [2, 0],
      ]);
      expect(attempts[0]!.error).toBeTruthy();
    } finally {
      await server.close();
    }
  });
});
