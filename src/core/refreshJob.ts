import { normalizeSnapshot, type JobEntry } from './jobEntry';
import type { JobSnapshot } from './jobSnapshot';
import { UNCHANGED, type ProviderAdapter, type ProviderContext } from './provider';
import { sleep } from './sleep';
import { VideoJobError, toVideoJobError } from './videoJobError';
import { raceSignal } from './watchJob';

/** The parts of a client that refreshing a finished job needs. Internal to `createVideoClient`. */
export interface RefreshEngine {
  now(): number;
  adapter(provider: string): ProviderAdapter;
  context(provider: string): ProviderContext;
  /** Stores a fresh completed snapshot in place of the held one and tells subscribers; returns what is held. */
  replace(entry: JobEntry, fresh: JobSnapshot, at: number): JobSnapshot;
}

/**
 * Asks the provider again about a job the client holds as `completed`, for a fresh copy of a signed video URL
 * that has expired. Only another `completed` answer with a video replaces the held snapshot; anything else (the job
 * now reported running, failed or gone, or no video) leaves it in place and throws. Concurrent refreshes of a job
 * share one request, which stops when every caller has aborted.
 */
export async function refreshJob(engine: RefreshEngine, entry: JobEntry, signal?: AbortSignal): Promise<JobSnapshot> {
  let shared = entry.refreshing;
  if (!shared) {
    const controller = new AbortController();
    const created: NonNullable<JobEntry['refreshing']> = {
      controller,
      waiters: 0,
      promise: askAgain(engine, entry, controller.signal).finally(() => {
        if (entry.refreshing === created) entry.refreshing = undefined;
      }),
    };
    created.promise.catch(() => undefined); // every caller may have left; the rejection is theirs to see
    entry.refreshing = shared = created;
  }
  const current = shared;
  current.waiters++;
  try {
    return await raceSignal(current.promise, signal);
  } finally {
    if (--current.waiters === 0 && entry.refreshing === current) current.controller.abort(signal?.reason);
  }
}

async function askAgain(engine: RefreshEngine, entry: JobEntry, signal: AbortSignal): Promise<JobSnapshot> {
  const held = entry.snapshot;
  const { ref } = entry;
  if (held?.status !== 'completed') {
    throw new VideoJobError({
      kind: 'invalid_input',
      field: 'ref',
      provider: ref.provider,
      jobId: ref.id,
      message: `only a completed job has a video URL to refresh, and this one is ${held?.status ?? 'unknown'}; use getStatus, or submit it again`,
    });
  }
  const provider = engine.adapter(ref.provider);
  // Inside the provider's floor the answer is a 304 ("nothing changed"), which carries no fresh URL: wait it out.
  const floor = provider.minPollIntervalMs ?? 0;
  const last = entry.history.lastPollAt;
  if (floor > 0 && last !== undefined && last + floor > engine.now()) await sleep(last + floor - engine.now(), signal);

  let answer: JobSnapshot | typeof UNCHANGED;
  try {
    answer = await provider.getStatus(engine.context(ref.provider), ref, { signal, previous: held });
  } catch (error) {
    throw toVideoJobError(error, { provider: ref.provider, jobId: ref.id });
  }
  if (answer === UNCHANGED) {
    throw kept(ref, 'the provider answered "not modified", so it handed out no fresh URL; refresh again later', true);
  }
  const fresh = normalizeSnapshot(answer, ref);
  if (fresh.status !== 'completed') {
    const reason = fresh.status === 'failed' && fresh.error ? ` (${fresh.error.detail})` : '';
    throw kept(
      ref,
      `the provider now reports the job as ${fresh.status}${reason}, so its video may be gone (expired or deleted); generate it again if the held URL no longer plays`,
      false,
    );
  }
  if (!fresh.video?.url) {
    throw kept(ref, 'the provider reports the job completed but returned no video URL; generate it again', false);
  }
  return engine.replace(entry, fresh, engine.now());
}

/** A refresh that found nothing better: the held completed snapshot (and its result) stays. */
function kept(ref: JobEntry['ref'], why: string, retryable: boolean): VideoJobError {
  return new VideoJobError({
    kind: 'invalid_response',
    retryable,
    provider: ref.provider,
    jobId: ref.id,
    message: `could not refresh the finished job: ${why}. The completed snapshot is kept unchanged`,
  });
}
