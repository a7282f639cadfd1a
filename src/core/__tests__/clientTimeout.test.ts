// The client's `timeoutMs` ends following a job on every path: `watch`/`wait` and the schedule the hooks follow
// (`nextPollDelay` + `getStatus`). The job keeps its status and can be resumed.
import { createVideoClient } from '../createVideoClient';
import type { JobRef } from '../jobSnapshot';
import { VideoJobError } from '../videoJobError';
import { createFakeProvider } from './fakeProvider';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(timeoutMs = 5000) {
  const fake = createFakeProvider({ queueMs: 0, runMs: 60 * 60_000 });
  const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5, timeoutMs });
  return { fake, client };
}

/** Follows a job the way the React hooks do: ask the schedule when, wait, poll, until it says stop or a poll ends it. */
async function followLikeTheHooks(client: ReturnType<typeof setup>['client'], ref: JobRef, forMs: number) {
  const errors: VideoJobError[] = [];
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    const delay = client.nextPollDelay(ref);
    if (delay === false) break;
    await vi.advanceTimersByTimeAsync(Math.min(delay, end - Date.now()));
    if (Date.now() >= end) break;
    try {
      await client.getStatus(ref);
    } catch (error) {
      errors.push(error as VideoJobError);
      if (!(error as VideoJobError).retryable) break;
    }
  }
  return errors;
}

describe('createVideoClient({ timeoutMs }): following on the schedule', () => {
  it('ends with a timeout error after 5 s, keeps the status, and makes no request after that', async () => {
    const { client, fake } = setup(5000);
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const errors = await followLikeTheHooks(client, first.ref, 30_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'timeout', retryable: false, provider: 'fake', jobId: first.id });
    expect(errors[0]!.message).toMatch(/timed out after 5 s/);
    expect(Date.now() - T0).toBe(5000);
    expect(client.nextPollDelay(first.ref)).toBe(false);
    expect(client.getSnapshot(first.ref)?.status).toBe('running');
    const polls = fake.count('getStatus');
    await vi.advanceTimersByTimeAsync(25_000);
    expect(fake.count('getStatus')).toBe(polls);
  });

  it('resumes when asked again: getStatus polls, and the schedule follows for another timeoutMs', async () => {
    const { client } = setup(5000);
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    await followLikeTheHooks(client, first.ref, 30_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await client.getStatus(first.ref)).status).toBe('running');
    const resumedAt = Date.now();
    const errors = await followLikeTheHooks(client, first.ref, 30_000);
    expect(errors.map((error) => error.kind)).toEqual(['timeout']);
    expect(Date.now() - resumedAt).toBe(5000);
  });

  it('takes a per-job timeoutMs from nextPollDelay', async () => {
    const { client } = setup(5000);
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    expect(client.nextPollDelay(first.ref, { timeoutMs: 20_000 })).toBeGreaterThan(0);
    const errors = await followLikeTheHooks(client, first.ref, 60_000);
    expect(errors.map((error) => error.kind)).toEqual(['timeout']);
    expect(Date.now() - T0).toBe(20_000);
  });

  it('does not touch a job that ends in time, nor getStatus calls made without the schedule', async () => {
    const fake = createFakeProvider({ queueMs: 0, runMs: 3000 });
    const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5, timeoutMs: 5000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    expect(await followLikeTheHooks(client, first.ref, 30_000)).toEqual([]);
    expect(client.getSnapshot(first.ref)?.status).toBe('completed');

    const other = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'y' } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect((await client.getStatus(other.ref)).status).toBe('completed');
  });

  it('ends watch and wait after the same timeoutMs', async () => {
    const { client } = setup(5000);
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const waiting = client.wait(first.ref).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await waiting).toMatchObject({ kind: 'timeout', jobId: first.id });
    expect(client.getSnapshot(first.ref)?.status).toBe('running');
  });
});
