import type { ClientRuntime } from './clientRuntime';
import type { Job } from './job';
import { normalizeSnapshot } from './jobReducer';
import type { JobRef, JobSnapshot } from './jobSnapshot';
import { UNCHANGED } from './provider';
import { sleep } from './sleep';
import { VideoJobError, toVideoJobError } from './videoJobError';

/**
 * Asks the provider again about a job the client holds as `completed`, for a fresh copy of a signed video URL
 * that has expired. Only another `completed` answer with a video replaces the held snapshot; anything else (the job
 * now reported running, failed or gone, or no video) leaves it in place and throws `not_refreshed`. Concurrent
 * refreshes of a job share one request, which stops when every caller has aborted.
 */
export function refreshJob(runtime: ClientRuntime, job: Job, signal?: AbortSignal): Promise<JobSnapshot> {
  return job.refreshRequest.join((requestSignal) => askAgain(runtime, job, requestSignal), signal);
}

async function askAgain(runtime: ClientRuntime, job: Job, signal: AbortSignal): Promise<JobSnapshot> {
  const held = job.snapshot;
  const { ref } = job;
  if (held?.status !== 'completed') {
    throw new VideoJobError({
      kind: 'invalid_input',
      field: 'ref',
      provider: ref.provider,
      jobId: ref.id,
      message: `only a completed job has a video URL to refresh, and this one is ${held?.status ?? 'unknown'}; use getStatus, or submit it again`,
    });
  }
  const provider = runtime.providers.adapter(ref.provider);
  // Inside the provider's floor the answer is a 304 ("nothing changed"), which carries no fresh URL: wait it out.
  const floor = provider.minPollIntervalMs ?? 0;
  const last = job.history.lastPollAt;
  if (floor > 0 && last !== undefined && last + floor > runtime.now()) {
    await sleep(last + floor - runtime.now(), signal);
  }

  let answer: JobSnapshot | typeof UNCHANGED;
  try {
    answer = await provider.getStatus(runtime.providers.context(ref.provider), ref, { signal, previous: held });
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
  return job.dispatch({ type: 'refreshed', snapshot: fresh, at: runtime.now() })!;
}

/** A refresh that found nothing better: the held completed snapshot (and its result) stays. */
function kept(ref: JobRef, why: string, retryable: boolean): VideoJobError {
  return new VideoJobError({
    kind: 'not_refreshed',
    retryable,
    provider: ref.provider,
    jobId: ref.id,
    message: `could not refresh the finished job: ${why}. The completed snapshot is kept unchanged`,
  });
}
