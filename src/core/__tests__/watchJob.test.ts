// watch/wait through transient failures of status polls: a poll is idempotent, so a failed one is asked again
// on the schedule until the overall timeout; only answers that say asking again cannot help end the watch.
import { fal } from '../../providers/fal';
import { createSimulator, type SimulatorOptions } from '../../testing/createSimulator';
import { createVideoClient } from '../createVideoClient';
import { createSnapshot, type JobSnapshot } from '../jobSnapshot';
import type { ProviderAdapter } from '../provider';
import type { VideoClientOptions } from '../videoClient';
import { VideoJobError } from '../videoJobError';
import { createFakeProvider } from './fakeProvider';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const MODEL = 'fal-ai/veo3';

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(sim: SimulatorOptions = {}, client: Partial<VideoClientOptions> = {}) {
  const simulator = createSimulator({ job: { queueMs: 1000, runMs: 20_000 }, ...sim });
  const videoClient = createVideoClient({
    providers: { fal: fal({ baseUrl: simulator.baseUrl('fal'), streaming: false }) },
    fetch: simulator.fetch,
    random: () => 0.5,
    ...client,
  });
  return { sim: simulator, client: videoClient };
}

/** `wait` while fake time runs; resolves with its outcome instead of throwing. */
async function waitFor(promise: Promise<JobSnapshot>, ms: number) {
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: error as VideoJobError }),
  );
  await vi.advanceTimersByTimeAsync(ms);
  return outcome;
}

describe('watch: transient poll failures never lose a job', () => {
  it('follows a job through a burst of HTTP 500s on its status polls to completed', async () => {
    const { sim, client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    // More consecutive 500s than the transport retries within one poll: several polls fail outright.
    sim.failNext({ status: 500, match: /\/status/ }, 12);
    const result = await waitFor(client.wait(first.ref), 120_000);
    expect(result).toMatchObject({ ok: true, value: { status: 'completed' } });
    expect(result.ok && result.value.video?.url).toMatch(/\.mp4$/);
    const statuses = sim.requests.filter((r) => r.endpoint === 'status').map((r) => r.status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(12);
    expect(statuses.at(-1)).toBe(200);
  });

  it.each([
    ['HTTP 500', { status: 500 } as const],
    ['HTTP 503', { status: 503 } as const],
    ['HTTP 429', { status: 429, retryAfter: 2 } as const],
    ['dropped connections', { drop: true } as const],
    ['truncated JSON', { malformed: true } as const],
  ])('keeps polling through 10 consecutive %s', async (_name, fault) => {
    const { sim, client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    sim.failNext({ ...fault, match: /\/status/ }, 10);
    const result = await waitFor(client.wait(first.ref), 180_000);
    expect(result).toMatchObject({ ok: true, value: { status: 'completed' } });
  });

  it('keeps polling a provider that answers 500 until the overall timeout, then ends with timeout (resumable)', async () => {
    const { sim, client } = setup({ job: { queueMs: 0, runMs: 3_600_000 } }, { timeoutMs: 120_000 });
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    sim.failNext({ status: 500, match: /\/status/ }, 10_000);
    const result = await waitFor(client.wait(first.ref), 121_000);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ kind: 'timeout', provider: 'fal', jobId: first.id });
    // Backed off (failing polls go to the schedule's cap), but never stopped.
    const failedAt = sim.requests.filter((r) => r.status === 500).map((r) => r.at);
    expect(failedAt.length).toBeGreaterThan(8);
    expect(failedAt.at(-1)! - T0).toBeGreaterThan(100_000);
  });

  it.each([
    ['auth (401)', { status: 401 } as const, 'auth'],
    ['not_found (404)', { status: 404 } as const, 'not_found'],
  ])('ends at once on %s with the typed error', async (_name, fault, kind) => {
    const { sim, client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    sim.failNext({ ...fault, match: /\/status/ });
    const result = await waitFor(client.wait(first.ref), 60_000);
    expect(!result.ok && result.error).toMatchObject({ kind, provider: 'fal', jobId: first.id, retryable: false });
    expect(sim.count({ endpoint: 'status' })).toBe(1);
  });

  it('ends on schema drift (an answer whose shape the adapter does not know) with invalid_response', async () => {
    const fake = createFakeProvider({ queueMs: 0, runMs: 60_000 });
    const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    fake.failNext(
      'getStatus',
      new VideoJobError({ kind: 'invalid_response', field: 'status', message: 'unknown status "WEIRD"' }),
    );
    const result = await waitFor(client.wait(first.ref), 60_000);
    expect(!result.ok && result.error).toMatchObject({ kind: 'invalid_response', field: 'status', jobId: 'job-1' });
    expect(fake.count('getStatus')).toBe(1);
  });
});

describe('watch: a status request is a read, whatever its method', () => {
  it('retries a 500 on an adapter that polls with POST, and reaches completed', async () => {
    const ref = { provider: 'postal', id: 'p1', model: 'm' };
    let answers = 0;
    const calls: string[] = [];
    const fetchFn = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(init?.method ?? 'GET');
      answers++;
      if (answers <= 2) return new Response('{"error":"oops"}', { status: 500 });
      return new Response(JSON.stringify({ state: 'done' }), { headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const postal: ProviderAdapter = {
      name: 'postal',
      capabilities: { cancel: false, progress: false, queuePosition: false, webhooks: false, streaming: false },
      submit: () => Promise.reject(new Error('not used')),
      async getStatus(ctx, jobRef) {
        await ctx.request({ method: 'POST', url: 'https://postal.example/status', body: { id: jobRef.id } });
        return createSnapshot({ ref: jobRef, status: 'completed', video: { url: 'https://postal.example/v.mp4' } });
      },
    };
    const client = createVideoClient({ providers: { postal }, fetch: fetchFn, random: () => 0.5 });
    const result = await waitFor(client.wait(ref), 30_000);
    expect(result).toMatchObject({ ok: true, value: { status: 'completed' } });
    expect(calls).toEqual(['POST', 'POST', 'POST']);
  });
});
