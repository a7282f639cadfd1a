// The client's memory of unfinished jobs is bounded by time: a job nothing follows, watches or asks about for
// `unusedJobTtlMs` is dropped (a component unmounted while its job runs leaves nothing), and fetched again when asked.
import { createVideoClient } from '../createVideoClient';
import { JobObserver, type JobSource } from '../jobObserver';
import type { JobRef } from '../jobSnapshot';
import type { VideoClientOptions } from '../videoClient';
import { createFakeProvider } from './fakeProvider';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const TTL = 600_000;
const HOUR = 3_600_000;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(clientOptions: Partial<VideoClientOptions> = {}, runMs = HOUR) {
  const fake = createFakeProvider({ queueMs: 0, runMs });
  const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5, ...clientOptions });
  const submit = async (): Promise<JobRef> =>
    (await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } })).ref;
  return { fake, client, submit };
}

/** A source that follows nothing by itself: only the observer's retain keeps the job. */
const passiveSource: JobSource = {
  peek: () => ({ job: undefined, error: undefined }),
  follow: () => ({ current: () => ({ job: undefined, error: undefined }), refetch: async () => undefined, stop() {} }),
};

describe('createVideoClient: unusedJobTtlMs', () => {
  it('drops a running job nothing uses once the bound (10 min by default) has passed', async () => {
    const { client, submit } = setup();
    const ref = await submit();
    await vi.advanceTimersByTimeAsync(TTL);
    expect(client.getSnapshot(ref)?.status).toBe('running');
    await vi.advanceTimersByTimeAsync(TTL + 1);
    expect(client.getSnapshot(ref)).toBeUndefined();
    expect(client.nextPollDelay(ref)).not.toBe(false);
  });

  it('counts the bound from the last use: a job asked about keeps its place', async () => {
    const { client, submit } = setup({ unusedJobTtlMs: 1000 });
    const ref = await submit();
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(900);
      expect(client.getSnapshot(ref)).toBeDefined();
    }
    await vi.advanceTimersByTimeAsync(1001);
    expect(client.getSnapshot(ref)).toBeUndefined();
  });

  it('fetches a dropped job again when asked, and holds it anew', async () => {
    const { client, fake, submit } = setup({ unusedJobTtlMs: 1000 });
    const ref = await submit();
    await vi.advanceTimersByTimeAsync(2000);
    expect(client.getSnapshot(ref)).toBeUndefined();
    const before = fake.count('getStatus');
    const again = await client.getStatus(ref);
    expect(fake.count('getStatus')).toBe(before + 1);
    expect(again.status).toBe('running');
    expect(client.getSnapshot(ref)).toBe(again);
  });

  it('never drops a job while a watch or wait follows it', async () => {
    const { client, submit } = setup({ unusedJobTtlMs: 1000, timeoutMs: 2 * HOUR }, HOUR);
    const ref = await submit();
    const done = client.wait(ref);
    await vi.advanceTimersByTimeAsync(HOUR / 2);
    await submit(); // a new job sweeps the unused ones
    expect(client.getSnapshot(ref)?.status).toBe('running');
    await vi.advanceTimersByTimeAsync(HOUR);
    expect((await done).status).toBe('completed');
  });

  it('never drops a job while a request for it is in flight', async () => {
    const { client, fake, submit } = setup({ unusedJobTtlMs: 1000 });
    const ref = await submit();
    fake.failNext('getStatus', 'hang');
    const controller = new AbortController();
    const pending = client.getStatus(ref, { signal: controller.signal }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(10_000);
    await submit();
    expect(client.getSnapshot(ref)).toBeDefined();
    controller.abort();
    await pending;
  });

  it('never drops a job retained (an observer following it), and counts the bound from the release', async () => {
    const { client, submit } = setup({ unusedJobTtlMs: 1000 });
    const ref = await submit();
    const release = client.retain(ref);
    await vi.advanceTimersByTimeAsync(HOUR / 2);
    await submit();
    expect(client.getSnapshot(ref)).toBeDefined();
    await vi.advanceTimersByTimeAsync(HOUR / 2);
    release();
    release(); // idempotent: a second call releases nothing more
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.getSnapshot(ref)).toBeDefined();
    await vi.advanceTimersByTimeAsync(1001);
    expect(client.getSnapshot(ref)).toBeUndefined();
  });

  it('a JobObserver retains the job it follows, whatever its source, until its last subscriber leaves', async () => {
    const { client, submit } = setup({ unusedJobTtlMs: 1000 });
    const ref = await submit();
    const observer = new JobObserver(client, { ref, source: passiveSource, timeoutMs: 2 * HOUR });
    const unsubscribe = observer.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(HOUR);
    await submit();
    expect(client.getSnapshot(ref)).toBeDefined();
    unsubscribe();
    await vi.advanceTimersByTimeAsync(1001);
    expect(client.getSnapshot(ref)).toBeUndefined();
  });

  it('keeps finished jobs in the finished-job memory (maxFinishedJobs) instead, however long unused', async () => {
    const { client, submit } = setup({ unusedJobTtlMs: 1000 }, 3000);
    const ref = await submit();
    const done = client.wait(ref);
    await vi.advanceTimersByTimeAsync(20_000);
    expect((await done).status).toBe('completed');
    await vi.advanceTimersByTimeAsync(HOUR);
    await submit();
    expect(client.getSnapshot(ref)?.status).toBe('completed');
  });

  it('keeps every job with Infinity, and refuses a bound that is not a number >= 0', async () => {
    const { client, submit } = setup({ unusedJobTtlMs: Infinity });
    const ref = await submit();
    await vi.advanceTimersByTimeAsync(10 * HOUR);
    expect(client.getSnapshot(ref)).toBeDefined();
    const fake = createFakeProvider();
    for (const bad of [-1, Number.NaN]) {
      expect(() => createVideoClient({ providers: { fake: fake.adapter }, unusedJobTtlMs: bad })).toThrow(
        expect.objectContaining({ kind: 'invalid_input', field: 'unusedJobTtlMs' }),
      );
    }
  });
});
