// End to end, per provider: a browser's job goes through the app's proxy (`createProxyHandler({ simulator })`, which
// sets the job's webhook URL), the simulator runs it and delivers the provider's signed callback to the app's
// `createWebhookHandler`, which verifies it and publishes the terminal snapshot on the job event bus. A delivery that
// was tampered with, or signed with another secret, is refused and publishes nothing.
import type { ProviderAdapter } from '../../src/core/provider';
import { createVideoClient } from '../../src/core/createVideoClient';
import { aigateway } from '../../src/providers/aigateway';
import { fal } from '../../src/providers/fal';
import { kling } from '../../src/providers/kling';
import { openaiVideos } from '../../src/providers/openaiVideos';
import { replicate } from '../../src/providers/replicate';
import { videogen } from '../../src/providers/videogen';
import { visgate } from '../../src/providers/visgate';
import {
  createMemoryJobEventBus,
  createProxyHandler,
  createWebhookHandler,
  type JobEvent,
  type WebhookHandlerOptions,
} from '../../src/server';
import { createSimulator, type SimWebhookOptions } from '../../src/testing';

const SIM = 'http://127.0.0.1:4010';
const APP = 'https://app.example';
const PROXY = `${APP}/api/video/proxy`;
const HOOKS = `${APP}/api/video/webhooks`;
const TOKEN = 'shared-webhook-token';
const secret = (name: string) => 'whsec_' + Buffer.from(`${name}-e2e-webhook-secret-32-bytes`).toString('base64');
/** The same secrets on both sides, as a provider's dashboard and the app's environment would hold them. */
const SECRETS = {
  replicate: secret('replicate'),
  videogen: secret('videogen'),
  openai: secret('openai'),
  aigateway: 'aig-endpoint-signing-secret',
};

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-01T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

interface Case {
  /** The browser's adapter (through the proxy) and the server's (reading callbacks). */
  browser: (baseUrl: string) => ProviderAdapter;
  server: (baseUrl: string) => ProviderAdapter;
  model: string;
  input: Record<string, unknown>;
  /** VideoGen and OpenAI take webhooks per account, set in their dashboard, not per job. */
  accountLevel?: boolean;
}

const CASES: Record<string, Case> = {
  fal: { browser: (b) => fal({ baseUrl: b, proxyUrl: PROXY }), server: () => fal(), model: 'fal-ai/veo3', input: {} },
  replicate: {
    browser: (b) => replicate({ baseUrl: b, proxyUrl: PROXY }),
    server: () => replicate(),
    model: 'acme/video-model',
    input: {},
  },
  kling: {
    browser: (b) => kling({ baseUrl: b, proxyUrl: PROXY }),
    server: () => kling(),
    model: 'kling-v2-6',
    input: {},
  },
  aigateway: {
    browser: (b) => aigateway({ baseUrl: b, proxyUrl: PROXY }),
    server: () => aigateway(),
    model: 'google/veo-3.1-fast',
    input: {},
  },
  videogen: {
    browser: (b) => videogen({ baseUrl: b, proxyUrl: PROXY }),
    server: (b) => videogen({ baseUrl: b }),
    model: 'text-to-video',
    input: {},
    accountLevel: true,
  },
  visgate: {
    browser: (b) => visgate({ baseUrl: b, proxyUrl: PROXY }),
    server: () => visgate(),
    model: 'fal-ai/veo3',
    input: { callback_id: 'order-42' },
  },
  openai: {
    browser: (b) => openaiVideos({ baseUrl: b, proxyUrl: PROXY }),
    // OpenAI's event names the video: the server's adapter reads it from the provider (here the simulator).
    server: (b) => openaiVideos({ baseUrl: b, apiKey: 'sk-server' }),
    model: 'sora-2',
    input: {},
    accountLevel: true,
  },
};

function setup(
  provider: string,
  overrides: { sim?: Partial<SimWebhookOptions>; handler?: Partial<WebhookHandlerOptions> } = {},
) {
  const spec = CASES[provider]!;
  const bus = createMemoryJobEventBus();
  const errors: unknown[] = [];
  // The app: its proxy and webhook routes, reached in-process by the browser and by the simulator.
  const app = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith(PROXY)) return proxy(request);
    if (request.url.startsWith(HOOKS)) return webhooks(request);
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
  const sim = createSimulator({
    origin: SIM,
    job: { queueMs: 1000, runMs: 4000 },
    webhooks: {
      fetch: app,
      secrets: SECRETS,
      endpoints: { videogen: `${HOOKS}/videogen`, openai: `${HOOKS}/openai` },
      retryDelayMs: 100,
      ...overrides.sim,
    },
  });
  const proxy = createProxyHandler({
    providers: [provider],
    simulator: sim.origin,
    fetch: sim.fetch,
    webhook: { url: HOOKS, token: TOKEN },
    env: {},
  });
  const webhooks = createWebhookHandler({
    providers: { [provider]: spec.server(sim.baseUrl(provider)) },
    bus,
    secrets: { ...SECRETS, kling: TOKEN, visgate: TOKEN },
    falJwks: { url: sim.webhooks.falJwksUrl(), fetch: sim.fetch },
    fetch: sim.fetch,
    env: {},
    onError: (error) => void errors.push(error),
    ...overrides.handler,
  });
  const client = createVideoClient({ providers: { [provider]: spec.browser(sim.baseUrl(provider)) }, fetch: app });
  return { sim, bus, app, client, errors, spec };
}

