import type { JobSnapshot } from './jobSnapshot';
import type { PollHistory } from './schedule';

/**
 * Updates to a job's `PollHistory`, the memory the poll schedule reads. Each returns a new object, so a
 * history can be stored, compared and serialised as it is.
 */

/** Progress samples kept: the first (for the overall rate) and the latest few. */
export const MAX_PROGRESS_SAMPLES = 6;

export interface PollHistoryInit {
  /** The provider's floor (`ProviderAdapter.minPollIntervalMs`). */
  providerMinDelayMs?: number;
  /** The client did not see the submit: a start of run is then only known from the provider's timestamps. */
  resumed?: boolean;
}

export function createPollHistory(since: number, init: PollHistoryInit = {}): PollHistory {
  const history: PollHistory = { since, polls: 0 };
  if (init.providerMinDelayMs !== undefined && init.providerMinDelayMs > 0) {
    history.providerMinDelayMs = init.providerMinDelayMs;
  }
  if (init.resumed) history.resumed = true;
  return history;
}

export interface ObservationOptions {
  /** Seen by a status request of ours, which counts toward `polls`; `false` for the submit's answer or a pushed one. */
  poll: boolean;
}

/** A snapshot seen at `at`. */
export function recordObservation(
  history: PollHistory,
  snapshot: JobSnapshot,
  at: number,
  options: ObservationOptions,
): PollHistory {
  const next: PollHistory = { ...history, status: snapshot.status, lastPollAt: at };
  if (options.poll) next.polls = history.polls + 1;
  delete next.errors;
  if (next.notBefore !== undefined && next.notBefore <= at) delete next.notBefore;
  if (snapshot.status === 'running' && history.status !== 'running' && history.runningSince === undefined) {
    const start = startOfRun(history, snapshot, at);
    if (start !== undefined) {
      next.runningSince = start;
      next.runningAfter = Math.min(start, history.lastPollAt ?? history.since);
    }
    next.pollsAtRun = next.polls;
  }
  if (snapshot.status === 'running' && snapshot.progress !== undefined) {
    const samples = [...(history.progress ?? []), { at, value: snapshot.progress }];
    if (samples.length > MAX_PROGRESS_SAMPLES) samples.splice(1, samples.length - MAX_PROGRESS_SAMPLES);
    next.progress = samples;
  }
  return next;
}

/** A poll that failed at `at`; a `Retry-After` becomes `notBefore`. */
export function recordFailure(history: PollHistory, at: number, retryAfterMs?: number): PollHistory {
  const next: PollHistory = { ...history, polls: history.polls + 1, errors: (history.errors ?? 0) + 1, lastPollAt: at };
  if (retryAfterMs !== undefined) next.notBefore = Math.max(next.notBefore ?? 0, at + retryAfterMs);
  return next;
}

/**
 * The job's run time once it completed at (or before) `at`: the provider's own timestamps when it gives
 * both, else the span between the polls that saw it start and end (midpoints, so the error averages out).
 */
export function runTimeOf(history: PollHistory, snapshot: JobSnapshot, at: number): number | undefined {
  if (snapshot.startedAt !== undefined && snapshot.completedAt !== undefined) {
    const span = snapshot.completedAt - snapshot.startedAt;
    if (span > 0) return span;
  }
  if (history.runningSince === undefined || history.status !== 'running') return undefined;
  const ended = history.lastPollAt !== undefined ? (history.lastPollAt + at) / 2 : at;
  const span = ended - history.runningSince;
  return span > 0 ? span : undefined;
}

function startOfRun(history: PollHistory, snapshot: JobSnapshot, at: number): number | undefined {
  // A resumed job seen running for the first time may have started long ago: only the provider knows.
  if (history.resumed && history.status === undefined) return snapshot.startedAt;
  // Otherwise the start lies between the last sight of the job not running (or the submit) and now; the
  // provider's clock is trusted only inside that window, as it may be skewed against ours.
  const before = history.lastPollAt ?? history.since;
  if (snapshot.startedAt !== undefined && snapshot.startedAt >= before && snapshot.startedAt <= at) {
    return snapshot.startedAt;
  }
  return (before + at) / 2;
}
