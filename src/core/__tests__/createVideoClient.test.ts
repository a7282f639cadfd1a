import { createVideoClient } from '../createVideoClient';
import { createDurationModel } from '../durationModel';
import type { JobSnapshot } from '../jobSnapshot';
import { VideoJobError } from '../videoJobError';
import { createFakeProvider, type FakeProviderOptions } from './fakeProvider';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

function setup(
  options: FakeProviderOptions = {},
  clientOptions: Partial<Parameters<typeof createVideoClient>[0]> = {},
) {
  const fake = createFakeProvider(options);
  const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5, ...clientOptions });
  return { fake, client };
}

/** Collects a watch's snapshots while fake time runs. */
function collect(iterable: AsyncIterable<JobSnapshot>) {
  const seen: JobSnapshot[] = [];
  const done = (async () => {
    for await (const snapshot of iterable) seen.push(snapshot);
  })();
  const settled = done.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error: error as VideoJobError }),
  );
  return { seen, settled };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createVideoClient: providers and submit', () => {
  it('names the unknown provider and the registered ones', async () => {
    const { client } = setup();
    const submit = client.submit({ provider: 'nope', model: 'm', input: { prompt: 'a cat' } });
    await expect(submit).rejects.toMatchObject({ kind: 'invalid_input', field: 'provider' });
    await expect(submit).rejects.toThrow(/no provider named "nope" is registered \(registered: fake\)/);
    await expect(client.getStatus({ provider: 'nope', id: 'x', model: 'm' })).rejects.toThrow(/"nope"/);
    await expect(client.wait({ provider: 'nope', id: 'x', model: 'm' })).rejects.toMatchObject({
      kind: 'invalid_input',
    });
    expect(() => client.getProvider('nope')).toThrow(VideoJobError);
    expect(client.providerNames).toEqual(['fake']);
  });

  it('rejects bad input before any request, naming the field', async () => {
    const { client, fake } = setup();
    await expect(client.submit({ provider: 'fake', model: 'm', input: { prompt: '' } })).rejects.toMatchObject({
      kind: 'invalid_input',
      field: 'prompt',
      provider: 'fake',
    });
    await expect(client.submit({ provider: 'fake', model: '', input: { prompt: 'x' } })).rejects.toMatchObject({
      field: 'model',
    });
    await expect(
      client.submit({ provider: 'fake', model: 'm', input: 'a cat' as unknown as Record<string, unknown> }),
    ).rejects.toMatchObject({ field: 'input' });
    expect(fake.count('submit')).toBe(0);
  });

  it('turns any validator failure into invalid_input', async () => {
    for (const thrown of [
      new Error('duration must be 5 or 10'),
      new VideoJobError({ kind: 'http', message: 'odd', field: 'duration' }),
    ]) {
      const fake = createFakeProvider();
      fake.adapter.validateInput = () => {
        throw thrown;
      };
      const client = createVideoClient({ providers: { fake: fake.adapter } });
      const submit = client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
      await expect(submit).rejects.toMatchObject({ kind: 'invalid_input', provider: 'fake' });
      expect(fake.count('submit')).toBe(0);
    }
  });

  it("takes the adapter's validation as it comes: at once, as a Promise, and its failures by kind", async () => {
    const cases: Array<{
      validate: (input: Record<string, unknown>) => unknown;
      expected: Record<string, unknown>;
      sent: boolean;
    }> = [
      { validate: (input) => Promise.resolve({ ...input, checked: true }), expected: { ok: true }, sent: true },
      {
        validate: () =>
          Promise.reject(new VideoJobError({ kind: 'invalid_input', field: 'seed', message: 'bad seed' })),
        expected: { kind: 'invalid_input', field: 'seed', provider: 'fake' },
        sent: false,
      },
      {
        validate: () => Promise.reject(new Error('duration must be 5 or 10')),
        expected: { kind: 'invalid_input', field: 'input', provider: 'fake' },
        sent: false,
      },
      {
        // The adapter could not check the input (its schemas did not load): retryable, not an input error.
        validate: () => {
          throw new VideoJobError({ kind: 'network', retryable: true, message: 'chunk failed to load' });
        },
        expected: { kind: 'network', retryable: true, provider: 'fake' },
        sent: false,
      },
    ];
    for (const { validate, expected, sent } of cases) {
      const fake = createFakeProvider();
      fake.adapter.validateInput = (_model, input) => validate(input as Record<string, unknown>) as never;
      const client = createVideoClient({ providers: { fake: fake.adapter } });
      const outcome = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } }).then(
        () => ({ ok: true }),
        (error: unknown) => error,
      );
      expect(outcome).toMatchObject(expected);
      expect(fake.count('submit')).toBe(sent ? 1 : 0);
    }
  });

  it("calls a synchronous adapter's submit without an extra turn after its validation", async () => {
    const { client, fake } = setup();
    const submitted = client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    expect(fake.count('submit')).toBe(1);
    await submitted;
  });

  it('treats an empty image field as no image: the adapter neither validates nor receives it', async () => {
    for (const empty of ['', null, undefined]) {
      const fake = createFakeProvider();
      const validated: unknown[] = [];
      const sent: unknown[] = [];
      const validate = fake.adapter.validateInput!.bind(fake.adapter);
      fake.adapter.validateInput = (model, input) => {
        validated.push(input);
        return validate(model, input);
      };
      const submit = fake.adapter.submit.bind(fake.adapter);
      fake.adapter.submit = (ctx, request) => {
        sent.push(request.input);
        return submit(ctx, request);
      };
      const client = createVideoClient({ providers: { fake: fake.adapter } });
      const first = await client.submit({
        provider: 'fake',
        model: 'm',
        input: { prompt: 'x', image: empty, endImage: empty },
      });
      expect(validated).toEqual([{ prompt: 'x' }]);
      expect(sent).toEqual([{ prompt: 'x' }]);
      expect(first.ref.input).toEqual({ prompt: 'x' });
    }
  });

  it('never retries a submit that failed, even with a retryable error', async () => {
    const { client, fake } = setup();
    fake.failNext('submit', new VideoJobError({ kind: 'http', status: 503, retryable: true, message: 'unavailable' }));
    await expect(client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } })).rejects.toMatchObject({
      kind: 'http',
      provider: 'fake',
    });
    expect(fake.count('submit')).toBe(1);
  });

  it('returns the first snapshot under the registration name and remembers it', async () => {
    const fake = createFakeProvider({ name: 'fal' });
    const client = createVideoClient({ providers: { mine: fake.adapter } });
    const first = await client.submit({ provider: 'mine', model: 'm', input: { prompt: 'x' } });
    expect(first).toMatchObject({ provider: 'mine', status: 'queued', ref: { provider: 'mine', id: 'job-1' } });
    expect(client.getSnapshot(first.ref)).toBe(first);
  });
});