async function submitAndListen(env: ReturnType<typeof setup>, provider: string) {
  const job = await env.client.submit({
    provider,
    model: env.spec.model,
    input: { prompt: 'a fox', ...env.spec.input },
  });
  const events: JobEvent[] = [];
  await env.bus.subscribe(`${provider}:${job.id}`, (event) => void events.push(event));
  return { job, events };
}

/** Lets virtual time run while the deliveries (signed on Web Crypto, off the timer queue) finish. */
async function settle(env: ReturnType<typeof setup>, ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 250) {
    await vi.advanceTimersByTimeAsync(250);
    await env.sim.webhooks.flush();
  }
}

describe.each(Object.keys(CASES))('%s: simulator -> signed webhook -> handler -> job event bus', (provider) => {
  it('publishes the completed snapshot, with a playable video', async () => {
    const env = setup(provider);
    const { job, events } = await submitAndListen(env, provider);
    const webhookUrl = env.sim.job(job.id)!.webhookUrl;
    if (env.spec.accountLevel) expect(webhookUrl).toBeUndefined();
    else expect(webhookUrl).toMatch(new RegExp(`^${HOOKS}/${provider}`));

    await settle(env, 6000);

    expect(env.errors).toEqual([]);
    const deliveries = env.sim.webhooks.deliveries;
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.map((delivery) => delivery.status)).toEqual(deliveries.map(() => 200));
    const last = events.at(-1)!;
    expect(last.snapshot).toMatchObject({ provider, id: job.id, status: 'completed' });
    const video = (last.snapshot as { video?: { url: string } }).video!.url;
    expect((await env.sim.fetch(video)).headers.get('content-type')).toBe('video/mp4');
    // Exactly one terminal event, whatever else the provider reported on the way.
    expect(events.filter((event) => event.snapshot.status === 'completed')).toHaveLength(1);
  });

  it("publishes the failed snapshot with the provider's reason", async () => {
    const env = setup(provider);
    const { job, events } = await submitAndListen(env, provider);
    await settle(env, 1500);
    env.sim.fail(job.id, 'Flagged by the safety checker');
    await settle(env, 1000);

    expect(env.errors).toEqual([]);
    const last = events.at(-1)!;
    expect(last.snapshot).toMatchObject({ provider, id: job.id, status: 'failed' });
    expect(JSON.stringify(last.snapshot)).toContain('Flagged by the safety checker');
  });

  it('refuses a tampered delivery and one signed with another secret; nothing is published', async () => {
    const env = setup(provider);
    const { events } = await submitAndListen(env, provider);
    await settle(env, 6000);
    const genuine = env.sim.webhooks.deliveries.at(-1)!;
    expect(genuine.status).toBe(200);
    const published = events.length;

    // The genuine delivery with its body changed (a forged success for another video), signature headers kept.
    const forged = JSON.stringify(genuine.body).replaceAll('.mp4', '-forged.mp4') + ' ';
    if (provider === 'kling' || provider === 'visgate') {
      // They sign nothing: their check is the `?token=` the proxy put in the URL, so the forgery comes without it.
      const withoutToken = await env.app(genuine.url.replace(/[?&]token=[^&]*/, ''), {
        method: 'POST',
        headers: genuine.headers,
        body: forged,
      });
      expect(withoutToken.status).toBe(401);
    } else {
      const tampered = await env.app(genuine.url, { method: 'POST', headers: genuine.headers, body: forged });
      expect(tampered.status).toBe(401);
    }
    expect(events).toHaveLength(published);

    // A simulator whose secret (or fal key) is not the one the handler trusts: every delivery is refused, and a
    // refusal is final (no retry).
    if (provider === 'kling' || provider === 'visgate') return;
    const stranger = createSimulator();
    const other = setup(provider, {
      sim: { secrets: Object.fromEntries(Object.keys(SECRETS).map((name) => [name, secret(`other-${name}`)])) },
      // fal: keys published by another simulator.
      handler: provider === 'fal' ? { falJwks: { url: stranger.webhooks.falJwksUrl(), fetch: stranger.fetch } } : {},
    });
    const otherJob = await submitAndListen(other, provider);
    await settle(other, 6000);
    expect(other.sim.webhooks.deliveries.length).toBeGreaterThan(0);
    expect(other.sim.webhooks.deliveries.every((delivery) => delivery.status === 401)).toBe(true);
    expect(otherJob.events).toEqual([]);
  });
});

describe('kling with a Webhook Secret (Standard Webhooks instead of the URL token)', () => {
  it('verifies the signed callback, and refuses it tampered', async () => {
    const env = setup('kling', {
      sim: { secrets: { kling: secret('kling') } },
      handler: { verification: { kling: 'standard-webhooks' }, secrets: { kling: secret('kling') } },
    });
    const { job, events } = await submitAndListen(env, 'kling');
    await settle(env, 6000);
    expect(env.errors).toEqual([]);
    expect(events.at(-1)!.snapshot).toMatchObject({ id: job.id, status: 'completed' });
    const genuine = env.sim.webhooks.deliveries.at(-1)!;
    expect(genuine.headers['webhook-signature']).toMatch(/^v1,/);
    const forged = JSON.stringify(genuine.body).replace('"succeed"', '"failed"');
    const tampered = await env.app(genuine.url, { method: 'POST', headers: genuine.headers, body: forged });
    expect(tampered.status).toBe(401);
  });
});
