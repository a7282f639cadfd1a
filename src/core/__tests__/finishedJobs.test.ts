// The client's memory is bounded: finished jobs nobody uses are dropped beyond `maxFinishedJobs` (least recently
// used first), jobs that have not ended never are (unusedJobs.test.ts bounds those by time), and a dropped job is
// fetched again when asked about.
import { createVideoClient } from '../createVideoClient';
import type { JobRef } from '../jobSnapshot';
import type { VideoClientOptions } from '../videoClient';
import { createFakeProvider } from './fakeProvider';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(clientOptions: Partial<VideoClientOptions> = {}, runMs = 3000) {
  const fake = createFakeProvider({ queueMs: 0, runMs });
  const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5, ...clientOptions });
  /** Submits a job and follows it to its end. */
  async function finish(): Promise<JobRef> {
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const done = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(runMs + 15_000);
    expect((await done).status).toBe('completed');
    return first.ref;
  }
  const held = (refs: JobRef[]) => refs.map((ref) => client.getSnapshot(ref) !== undefined);
  return { fake, client, finish, held };
}

describe('createVideoClient: maxFinishedJobs', () => {
  it('keeps 100 finished jobs by default and drops the oldest beyond that', async () => {
    const { finish, held } = setup();
    const refs: JobRef[] = [];
    for (let i = 0; i < 103; i++) refs.push(await finish());
    expect(held(refs).filter(Boolean)).toHaveLength(100);
    expect(held(refs.slice(0, 3))).toEqual([false, false, false]);
    expect(held(refs.slice(3)).every(Boolean)).toBe(true);
  });

  it('drops the least recently used: a job looked up again is kept over an older untouched one', async () => {
    const { client, finish, held } = setup({ maxFinishedJobs: 2 });
    const a = await finish();
    const b = await finish();
    client.getSnapshot(a); // a is now more recent than b
    const c = await finish();
    expect(held([a, b, c])).toEqual([true, false, true]);
    await client.getStatus(a); // a status lookup counts as a use too (no request: a is finished)
    const d = await finish();
    expect(held([a, c, d])).toEqual([true, false, true]);
  });

  it('never drops a job that has not ended for the cap, however many there are', async () => {
    const { client, finish, held } = setup({ maxFinishedJobs: 1 }, 3000);
    const running: JobRef[] = [];
    for (let i = 0; i < 5; i++) {
      const first = await client.submit({ provider: 'fake', model: 'slow', input: { prompt: 'x' } });
      running.push(first.ref);
    }
    const done = [await finish(), await finish(), await finish()];
    expect(held(running)).toEqual([true, true, true, true, true]);
    expect(held(done)).toEqual([false, false, true]);
  });

  it('fetches a dropped job again when asked, with the same result', async () => {
    const { client, fake, finish } = setup({ maxFinishedJobs: 1 });
    const a = await finish();
    const kept = client.getSnapshot(a)!;
    await finish();
    expect(client.getSnapshot(a)).toBeUndefined();
    const polls = fake.count('getStatus');
    const again = await client.getStatus(a);
    expect(fake.count('getStatus')).toBe(polls + 1);
    expect(again).toMatchObject({ status: 'completed', video: { url: kept.video!.url } });
    // And watch of a dropped job ends at once with it.
    await finish();
    const watched = client.wait(a);
    await vi.advanceTimersByTimeAsync(0);
    expect((await watched).status).toBe('completed');
  });

  it('keeps a finished job while a refresh of it is under way, and drops it once idle', async () => {
    const { client, fake, finish, held } = setup({ maxFinishedJobs: 1 });
    const a = await finish();
    fake.failNext('getStatus', 'hang');
    const caller = new AbortController();
    const refreshing = client.refresh(a, { signal: caller.signal }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    const b = await finish();
    expect(held([a, b])).toEqual([true, true]);
    // The refresh ends (its caller gives up); the next finished job trims the excess.
    caller.abort();
    await refreshing;
    const c = await finish();
    expect(held([a, b, c])).toEqual([false, false, true]);
  });

  it('keeps every job with Infinity, and refuses a cap that is not a whole number >= 0', async () => {
    const { finish, held } = setup({ maxFinishedJobs: Infinity });
    const refs = [await finish(), await finish(), await finish()];
    expect(held(refs)).toEqual([true, true, true]);
    const fake = createFakeProvider();
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => createVideoClient({ providers: { fake: fake.adapter }, maxFinishedJobs: bad })).toThrow(
        expect.objectContaining({ kind: 'invalid_input', field: 'maxFinishedJobs' }),
      );
    }
  });

  it('drops a cancelled job like a completed one (its settled cancel is no work in progress)', async () => {
    const { client, finish, held } = setup({ maxFinishedJobs: 1 }, 60_000);
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(1000);
    expect((await client.cancel(first.ref)).status).toBe('cancelled');
    const next = await finish();
    expect(held([first.ref, next])).toEqual([false, true]);
  });

  it('forget drops a finished job at once', async () => {
    const { client, finish, held } = setup({ maxFinishedJobs: 5 });
    const a = await finish();
    client.forget(a);
    expect(held([a])).toEqual([false]);
  });
});
