import { createVideoClient } from '../../core/createVideoClient';
import { createSimulator } from '../../testing/createSimulator';
import { progressFromLogs, replicate } from '../replicate';
import { describeProviderContract } from './providerContract';
import { jsonContext, recordingFetch, rejection, snapshotOf, transportContext } from './testContexts';

const model = 'minimax/video-01';
const version = `acme/video-model:${'a1'.repeat(32)}`;

describeProviderContract('replicate', (harness) => {
  const sim = createSimulator();
  const adapter = replicate({ baseUrl: sim.baseUrl('replicate') });
  const client = createVideoClient({ providers: { replicate: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'replicate',
    adapter,
    sim,
    client,
    model,
    input: { prompt: 'A red panda eating bamboo in the rain' },
    statusWords: ['starting', 'processing', 'succeeded', 'failed', 'canceled'],
  };
});

function setup(options: Parameters<typeof replicate>[0] = {}, simOptions: Parameters<typeof createSimulator>[0] = {}) {
  const sim = createSimulator(simOptions);
  const { fetch, sent } = recordingFetch(sim.fetch);
  // Prefer: wait holds a request open for up to a minute of (virtual) time.
  const ctx = transportContext('replicate', { fetch, retry: { retries: 0 }, requestTimeoutMs: 120_000 });
  const adapter = replicate({ baseUrl: sim.baseUrl('replicate'), ...options });
  return { sim, sent, ctx, adapter };
}

/** Resolves `promise` while virtual time moves on in 250 ms steps. */
async function settle<T>(promise: Promise<T>, maxMs = 120_000): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => (done = true));
  for (let elapsed = 0; !done && elapsed < maxMs; elapsed += 250) await vi.advanceTimersByTimeAsync(250);
  return tracked;
}

