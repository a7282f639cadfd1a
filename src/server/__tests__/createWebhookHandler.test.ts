import type { JobSnapshot } from '../../core/jobSnapshot';
import { fal } from '../../providers/fal';
import { kling } from '../../providers/kling';
import { openaiVideos } from '../../providers/openaiVideos';
import { replicate } from '../../providers/replicate';
import { createSimulator } from '../../testing';
import {
  callbackBody,
  createFalSigner,
  jwksFetch,
  standardHeaders,
  submitVia,
} from '../../../test/server/providerCallbacks';
import { createWebhookHandler, type WebhookHandlerOptions } from '../createWebhookHandler';
import { createMemoryJobEventBus } from '../jobEventBus';

const SECRET = 'whsec_' + Buffer.from('replicate-test-secret-32-bytes!!').toString('base64');
const OLD_SECRET = 'whsec_' + Buffer.from('an-older-secret-being-rotated-out').toString('base64');
const START = Date.UTC(2026, 10, 23, 12, 0, 0);

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return new Request(`https://app.example${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function setup(extra: Partial<WebhookHandlerOptions> = {}) {
  const sim = createSimulator();
  const updates: JobSnapshot[] = [];
  const errors: Array<{ status: number }> = [];
  const handler = createWebhookHandler({
    providers: { replicate: replicate(), kling: kling() },
    secrets: { replicate: SECRET, kling: 'kling-shared-token' },
    onJobUpdate: (snapshot) => void updates.push(snapshot),
    onError: (_error, context) => void errors.push(context),
    env: {},
    ...extra,
  });
  return { sim, updates, errors, handler };
}

/** A finished Replicate prediction in the simulator, and its callback body as Replicate would POST it. */
async function finishedPrediction(
  sim: ReturnType<typeof createSimulator>,
  outcome: 'completed' | 'failed' = 'completed',
) {
  const submitted = await submitVia(sim, replicate(), 'acme/video-model', { prompt: 'a cat' });
  if (outcome === 'completed') sim.complete(submitted.id);
  else sim.fail(submitted.id, 'NSFW content detected');
  return { id: submitted.id, body: JSON.stringify(await callbackBody(sim, submitted.ref)) };
}

describe('createWebhookHandler: Standard Webhooks (Replicate)', () => {
  beforeEach(() => vi.useFakeTimers({ now: START, toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('accepts a valid delivery and hands the adapter-read snapshot to the app and the bus', async () => {
    const bus = createMemoryJobEventBus();
    const { sim, updates, handler } = setup({ bus });
    const { id, body } = await finishedPrediction(sim);
    const published: unknown[] = [];
    await bus.subscribe(`replicate:${id}`, (event) => published.push(event));

    const response = await handler(post('/api/video/webhooks/replicate', body, standardHeaders(SECRET, 'msg_1', body)));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, id, status: 'completed' });
    expect(updates).toHaveLength(1);
    expect(updates[0]!.status).toBe('completed');
    expect(updates[0]!.provider).toBe('replicate');
    expect(updates[0]!.video!.url).toMatch(/^https?:\/\//);
    expect(published).toHaveLength(1);
  });

  it('reads a failed prediction as a failed snapshot with the provider reason', async () => {
    const { sim, updates, handler } = setup();
    const { body } = await finishedPrediction(sim, 'failed');
    const response = await handler(post('/hooks?provider=replicate', body, standardHeaders(SECRET, 'msg_f', body)));
    expect(response.status).toBe(200);
    expect(updates[0]!.status).toBe('failed');
    expect(updates[0]!.error!.message).toContain('NSFW');
  });

  it('refuses a tampered body, a wrong secret and missing headers with 401', async () => {
    const { sim, updates, handler } = setup();
    const { body } = await finishedPrediction(sim);
    const headers = standardHeaders(SECRET, 'msg_2', body);
    const tampered = body.replace('"succeeded"', '"failed"');
    expect(tampered).not.toBe(body);
    const answers = [
      await handler(post('/webhooks/replicate', tampered, headers)),
      await handler(post('/webhooks/replicate', body, standardHeaders(OLD_SECRET, 'msg_2', body))),
      await handler(post('/webhooks/replicate', body, { 'webhook-id': 'msg_2' })),
      await handler(post('/webhooks/replicate', body, { ...headers, 'webhook-signature': 'v1,AAAA' })),
      await handler(post('/webhooks/replicate', body, { ...headers, 'webhook-id': 'msg_other' })),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect((await answer.json()).error.code).toBe('bad_signature');
    }
    expect(updates).toHaveLength(0);
  });

  it('accepts any of several signatures and secrets during key rotation', async () => {
    const { sim, updates, handler } = setup({ secrets: { replicate: [OLD_SECRET, SECRET], kling: 'x' } });
    const { body } = await finishedPrediction(sim);
    const fromNew = standardHeaders(SECRET, 'msg_3', body);
    const fromOld = standardHeaders(OLD_SECRET, 'msg_3', body);
    const both = { ...fromNew, 'webhook-signature': `v1,bm90LXRoaXMtb25l ${fromOld['webhook-signature']}` };
    expect((await handler(post('/webhooks/replicate', body, both))).status).toBe(200);
    const onlyNew = standardHeaders(SECRET, 'msg_4', body);
    expect((await handler(post('/webhooks/replicate', body, onlyNew))).status).toBe(200);
    expect(updates).toHaveLength(2);
  });

  it('accepts the svix- header names and a secret from the environment', async () => {
    const { sim, updates, handler } = setup({
      secrets: { kling: 'x' },
      env: { REPLICATE_WEBHOOK_SECRET: `${OLD_SECRET} ${SECRET}` },
    });
    const { body } = await finishedPrediction(sim);
    const headers = standardHeaders(SECRET, 'msg_5', body);
    const svix = {
      'svix-id': headers['webhook-id'],
      'svix-timestamp': headers['webhook-timestamp'],
      'svix-signature': headers['webhook-signature'],
    };
    expect((await handler(post('/webhooks/replicate', body, svix))).status).toBe(200);
    expect(updates).toHaveLength(1);
  });

  it('refuses stale and future timestamps outside the replay window', async () => {
    const { sim, updates, handler } = setup();
    const { body } = await finishedPrediction(sim);
    const stale = standardHeaders(SECRET, 'msg_6', body, new Date(START - 301_000));
    const future = standardHeaders(SECRET, 'msg_7', body, new Date(START + 301_000));
    const edge = standardHeaders(SECRET, 'msg_8', body, new Date(START - 299_000));
    for (const headers of [stale, future]) {
      const response = await handler(post('/webhooks/replicate', body, headers));
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('stale_timestamp');
    }
    expect((await handler(post('/webhooks/replicate', body, edge))).status).toBe(200);
    expect(updates).toHaveLength(1);
  });

  it('replays a captured delivery only within the window, and then only once', async () => {
    const { sim, updates, handler } = setup();
    const { body } = await finishedPrediction(sim);
    const headers = standardHeaders(SECRET, 'msg_9', body);
    expect((await handler(post('/webhooks/replicate', body, headers))).status).toBe(200);
    const replayed = await handler(post('/webhooks/replicate', body, headers));
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toEqual({ received: true, duplicate: true });
    vi.setSystemTime(START + 10 * 60_000);
    const late = await handler(post('/webhooks/replicate', body, headers));
    expect(late.status).toBe(401);
    expect(updates).toHaveLength(1);
  });

  it("answers 500 when the app's handler throws, and handles the redelivery for real", async () => {
    let failures = 1;
    const seen: JobSnapshot[] = [];
    const { sim, handler } = setup({
      onJobUpdate: (snapshot) => {
        if (failures-- > 0) throw new Error('database down');
        seen.push(snapshot);
      },
    });
    const { body } = await finishedPrediction(sim);
    const headers = standardHeaders(SECRET, 'msg_10', body);
    const first = await handler(post('/webhooks/replicate', body, headers));
    expect(first.status).toBe(500);
    expect((await first.json()).error.code).toBe('handler_failed');
    const retry = await handler(post('/webhooks/replicate', body, headers));
    expect(retry.status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('refuses oversized bodies (413), unknown providers (404), other methods (405) and non-JSON (400)', async () => {
    const { sim, updates, handler } = setup({ maxBodyBytes: 2048 });
    const { body } = await finishedPrediction(sim);
    const big = JSON.stringify({ ...JSON.parse(body), padding: 'x'.repeat(4096) });
    expect((await handler(post('/webhooks/replicate', big, standardHeaders(SECRET, 'm1', big)))).status).toBe(413);
    expect((await handler(post('/webhooks/stripe', body, standardHeaders(SECRET, 'm2', body)))).status).toBe(404);
    expect((await handler(new Request('https://app.example/webhooks/replicate'))).status).toBe(405);
    const junk = 'not json';
    expect((await handler(post('/webhooks/replicate', junk, standardHeaders(SECRET, 'm3', junk)))).status).toBe(400);
    const wrongShape = '{"hello":"world"}';
    expect(
      (await handler(post('/webhooks/replicate', wrongShape, standardHeaders(SECRET, 'm4', wrongShape)))).status,
    ).toBe(400);
    expect(updates).toHaveLength(0);
  });

  it('builds without secrets (next build), and answers 503 naming the variable at the first delivery', async () => {
    const errors: unknown[] = [];
    const handler = createWebhookHandler({
      providers: { replicate: replicate(), kling: kling() },
      env: {},
      onError: (error) => void errors.push(error),
    });
    for (const [provider, variable] of [
      ['replicate', 'REPLICATE_WEBHOOK_SECRET'],
      ['kling', 'KLING_WEBHOOK_SECRET'],
    ] as const) {
      const response = await handler(post(`/webhooks/${provider}`, '{}', {}));
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(variable);
    }
    expect(String(errors[0])).toContain('REPLICATE_WEBHOOK_SECRET');
  });

  it('reads the secret from the environment at the first delivery, not at creation', async () => {
    const env: Record<string, string | undefined> = {};
    const { sim, updates } = setup();
    const handler = createWebhookHandler({
      providers: { replicate: replicate() },
      env,
      onJobUpdate: (snapshot) => void updates.push(snapshot),
    });
    env.REPLICATE_WEBHOOK_SECRET = SECRET;
    const { body } = await finishedPrediction(sim);
    expect((await handler(post('/webhooks/replicate', body, standardHeaders(SECRET, 'msg_env', body)))).status).toBe(
      200,
    );
    expect(updates).toHaveLength(1);
  });

  it('refuses a secret passed in options at creation: not base64, or shorter than 24 bytes', () => {
    expect(() =>
      createWebhookHandler({ providers: { replicate: replicate() }, secrets: { replicate: 'not base64!' }, env: {} }),
    ).toThrow(/whsec_/);
    const short = 'whsec_' + Buffer.from('only-23-bytes-of-secret').toString('base64');
    expect(() =>
      createWebhookHandler({ providers: { replicate: replicate() }, secrets: { replicate: short }, env: {} }),
    ).toThrow(/23 bytes.*at least 24 bytes/);
    expect(() =>
      createWebhookHandler({ providers: { replicate: replicate() }, verification: { replicate: 'none' }, env: {} }),
    ).not.toThrow();
  });

  it('refuses a short secret from the environment at the first delivery (503 saying why)', async () => {
    const short = 'whsec_' + Buffer.from('only-23-bytes-of-secret').toString('base64');
    const handler = createWebhookHandler({
      providers: { replicate: replicate() },
      env: { REPLICATE_WEBHOOK_SECRET: short },
    });
    const body = '{"id":"p1"}';
    const response = await handler(post('/webhooks/replicate', body, standardHeaders(short, 'msg_short', body)));
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/at least 24 bytes/);
  });
});

describe('createWebhookHandler: fal ED25519', () => {
  beforeEach(() => vi.useFakeTimers({ now: START, toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  async function falSetup() {
    const signer = await createFalSigner();
    let jwks: unknown = signer.jwks;
    const keys = jwksFetch(() => jwks);
    const sim = createSimulator();
    const updates: JobSnapshot[] = [];
    const handler = createWebhookHandler({
      providers: { fal: fal() },
      onJobUpdate: (snapshot) => void updates.push(snapshot),
      falJwks: { fetch: keys.fetch },
      env: {},
    });
    const submitted = await submitVia(sim, fal(), 'fal-ai/veo3', { prompt: 'a cat' });
    return { signer, keys, sim, updates, handler, submitted, rotate: (next: unknown) => (jwks = next) };
  }

  it('verifies with the JWKS key (fetched once, cached) and reads the payload with the fal adapter', async () => {
    const { signer, keys, sim, updates, handler, submitted } = await falSetup();
    sim.complete(submitted.id);
    const body = JSON.stringify(await callbackBody(sim, submitted.ref));
    const headers = await signer.headers(body, { requestId: submitted.id });
    const response = await handler(post('/api/video/webhooks?provider=fal&model=fal-ai/veo3', body, headers));
    expect(response.status).toBe(200);
    expect(updates[0]!.status).toBe('completed');
    expect(updates[0]!.video!.url).toMatch(/\.mp4/);
    expect(updates[0]!.model).toBe('fal-ai/veo3');
    expect(keys.calls).toEqual(['https://rest.fal.ai/.well-known/jwks.json']);

    const again = await handler(post('/webhooks/fal', body, await signer.headers(body, { requestId: submitted.id })));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(keys.calls).toHaveLength(1);
  });

  it('reads an ERROR delivery as a failed job', async () => {
    const { signer, sim, updates, handler, submitted } = await falSetup();
    sim.fail(submitted.id, 'Invalid status code: 422');
    const body = JSON.stringify(await callbackBody(sim, submitted.ref));
    const response = await handler(
      post('/webhooks/fal', body, await signer.headers(body, { requestId: submitted.id })),
    );
    expect(response.status).toBe(200);
    expect(updates[0]!.status).toBe('failed');
    expect(updates[0]!.error!.message).toContain('422');
  });

  it('refuses tampered bodies, other keys, swapped headers and stale timestamps', async () => {
    const { signer, keys, sim, updates, handler, submitted } = await falSetup();
    sim.complete(submitted.id);
    const body = JSON.stringify(await callbackBody(sim, submitted.ref));
    const headers = await signer.headers(body, { requestId: submitted.id });
    const stranger = await createFalSigner();
    const cases = [
      post('/webhooks/fal', body.replace('.mp4', '.mov'), headers),
      post('/webhooks/fal', body, await stranger.headers(body, { requestId: submitted.id })),
      post('/webhooks/fal', body, { ...headers, 'x-fal-webhook-user-id': 'someone-else' }),
      post('/webhooks/fal', body, { ...headers, 'x-fal-webhook-signature': 'zz' }),
    ];
    for (const request of cases) {
      const response = await handler(request);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('bad_signature');
    }
    // An unverifiable signature may refetch the keys (rotation), but at most once per 5 minutes.
    expect(keys.calls.length).toBeLessThanOrEqual(2);
    const stale = await handler(
      post('/webhooks/fal', body, await signer.headers(body, { requestId: submitted.id, at: START - 400_000 })),
    );
    expect(stale.status).toBe(401);
    expect((await stale.json()).error.code).toBe('stale_timestamp');
    expect(updates).toHaveLength(0);
  });

  it("picks up fal's rotated keys from the JWKS endpoint", async () => {
    const { signer, keys, sim, updates, handler, submitted, rotate } = await falSetup();
    sim.complete(submitted.id);
    const body = JSON.stringify(await callbackBody(sim, submitted.ref));
    // A delivery signed with the current key fills the cache.
    const warm = '{"request_id":"warm","status":"ERROR","error":"boom"}';
    expect((await handler(post('/webhooks/fal', warm, await signer.headers(warm, { requestId: 'warm' })))).status).toBe(
      200,
    );
    expect(keys.calls).toHaveLength(1);
    const rotated = await createFalSigner();
    rotate(rotated.jwks);
    // Within the cache window the old keys are used, then an unknown signature refetches them.
    const early = await handler(post('/webhooks/fal', body, await rotated.headers(body, { requestId: submitted.id })));
    expect(early.status).toBe(401);
    vi.setSystemTime(START + 6 * 60_000);
    const response = await handler(
      post('/webhooks/fal', body, await rotated.headers(body, { requestId: submitted.id })),
    );
    expect(response.status).toBe(200);
    expect(updates.map((u) => u.id)).toEqual(['warm', submitted.id]);
    expect(keys.calls).toHaveLength(2);
  });

  it('asks for a redelivery (503) when the JWKS cannot be fetched', async () => {
    const handler = createWebhookHandler({
      providers: { fal: fal() },
      falJwks: { fetch: (async () => new Response('down', { status: 503 })) as typeof fetch },
      env: {},
    });
    const signer = await createFalSigner();
    const body = '{"request_id":"r1","status":"OK","payload":{}}';
    const response = await handler(post('/webhooks/fal', body, await signer.headers(body, { requestId: 'r1' })));
    expect(response.status).toBe(503);
  });
});

describe('createWebhookHandler: shared secret (Kling) and fetched updates (OpenAI)', () => {
  it("reads Kling's task callback when the token matches", async () => {
    const { sim, updates, handler } = setup();
    const submitted = await submitVia(sim, kling(), 'kling-v2-6', { prompt: 'a cat' });
    sim.complete(submitted.id);
    const body = JSON.stringify(await callbackBody(sim, submitted.ref));
    expect((await handler(post('/webhooks/kling?token=kling-shared-token', body))).status).toBe(200);
    expect(updates[0]!.status).toBe('completed');
    expect(updates[0]!.video!.url).toMatch(/^https?:/);
    const viaHeader = await handler(post('/webhooks/kling', body, { 'x-webhook-secret': 'kling-shared-token' }));
    expect(await viaHeader.json()).toEqual({ received: true, duplicate: true });
    for (const request of [post('/webhooks/kling?token=wrong', body), post('/webhooks/kling', body)]) {
      const response = await handler(request);
      expect(response.status).toBe(401);
    }
    expect(updates).toHaveLength(1);
  });

  it('fetches the video an OpenAI event names, with the server-side adapter', async () => {
    vi.useFakeTimers({ now: START, toFake: ['Date'] });
    try {
      const sim = createSimulator();
      const updates: JobSnapshot[] = [];
      const secret = 'whsec_' + Buffer.from('openai-test-secret-of-32-bytes!!').toString('base64');
      const handler = createWebhookHandler({
        // The simulator answers for OpenAI's host, standing in for a live OpenAI-shaped gateway.
        providers: { openai: openaiVideos({ baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test' }) },
        secrets: { openai: secret },
        onJobUpdate: (snapshot) => void updates.push(snapshot),
        fetch: sim.fetch,
        env: {},
      });
      const submitted = await submitVia(sim, openaiVideos({ baseUrl: 'https://api.openai.com/v1' }), 'sora-2', {
        prompt: 'a cat',
      });
      sim.complete(submitted.id);
      const body = JSON.stringify(await callbackBody(sim, submitted.ref));
      const response = await handler(post('/webhooks/openai', body, standardHeaders(secret, 'evt_1', body)));
      expect(response.status).toBe(200);
      expect(updates[0]!.status).toBe('completed');
      expect(sim.count({ provider: 'openai', endpoint: 'status' })).toBe(1);

      const other = JSON.stringify({ type: 'batch.completed', data: { id: 'batch_1' } });
      const ignored = await handler(post('/webhooks/openai', other, standardHeaders(secret, 'evt_2', other)));
      expect(await ignored.json()).toEqual({ received: true, ignored: true });
    } finally {
      vi.useRealTimers();
    }
  });
});
