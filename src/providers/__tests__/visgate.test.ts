import { createVideoClient } from '../../core/createVideoClient';
import type { ProviderContext } from '../../core/provider';
import { VideoJobError } from '../../core/videoJobError';
import { createSimulator } from '../../testing/createSimulator';
import { createVisgateWire } from '../../testing/wire/visgate';
import { visgate, type VisgateInput } from '../visgate';
import { describeProviderContract } from './providerContract';
import { jsonContext, recordingFetch, transportContext } from './testContexts';

const model = 'fal-ai/veo3';

describeProviderContract('visgate', (harness) => {
  const sim = createSimulator();
  const adapter = visgate({ baseUrl: sim.baseUrl('visgate') });
  const client = createVideoClient({ providers: { visgate: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'visgate',
    adapter,
    sim,
    client,
    model,
    input: { prompt: 'a bird flying over mountains', duration_seconds: 6 },
    statusWords: ['pending', 'processing', 'completed', 'failed'],
  };
});

// The seed (and visgate's JS SDK) show the request record camelCased; the adapter keeps the contract on both.
describeProviderContract('visgate (seed camelCase shape)', (harness) => {
  const sim = createSimulator({ wireFormats: [createVisgateWire({ provider: 'visgate-seed', shape: 'seed' })] });
  const adapter = visgate({ baseUrl: sim.baseUrl('visgate-seed') });
  const client = createVideoClient({ providers: { visgate: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'visgate',
    adapter,
    sim,
    client,
    model,
    input: { prompt: 'ocean waves' },
    statusWords: ['pending', 'processing', 'completed', 'failed'],
  };
});

function setup(options: Parameters<typeof visgate>[0] = {}, simOptions: Parameters<typeof createSimulator>[0] = {}) {
  const sim = createSimulator(simOptions);
  const { fetch, sent } = recordingFetch(sim.fetch);
  const ctx = transportContext('visgate', { fetch, retry: { retries: 0 } });
  const adapter = visgate({ baseUrl: sim.baseUrl('visgate'), ...options });
  return { sim, sent, ctx, adapter };
}

/** A context answering every request with `answer`'s JSON. */
function cannedContext(answer: (url: string) => unknown, status = 200): ProviderContext {
  return jsonContext('visgate', answer, { status });
}

describe('visgate adapter', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('submits asynchronously with the body visgate documents, and passes webhookUrl and callback_id through', async () => {
    const { sim, sent, ctx, adapter } = setup();
    const input = await adapter.validateInput!(model, {
      prompt: 'a bird flying over mountains',
      duration_seconds: 6,
      image_url: 'https://example.com/bird.png',
      aspect_ratio: '16:9',
      params: { seed: 7 },
      callback_id: 'order-42',
    });

    const first = await adapter.submit(ctx, { model, input, webhookUrl: 'https://app.example.com/api/webhook' });

    expect(first.status).toBe('queued');
    expect(first.ref.meta?.callbackId).toBe('order-42');
    expect(sent[0]!.url).toBe(`${sim.baseUrl('visgate')}/videos/generate`);
    expect(sent[0]!.headers.get('prefer')).toBe('respond-async');
    expect(sent[0]!.headers.get('authorization')).toBeNull();
    expect(sent[0]!.body).toEqual({
      model,
      prompt: 'a bird flying over mountains',
      duration_seconds: 6,
      image_url: 'https://example.com/bird.png',
      // Model parameters at the top level, as visgate-python's videos.generate sends them (issue 10.7).
      seed: 7,
      aspect_ratio: '16:9',
      callback_id: 'order-42',
      webhook_url: 'https://app.example.com/api/webhook',
    });
    const job = sim.job(first.id)!;
    expect(job.webhookUrl).toBe('https://app.example.com/api/webhook');
    expect(job.meta.callbackId).toBe('order-42');
  });

  it('follows pending -> processing -> completed with the output URL and timestamps', async () => {
    const { ctx, adapter } = setup();
    const first = await adapter.submit(ctx, { model, input: { prompt: 'ocean waves' } });

    await vi.advanceTimersByTimeAsync(3000);
    const running = await adapter.getStatus(ctx, first.ref, {});
    await vi.advanceTimersByTimeAsync(8000);
    const done = await adapter.getStatus(ctx, first.ref, {});

    expect(running).toMatchObject({ status: 'running' });
    expect(done).toMatchObject({ status: 'completed', progress: 1 });
    if (done === running || typeof done === 'symbol') throw new Error('expected a snapshot');
    expect(done.video?.url).toMatch(/^https:\/\/sim\.local\/files\/.+\.mp4$/);
    expect(done.createdAt).toBe(Date.parse('2026-03-01T09:00:00Z'));
    expect(done.completedAt).toBe(Date.parse('2026-03-01T09:00:10Z'));
  });

  it('surfaces errorMessage of a failed request as provider_failed', async () => {
    const { ctx, adapter } = setup({}, { job: { outcome: 'failed', errorMessage: 'NSFW content detected' } });
    const first = await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(11_000);

    const done = await adapter.getStatus(ctx, first.ref, {});

    expect(done).toMatchObject({ status: 'failed' });
    const error = (done as { error?: VideoJobError }).error!;
    expect(error.kind).toBe('provider_failed');
    expect(error.message).toContain('NSFW content detected');
    expect(error.message).toContain(first.id);
  });

  it('takes a finished result answered straight away (cache hit) as completed', async () => {
    const ctx = cannedContext(() => ({
      id: 'req-1',
      video_url: 'https://v3.fal.media/files/out.mp4',
      model,
      provider: 'fal',
      cache_hit: true,
    }));
    const snapshot = await visgate().submit(ctx, { model, input: { prompt: 'ocean waves' } });
    expect(snapshot).toMatchObject({
      id: 'req-1',
      status: 'completed',
      video: { url: 'https://v3.fal.media/files/out.mp4' },
    });
  });

  it("accepts the API reference's `accepted` status and refuses unknown ones as invalid_response", async () => {
    const ref = { provider: 'visgate', id: 'req-1', model };
    const accepted = await visgate().getStatus(
      cannedContext(() => ({ request_id: 'req-1', status: 'accepted' })),
      ref,
      {},
    );
    expect(accepted).toMatchObject({ status: 'queued' });

    const error = await visgate()
      .getStatus(
        cannedContext(() => ({ request_id: 'req-1', status: 'rendering' })),
        ref,
        {},
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VideoJobError);
    expect(error).toMatchObject({ kind: 'invalid_response', field: 'status', jobId: 'req-1' });
  });

  it('refuses a completed record without an output URL, naming the field', async () => {
    const ref = { provider: 'visgate', id: 'req-1', model };
    const error = await visgate()
      .getStatus(
        cannedContext(() => ({ request_id: 'req-1', status: 'completed', output_url: null })),
        ref,
        {},
      )
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_response', field: 'output_url' });
  });

  it('validates the input before any request, naming the field', () => {
    const adapter = visgate();
    const check = (input: unknown) => {
      try {
        adapter.validateInput!(model, input);
      } catch (error) {
        return error as VideoJobError;
      }
      throw new Error('expected invalid_input');
    };
    expect(check({ prompt: 'x', image_url: 'http://example.com/a.png' })).toMatchObject({
      kind: 'invalid_input',
      field: 'image_url',
    });
    expect(check({ prompt: 'x', image_url: '/uploads/a.png' })).toMatchObject({ field: 'image_url' });
    expect(check({ prompt: 'x', duration_seconds: 0 })).toMatchObject({ field: 'duration_seconds' });
    expect(check({ prompt: 'x', aspect_ratio: '2:1' })).toMatchObject({ field: 'aspect_ratio' });
    expect(check({ prompt: '' })).toMatchObject({ field: 'prompt' });
    expect(check({ prompt: 'x', callbackId: 'camel' })).toMatchObject({ field: 'callbackId' });
  });

  it('has no remote cancel: cancel reports unsupported without a request', async () => {
    const { sent, ctx, adapter } = setup();
    const first = await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    await expect(adapter.cancel!(ctx, first.ref, {})).resolves.toBe('unsupported');
    expect(sent).toHaveLength(1);
  });

  it('sends the key as a bearer token only when one is configured, and goes through a proxy URL in the browser', async () => {
    const keyed = setup({ apiKey: 'vg-secret' }, { apiKeys: { visgate: 'vg-secret' } });
    await keyed.adapter.submit(keyed.ctx, { model, input: { prompt: 'x' } });
    expect(keyed.sent[0]!.headers.get('authorization')).toBe('Bearer vg-secret');

    const proxied = setup({ proxyUrl: 'https://app.example.com/api/video' });
    const first = await proxied.adapter.submit(proxied.ctx, { model, input: { prompt: 'x' } });
    await proxied.adapter.getStatus(proxied.ctx, first.ref, {});
    expect(proxied.sent.map((entry) => entry.url)).toEqual([
      'https://app.example.com/api/video',
      'https://app.example.com/api/video',
    ]);
    expect(proxied.sent[1]!.headers.get('x-video-jobs-target-url')).toBe(
      `${proxied.sim.baseUrl('visgate')}/requests/${first.id}`,
    );
    expect(proxied.sent[1]!.headers.get('authorization')).toBeNull();
  });

  it("works behind the seed's catch-all proxy route with a relative baseUrl", async () => {
    const urls: string[] = [];
    const answer = (url: string) => {
      urls.push(url);
      return { request_id: 'req-9', status: 'pending' };
    };
    const ctx = jsonContext('visgate', answer, { status: 202, now: Date.now });
    const adapter = visgate({ baseUrl: '/api/visgate' });
    const first = await adapter.submit(ctx, { model, input: { prompt: 'x' } satisfies VisgateInput });
    await adapter.getStatus(ctx, first.ref, {});
    expect(urls).toEqual(['/api/visgate/videos/generate', '/api/visgate/requests/req-9']);
  });
});
