import type { ClientRuntime } from './clientRuntime';
import type { Job } from './job';
import type { JobSnapshot } from './jobSnapshot';
import { UNCHANGED, type CancelOutcome, type ProviderAdapter } from './provider';
import { raceSignal, sleep } from './sleep';
import { VideoJobError, toVideoJobError } from './videoJobError';

/** How many status requests a cancel that lost the race makes to find the finished job. */
const FINISHED_FETCH_ATTEMPTS = 5;

/**
 * Cancels in three steps: stops local work (the request in flight, every watch loop), asks the provider, and records
 * its answer: `cancelled`, or `completed` with its video when the job finished first. Concurrent cancels share one.
 */
export async function cancelJob(runtime: ClientRuntime, job: Job, signal?: AbortSignal): Promise<JobSnapshot> {
  if (job.ended) return job.snapshot!;
  if (job.cancelling) return raceSignal(job.cancelling, signal);
  const { ref } = job;
  const provider = runtime.providers.adapter(ref.provider);
  let settle!: { resolve: (snapshot: JobSnapshot) => void; reject: (error: unknown) => void };
  const cancelling = new Promise<JobSnapshot>((resolve, reject) => (settle = { resolve, reject }));
  cancelling.catch(() => undefined);
  job.cancelling = cancelling;
  job.stopLocalWork(
    new VideoJobError({ kind: 'cancelled', message: 'cancelled by the client', provider: ref.provider, jobId: ref.id }),
  );
  askProvider(runtime, job, provider, signal).then(
    (snapshot) => settle.resolve(snapshot),
    (error: unknown) => {
      if (job.cancelling === cancelling) job.cancelling = undefined;
      settle.reject(toVideoJobError(error, { provider: ref.provider, jobId: ref.id }));
    },
  );
  return cancelling;
}

async function askProvider(
  runtime: ClientRuntime,
  job: Job,
  provider: ProviderAdapter,
  signal?: AbortSignal,
): Promise<JobSnapshot> {
  const { ref } = job;
  const outcome: CancelOutcome = provider.cancel
    ? await provider.cancel(runtime.providers.context(ref.provider), ref, { signal })
    : 'unsupported';
  if (job.ended) return job.snapshot!;
  if (outcome === 'already_completed') return fetchFinished(runtime, job, provider, signal);
  const cancellation = { remote: outcome, message: cancelMessage(outcome, ref) };
  return job.dispatch({ type: 'cancelled', cancellation, at: runtime.now() })!;
}

/**
 * The job won the race against a cancel: fetch it so its video is kept. The provider may not show the end
 * at once (a 304 inside its poll floor, a status that lags the cancel answer), so ask again a few times,
 * spaced by the provider's floor, before giving up.
 */
async function fetchFinished(
  runtime: ClientRuntime,
  job: Job,
  provider: ProviderAdapter,
  signal?: AbortSignal,
): Promise<JobSnapshot> {
  const { ref } = job;
  const spacingMs = Math.max(1000, provider.minPollIntervalMs ?? 0);
  const context = runtime.providers.context(ref.provider, { reads: true });
  for (let attempt = 0; attempt < FINISHED_FETCH_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(spacingMs, signal);
    const answer = await provider.getStatus(context, ref, { signal, previous: job.snapshot });
    if (answer === UNCHANGED && !job.snapshot) continue;
    job.dispatch({ type: 'observed', snapshot: answer, at: runtime.now() });
    if (job.ended) return job.snapshot!;
  }
  throw new VideoJobError({
    kind: 'invalid_response',
    provider: ref.provider,
    jobId: ref.id,
    message: `the provider said the job already completed, but after ${FINISHED_FETCH_ATTEMPTS} status requests it still is not; fetch it again with getStatus to keep its result`,
  });
}

function cancelMessage(outcome: Exclude<CancelOutcome, 'already_completed'>, ref: JobSnapshot['ref']): string {
  if (outcome === 'cancelled') return 'the provider confirmed the cancellation';
  if (outcome === 'requested') {
    return 'the provider accepted the cancel request, but the job may still finish (and be billed); the client stopped following it';
  }
  return `${ref.provider} cannot cancel jobs remotely: the client stopped following job ${ref.id}, but the provider may still run (and bill) it`;
}
