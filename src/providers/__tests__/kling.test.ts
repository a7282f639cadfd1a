import { createVideoClient } from '../../core/createVideoClient';
import type { ProviderContext } from '../../core/provider';
import { UNCHANGED } from '../../core/provider';
import { VideoJobError } from '../../core/videoJobError';
import { createSimulator } from '../../testing/createSimulator';
import { createKlingWire } from '../../testing/wire/kling';
import { kling } from '../kling';
import { describeProviderContract } from './providerContract';
import { jsonContext, recordingFetch } from './testContexts';

describeProviderContract('kling', (harness) => {
  const sim = createSimulator();
  const adapter = kling({ baseUrl: sim.baseUrl('kling') });
  const client = createVideoClient({ providers: { kling: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'kling',
    adapter,
    sim,
    client,
    model: 'kling-v2-6',
    input: { prompt: 'A lighthouse in a storm, waves breaking' },
    statusWords: ['submitted', 'processing', 'succeed', 'failed'],
  };
});

// The integration-guide seed shows `data.status` / `data.video_url` instead of the reference's
// `data.task_status` / `data.task_result.videos`: the adapter must keep the same contract on both.
describeProviderContract('kling (seed response shape)', (harness) => {
  const sim = createSimulator({ wireFormats: [createKlingWire({ provider: 'kling-seed', shape: 'seed' })] });
  const adapter = kling({ baseUrl: sim.baseUrl('kling-seed') });
  const client = createVideoClient({ providers: { kling: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'kling',
    adapter,
    sim,
    client,
    model: 'kling-v2-6',
    input: { prompt: 'A lighthouse in a storm, waves breaking' },
    statusWords: ['queued', 'processing', 'completed', 'failed'],
  };
});

/** A context whose every request is answered by `answer`, for checking response mapping in isolation. */
function cannedContext(answer: (url: string, init: RequestInit) => unknown): ProviderContext {
  return jsonContext('kling', answer);
}

describe('kling adapter', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  function setup(options: Parameters<typeof kling>[0] = {}, simOptions: Parameters<typeof createSimulator>[0] = {}) {
    const sim = createSimulator(simOptions);
    const { fetch, sent: seen } = recordingFetch(sim.fetch);
    const adapter = kling({ baseUrl: sim.baseUrl('kling'), ...options });
    const client = createVideoClient({ providers: { kling: adapter }, fetch });
    return { sim, adapter, client, seen };
  }

  it('declares no remote cancel and reports cancel as unsupported without a request', async () => {
    const { adapter, sim } = setup();
    expect(adapter.capabilities).toEqual({
      cancel: false,
      progress: false,
      queuePosition: false,
      webhooks: true,
      streaming: false,
    });
    const ctx = cannedContext(() => {
      throw new Error('no request expected');
    });
    await expect(adapter.cancel!(ctx, { provider: 'kling', id: 't1', model: 'kling-v2-6' }, {})).resolves.toBe(
      'unsupported',
    );
    expect(sim.requests).toHaveLength(0);
  });

  it.each([
    [{}, 'prompt'],
    [{ prompt: 'x', image: 'http://example.com/a.png' }, 'image'],
    [{ prompt: 'x', image: '/frames/a.png' }, 'image'],
    [{ image: 'https://example.com/a.png', image_tail: 'https://example.com/b.png' }, 'image_tail'],
    [{ image: 'https://example.com/a.png', image_tail: 'https://example.com/b.png', mode: 'std' }, 'image_tail'],
    [{ prompt: 'x', duration: 7 }, 'duration'],
    [{ prompt: 'x', aspect_ratio: '4:3' }, 'aspect_ratio'],
    [{ prompt: 'x', mode: 'turbo' }, 'mode'],
    [{ prompt: 'x', cfg_scale: 2 }, 'cfg_scale'],
    [{ image: 'https://example.com/a.png', imageTail: 'https://example.com/b.png', mode: 'pro' }, 'imageTail'],
    [{ prompt: 'x', callback_url: 'https://example.com/hook' }, 'callback_url'],
  ])('rejects %j before any request, naming %s', async (input, field) => {
    const { client, sim } = setup();
    const error = await client.submit({ provider: 'kling', model: 'kling-v2-6', input }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VideoJobError);
    expect((error as VideoJobError).kind).toBe('invalid_input');
    expect((error as VideoJobError).field).toBe(field);
    expect((error as VideoJobError).message).toContain(field);
    expect(sim.requests).toHaveLength(0);
  });

  it('submits text-to-video with model_name, callback_url and external_task_id, duration as a string', async () => {
    const { client, sim } = setup();
    const first = await client.submit({
      provider: 'kling',
      model: 'kling-v2-6',
      input: { prompt: 'A fox', duration: 10, aspect_ratio: '9:16', mode: 'std', external_task_id: 'order-42' },
      webhookUrl: 'https://app.example/hooks/kling',
    });
    const job = sim.job(first.id)!;
    expect(sim.requests[0]!.url).toBe(`${sim.baseUrl('kling')}/v1/videos/text2video`);
    expect(job.input).toEqual({
      model_name: 'kling-v2-6',
      prompt: 'A fox',
      duration: '10',
      aspect_ratio: '9:16',
      mode: 'std',
      external_task_id: 'order-42',
      callback_url: 'https://app.example/hooks/kling',
    });
    expect(job.webhookUrl).toBe('https://app.example/hooks/kling');
    expect(first.ref.meta).toEqual({ endpoint: 'text2video', externalTaskId: 'order-42' });
  });

  it('runs image-to-video with a start and an end frame in pro mode, polling the image2video task', async () => {
    const { client, sim } = setup();
    const first = await client.submit({
      provider: 'kling',
      model: 'kling-v2-6',
      input: {
        image: 'https://cdn.example/start.png',
        image_tail: 'https://cdn.example/end.png',
        mode: 'pro',
        prompt: 'The subject turns and smiles',
      },
    });
    expect(sim.requests[0]!.url).toBe(`${sim.baseUrl('kling')}/v1/videos/image2video`);
    expect(sim.job(first.id)!.input).toMatchObject({
      image: 'https://cdn.example/start.png',
      image_tail: 'https://cdn.example/end.png',
      mode: 'pro',
    });
    expect(first.ref.meta?.endpoint).toBe('image2video');

    const done = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await done).status).toBe('completed');
    const polls = sim.requests.filter((entry) => entry.endpoint === 'status');
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((entry) => entry.url.includes('/v1/videos/image2video/'))).toBe(true);
  });

  it('sends the bearer token only when configured, calling a token function for each request', async () => {
    const plain = setup();
    await plain.client.submit({ provider: 'kling', model: 'kling-v2-6', input: { prompt: 'a' } });
    expect(plain.seen[0]!.headers.has('authorization')).toBe(false);

    let minted = 0;
    const keyed = setup({ apiKey: () => `jwt-${++minted}` }, { apiKeys: { kling: 'jwt-1' } });
    const first = await keyed.client.submit({ provider: 'kling', model: 'kling-v2-6', input: { prompt: 'a' } });
    expect(keyed.seen[0]!.headers.get('authorization')).toBe('Bearer jwt-1');
    await vi.advanceTimersByTimeAsync(3000);
    // The second token differs from the one the simulator accepts: proves it is fetched per request.
    const error = await keyed.client.getStatus(first.ref).catch((e: unknown) => e);
    expect(keyed.seen.at(-1)!.headers.get('authorization')).toBe('Bearer jwt-2');
    expect((error as VideoJobError).kind).toBe('auth');
  });

  it('goes through the proxy with the real target URL in x-video-jobs-target-url', async () => {
    const { client, sim, seen } = setup({ baseUrl: undefined, proxyUrl: 'https://app.example/api/video-proxy' });
    await client.submit({ provider: 'kling', model: 'kling-v2-6', input: { prompt: 'a' } });
    expect(seen[0]!.headers.get('x-video-jobs-target-url')).toBe(
      'https://api-singapore.klingai.com/v1/videos/text2video',
    );
    expect(seen[0]!.headers.has('authorization')).toBe(false);
    expect(sim.requests[0]).toMatchObject({ proxied: true, endpoint: 'submit', provider: 'kling' });
  });

  it('reads both the reference and the seed shape of a finished task', async () => {
    const adapter = kling();
    const ref = { provider: 'kling', id: 't1', model: 'kling-v2-6', meta: { endpoint: 'text2video' } };
    const reference = cannedContext(() => ({
      code: 0,
      message: 'SUCCEED',
      data: {
        task_id: 't1',
        task_status: 'succeed',
        task_status_msg: '',
        task_result: { videos: [{ id: 'v1', url: 'https://cdn.klingai.com/v1.mp4', duration: '5.042' }] },
        created_at: 1_722_769_557_708,
        updated_at: 1_722_769_600_000,
      },
    }));
    const fromReference = await adapter.getStatus(reference, ref, {});
    expect(fromReference).not.toBe(UNCHANGED);
    expect(fromReference).toMatchObject({
      status: 'completed',
      video: { url: 'https://cdn.klingai.com/v1.mp4', durationSeconds: 5.042 },
      createdAt: 1_722_769_557_708,
      completedAt: 1_722_769_600_000,
    });

    const seed = cannedContext(() => ({ data: { status: 'completed', video_url: 'https://cdn.example/seed.mp4' } }));
    expect(await adapter.getStatus(seed, ref, {})).toMatchObject({
      status: 'completed',
      video: { url: 'https://cdn.example/seed.mp4' },
    });

    const seedFailed = cannedContext(() => ({ data: { status: 'failed', error: 'Content moderation failed' } }));
    const failed = await adapter.getStatus(seedFailed, ref, {});
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed !== UNCHANGED && failed.error?.message).toContain('Content moderation failed');
  });

  it('turns a non-zero Kling code in a 200 answer into a typed error', async () => {
    const adapter = kling();
    const ctx = cannedContext(() => ({ code: 1102, message: 'Account balance not enough', request_id: 'r1' }));
    const error = await adapter
      .submit(ctx, { model: 'kling-v2-6', input: { prompt: 'a' } })
      .catch((e: unknown) => e as VideoJobError);
    expect(error).toMatchObject({ kind: 'http', code: '1102' });
    expect((error as VideoJobError).message).toContain('Account balance not enough');

    const auth = cannedContext(() => ({ code: 1002, message: 'Authorization is invalid' }));
    await expect(adapter.submit(auth, { model: 'kling-v2-6', input: { prompt: 'a' } })).rejects.toMatchObject({
      kind: 'auth',
    });
  });

  it('refuses a completed task without a playable URL', async () => {
    const adapter = kling();
    const ref = { provider: 'kling', id: 't1', model: 'kling-v2-6' };
    const ctx = cannedContext(() => ({
      code: 0,
      data: { task_id: 't1', task_status: 'succeed', task_result: { videos: [{ url: 'javascript:alert(1)' }] } },
    }));
    await expect(adapter.getStatus(ctx, ref, {})).rejects.toMatchObject({
      kind: 'invalid_response',
      field: 'data.task_result.videos[0].url',
    });
  });
});
