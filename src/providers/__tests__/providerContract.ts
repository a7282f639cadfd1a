// The contract every provider adapter keeps, run through `createVideoClient` against the simulator speaking the
// provider's wire format. A provider's test file calls `describeProviderContract` once and adds its particulars.
import type { JobRef, JobSnapshot } from '../../core/jobSnapshot';
import type { ProviderAdapter } from '../../core/provider';
import type { VideoClient } from '../../core/videoClient';
import { VideoJobError } from '../../core/videoJobError';
import type { Simulator } from '../../testing/createSimulator';

export interface ProviderContractSubject {
  /** The name the adapter is registered under in `client`. */
  provider: string;
  adapter: ProviderAdapter;
  sim: Simulator;
  /** A client built with `fetch: harness.fetch(sim.fetch)` and the adapter under `provider`. */
  client: VideoClient;
  /** A model and input that submit a plain text-to-video job. */
  model: string;
  input: Record<string, unknown>;
  /**
   * The provider's own status words as they appear in status answers (e.g. `['submitted', 'processing']`): the
   * suite swaps them for one no adapter knows, to check that an unknown status fails fast instead of hanging.
   */
  statusWords: readonly string[];
}

export interface ProviderContractHarness {
  /** Wraps the simulator's `fetch`; hand the result to `createVideoClient` so the suite can corrupt answers. */
  fetch(simFetch: typeof fetch): typeof fetch;
}

export type ProviderContractSetup = (
  harness: ProviderContractHarness,
) => ProviderContractSubject | Promise<ProviderContractSubject>;

/** A status word no provider uses. */
const UNKNOWN_STATUS = 'teleporting';
/** Long enough for the simulator's default 10 s job under any sane poll schedule. */
const JOB_WINDOW_MS = 120_000;

/** Settles `promise` while virtual time moves on by `ms`, re-throwing its rejection afterwards. */
async function within<T>(promise: Promise<T>, ms: number = JOB_WINDOW_MS): Promise<T> {
  const settled = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let done = false;
  void settled.then(() => (done = true));
  for (let elapsed = 0; elapsed < ms && !done; elapsed += 1000) await vi.advanceTimersByTimeAsync(1000);
  if (!done) throw new Error(`did not settle within ${ms} ms of virtual time`);
  const result = await settled;
  if (result.ok) return result.value;
  throw result.error;
}

/** The error a promise rejects with, or the `error` of the snapshot it resolves with. */
async function outcomeError(promise: Promise<JobSnapshot>, ms?: number): Promise<unknown> {
  try {
    return (await within(promise, ms)).error;
  } catch (error) {
    return error;
  }
}

function expectJobError(error: unknown, kind: VideoJobError['kind'], jobId?: string): VideoJobError {
  expect(error).toBeInstanceOf(VideoJobError);
  const typed = error as VideoJobError;
  expect(typed.kind).toBe(kind);
  if (jobId !== undefined) {
    expect(typed.jobId).toBe(jobId);
    expect(typed.message).toContain(jobId);
  }
  return typed;
}

/** Replaces every string in `value` that is one of `words` with the unknown status. */
function withUnknownStatus(value: unknown, words: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return words.has(value) ? UNKNOWN_STATUS : value;
  if (Array.isArray(value)) return value.map((item) => withUnknownStatus(item, words));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withUnknownStatus(item, words)]));
  }
  return value;
}

