import { createVideoClient } from '../../core/createVideoClient';
import { createSimulator } from '../../testing/createSimulator';
import { createOpenaiVideosWire } from '../../testing/wire/openaiVideos';
import { openaiVideos, type OpenAIVideosOptions } from '../openaiVideos';
import { describeProviderContract } from './providerContract';
import { jsonContext, recordingFetch, rejection, snapshotOf, transportContext } from './testContexts';

describeProviderContract('openai videos', (harness) => {
  const sim = createSimulator();
  const adapter = openaiVideos({ baseUrl: sim.baseUrl('openai') });
  const client = createVideoClient({ providers: { openai: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'openai',
    adapter,
    sim,
    client,
    model: 'sora-2',
    input: { prompt: 'A calico cat playing a piano on stage', seconds: 8, size: '1280x720' },
    statusWords: ['queued', 'in_progress', 'completed', 'failed'],
  };
});

// OpenRouter's /api/v1/videos: `pending`, no progress, `unsigned_urls`, `error` as a string.
describeProviderContract('openai videos (OpenRouter shape)', (harness) => {
  const sim = createSimulator({ wireFormats: [createOpenaiVideosWire({ shape: 'openrouter' })] });
  const adapter = openaiVideos({
    name: 'openrouter',
    baseUrl: sim.baseUrl('openrouter'),
    sizes: false,
    seconds: false,
  });
  const client = createVideoClient({ providers: { openrouter: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'openrouter',
    adapter,
    sim,
    client,
    model: 'google/veo-3.1',
    input: { prompt: 'A golden retriever on a beach', duration: 8, aspect_ratio: '16:9' },
    statusWords: ['pending', 'in_progress', 'completed', 'failed'],
  };
});

/** Any live gateway: OpenAI's own Videos API is shut down, so every adapter names its target. */
const GATEWAY = 'https://gateway.example.com/v1';

function setup(options: Partial<OpenAIVideosOptions> = {}, simOptions: Parameters<typeof createSimulator>[0] = {}) {
  const sim = createSimulator(simOptions);
  const { fetch, sent } = recordingFetch(sim.fetch);
  const ctx = transportContext('openai', { fetch, retry: { retries: 0 } });
  const adapter = openaiVideos({ baseUrl: sim.baseUrl('openai'), ...options });
  return { sim, sent, ctx, adapter };
}

describe('openaiVideos adapter', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('submits the JSON body OpenAI documents: seconds as a string, image_url as input_reference', async () => {
    const { sent, ctx, adapter } = setup();
    const input = await adapter.validateInput!('sora-2', {
      prompt: 'A calico cat playing a piano',
      seconds: 8,
      size: '1280x720',
      image_url: 'https://example.com/first-frame.png',
    });

    const first = await adapter.submit(ctx, { model: 'sora-2', input, idempotencyKey: 'job-7' });

    expect(first).toMatchObject({ status: 'queued', provider: 'openai', model: 'sora-2' });
    expect(first.id).toMatch(/^video_/);
    expect(sent[0]!.body).toEqual({
      model: 'sora-2',
      prompt: 'A calico cat playing a piano',
      seconds: '8',
      size: '1280x720',
      input_reference: { image_url: 'https://example.com/first-frame.png' },
    });
    expect(sent[0]!.headers.get('idempotency-key')).toBe('job-7');
  });

  it('reads progress 0-100 while in_progress and a finished video from the content endpoint', async () => {
    const { sim, ctx, adapter } = setup();
    const first = await adapter.submit(ctx, {
      model: 'sora-2',
      input: { prompt: 'x', seconds: '12', size: '1792x1024' },
    });

    await vi.advanceTimersByTimeAsync(6000);
    const running = snapshotOf(await adapter.getStatus(ctx, first.ref, {}));
    await vi.advanceTimersByTimeAsync(5000);
    const done = snapshotOf(await adapter.getStatus(ctx, first.ref, {}));

    expect(running.status).toBe('running');
    expect(running.progress).toBeCloseTo(0.5, 1);
    expect(done.status).toBe('completed');
    expect(done.video).toEqual({
      url: `${sim.baseUrl('openai')}/videos/${first.id}/content`,
      contentType: 'video/mp4',
      width: 1792,
      height: 1024,
      durationSeconds: 12,
      expiresAt: Date.parse('2026-03-01T10:00:10Z'),
    });
    const file = await sim.fetch(done.video!.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('video/mp4');
  });

  it('in the browser, hands <video> the proxy URL with the content URL as a query parameter', async () => {
    const { sim, sent, ctx, adapter } = setup({ proxyUrl: 'https://app.example.com/api/video' });
    const first = await adapter.submit(ctx, { model: 'sora-2', input: { prompt: 'x' } });
    sim.complete(first.id);

    const done = snapshotOf(await adapter.getStatus(ctx, first.ref, {}));

    const content = `${sim.baseUrl('openai')}/videos/${first.id}/content`;
    expect(done.video?.url).toBe(
      `https://app.example.com/api/video?x-video-jobs-target-url=${encodeURIComponent(content)}`,
    );
    expect(sent.every((entry) => entry.url === 'https://app.example.com/api/video')).toBe(true);
    expect(sent[1]!.headers.get('x-video-jobs-target-url')).toBe(`${sim.baseUrl('openai')}/videos/${first.id}`);
    expect(sent.some((entry) => entry.headers.has('authorization'))).toBe(false);
  });

  it('lets the app map the content URL to its own route', async () => {
    const { sim, ctx, adapter } = setup({ contentUrl: (_url, ref) => `https://app.example.com/videos/${ref.id}.mp4` });
    const first = await adapter.submit(ctx, { model: 'sora-2', input: { prompt: 'x' } });
    sim.complete(first.id);
    const done = snapshotOf(await adapter.getStatus(ctx, first.ref, {}));
    expect(done.video?.url).toBe(`https://app.example.com/videos/${first.id}.mp4`);
  });

  it('surfaces error.message and error.code of a failed video', async () => {
    const { ctx, adapter } = setup(
      {},
      { job: { outcome: 'failed', errorMessage: 'Your request was blocked by moderation' } },
    );
    const first = await adapter.submit(ctx, { model: 'sora-2', input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(11_000);
    const done = snapshotOf(await adapter.getStatus(ctx, first.ref, {}));
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ kind: 'provider_failed', code: 'video_generation_failed' });
    expect(done.error?.message).toContain('blocked by moderation');
  });

  it('repeats a create that got no answer only where the target is declared to de-duplicate by Idempotency-Key', async () => {
    const sim = createSimulator();
    const client = createVideoClient({
      providers: {
        openai: openaiVideos({ baseUrl: sim.baseUrl('openai'), idempotentSubmit: true }),
        gateway: openaiVideos({ baseUrl: sim.baseUrl('openai') }),
      },
      fetch: sim.fetch,
    });
    sim.failNext({ status: 503 });
    const onOpenAI = client
      .submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'x' }, idempotencyKey: 'k1' })
      .catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await onOpenAI).toMatchObject({ status: 'queued' });
    expect(sim.count({ endpoint: 'submit' })).toBe(2);

    sim.failNext({ status: 503 });
    const onGateway = client
      .submit({ provider: 'gateway', model: 'sora-2', input: { prompt: 'x' }, idempotencyKey: 'k2' })
      .catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await onGateway).toMatchObject({ kind: 'http', status: 503 });
    expect(sim.count({ endpoint: 'submit' })).toBe(3);
  });

  it('refuses a per-job webhook unless told where it goes', async () => {
    const refused = setup();
    const error = await refused.adapter
      .submit(refused.ctx, { model: 'sora-2', input: { prompt: 'x' }, webhookUrl: 'https://app.example.com/hook' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'webhookUrl' });
    expect(refused.sent).toHaveLength(0);

    const gateway = setup({ webhookField: 'callback_url' });
    await gateway.adapter.submit(gateway.ctx, {
      model: 'sora-2',
      input: { prompt: 'x' },
      webhookUrl: 'https://app.example.com/hook',
    });
    expect(gateway.sent[0]!.body).toMatchObject({ callback_url: 'https://app.example.com/hook' });

    const project = setup({ webhookField: false });
    await project.adapter.submit(project.ctx, {
      model: 'sora-2',
      input: { prompt: 'x' },
      webhookUrl: 'https://app.example.com/hook',
    });
    expect(project.sent[0]!.body).toEqual({ model: 'sora-2', prompt: 'x' });
  });

  it('checks seconds, size and image URLs before anything is sent', () => {
    const adapter = openaiVideos({ baseUrl: GATEWAY });
    expect(rejection(() => adapter.validateInput!('sora-2', { prompt: 'x', seconds: 5 }))).toMatchObject({
      kind: 'invalid_input',
      field: 'seconds',
    });
    expect(rejection(() => adapter.validateInput!('sora-2', { prompt: 'x', size: '640x480' }))).toMatchObject({
      field: 'size',
    });
    expect(rejection(() => adapter.validateInput!('sora-2', { prompt: 'x', size: 'wide' }))).toMatchObject({
      field: 'size',
    });
    expect(
      rejection(() => adapter.validateInput!('sora-2', { prompt: 'x', image_url: 'ftp://example.com/a.png' })),
    ).toMatchObject({ field: 'image_url' });
    expect(
      rejection(() =>
        adapter.validateInput!('sora-2', { prompt: 'x', input_reference: { image_url: 'http://example.com/a.png' } }),
      ),
    ).toMatchObject({ field: 'input_reference.image_url' });
    expect(
      rejection(() =>
        adapter.validateInput!('sora-2', {
          prompt: 'x',
          input_reference: { image_url: 'https://a.io/b.png', file_id: 'file_1' },
        }),
      ),
    ).toMatchObject({ field: 'input_reference' });
    expect(rejection(() => adapter.validateInput!('sora-2', { seconds: 4 }))).toMatchObject({ field: 'prompt' });

    const gateway = openaiVideos({ baseUrl: GATEWAY, sizes: ['768P'], seconds: false });
    expect(gateway.validateInput!('minimax/h3', { prompt: 'x', size: '768P', seconds: 6 })).toMatchObject({
      size: '768P',
      seconds: '6',
    });
  });

  it("reads OpenRouter's signed urls[0] as a directly playable URL and its expired/cancelled states", async () => {
    const answers: unknown[] = [
      { id: 'job-1', status: 'completed', urls: ['https://storage.example.com/v.mp4?Expires=1772360000'] },
      { id: 'job-1', status: 'expired' },
      { id: 'job-1', status: 'cancelled' },
      { id: 'job-1', status: 'failed', error: 'Provider returned an error: content policy' },
    ];
    const ctx = jsonContext('openrouter', () => answers.shift(), { now: Date.now });
    const adapter = openaiVideos({
      name: 'openrouter',
      baseUrl: 'https://openrouter.ai/api/v1',
      proxyUrl: '/api/video',
    });
    const ref = { provider: 'openrouter', id: 'job-1', model: 'google/veo-3.1' };

    const done = snapshotOf(await adapter.getStatus(ctx, ref, {}));
    expect(done.video).toMatchObject({
      url: 'https://storage.example.com/v.mp4?Expires=1772360000',
      expiresAt: 1772360000_000,
    });
    const expired = snapshotOf(await adapter.getStatus(ctx, ref, {}));
    expect(expired.status).toBe('failed');
    expect(expired.error?.message).toContain('expired');
    expect(snapshotOf(await adapter.getStatus(ctx, ref, {})).status).toBe('cancelled');
    expect(snapshotOf(await adapter.getStatus(ctx, ref, {})).error?.message).toContain('content policy');
  });

  it('refuses an unknown status, naming the field', async () => {
    const ctx = jsonContext('openai', () => ({ id: 'video_1', status: 'rendering', progress: 10 }), { now: Date.now });
    const error = await openaiVideos({ baseUrl: GATEWAY })
      .getStatus(ctx, { provider: 'openai', id: 'video_1', model: 'sora-2' }, {})
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_response', field: 'status', jobId: 'video_1' });
  });

  it('has no remote cancel', async () => {
    const { sent, ctx, adapter } = setup();
    const first = await adapter.submit(ctx, { model: 'sora-2', input: { prompt: 'x' } });
    await expect(adapter.cancel!(ctx, first.ref, {})).resolves.toBe('unsupported');
    expect(sent).toHaveLength(1);
    expect(adapter.capabilities).toEqual({
      cancel: false,
      progress: true,
      queuePosition: false,
      webhooks: true,
      streaming: false,
    });
  });
});
