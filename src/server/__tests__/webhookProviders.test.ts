import type { JobSnapshot } from '../../core/jobSnapshot';
import { aigateway } from '../../providers/aigateway';
import { fal } from '../../providers/fal';
import { kling } from '../../providers/kling';
import { openaiVideos } from '../../providers/openaiVideos';
import { replicate } from '../../providers/replicate';
import { videogen } from '../../providers/videogen';
import { visgate } from '../../providers/visgate';
import { createSimulator } from '../../testing';
import {
  aigatewayHeaders,
  callbackBody,
  createFalSigner,
  jwksFetch,
  standardHeaders,
  submitVia,
} from '../../../test/server/providerCallbacks';
import { createWebhookHandler } from '../createWebhookHandler';

// One valid callback per built-in provider, built from the simulator's own wire formats and signed the way the
// provider signs: each must become a snapshot with the right status and, when completed, a playable video URL.

const START = Date.UTC(2026, 10, 23, 12, 0, 0);
const secret = (name: string) => 'whsec_' + Buffer.from(`${name}-webhook-test-secret-32b!`).toString('base64');
const TOKEN = 'shared-token';
/** The simulator answers for OpenAI's host, standing in for a live OpenAI-shaped gateway (OpenAI's own is shut down). */
const OPENAI_HOST = 'https://api.openai.com/v1';

beforeEach(() => vi.useFakeTimers({ now: START, toFake: ['Date'] }));
afterEach(() => vi.useRealTimers());

