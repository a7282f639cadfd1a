import { createVideoClient } from '../../core/createVideoClient';
import type { JobSnapshot } from '../../core/jobSnapshot';
import type { VideoClientOptions } from '../../core/videoClient';
import { createSimulator } from '../../testing/createSimulator';
import type { SimulatorOptions } from '../../testing/createSimulator';
import { fal } from '../fal';
import { describeProviderContract } from './providerContract';
import { settledState } from './testContexts';

// fal through the whole client (transport, schedule, watch, cancel) against the in-process simulator.
const MODEL = 'fal-ai/veo3';
const INPUT = { prompt: 'a hummingbird drinking from a flower, macro' };

function setup(simOptions: SimulatorOptions = {}, clientOptions: Partial<VideoClientOptions> = {}) {
  const sim = createSimulator({ job: { queueMs: 3000, runMs: 9000, queuePosition: 2 }, ...simOptions });
  const client = createVideoClient({
    providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), fetch: sim.fetch }) },
    fetch: sim.fetch,
    random: () => 0.5,
    ...clientOptions,
  });
  return { sim, client };
}

async function collect(iterable: AsyncIterable<JobSnapshot>, into: JobSnapshot[]) {
  for await (const snapshot of iterable) into.push(snapshot);
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('fal through createVideoClient', () => {
  it('submits, watches every change and ends with the video, in few requests', async () => {
    const { sim, client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: INPUT });
    const seen: JobSnapshot[] = [];
    const watching = settledState(collect(client.watch(first.ref), seen));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(watching.done).toBe(true);
    expect(watching.error).toBeUndefined();
    const statuses = seen.map((snapshot) => snapshot.status);
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('completed');
    // Only real changes are yielded.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);
    expect(seen.at(-1)?.video?.url).toBe(`https://sim.local/files/${first.id}.mp4`);
    expect(sim.count({ endpoint: 'submit' })).toBe(1);
    expect(sim.count({ endpoint: 'result' })).toBe(1);
    // A 12 s job polled on the 1 s x1.5 schedule: far fewer than a fixed 500 ms loop's ~24.
    expect(sim.count({ endpoint: 'status' })).toBeLessThan(12);
  });

  it('follows the status stream when asked, without polling', async () => {
    const { sim, client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: INPUT });
    const final = settledState(client.wait(first.ref, { stream: true }));
    await vi.advanceTimersByTimeAsync(13_000);
    expect(final.value).toMatchObject({ status: 'completed', logs: expect.arrayContaining(['Encoding video: done']) });
    expect(sim.count({ endpoint: 'stream' })).toBe(1);
    expect(sim.count({ endpoint: 'status' })).toBe(0);
  });

  it('resolves wait() with a failed snapshot carrying the provider reason', async () => {
    const { client } = setup({
      job: { queueMs: 0, runMs: 2000, outcome: 'failed', errorMessage: 'Video model out of memory' },
    });
    const first = await client.submit({ provider: 'fal', model: MODEL, input: INPUT });
    const final = settledState(client.wait(first.ref));
    await vi.advanceTimersByTimeAsync(5000);
    expect(final.value?.status).toBe('failed');
    expect(final.value?.error).toMatchObject({ kind: 'provider_failed' });
    expect(final.value?.error?.message).toContain('Video model out of memory');
  });

  it('cancels a queued job: the final snapshot is cancelled', async () => {
    const { sim, client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: INPUT });
    const final = settledState(client.cancel(first.ref));
    await vi.advanceTimersByTimeAsync(5000);
    expect(final.value?.status).toBe('cancelled');
    expect(sim.job(first.id)?.status).toBe('cancelled');
    expect(sim.count({ endpoint: 'cancel' })).toBe(1);
  });

  it('keeps the video when the job completed before the cancel arrived', async () => {
    const { client } = setup({ job: { queueMs: 0, runMs: 1000 } });
    const first = await client.submit({ provider: 'fal', model: MODEL, input: INPUT });
    await vi.advanceTimersByTimeAsync(1500);
    const final = settledState(client.cancel(first.ref));
    await vi.advanceTimersByTimeAsync(5000);
    expect(final.value).toMatchObject({ status: 'completed', video: { contentType: 'video/mp4' } });
  });

  it('rides out a 429 storm and a dropped connection', async () => {
    const { sim, client } = setup({ job: { queueMs: 1000, runMs: 2000 } });
    const first = await client.submit({ provider: 'fal', model: MODEL, input: INPUT });
    sim.failNext({ status: 429, retryAfter: 2, match: /\/status$/ }, 4);
    sim.failNext({ drop: true, match: /\/status$/ });
    const final = settledState(client.wait(first.ref));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(final.value?.status).toBe('completed');
    expect(sim.count({ endpoint: 'status', status: 429 })).toBe(4);
  });

  it('ends watching with a timeout error carrying the job id, leaving the job running', async () => {
    const { sim, client } = setup({ job: { queueMs: 60_000, runMs: 60_000 } });
    const first = await client.submit({ provider: 'fal', model: MODEL, input: INPUT });
    const final = settledState(client.wait(first.ref, { timeoutMs: 10_000 }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(final.error).toMatchObject({ kind: 'timeout', provider: 'fal', jobId: first.id });
    expect(sim.count({ endpoint: 'cancel' })).toBe(0);
    expect(sim.job(first.id)?.status).toBe('queued');
  });

  it('stops at once when the caller aborts mid-request', async () => {
    const { sim, client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: INPUT });
    sim.setFaults({ latencyMs: 4000 });
    const controller = new AbortController();
    const final = settledState(client.wait(first.ref, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(2000); // the first poll (due after ~1 s) is in flight: latency 4 s
    expect(sim.requests.at(-1)).toMatchObject({ endpoint: 'status', status: 0 });
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(final.error).toMatchObject({ kind: 'cancelled' });
    const polls = sim.count({ endpoint: 'status' });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sim.count({ endpoint: 'status' })).toBe(polls);
  });
});

describeProviderContract('fal', (harness) => {
  const sim = createSimulator();
  const adapter = fal({ baseUrl: sim.baseUrl('fal'), fetch: harness.fetch(sim.fetch) });
  const client = createVideoClient({ providers: { fal: adapter }, fetch: harness.fetch(sim.fetch) });
  return {
    provider: 'fal',
    adapter,
    sim,
    client,
    model: 'fal-ai/kling-video/v2/master/text-to-video',
    input: INPUT,
    statusWords: ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'],
  };
});
