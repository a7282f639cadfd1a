import { createVideoClient } from '../../core/createVideoClient';
import type { ProviderContext } from '../../core/provider';
import { VideoJobError } from '../../core/videoJobError';
import { createSimulator } from '../../testing/createSimulator';
import { aigateway } from '../aigateway';
import { describeProviderContract } from './providerContract';
import { jsonContext, recordingFetch } from './testContexts';

const DAY_MS = 24 * 60 * 60 * 1000;

describeProviderContract('aigateway', (harness) => {
  const sim = createSimulator();
  const adapter = aigateway({ baseUrl: sim.baseUrl('aigateway') });
  const client = createVideoClient({ providers: { aigateway: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'aigateway',
    adapter,
    sim,
    client,
    model: 'google/veo-3.1-fast',
    input: { prompt: 'a cat doing parkour' },
    statusWords: ['queued', 'running', 'completed', 'failed', 'cancelled'],
  };
});

function cannedContext(body: unknown): ProviderContext {
  return jsonContext('aigateway', () => body);
}

describe('aigateway adapter', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  function setup(options: Parameters<typeof aigateway>[0] = {}) {
    const sim = createSimulator();
    const { fetch, sent: seen } = recordingFetch(sim.fetch);
    const adapter = aigateway({ baseUrl: sim.baseUrl('aigateway'), ...options });
    const client = createVideoClient({ providers: { aigateway: adapter }, fetch });
    return { sim, adapter, client, seen };
  }

  it('declares a 3 s poll floor, and polling never trips the 304 the gateway answers below it', async () => {
    const { adapter, client, sim } = setup();
    expect(adapter.minPollIntervalMs).toBe(3000);
    expect(adapter.capabilities).toMatchObject({ cancel: true, webhooks: true, progress: false, streaming: false });

    sim.setJobSpec({ queueMs: 20_000, runMs: 40_000 });
    const first = await client.submit({ provider: 'aigateway', model: 'google/veo-3.1-fast', input: { prompt: 'a' } });
    const done = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(120_000);
    expect((await done).status).toBe('completed');

    const polls = sim.requests.filter((entry) => entry.endpoint === 'status');
    for (let i = 1; i < polls.length; i++) expect(polls[i]!.at - polls[i - 1]!.at).toBeGreaterThanOrEqual(3000);
    expect(sim.count({ status: 304 })).toBe(0);
  });

  it('sets video.expiresAt from the signed URL and gets a freshly signed URL by fetching the job again', async () => {
    const { client, sim } = setup();
    const first = await client.submit({ provider: 'aigateway', model: 'google/veo-3.1-fast', input: { prompt: 'a' } });
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(60_000);
    const done = await waiting;
    const video = done.video!;
    expect(video.url).toMatch(/expires=\d+&signature=/);
    expect(video.expiresAt).toBe(Number(new URL(video.url).searchParams.get('expires')) * 1000);
    expect(video.expiresAt! - Date.now()).toBeGreaterThan(DAY_MS - 120_000);
    expect((await sim.fetch(video.url)).status).toBe(200);

    await vi.advanceTimersByTimeAsync(DAY_MS + 60_000);
    expect(Date.now()).toBeGreaterThan(video.expiresAt!);
    expect((await sim.fetch(video.url)).status).toBe(403);

    // What the VideoPlayer does for an expired URL: fetch the finished job again for a freshly signed URL.
    const refreshed = await client.refresh(first.ref);
    expect(refreshed.status).toBe('completed');
    expect(refreshed.video!.url).not.toBe(video.url);
    expect(refreshed.video!.expiresAt).toBeGreaterThan(Date.now() + DAY_MS - 1000);
    expect((await sim.fetch(refreshed.video!.url)).status).toBe(200);
  });

  it('falls back to 24 h from completion when the URL carries no expiry, and from now for a re-signed record', async () => {
    const adapter = aigateway();
    const ref = { provider: 'aigateway', id: 'job_1', model: 'm' };
    const completedAt = 1_700_000_000 - 3600; // one hour before the context's clock
    const record = (url: string, completed: number) => ({
      id: 'job_1',
      object: 'job',
      status: 'completed',
      completed_at: completed,
      result: { file_url: url },
    });
    const recent = await adapter.getStatus(cannedContext(record('https://media.example/v.mp4', completedAt)), ref, {});
    expect(recent).toMatchObject({
      video: { expiresAt: completedAt * 1000 + DAY_MS },
      completedAt: completedAt * 1000,
    });
    const old = await adapter.getStatus(
      cannedContext(record('https://media.example/v.mp4', completedAt - 2 * 86400)),
      ref,
      {},
    );
    expect(old).toMatchObject({ video: { expiresAt: 1_700_000_000_000 + DAY_MS } });
  });

  it('surfaces error.code and error.message of a failed job', async () => {
    const adapter = aigateway();
    const failed = await adapter.getStatus(
      cannedContext({ id: 'job_1', status: 'failed', error: { code: 'content_policy', message: 'Blocked by safety' } }),
      { provider: 'aigateway', id: 'job_1', model: 'm' },
      {},
    );
    expect(failed).toMatchObject({ status: 'failed', error: { kind: 'provider_failed', code: 'content_policy' } });
  });

  it('passes webhook_url, image_url and model options through, and submits music to /v1/audio/music', async () => {
    const { client, sim, seen } = setup();
    const video = await client.submit({
      provider: 'aigateway',
      model: 'kling/v2.1-i2v',
      input: { prompt: 'a', image_url: 'https://cdn.example/start.png', duration: 5, resolution: '1080p' },
      webhookUrl: 'https://app.example/hooks/aig',
    });
    expect(seen[0]!.url).toBe(`${sim.baseUrl('aigateway')}/v1/videos/generations`);
    expect(seen[0]!.body).toEqual({
      prompt: 'a',
      image_url: 'https://cdn.example/start.png',
      duration: 5,
      resolution: '1080p',
      model: 'kling/v2.1-i2v',
      webhook_url: 'https://app.example/hooks/aig',
    });
    expect(sim.job(video.id)!.webhookUrl).toBe('https://app.example/hooks/aig');

    await client.submit({
      provider: 'aigateway',
      model: 'fal-ai/stable-audio-25/text-to-audio',
      input: { prompt: 'lo-fi', media: 'music', duration: 15, is_instrumental: true },
    });
    expect(seen[1]!.url).toBe(`${sim.baseUrl('aigateway')}/v1/audio/music`);
    expect(seen[1]!.body).not.toHaveProperty('media');
  });

  it.each([
    [{}, 'prompt'],
    [{ prompt: 'a', image_url: 'http://cdn.example/a.png' }, 'image_url'],
    [{ prompt: 'a', aspect_ratio: 'wide' }, 'aspect_ratio'],
    [{ prompt: 'a', duration: -1 }, 'duration'],
    [{ prompt: 'a', media: 'image' }, 'media'],
  ])('rejects %j before any request, naming %s', async (input, field) => {
    const { client, sim } = setup();
    const error = await client
      .submit({ provider: 'aigateway', model: 'google/veo-3.1-fast', input })
      .catch((e: unknown) => e as VideoJobError);
    expect(error).toMatchObject({ kind: 'invalid_input', field });
    expect(sim.requests).toHaveLength(0);
  });

  it('sends the bearer key only when configured, and the target header in proxy mode', async () => {
    const keyed = setup({ apiKey: 'sk-aig-test' });
    await keyed.client.submit({ provider: 'aigateway', model: 'm/x', input: { prompt: 'a' } });
    expect(keyed.seen[0]!.headers.get('authorization')).toBe('Bearer sk-aig-test');

    const absolute = setup({ baseUrl: undefined, proxyUrl: 'https://app.example/api/video-proxy' });
    await absolute.client.submit({ provider: 'aigateway', model: 'm/x', input: { prompt: 'a' } });
    expect(absolute.seen[0]!.url).toBe('https://app.example/api/video-proxy');
    expect(absolute.seen[0]!.headers.get('x-video-jobs-target-url')).toBe(
      'https://api.aigateway.sh/v1/videos/generations',
    );
    expect(absolute.seen[0]!.headers.has('authorization')).toBe(false);
    expect(absolute.sim.requests[0]).toMatchObject({ proxied: true, provider: 'aigateway', status: 202 });
  });
});

describe('aigateway cancel right after a poll', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('keeps the video of a job that completed, even when the gateway answers the next poll with 304', async () => {
    const sim = createSimulator();
    const client = createVideoClient({
      providers: { aigateway: aigateway({ baseUrl: sim.baseUrl('aigateway') }) },
      fetch: sim.fetch,
    });
    const first = await client.submit({ provider: 'aigateway', model: 'google/veo-3.1-fast', input: { prompt: 'a' } });
    await vi.advanceTimersByTimeAsync(4000);
    await client.getStatus(first.ref);
    sim.complete(first.id);

    const cancelling = client.cancel(first.ref).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    const after = await cancelling;

    expect(after).toMatchObject({ status: 'completed', video: { url: expect.stringMatching(/^https:/) } });
  });
});

describe('aigateway signed media', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('serves the signed video URL without the API key, as the real media host does', async () => {
    const sim = createSimulator({ apiKeys: { aigateway: 'sk-test' } });
    const adapter = aigateway({ baseUrl: sim.baseUrl('aigateway'), apiKey: 'sk-test' });
    const client = createVideoClient({ providers: { aigateway: adapter }, fetch: sim.fetch });
    const first = await client.submit({ provider: 'aigateway', model: 'google/veo-3.1-fast', input: { prompt: 'a' } });
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(60_000);
    const done = await waiting;
    expect((await sim.fetch(done.video!.url)).status).toBe(200);
    expect((await sim.fetch(`${sim.baseUrl('aigateway')}/v1/jobs/${first.id}`)).status).toBe(401);
  });
});