describe('createVideoClient: getStatus', () => {
  it('returns the same object when the provider answers not-modified or an equal snapshot', async () => {
    for (const notModified of [true, false]) {
      const { client, fake } = setup({ notModified, queueMs: 60_000 });
      const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
      await vi.advanceTimersByTimeAsync(1000);
      const second = await client.getStatus(first.ref);
      await vi.advanceTimersByTimeAsync(1000);
      const third = await client.getStatus(first.ref);
      expect(second).toBe(first);
      expect(third).toBe(first);
      expect(fake.count('getStatus')).toBe(2);
    }
  });

  it('never asks again about a terminal job, and its snapshot never changes', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 1000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(2000);
    const done = await client.getStatus(first.ref);
    expect(done.status).toBe('completed');
    expect(done.video?.url).toBe('https://cdn.test/job-1.mp4');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await client.getStatus(first.ref)).toBe(done);
    expect(await client.cancel(first.ref)).toBe(done);
    expect(fake.count('getStatus')).toBe(1);
    expect(fake.count('cancel')).toBe(0);
    expect(client.nextPollDelay(first.ref)).toBe(false);
  });

  it('shares one request between callers asking at the same time', async () => {
    const { client, fake } = setup();
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const [a, b] = await Promise.all([client.getStatus(first.ref), client.getStatus(first.ref)]);
    expect(a).toBe(b);
    expect(fake.count('getStatus')).toBe(1);
  });

  it('flags a job stuck in the queue with no movement, and clears the flag when it moves', async () => {
    const { client } = setup({ queueMs: 10 * 60_000, queuePosition: 2 }, { polling: { stallAfterMs: 60_000 } });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    expect(first.queuePosition).toBe(2);
    await vi.advanceTimersByTimeAsync(30_000);
    expect((await client.getStatus(first.ref)).stalledSince).toBeUndefined();
    await vi.advanceTimersByTimeAsync(40_000);
    const stalled = await client.getStatus(first.ref);
    expect(stalled.stalledSince).toBe(T0);
    expect(stalled.queuePosition).toBe(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await client.getStatus(first.ref)).toBe(stalled);
    await vi.advanceTimersByTimeAsync(5 * 60_000); // past half the queue time: position 1
    const moved = await client.getStatus(first.ref);
    expect(moved.queuePosition).toBe(1);
    expect(moved.stalledSince).toBeUndefined();
  });
});