export function describeProviderContract(name: string, setup: ProviderContractSetup): void {
  describe(`${name} provider contract`, () => {
    let subject: ProviderContractSubject;
    let corruptStatus = false;

    const harness: ProviderContractHarness = {
      fetch(simFetch) {
        return async (input, init) => {
          const response = await simFetch(input, init);
          if (!corruptStatus || !response.headers.get('content-type')?.includes('json')) return response;
          const entry = subject.sim.requests.at(-1);
          if (entry?.endpoint !== 'status') return response;
          const body = withUnknownStatus(await response.json(), new Set(subject.statusWords));
          return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
        };
      },
    };

    async function submit(): Promise<JobSnapshot> {
      const { client, provider, model, input } = subject;
      return within(client.submit({ provider, model, input }), 10_000);
    }

    function statusPolls(ref: JobRef): number {
      return subject.sim.count({ provider: subject.sim.job(ref.id)?.provider ?? subject.provider, endpoint: 'status' });
    }

    beforeEach(async () => {
      vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') });
      corruptStatus = false;
      subject = await setup(harness);
    });

    afterEach(() => {
      vi.useRealTimers();
    });

    it('follows a job to completed with a playable video URL', async () => {
      const first = await submit();
      expect(first.provider).toBe(subject.provider);
      expect(first.id).toBeTruthy();
      expect(['queued', 'running']).toContain(first.status);
      expect(subject.sim.job(first.id)).toBeDefined();

      const done = await within(subject.client.wait(first.ref));

      expect(done.status).toBe('completed');
      expect(done.error).toBeUndefined();
      expect(done.video?.url).toMatch(/^https?:\/\//);
      const file = await subject.sim.fetch(done.video!.url);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toContain('video/mp4');
      // The provider's own poll floor is kept, so it never has to answer 304.
      expect(subject.sim.count({ status: 304 })).toBe(0);
    });

    it("fails with the provider's own error text", async () => {
      subject.sim.setJobSpec({ outcome: 'failed', errorMessage: 'Prompt rejected: it names a trademarked character' });
      const first = await submit();

      const done = await within(subject.client.wait(first.ref));

      expect(done.status).toBe('failed');
      expect(done.video).toBeUndefined();
      const error = expectJobError(done.error, 'provider_failed', first.id);
      expect(error.message).toContain('trademarked character');
    });

    it('cancels a queued job, or says the provider cannot', async () => {
      subject.sim.setJobSpec({ queueMs: 60_000 });
      const first = await submit();

      const cancelled = await within(subject.client.cancel(first.ref), 30_000);

      expect(cancelled.status).toBe('cancelled');
      if (subject.adapter.capabilities.cancel) {
        expect(subject.sim.count({ endpoint: 'cancel' })).toBeGreaterThan(0);
        expect(subject.sim.job(first.id)?.status).toBe('cancelled');
        expect(cancelled.cancellation?.remote).not.toBe('unsupported');
      } else {
        expect(cancelled.cancellation?.remote).toBe('unsupported');
        expect(subject.sim.count({ endpoint: 'cancel' })).toBe(0);
        expect(subject.sim.job(first.id)?.cancelRequested).toBe(false);
      }
      // Local work stops: nothing polls the job any more.
      const polls = statusPolls(first.ref);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(statusPolls(first.ref)).toBe(polls);
    });

    it('keeps the video when the job completes before the cancel lands', async () => {
      const first = await submit();
      await vi.advanceTimersByTimeAsync(4000);
      await within(subject.client.getStatus(first.ref), 10_000);
      // Past the provider's poll floor, so the fetch after the provider's "already completed" is answered.
      await vi.advanceTimersByTimeAsync(subject.adapter.minPollIntervalMs ?? 0);
      subject.sim.complete(first.id);

      const after = await within(subject.client.cancel(first.ref), 30_000);

      if (subject.adapter.capabilities.cancel) {
        expect(after.status).toBe('completed');
        expect(after.video?.url).toMatch(/^https?:\/\//);
      } else if (after.status === 'completed') {
        // A provider without cancel can still notice the finished job; then the video must be kept.
        expect(after.video?.url).toMatch(/^https?:\/\//);
      } else {
        expect(after.status).toBe('cancelled');
        expect(after.cancellation?.remote).toBe('unsupported');
      }
      expect(subject.sim.job(first.id)?.status).toBe('completed');
    });

    it('waits out a 429 for as long as Retry-After says', async () => {
      const first = await submit();
      subject.sim.failNext({ status: 429, retryAfter: 7 });

      const done = await within(subject.client.wait(first.ref));

      expect(done.status).toBe('completed');
      const log = subject.sim.requests;
      const limited = log.findIndex((entry) => entry.status === 429);
      expect(limited).toBeGreaterThanOrEqual(0);
      const next = log.slice(limited + 1).find((entry) => entry.endpoint !== 'file');
      expect(next).toBeDefined();
      expect(next!.at - log[limited]!.at).toBeGreaterThanOrEqual(7000);
    });

    it('treats 304 Not Modified as "unchanged" and returns the same snapshot', async () => {
      subject.sim.setJobSpec({ queueMs: 30_000 });
      const first = await submit();
      await vi.advanceTimersByTimeAsync(3500);
      const seen = await within(subject.client.getStatus(first.ref), 10_000);
      subject.sim.setFaults({ notModifiedWithinMs: 60_000 });
      await vi.advanceTimersByTimeAsync(3500);

      const again = await within(subject.client.getStatus(first.ref), 10_000);

      expect(subject.sim.count({ status: 304 })).toBeGreaterThan(0);
      expect(again).toBe(seen);
      subject.sim.setFaults({});
      const done = await within(subject.client.wait(first.ref));
      expect(done.status).toBe('completed');
    });

    it('recovers from a malformed status body and rejects a malformed submit answer', async () => {
      const first = await submit();
      subject.sim.failNext({ malformed: true });

      const done = await within(subject.client.wait(first.ref));

      expect(done.status).toBe('completed');
      expect(subject.sim.requests.some((entry) => entry.fault === 'malformed')).toBe(true);

      subject.sim.failNext({ malformed: true });
      const { client, provider, model, input } = subject;
      const error = await outcomeError(client.submit({ provider, model, input }), 10_000);
      expectJobError(error, 'invalid_response');
    });

    it('reports an unknown status as invalid_response instead of hanging', async () => {
      const first = await submit();
      corruptStatus = true;
      await vi.advanceTimersByTimeAsync(1000);

      const polled = await outcomeError(subject.client.getStatus(first.ref), 10_000);
      const error = expectJobError(polled, 'invalid_response', first.id);
      expect(error.field).toBeTruthy();
      expect(error.message).toContain(UNKNOWN_STATUS);

      const watched = await outcomeError(subject.client.wait(first.ref));
      expectJobError(watched, 'invalid_response', first.id);
    });

    it('turns a 401 into an auth error, at submit and while polling', async () => {
      const { client, provider, model, input } = subject;
      subject.sim.failNext({ status: 401 });
      const atSubmit = await outcomeError(client.submit({ provider, model, input }), 10_000);
      expect(expectJobError(atSubmit, 'auth').status).toBe(401);

      const first = await submit();
      subject.sim.failNext({ status: 401 });
      await vi.advanceTimersByTimeAsync(3500);
      const polling = await outcomeError(client.getStatus(first.ref), 10_000);
      expectJobError(polling, 'auth', first.id);
    });

    it('reports a job the provider no longer knows as not_found', async () => {
      const first = await submit();
      subject.sim.reset();
      await vi.advanceTimersByTimeAsync(3500);

      const error = await outcomeError(subject.client.getStatus(first.ref), 10_000);

      expectJobError(error, 'not_found', first.id);
    });

    it('gives up after timeoutMs with a timeout error naming the job, leaving the job running', async () => {
      subject.sim.setJobSpec({ queueMs: 3_600_000 });
      const first = await submit();

      const error = await outcomeError(subject.client.wait(first.ref, { timeoutMs: 60_000 }), 90_000);

      const typed = expectJobError(error, 'timeout', first.id);
      expect(typed.provider).toBe(subject.provider);
      expect(subject.sim.job(first.id)?.status).toBe('queued');
      expect(subject.sim.job(first.id)?.cancelRequested).toBe(false);
    });
  });
}
