import { aigateway } from '../../providers/aigateway';
import { createSimulator } from '../../testing/createSimulator';
import { createVideoClient } from '../createVideoClient';
import { createSnapshot, type JobRef, type JobSnapshot } from '../jobSnapshot';
import type { JobStatus } from '../jobStatus';
import { UNCHANGED, type ProviderAdapter, type Unchanged } from '../provider';
import { VideoJobError } from '../videoJobError';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const DAY_MS = 24 * 60 * 60 * 1000;
const REF: JobRef = { provider: 'script', id: 'job-1', model: 'm' };

type Answer = JobSnapshot | Unchanged | VideoJobError;

/**
 * A provider whose every status answer is written by the test: `say(status, extra)` sets what the next
 * `getStatus` calls answer. Calls are logged with their time and signal.
 */
function scriptedProvider(options: { minPollIntervalMs?: number } = {}) {
  let next: (ref: JobRef) => Answer = (ref) => snapshot(ref, 'queued');
  const calls: Array<{ at: number; signal?: AbortSignal }> = [];
  let hold: Promise<void> | undefined;
  const adapter: ProviderAdapter = {
    name: 'script',
    capabilities: { cancel: false, progress: false, queuePosition: false, webhooks: false, streaming: false },
    minPollIntervalMs: options.minPollIntervalMs,
    async submit(_ctx, request) {
      return snapshot({ ...REF, model: request.model }, 'queued');
    },
    async getStatus(_ctx, ref, request) {
      calls.push({ at: Date.now(), signal: request.signal });
      if (hold) {
        await Promise.race([
          hold,
          new Promise((_, reject) => request.signal?.addEventListener('abort', () => reject(request.signal!.reason))),
        ]);
      }
      const answer = next(ref);
      if (answer instanceof VideoJobError) throw answer;
      return answer;
    },
  };
  return {
    adapter,
    calls,
    say(status: JobStatus | Unchanged | VideoJobError, extra: Partial<JobSnapshot> = {}) {
      next = (ref) => (status === UNCHANGED || status instanceof VideoJobError ? status : snapshot(ref, status, extra));
    },
    /** Holds every status answer until the returned function is called. */
    holdAnswers() {
      let release!: () => void;
      hold = new Promise<void>((resolve) => (release = resolve));
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

function snapshot(ref: JobRef, status: JobStatus, extra: Partial<JobSnapshot> = {}): JobSnapshot {
  const at = Date.now();
  if (status === 'completed') {
    return createSnapshot(
      { ref, status, completedAt: T0, progress: 1, video: { url: signedUrl(at), expiresAt: at + DAY_MS }, ...extra },
      at,
    );
  }
  if (status === 'failed') {
    return createSnapshot(
      {
        ref,
        status,
        error: new VideoJobError({ kind: 'provider_failed', message: 'the video has expired' }),
        ...extra,
      },
      at,
    );
  }
  return createSnapshot({ ref, status, ...extra }, at);
}

const signedUrl = (at: number) => `https://cdn.test/job-1.mp4?expires=${at + DAY_MS}`;

async function completedClient(options: { minPollIntervalMs?: number } = {}) {
  const provider = scriptedProvider(options);
  const client = createVideoClient({ providers: { script: provider.adapter }, random: () => 0.5 });
  provider.say('completed');
  const held = await client.getStatus(REF);
  expect(held.status).toBe('completed');
  const seen: JobSnapshot[] = [];
  client.subscribe((update) => seen.push(update));
  return { provider, client, held, seen };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('client.refresh: a completed job', () => {
  it('asks the provider again and hands the fresh URL to the caller, getSnapshot and subscribers', async () => {
    const { provider, client, held, seen } = await completedClient();
    await vi.advanceTimersByTimeAsync(DAY_MS + 60_000);
    // getStatus does not ask again for a terminal job: that is what refresh is for.
    expect(await client.getStatus(REF)).toBe(held);
    expect(provider.calls).toHaveLength(1);

    const fresh = await client.refresh(REF);
    expect(provider.calls).toHaveLength(2);
    expect(fresh).not.toBe(held);
    expect(fresh.status).toBe('completed');
    expect(fresh.video!.url).toBe(signedUrl(T0 + DAY_MS + 60_000));
    expect(fresh.video!.url).not.toBe(held.video!.url);
    expect(fresh.video!.expiresAt).toBeGreaterThan(Date.now());
    expect(Object.isFrozen(fresh)).toBe(true);
    expect(client.getSnapshot(REF)).toBe(fresh);
    expect(seen).toEqual([fresh]);
    expect(await client.getStatus(REF)).toBe(fresh);
    expect(client.nextPollDelay(REF)).toBe(false);
  });

  it('keeps the very same object when the provider answers the same record', async () => {
    const { provider, client, held, seen } = await completedClient();
    provider.say('completed', { video: held.video! });
    expect(await client.refresh(REF)).toBe(held);
    expect(seen).toHaveLength(0);
  });

  it.each<[string, JobStatus, RegExp]>([
    ['running again', 'running', /now reports the job as running/],
    ['queued again', 'queued', /now reports the job as queued/],
    ['failed (expired)', 'failed', /now reports the job as failed \(the video has expired\)/],
    ['cancelled', 'cancelled', /now reports the job as cancelled/],
  ])(
    'never goes backwards: a job now reported %s keeps its completed snapshot and throws',
    async (_what, status, message) => {
      const { provider, client, held, seen } = await completedClient();
      provider.say(status);
      const refreshing = client.refresh(REF);
      await expect(refreshing).rejects.toBeInstanceOf(VideoJobError);
      await expect(refreshing).rejects.toMatchObject({ kind: 'not_refreshed', provider: 'script', jobId: 'job-1' });
      await expect(refreshing).rejects.toThrow(message);
      await expect(refreshing).rejects.toThrow(/completed snapshot is kept unchanged/);
      expect(client.getSnapshot(REF)).toBe(held);
      expect(await client.getStatus(REF)).toBe(held);
      expect(seen).toHaveLength(0);
    },
  );

  it('keeps the snapshot when the answer is completed without a video, 304, or an error', async () => {
    const { provider, client, held, seen } = await completedClient();
    provider.say('completed', { video: undefined });
    await expect(client.refresh(REF)).rejects.toThrow(/returned no video URL/);

    provider.say(UNCHANGED);
    await expect(client.refresh(REF)).rejects.toMatchObject({ kind: 'not_refreshed', retryable: true });

    provider.say(new VideoJobError({ kind: 'not_found', status: 404, message: 'no such job' }));
    await expect(client.refresh(REF)).rejects.toMatchObject({ kind: 'not_found', provider: 'script', jobId: 'job-1' });

    provider.say(new VideoJobError({ kind: 'network', message: 'offline' }));
    await expect(client.refresh(REF)).rejects.toMatchObject({ kind: 'network' });

    expect(client.getSnapshot(REF)).toBe(held);
    expect(seen).toHaveLength(0);
    // A later refresh that works still replaces it.
    provider.say('completed');
    await vi.advanceTimersByTimeAsync(1000);
    expect((await client.refresh(REF)).video!.url).toBe(signedUrl(Date.now()));
  });

  it("waits out the provider's poll floor instead of earning a 304", async () => {
    const { provider, client } = await completedClient({ minPollIntervalMs: 3000 });
    await vi.advanceTimersByTimeAsync(1000);
    const refreshing = client.refresh(REF);
    await vi.advanceTimersByTimeAsync(1999);
    expect(provider.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const fresh = await refreshing;
    expect(provider.calls.map((call) => call.at - T0)).toEqual([0, 3000]);
    expect(fresh.video!.url).toBe(signedUrl(T0 + 3000));
  });

  it('shares one request between concurrent refreshes, and stops it when every caller aborts', async () => {
    const { provider, client } = await completedClient();
    let release = provider.holdAnswers();
    const [a, b] = [client.refresh(REF), client.refresh(REF)];
    release();
    const [first, second] = await Promise.all([a, b]);
    expect(first).toBe(second);
    expect(provider.calls).toHaveLength(2);

    release = provider.holdAnswers();
    const one = new AbortController();
    const two = new AbortController();
    const left = client.refresh(REF, { signal: one.signal });
    const right = client.refresh(REF, { signal: two.signal });
    await vi.advanceTimersByTimeAsync(0);
    expect(provider.calls).toHaveLength(3);
    one.abort();
    await expect(left).rejects.toMatchObject({ kind: 'cancelled' });
    expect(provider.calls[2]!.signal!.aborted).toBe(false);
    two.abort();
    await expect(right).rejects.toMatchObject({ kind: 'cancelled' });
    expect(provider.calls[2]!.signal!.aborted).toBe(true);
    release();
    expect(client.getSnapshot(REF)).toBe(first);
  });
});

describe('client.refresh: other jobs', () => {
  it('is getStatus for a job that has not ended (one shared request)', async () => {
    const provider = scriptedProvider();
    const client = createVideoClient({ providers: { script: provider.adapter } });
    provider.say('running');
    const [viaRefresh, viaStatus] = await Promise.all([client.refresh(REF), client.getStatus(REF)]);
    expect(viaRefresh).toBe(viaStatus);
    expect(viaRefresh.status).toBe('running');
    expect(provider.calls).toHaveLength(1);
    // A job the client has never seen: the provider's answer, whatever it is.
    provider.say('completed');
    expect((await client.refresh({ ...REF, id: 'job-2' })).status).toBe('completed');
  });

  it('refuses a failed or cancelled job without a request: it has no video to refresh', async () => {
    const provider = scriptedProvider();
    const client = createVideoClient({ providers: { script: provider.adapter } });
    provider.say('failed');
    await client.getStatus(REF);
    const refreshing = client.refresh(REF);
    await expect(refreshing).rejects.toMatchObject({ kind: 'invalid_input', field: 'ref', jobId: 'job-1' });
    await expect(refreshing).rejects.toThrow(/only a completed job has a video URL to refresh, and this one is failed/);
    expect(provider.calls).toHaveLength(1);
  });

  it('names an unknown provider', async () => {
    const client = createVideoClient({ providers: { script: scriptedProvider().adapter } });
    await expect(client.refresh({ provider: 'nope', id: 'x', model: 'm' })).rejects.toMatchObject({
      kind: 'invalid_input',
      field: 'provider',
    });
  });
});

describe('client.refresh against the aigateway simulator', () => {
  it('replaces an expired signed URL with a fresh one that downloads', async () => {
    const sim = createSimulator();
    const client = createVideoClient({
      providers: { aigateway: aigateway({ baseUrl: sim.baseUrl('aigateway') }) },
      fetch: sim.fetch,
    });
    const first = await client.submit({ provider: 'aigateway', model: 'google/veo-3.1-fast', input: { prompt: 'a' } });
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(60_000);
    const done = await waiting;
    expect(done.status).toBe('completed');
    expect((await sim.fetch(done.video!.url)).status).toBe(200);

    await vi.advanceTimersByTimeAsync(DAY_MS + 60_000);
    expect(Date.now()).toBeGreaterThan(done.video!.expiresAt!);
    expect((await sim.fetch(done.video!.url)).status).toBe(403);

    const seen: JobSnapshot[] = [];
    client.subscribe((update) => seen.push(update));
    const statusPolls = sim.count({ endpoint: 'status' });
    const fresh = await client.refresh(first.ref);
    expect(sim.count({ endpoint: 'status' })).toBe(statusPolls + 1);
    expect(fresh.status).toBe('completed');
    expect(fresh.video!.url).not.toBe(done.video!.url);
    expect(fresh.video!.expiresAt).toBeGreaterThan(Date.now() + DAY_MS - 1000);
    const media = await sim.fetch(fresh.video!.url);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('video/mp4');
    expect(seen).toEqual([fresh]);
    expect(client.getSnapshot(first.ref)).toBe(fresh);
  });
});