describe('createVideoClient: watch and wait', () => {
  it('yields only real changes and ends after the terminal snapshot', async () => {
    const { client, fake } = setup({ notModified: true, queueMs: 2000, runMs: 30_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const updates: JobSnapshot[] = [];
    const { seen, settled } = collect(client.watch(first.ref, { onUpdate: (s) => updates.push(s) }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await settled).toEqual({ ok: true });
    expect(seen.map((s) => s.status)).toEqual(['queued', 'running', 'completed']);
    expect(updates).toEqual(seen);
    expect(seen.at(-1)?.video?.url).toContain('job-1.mp4');
    // 32 s job: 1 s, 1.5 s, 2.25 s, ... capped at 10 s: a handful of polls, not one per second.
    expect(fake.count('getStatus')).toBeGreaterThanOrEqual(5);
    expect(fake.count('getStatus')).toBeLessThanOrEqual(9);
  });

  it('resolves wait with a failed job instead of throwing', async () => {
    const { client } = setup({ outcome: 'failed', queueMs: 0, runMs: 3000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(20_000);
    const final = await waiting;
    expect(final.status).toBe('failed');
    expect(final.error).toMatchObject({ kind: 'provider_failed', provider: 'fake', jobId: 'job-1' });
    expect(final.error?.message).toMatch(/^fake job job-1: content policy/);
  });

  it('absorbs retryable poll errors and waits out Retry-After before the next poll', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    fake.failNext(
      'getStatus',
      new VideoJobError({ kind: 'rate_limited', status: 429, retryAfterMs: 7000, message: '429' }),
    );
    fake.failNext('getStatus', new VideoJobError({ kind: 'network', message: 'reset' }));
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(90_000);
    expect((await waiting).status).toBe('completed');
    const polls = fake.calls.filter((c) => c.method === 'getStatus');
    expect(polls[1]!.at - polls[0]!.at).toBeGreaterThanOrEqual(7000);
  });

  it('resumes a job from its ref: asks at once, then backs off while the provider keeps failing', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const fresh = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5 });
    fake.failNext('getStatus', new VideoJobError({ kind: 'network', message: 'offline' }), 5);
    const before = fake.count('getStatus');
    const { seen } = collect(fresh.watch({ provider: 'fake', id: first.id, model: 'm' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.count('getStatus') - before).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.count('getStatus') - before).toBeLessThanOrEqual(5);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen.at(-1)?.status).toBe('completed');
    expect(seen[0]?.status).toBe('running');
  });

  it('ends with a non-retryable error that names provider and job', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    fake.failNext('getStatus', new VideoJobError({ kind: 'auth', status: 401, message: 'bad key' }));
    const { settled } = collect(client.watch(first.ref));
    await vi.advanceTimersByTimeAsync(5000);
    const result = await settled;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ kind: 'auth', provider: 'fake', jobId: 'job-1' });
  });

  it('times out after 10 min by default with a message that says how to resume, without cancelling', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 60 * 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const { settled } = collect(client.watch(first.ref));
    await vi.advanceTimersByTimeAsync(10 * 60_000 - 1);
    await vi.advanceTimersByTimeAsync(2);
    const result = await settled;
    expect(result.ok).toBe(false);
    const error = !result.ok ? result.error : undefined;
    expect(error).toMatchObject({ kind: 'timeout', provider: 'fake', jobId: 'job-1' });
    expect(error?.message).toMatch(/timed out after 10 min/);
    expect(error?.message).toMatch(/job job-1 may still finish: resume it with its id/);
    expect(fake.count('cancel')).toBe(0);
    expect(Date.now() - T0).toBe(10 * 60_000 + 1);
  });

  it('cancels the remote job on timeout when cancelOnTimeout is set', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 60 * 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const { seen, settled } = collect(client.watch(first.ref, { timeoutMs: 30_000, cancelOnTimeout: true }));
    await vi.advanceTimersByTimeAsync(31_000);
    const result = await settled;
    expect(fake.count('cancel')).toBe(1);
    expect(seen.at(-1)).toMatchObject({ status: 'cancelled', cancellation: { remote: 'cancelled' } });
    expect(!result.ok && result.error).toMatchObject({ kind: 'timeout' });
    expect(!result.ok && result.error.message).toMatch(/timed out after 30 s of watching; the job was cancelled/);
  });

  it('keeps the video when the job completes just as the timeout cancels it', async () => {
    const { client } = setup({ queueMs: 0, runMs: 29_900 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const waiting = client.wait(first.ref, {
      timeoutMs: 30_000,
      cancelOnTimeout: true,
      polling: { maxDelayMs: 20_000 },
    });
    await vi.advanceTimersByTimeAsync(40_000);
    const final = await waiting;
    expect(final.status).toBe('completed');
    expect(final.video?.url).toContain('job-1.mp4');
  });

  it('rejects at once when the caller aborts, while sleeping and mid-request', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const sleeping = new AbortController();
    const a = collect(client.watch(first.ref, { signal: sleeping.signal }));
    await vi.advanceTimersByTimeAsync(500);
    sleeping.abort();
    expect(await a.settled).toMatchObject({ ok: false, error: { kind: 'cancelled' } });

    fake.failNext('getStatus', 'hang');
    const requesting = new AbortController();
    const b = collect(client.watch(first.ref, { signal: requesting.signal }));
    await vi.advanceTimersByTimeAsync(1500);
    const hung = fake.calls.filter((c) => c.method === 'getStatus').at(-1)!;
    expect(hung.signal?.aborted).toBe(false);
    requesting.abort();
    expect(await b.settled).toMatchObject({ ok: false, error: { kind: 'cancelled' } });
    expect(hung.signal?.aborted).toBe(true);
  });

  it('follows the provider stream when asked, and falls back to polling when it drops', async () => {
    const { client, fake } = setup({ stream: true, queueMs: 1000, runMs: 20_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const streamed = collect(client.watch(first.ref, { stream: true }));
    await vi.advanceTimersByTimeAsync(25_000);
    expect(await streamed.settled).toEqual({ ok: true });
    expect(streamed.seen.map((s) => s.status)).toEqual(['queued', 'running', 'completed']);
    expect(fake.count('getStatus')).toBe(0);

    const second = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    fake.breakStreamAt(Date.now() + 5000);
    const dropped = collect(client.watch(second.ref, { stream: true }));
    await vi.advanceTimersByTimeAsync(40_000);
    expect(await dropped.settled).toEqual({ ok: true });
    expect(dropped.seen.at(-1)?.status).toBe('completed');
    expect(fake.count('getStatus')).toBeGreaterThan(0);
  });

  it('learns run times from finished jobs into its duration model', async () => {
    const durationModel = createDurationModel();
    const { client } = setup({ queueMs: 1000, runMs: 20_000 }, { durationModel });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(40_000);
    await waiting;
    expect(durationModel.estimate('fake:m')?.median).toBeCloseTo(20_000, 6);
    expect(durationModel.estimate('fake:m')?.count).toBe(1);
  });
});

describe('createVideoClient: cancel', () => {
  it('stops local work first, then asks the provider, and ends watchers with the cancelled snapshot', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const watching = collect(client.watch(first.ref));
    await vi.advanceTimersByTimeAsync(1500);
    fake.failNext('getStatus', 'hang');
    await vi.advanceTimersByTimeAsync(1500); // the second poll is now in flight and hanging
    const inFlight = fake.calls.filter((c) => c.method === 'getStatus').at(-1)!;
    const providerCancel = fake.adapter.cancel!;
    let abortedBeforeProviderCancel: boolean | undefined;
    fake.adapter.cancel = (ctx, ref, request) => {
      abortedBeforeProviderCancel = inFlight.signal?.aborted;
      return providerCancel(ctx, ref, request);
    };
    const final = await client.cancel(first.ref);
    expect(abortedBeforeProviderCancel).toBe(true);
    expect(fake.count('cancel')).toBe(1);
    expect(final).toMatchObject({ status: 'cancelled', cancellation: { remote: 'cancelled' } });
    expect(await watching.settled).toEqual({ ok: true });
    expect(watching.seen.at(-1)).toBe(final);
    const polls = fake.count('getStatus');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.count('getStatus')).toBe(polls);
    expect(client.getSnapshot(first.ref)).toBe(final);
  });

  it('returns the completed job with its video when the provider says it already completed', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 5000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(6000); // finished remotely, not yet seen
    const final = await client.cancel(first.ref);
    expect(fake.count('cancel')).toBe(1);
    expect(final.status).toBe('completed');
    expect(final.video?.url).toBe('https://cdn.test/job-1.mp4');
  });

  it('reports a requested cancel as such', async () => {
    const { client } = setup({ cancel: 'requested', queueMs: 0, runMs: 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const final = await client.cancel(first.ref);
    expect(final.cancellation?.remote).toBe('requested');
    expect(final.cancellation?.message).toMatch(/may still finish/);
  });

  it('cancels locally with a clear message when the provider has no cancel', async () => {
    const { client, fake } = setup({ cancel: false, queueMs: 0, runMs: 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const final = await client.cancel(first.ref);
    expect(final.status).toBe('cancelled');
    expect(final.cancellation).toEqual({
      remote: 'unsupported',
      message:
        'fake cannot cancel jobs remotely: the client stopped following job job-1, but the provider may still run (and bill) it',
    });
    expect(fake.calls.map((c) => c.method)).toEqual(['submit']);
  });

  it('leaves the job followable when the cancel request fails', async () => {
    const { client, fake } = setup({ queueMs: 0, runMs: 10_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    fake.failNext('cancel', new VideoJobError({ kind: 'network', message: 'offline' }));
    await expect(client.cancel(first.ref)).rejects.toMatchObject({ kind: 'network', provider: 'fake', jobId: 'job-1' });
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(30_000);
    expect((await waiting).status).toBe('completed');
  });
});

describe('createVideoClient: nextPollDelay and subscribe', () => {
  it('gives React Query a delay while the job runs (slower when hidden) and false once it ended', async () => {
    const { client } = setup({ queueMs: 0, runMs: 60_000 });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    expect(client.nextPollDelay(first.ref)).toBe(1000);
    expect(client.nextPollDelay(first.ref, { hidden: true })).toBe(3000);
    expect(client.nextPollDelay(first.ref, { polling: { initialDelayMs: 400 } })).toBe(400);
    await vi.advanceTimersByTimeAsync(1000);
    await client.getStatus(first.ref);
    expect(client.nextPollDelay(first.ref)).toBe(1500);
    await vi.advanceTimersByTimeAsync(70_000);
    await client.getStatus(first.ref);
    expect(client.nextPollDelay(first.ref)).toBe(false);
  });

  it('notifies subscribers of every new snapshot until they unsubscribe', async () => {
    const { client } = setup({ queueMs: 1000, runMs: 5000 });
    const seen: string[] = [];
    const unsubscribe = client.subscribe((s) => seen.push(s.status));
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    await vi.advanceTimersByTimeAsync(2000);
    await client.getStatus(first.ref);
    await client.getStatus(first.ref);
    unsubscribe();
    await vi.advanceTimersByTimeAsync(10_000);
    await client.getStatus(first.ref);
    expect(seen).toEqual(['queued', 'running']);
  });
});