describe('replicate adapter', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('completes a fast job inside the submit answer with Prefer: wait, with no status poll', async () => {
    const { sim, sent, ctx, adapter } = setup({ wait: 10 }, { job: { queueMs: 1000, runMs: 3000 } });

    const first = await settle(adapter.submit(ctx, { model, input: { prompt: 'x' } }));

    expect(sent[0]!.headers.get('prefer')).toBe('wait=10');
    expect(first.status).toBe('completed');
    expect(first.video?.url).toMatch(/^https:\/\/sim\.local\/files\/.+\.mp4$/);
    expect(first.completedAt).toBe(Date.parse('2026-03-01T09:00:04Z'));
    expect(sim.count({ endpoint: 'status' })).toBe(0);
    expect(Date.now() - Date.parse('2026-03-01T09:00:00Z')).toBeLessThan(5000);
  });

  it('answers an unfinished prediction when the wait runs out, then polls as usual', async () => {
    const { ctx, adapter } = setup({ wait: 3 });

    const first = await settle(adapter.submit(ctx, { model, input: { prompt: 'x' } }));

    expect(first.status).toBe('running');
    expect(Date.now() - Date.parse('2026-03-01T09:00:00Z')).toBe(3000);
    await vi.advanceTimersByTimeAsync(8000);
    expect(snapshotOf(await adapter.getStatus(ctx, first.ref, {})).status).toBe('completed');
  });

  it('sends Cancel-After, and reports a deadline that passed before the start as cancelled (aborted)', async () => {
    const { sim, sent, ctx, adapter } = setup({ cancelAfter: 10 }, { job: { queueMs: 60_000 } });
    const first = await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    expect(sent[0]!.headers.get('cancel-after')).toBe('10s');
    expect(sim.job(first.id)?.meta.cancelAfter).toBe('10s');

    await vi.advanceTimersByTimeAsync(11_000);
    const after = snapshotOf(await adapter.getStatus(ctx, first.ref, {}));

    expect(after.status).toBe('cancelled');
    expect(after.cancellation?.message).toContain('Cancel-After');
    expect((after.raw as { status: string }).status).toBe('aborted');
  });

  it('passes a Cancel-After duration string through and refuses bad wait / cancelAfter options', async () => {
    const { sent, ctx, adapter } = setup({ cancelAfter: '1m30s' });
    await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    expect(sent[0]!.headers.get('cancel-after')).toBe('1m30s');
    expect(sent[0]!.headers.has('prefer')).toBe(false);

    expect(rejection(() => replicate({ wait: 61 }))).toMatchObject({ kind: 'invalid_input', field: 'wait' });
    expect(rejection(() => replicate({ wait: 2.5 }))).toMatchObject({ field: 'wait' });
    expect(rejection(() => replicate({ cancelAfter: 'soon' }))).toMatchObject({ field: 'cancelAfter' });
    expect(rejection(() => replicate({ cancelAfter: -1 }))).toMatchObject({ field: 'cancelAfter' });
  });

  it('routes official models, versions and deployments to their create endpoints', async () => {
    const { sim, sent, ctx, adapter } = setup();
    await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    await adapter.submit(ctx, { model: version, input: { prompt: 'x' } });
    await adapter.submit(ctx, { model: 'deployments/acme/fast-video', input: { prompt: 'x' } });

    const base = sim.baseUrl('replicate');
    expect(sent.map((entry) => entry.url)).toEqual([
      `${base}/models/minimax/video-01/predictions`,
      `${base}/predictions`,
      `${base}/deployments/acme/fast-video/predictions`,
    ]);
    expect(sent[0]!.body).toEqual({ input: { prompt: 'x' } });
    expect(sent[1]!.body).toEqual({ version, input: { prompt: 'x' } });
    expect(sim.jobs().map((job) => job.model)).toEqual(['minimax/video-01', 'acme/video-model', 'acme/fast-video']);
    expect(rejection(() => adapter.validateInput!('just-a-name', { prompt: 'x' }))).toMatchObject({
      kind: 'invalid_input',
      field: 'model',
    });
  });

  it('passes the webhook with a start/completed event filter by default', async () => {
    const { sim, sent, ctx, adapter } = setup();
    const first = await adapter.submit(ctx, {
      model,
      input: { prompt: 'x' },
      webhookUrl: 'https://app.example.com/hook',
    });
    expect(sent[0]!.body).toMatchObject({
      webhook: 'https://app.example.com/hook',
      webhook_events_filter: ['start', 'completed'],
    });
    expect(sim.job(first.id)?.webhookUrl).toBe('https://app.example.com/hook');

    const custom = setup({ webhookEventsFilter: ['completed'] });
    await custom.adapter.submit(custom.ctx, {
      model,
      input: { prompt: 'x' },
      webhookUrl: 'https://app.example.com/hook',
    });
    expect(custom.sent[0]!.body).toMatchObject({ webhook_events_filter: ['completed'] });
  });

  it('reads progress from the tqdm bar in the logs while processing', async () => {
    const { ctx, adapter } = setup();
    const first = await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(2000 + 3400);

    const running = snapshotOf(await adapter.getStatus(ctx, first.ref, {}));

    expect(running.status).toBe('running');
    expect(running.progress).toBeCloseTo(0.42, 2);
    expect(running.logs.at(-1)).toMatch(/^ 42%\|/);
    expect(running.startedAt).toBe(Date.parse('2026-03-01T09:00:02Z'));
    expect(progressFromLogs('Loading\n  5%|▌         | 1/20\n 60%|██████    | 12/20 [00:06<00:04]')).toBe(0.6);
    expect(progressFromLogs('no bar here')).toBeUndefined();
  });

  it('takes the video from an output string, an output list, or an output object', async () => {
    const { sim, ctx, adapter } = setup();
    const single = await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    const listed = await adapter.submit(ctx, { model, input: { prompt: 'x', num_outputs: 1 } });
    sim.complete(single.id);
    sim.complete(listed.id);

    const one = snapshotOf(await adapter.getStatus(ctx, single.ref, {}));
    const many = snapshotOf(await adapter.getStatus(ctx, listed.ref, {}));

    expect(typeof (one.raw as { output: unknown }).output).toBe('string');
    expect(Array.isArray((many.raw as { output: unknown }).output)).toBe(true);
    expect(one.video?.url).toBe(`https://sim.local/files/${single.id}.mp4`);
    expect(many.video?.url).toBe(`https://sim.local/files/${listed.id}.mp4`);
    // Replicate removes API outputs after an hour.
    expect(one.video?.expiresAt).toBe(Date.now() + 3_600_000);

    const objectCtx = jsonContext(
      'replicate',
      () => ({ id: 'p1', status: 'succeeded', output: { video: 'https://replicate.delivery/x/out.mp4' } }),
      { now: Date.now },
    );
    const fromObject = snapshotOf(
      await replicate().getStatus(objectCtx, { provider: 'replicate', id: 'p1', model }, {}),
    );
    expect(fromObject.video?.url).toBe('https://replicate.delivery/x/out.mp4');
  });

  it('says so when the output was already removed, and when a success has no file at all', async () => {
    const answers = [
      { id: 'p1', status: 'succeeded', output: null, data_removed: true },
      { id: 'p1', status: 'succeeded', output: 42 },
    ];
    const ctx = jsonContext('replicate', () => answers.shift(), { now: Date.now });
    const ref = { provider: 'replicate', id: 'p1', model };
    await expect(replicate().getStatus(ctx, ref, {})).rejects.toMatchObject({ kind: 'not_found', jobId: 'p1' });
    await expect(replicate().getStatus(ctx, ref, {})).rejects.toMatchObject({
      kind: 'invalid_response',
      field: 'output',
    });
  });

  it('cancels a running prediction, and reports one that already finished', async () => {
    const { sim, ctx, adapter } = setup();
    const running = await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    const finished = await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(3000);
    sim.complete(finished.id);

    await expect(adapter.cancel!(ctx, running.ref, {})).resolves.toBe('cancelled');
    await expect(adapter.cancel!(ctx, finished.ref, {})).resolves.toBe('already_completed');
    expect(sim.job(running.id)?.status).toBe('cancelled');
    expect(snapshotOf(await adapter.getStatus(ctx, running.ref, {}))).toMatchObject({
      status: 'cancelled',
      cancellation: { remote: 'cancelled' },
    });
  });

  it('surfaces the error of a failed prediction', async () => {
    const { ctx, adapter } = setup({}, { job: { outcome: 'failed', errorMessage: 'CUDA out of memory' } });
    const first = await adapter.submit(ctx, { model, input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(11_000);
    const done = snapshotOf(await adapter.getStatus(ctx, first.ref, {}));
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ kind: 'provider_failed', jobId: first.id });
    expect(done.error?.message).toContain('CUDA out of memory');
    expect(done.completedAt).toBe(Date.parse('2026-03-01T09:00:10Z'));
  });

  it('checks image URLs, duration and aspect ratio before anything is sent', () => {
    const adapter = replicate();
    const check = (input: Record<string, unknown>) => rejection(() => adapter.validateInput!(model, input));
    expect(check({ prompt: 'x', start_image: 'http://example.com/a.png' })).toMatchObject({
      kind: 'invalid_input',
      field: 'start_image',
    });
    expect(check({ prompt: 'x', first_frame_image: 'data:image/png;base64,AAAA' })).toMatchObject({
      field: 'first_frame_image',
    });
    expect(check({ reference_images: ['https://a.io/1.png', '/local/2.png'] })).toMatchObject({
      field: 'reference_images[1]',
    });
    expect(check({ prompt: 'x', duration: 0 })).toMatchObject({ field: 'duration' });
    expect(check({ prompt: 'x', aspect_ratio: 'wide' })).toMatchObject({ field: 'aspect_ratio' });
    expect(
      adapter.validateInput!(model, { prompt: 'x', image: 'https://a.io/1.png', num_frames: 81, fps: 16 }),
    ).toEqual({ prompt: 'x', image: 'https://a.io/1.png', num_frames: 81, fps: 16 });
  });

  it('sends the token as a bearer header only when configured, and goes through the proxy in the browser', async () => {
    const keyed = setup({ apiKey: 'r8_secret' }, { apiKeys: { replicate: 'r8_secret' } });
    const first = await keyed.adapter.submit(keyed.ctx, { model, input: { prompt: 'x' } });
    expect(keyed.sent[0]!.headers.get('authorization')).toBe('Bearer r8_secret');
    expect(first.ref.urls?.status).toBe(`${keyed.sim.baseUrl('replicate')}/predictions/${first.id}`);

    const proxied = setup({ proxyUrl: 'https://app.example.com/api/video', wait: 1, cancelAfter: 30 });
    await settle(proxied.adapter.submit(proxied.ctx, { model, input: { prompt: 'x' } }));
    expect(proxied.sent[0]!.url).toBe('https://app.example.com/api/video');
    expect(proxied.sent[0]!.headers.get('x-video-jobs-target-url')).toBe(
      `${proxied.sim.baseUrl('replicate')}/models/minimax/video-01/predictions`,
    );
    expect(proxied.sent[0]!.headers.get('authorization')).toBeNull();
  });
});
