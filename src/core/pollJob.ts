import type { ClientRuntime } from './clientRuntime';
import { modelKey, type Job } from './job';
import type { JobSnapshot } from './jobSnapshot';
import { UNCHANGED } from './provider';
import { nextPollDelay, type ResolvedPollingOptions, type ScheduleState } from './schedule';
import { raceSignal } from './sleep';
import { VideoJobError, toVideoJobError } from './videoJobError';

/**
 * The job's status, asked once: a terminal job is answered without a request, callers asking at the same time share
 * one request, and a cancel under way answers with its outcome.
 */
export async function fetchStatus(runtime: ClientRuntime, job: Job, signal?: AbortSignal): Promise<JobSnapshot> {
  if (job.ended) return job.snapshot!;
  if (job.cancelling) return raceSignal(job.cancelling, signal);
  try {
    return await job.statusRequest.join((requestSignal) => poll(runtime, job, requestSignal), signal);
  } catch (error) {
    if (job.cancelling) return raceSignal(job.cancelling, signal);
    throw error;
  }
}

async function poll(runtime: ClientRuntime, job: Job, signal: AbortSignal): Promise<JobSnapshot> {
  const { ref } = job;
  try {
    const adapter = runtime.providers.adapter(ref.provider);
    const context = runtime.providers.context(ref.provider, { reads: true });
    const answer = await adapter.getStatus(context, ref, { signal, previous: job.snapshot });
    if (answer === UNCHANGED && !job.snapshot) {
      throw new VideoJobError({
        kind: 'invalid_response',
        retryable: true,
        message: 'the provider answered "not modified" to the first status request; it is asked again',
      });
    }
    return job.dispatch({ type: 'observed', snapshot: answer, at: runtime.now() })!;
  } catch (error) {
    const failure = toVideoJobError(error, { provider: ref.provider, jobId: ref.id });
    if (!signal.aborted) job.dispatch({ type: 'failed', at: runtime.now(), retryAfterMs: failure.retryAfterMs });
    throw failure;
  }
}

/** Milliseconds from now until the job's next poll is due: the schedule's answer, stretched while push delivers. */
export function pollDelay(runtime: ClientRuntime, job: Job, polling: ResolvedPollingOptions, hidden = false): number {
  const at = job.history.lastPollAt ?? runtime.now();
  const state: ScheduleState = { ...job.history, now: at, hidden };
  const learned = runtime.durations.estimate(modelKey(job.ref));
  if (learned) state.runTime = { mu: learned.mu, sigma: learned.sigma };
  const scheduled = Math.max(0, Math.ceil(at + nextPollDelay(state, polling, runtime.random) - runtime.now()));
  return runtime.push ? runtime.push.pollDelay(job.ref, scheduled, runtime.now() - at) : scheduled;
}
