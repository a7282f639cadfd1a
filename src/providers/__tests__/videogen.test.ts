import { createVideoClient } from '../../core/createVideoClient';
import { UNCHANGED, type ProviderContext } from '../../core/provider';
import { VideoJobError } from '../../core/videoJobError';
import { createSimulator } from '../../testing/createSimulator';
import { sampleImageBytes } from '../../testing/sampleImage';
import { videogen } from '../videogen';
import { describeProviderContract } from './providerContract';
import { jsonContext, recordingFetch } from './testContexts';

describeProviderContract('videogen', (harness) => {
  const sim = createSimulator();
  const adapter = videogen({ baseUrl: sim.baseUrl('videogen') });
  const client = createVideoClient({ providers: { videogen: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'videogen',
    adapter,
    sim,
    client,
    model: 'generate-video-clip',
    input: { prompt: 'A mountain at sunrise' },
    statusWords: ['pending', 'running', 'succeeded', 'failed', 'cancelled'],
  };
});

/** Answers each request with the next body; records the URLs asked for. */
function scriptedContext(bodies: unknown[], urls: string[] = []): ProviderContext {
  return jsonContext('videogen', (url) => {
    urls.push(url);
    return bodies.shift();
  });
}

const REF = { provider: 'videogen', id: 'vg_exec_1', model: 'generate-video-clip' };

describe('videogen adapter', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  function setup(options: Parameters<typeof videogen>[0] = {}) {
    const sim = createSimulator();
    const { fetch, sent: seen } = recordingFetch(sim.fetch);
    const adapter = videogen({ baseUrl: sim.baseUrl('videogen'), ...options });
    const client = createVideoClient({ providers: { videogen: adapter }, fetch });
    return { sim, adapter, client, seen };
  }

  it('takes the hydrated file of a fresh execution, and hydrates it once its signed URL has expired', async () => {
    const { client, sim } = setup();
    const first = await client.submit({ provider: 'videogen', model: 'generate-video-clip', input: { prompt: 'a' } });
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(60_000);
    const done = await waiting;

    expect(done.status).toBe('completed');
    // "Freshly completed tool executions include hydrated URLs already" (https://docs.videogen.io/file-hydration).
    expect(sim.requests.filter((entry) => entry.endpoint === 'result')).toHaveLength(0);
    expect(done.video).toMatchObject({ width: 320, height: 180, durationSeconds: 2, contentType: 'video/mp4' });
    expect(done.video!.expiresAt).toBeGreaterThan(Date.now());
    expect((await sim.fetch(done.video!.url)).status).toBe(200);

    await vi.advanceTimersByTimeAsync(7 * 60 * 60 * 1000);
    const refreshed = await client.refresh(first.ref);
    const hydrations = sim.requests.filter((entry) => entry.endpoint === 'result');
    expect(hydrations).toHaveLength(1);
    expect(hydrations[0]!.url).toMatch(/\/v1\/files\/vg_file_[^/]+\/hydrate$/);
    expect(refreshed.video!.expiresAt).toBeGreaterThan(Date.now());
  });

  it('reports progressPercentage as progress while running', async () => {
    const { client, sim } = setup();
    sim.setJobSpec({ queueMs: 1000, runMs: 10_000 });
    const first = await client.submit({ provider: 'videogen', model: 'generate-video-clip', input: { prompt: 'a' } });
    await vi.advanceTimersByTimeAsync(6000);
    const running = await client.getStatus(first.ref);
    expect(running.status).toBe('running');
    expect(running.progress).toBeCloseTo(0.5, 1);
  });

  it('uses a hydrated file or a downloadUrl carried by the execution without asking the files endpoint', async () => {
    const adapter = videogen();
    const urls: string[] = [];
    const hydrated = await adapter.getStatus(
      scriptedContext(
        [
          {
            toolExecutionId: 'vg_exec_1',
            status: 'succeeded',
            progressPercentage: 100,
            attemptIndex: 1,
            results: [
              {
                fileId: 'vg_file_a',
                type: 'VIDEO',
                file: {
                  fileId: 'vg_file_a',
                  type: 'VIDEO',
                  durationSeconds: 5,
                  downloadSource: { status: 'ready', url: 'https://cdn.videogen.io/a.mp4', expiresAt: 1_700_003_600 },
                },
              },
            ],
            error: null,
          },
        ],
        urls,
      ),
      REF,
      {},
    );
    expect(hydrated).toMatchObject({
      status: 'completed',
      video: { url: 'https://cdn.videogen.io/a.mp4', expiresAt: 1_700_003_600_000, durationSeconds: 5 },
    });
    expect(hydrated !== UNCHANGED && hydrated.logs.join(' ')).toContain('attempt 2');
    expect(urls).toHaveLength(1);

    const direct = await adapter.getStatus(
      scriptedContext([
        {
          toolExecutionId: 'vg_exec_1',
          status: 'succeeded',
          results: [{ fileId: 'f', downloadUrl: 'https://cdn/x.mp4' }],
        },
      ]),
      REF,
      {},
    );
    expect(direct).toMatchObject({ status: 'completed', video: { url: 'https://cdn/x.mp4' } });
  });

  it('keeps polling while the file is still being prepared, and hydrates the file for an expired inline URL', async () => {
    const adapter = videogen();
    const urls: string[] = [];
    const execution = {
      toolExecutionId: 'vg_exec_1',
      status: 'succeeded',
      results: [
        {
          fileId: 'vg_file_a',
          file: { fileId: 'vg_file_a', downloadSource: { status: 'ready', url: 'https://old', expiresAt: 1 } },
        },
      ],
    };
    const pending = await adapter.getStatus(
      scriptedContext([execution, { fileId: 'vg_file_a', downloadSource: { status: 'pending', url: null } }], urls),
      REF,
      {},
    );
    expect(pending).toMatchObject({ status: 'running', progress: 0.99 });
    expect(urls[1]).toBe('https://api.videogen.io/v1/files/vg_file_a/hydrate');
  });

  it('surfaces the execution error message and code', async () => {
    const failed = await videogen().getStatus(
      scriptedContext([
        {
          toolExecutionId: 'vg_exec_1',
          status: 'failed',
          error: { message: 'Prompt violates policy', code: 'moderation' },
        },
      ]),
      REF,
      {},
    );
    expect(failed).toMatchObject({ status: 'failed', error: { kind: 'provider_failed', code: 'moderation' } });
  });

  it('sends imageFileIds, converts a "W:H" aspect ratio, and notes that webhooks are account-level', async () => {
    const { client, sim } = setup();
    // A file uploaded beforehand (the simulator refuses ids it never handed out, as VideoGen answers 404).
    const created = (await (
      await sim.fetch(`${sim.baseUrl('videogen')}/v1/files/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'start.png', type: 'IMAGE' }),
      })
    ).json()) as { fileId: string; uploadUrl: string };
    await sim.fetch(created.uploadUrl, { method: 'PUT', body: sampleImageBytes({ width: 8, height: 8 }) });
    const first = await client.submit({
      provider: 'videogen',
      model: 'generate-video-clip',
      input: { imageFileIds: [created.fileId], aspectRatio: '9:16', generateAudio: true },
      webhookUrl: 'https://app.example/hooks/videogen',
    });
    expect(sim.job(first.id)!.input).toEqual({
      imageFileIds: [created.fileId],
      aspectRatio: { width: 9, height: 16 },
      generateAudio: true,
    });
    expect(first.logs.join(' ')).toContain('/v1/webhooks/endpoints');
  });

  it.each([
    [{}, 'prompt'],
    [{ imageUrl: 'https://cdn.example/a.png' }, 'imageUrl'],
    [{ prompt: 'a', image_url: 'https://cdn.example/a.png' }, 'image_url'],
    [{ prompt: 'a', imageFileIds: [] }, 'imageFileIds'],
    [{ prompt: 'a', numResults: 0 }, 'numResults'],
    [{ prompt: 'a', watermarkMode: 'OFF' }, 'watermarkMode'],
    [{ prompt: 'a', aspectRatio: 'tall' }, 'aspectRatio'],
  ])('rejects %j before any request, naming %s', async (input, field) => {
    const { client, sim } = setup();
    const error = await client
      .submit({ provider: 'videogen', model: 'generate-video-clip', input })
      .catch((e: unknown) => e as VideoJobError);
    expect(error).toMatchObject({ kind: 'invalid_input', field });
    expect(sim.requests).toHaveLength(0);
  });

  it.each([
    [{ prompt: 'a', numResults: 1.5 }, 'numResults must be a whole number (got 1.5)'],
    [{ prompt: 'a', numResults: 101 }, 'numResults is too big (maximum 100, got 101)'],
    [{ prompt: 'a', aspectRatio: 'tall' }, 'aspectRatio must look like "16:9" (got "tall")'],
  ])('says what is wrong with %j and what was given', (input, detail) => {
    const adapter = videogen();
    let error: unknown;
    try {
      adapter.validateInput!('generate-video-clip', input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VideoJobError);
    expect((error as VideoJobError).message).toContain(detail);
    expect((error as VideoJobError).message).toContain('nothing was sent');
  });

  it('rejects a model that is not a tool name', async () => {
    const { client } = setup();
    await expect(
      client.submit({ provider: 'videogen', model: '../admin', input: { prompt: 'a' } }),
    ).rejects.toMatchObject({ kind: 'invalid_input', field: 'model' });
  });

  it('sends the bearer key only when configured', async () => {
    const keyed = setup({ apiKey: 'vg-key' });
    await keyed.client.submit({ provider: 'videogen', model: 'generate-video-clip', input: { prompt: 'a' } });
    expect(keyed.seen[0]!.headers.get('authorization')).toBe('Bearer vg-key');
    const bare = setup();
    await bare.client.submit({ provider: 'videogen', model: 'generate-video-clip', input: { prompt: 'a' } });
    expect(bare.seen[0]!.headers.has('authorization')).toBe(false);
  });
});