async function setup() {
  const sim = createSimulator();
  const signer = await createFalSigner();
  const updates: JobSnapshot[] = [];
  const errors: unknown[] = [];
  const handler = createWebhookHandler({
    providers: {
      fal: fal(),
      kling: kling(),
      aigateway: aigateway(),
      videogen: videogen(),
      visgate: visgate(),
      openai: openaiVideos({ baseUrl: OPENAI_HOST, apiKey: 'sk-test' }),
      replicate: replicate(),
    },
    secrets: {
      aigateway: secret('aigateway'),
      videogen: secret('videogen'),
      openai: secret('openai'),
      replicate: secret('replicate'),
      kling: TOKEN,
      visgate: TOKEN,
    },
    falJwks: { fetch: jwksFetch(() => signer.jwks).fetch },
    // OpenAI's events name the video and VideoGen's name result files: both are read from the provider for real.
    fetch: sim.fetch,
    onJobUpdate: (snapshot) => void updates.push(snapshot),
    onError: (error) => void errors.push(error),
    env: {},
  });
  const post = (provider: string, body: string, headers: Record<string, string> = {}, query = '') =>
    handler(
      new Request(`https://app.example/api/video/webhooks/${provider}${query}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      }),
    );
  return { sim, signer, updates, errors, post };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** POSTs `body` for `provider`, signed (or tokened) the way that provider does it. */
async function deliver(env: Setup, provider: string, body: unknown, deliveryId: string): Promise<Response> {
  const text = JSON.stringify(body);
  if (provider === 'fal') {
    const requestId = (body as { request_id: string }).request_id;
    return env.post(provider, text, await env.signer.headers(text, { requestId }));
  }
  if (provider === 'kling' || provider === 'visgate') return env.post(provider, text, {}, `?token=${TOKEN}`);
  if (provider === 'aigateway') return env.post(provider, text, aigatewayHeaders(secret(provider), text));
  return env.post(provider, text, standardHeaders(secret(provider), deliveryId, text));
}

const ADAPTERS = {
  fal: { adapter: fal, model: 'fal-ai/veo3', input: { prompt: 'a cat' } },
  kling: { adapter: kling, model: 'kling-v2-6', input: { prompt: 'a cat' } },
  aigateway: { adapter: aigateway, model: 'google/veo-3.1-fast', input: { prompt: 'a cat' } },
  videogen: { adapter: videogen, model: 'text-to-video', input: { prompt: 'a cat' } },
  visgate: { adapter: visgate, model: 'fal-ai/veo3', input: { prompt: 'a cat' } },
  openai: { adapter: () => openaiVideos({ baseUrl: OPENAI_HOST }), model: 'sora-2', input: { prompt: 'a cat' } },
  replicate: { adapter: replicate, model: 'acme/video-model', input: { prompt: 'a cat' } },
} as const;

describe('createWebhookHandler: a valid callback from every provider becomes the right snapshot', () => {
  const providers = Object.keys(ADAPTERS) as Array<keyof typeof ADAPTERS>;

  it.each(providers)('%s: a completed job -> completed, with a playable video URL', async (provider) => {
    const env = await setup();
    const { adapter, model, input } = ADAPTERS[provider];
    const submitted = await submitVia(env.sim, adapter(), model, input);
    env.sim.complete(submitted.id);
    const response = await deliver(env, provider, await callbackBody(env.sim, submitted.ref), `msg_${provider}_ok`);
    expect(response.status, JSON.stringify(env.errors)).toBe(200);
    expect(await response.json()).toEqual({ received: true, id: submitted.id, status: 'completed' });
    expect(env.updates).toHaveLength(1);
    const [update] = env.updates;
    expect(update).toMatchObject({ provider, id: submitted.id, status: 'completed' });
    expect(update!.video!.url).toMatch(/^https:\/\/\S+$/);
    // The URL really serves the video (signed ones included).
    const media = await env.sim.fetch(update!.video!.url);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('video/mp4');
  });

  it.each(providers)("%s: a failed job -> failed, with the provider's reason", async (provider) => {
    const env = await setup();
    const { adapter, model, input } = ADAPTERS[provider];
    const submitted = await submitVia(env.sim, adapter(), model, input);
    env.sim.fail(submitted.id, 'Flagged by the safety checker');
    const response = await deliver(env, provider, await callbackBody(env.sim, submitted.ref), `msg_${provider}_fail`);
    expect(response.status, JSON.stringify(env.errors)).toBe(200);
    expect(env.updates).toHaveLength(1);
    expect(env.updates[0]).toMatchObject({ provider, id: submitted.id, status: 'failed' });
    expect(env.updates[0]!.video).toBeUndefined();
    expect(env.updates[0]!.error!.message).toContain('Flagged by the safety checker');
  });
});

describe('createWebhookHandler: visgate callbacks (the completed result and your callbackId)', () => {
  async function finishedVisgate(env: Setup, callbackId = 'order-42') {
    const submitted = await submitVia(env.sim, visgate(), 'fal-ai/veo3', { prompt: 'a cat', callback_id: callbackId });
    env.sim.complete(submitted.id);
    const record = (await callbackBody(env.sim, submitted.ref)) as Record<string, unknown>;
    return { submitted, record };
  }
  const camel = (record: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(record).map(([key, value]) => [
        key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
        value,
      ]),
    );

  it.each([
    [
      'the request record with callback_id beside it',
      (r: Record<string, unknown>) => ({ ...r, callback_id: 'order-42' }),
    ],
    [
      'the camelCased record (JS SDK, seed) with callbackId',
      (r: Record<string, unknown>) => ({ ...camel(r), callbackId: 'order-42' }),
    ],
    ['{ callbackId, result: record }', (r: Record<string, unknown>) => ({ callbackId: 'order-42', result: camel(r) })],
    ['{ callback_id, result: record }', (r: Record<string, unknown>) => ({ callback_id: 'order-42', result: r })],
    [
      '{ callbackId, result: generate result without a status }',
      (r: Record<string, unknown>) => ({
        callbackId: 'order-42',
        result: { id: r.request_id, video_url: r.output_url, model: r.model, provider: 'fal', cost: 0.4 },
      }),
    ],
  ])('reads %s', async (_shape, shape) => {
    const env = await setup();
    const { submitted, record } = await finishedVisgate(env);
    const response = await deliver(env, 'visgate', shape(record), 'unused');
    expect(response.status, JSON.stringify(env.errors)).toBe(200);
    expect(env.updates).toHaveLength(1);
    const [update] = env.updates;
    expect(update).toMatchObject({ provider: 'visgate', id: submitted.id, status: 'completed' });
    expect(update!.video!.url).toBe(record.output_url);
    expect(update!.ref.meta).toEqual({ callbackId: 'order-42' });
    expect(update!.model).toBe('fal-ai/veo3');
  });

  it('reads a failed result inside the envelope', async () => {
    const env = await setup();
    const submitted = await submitVia(env.sim, visgate(), 'fal-ai/veo3', { prompt: 'a cat' });
    env.sim.fail(submitted.id, 'The provider failed');
    const record = (await callbackBody(env.sim, submitted.ref)) as Record<string, unknown>;
    const response = await deliver(env, 'visgate', { callbackId: 'c1', result: camel(record) }, 'unused');
    expect(response.status).toBe(200);
    expect(env.updates[0]).toMatchObject({ status: 'failed', ref: { meta: { callbackId: 'c1' } } });
    expect(env.updates[0]!.error!.message).toContain('The provider failed');
  });

  it('refuses a callback with no request id (400) and a wrong token (401)', async () => {
    const env = await setup();
    const { record } = await finishedVisgate(env);
    const noId = await deliver(env, 'visgate', { callbackId: 'c1', result: { status: 'completed' } }, 'unused');
    expect(noId.status).toBe(400);
    const wrong = await env.post('visgate', JSON.stringify(record), {}, '?token=nope');
    expect(wrong.status).toBe(401);
    expect(env.updates).toHaveLength(0);
  });
});
