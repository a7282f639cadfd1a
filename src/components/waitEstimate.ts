import type { DurationEstimate } from '../core/durationModel';
import { endFromProgress } from '../core/etaEstimate';
import type { JobSnapshot } from '../core/jobSnapshot';

/**
 * How long a wait has left, in the terms people read: the core's progress-rate estimate while a job runs
 * (the same one the poll schedule sleeps on), the rate the queue moves while it waits, and the duration
 * model's typical run time before either is known. Pure: the component feeds it what it has observed.
 */

/** Where a phase was first seen, for rates when the provider sends no timestamps of its own. */
export interface FirstSeen {
  jobId: string;
  at: number;
  /** Progress (running) or 0-based queue position (queued) when first seen. */
  value: number;
}

/** Estimates below this much progress swing too wildly to show. */
const MIN_PROGRESS_FOR_ESTIMATE = 0.03;
/** Under this much time left, a countdown would read "About 0 s left": say the job is finishing instead. */
export const FINISHING_MS = 1_500;

/**
 * Time left while running, from the core's `endFromProgress` (the rate over the whole observed run, measured up
 * to the snapshot's `updatedAt`, so it keeps counting down between polls). `undefined` when no rate is known.
 */
export function runRemainingMs(job: JobSnapshot, now: number, firstRunning: FirstSeen | undefined): number | undefined {
  const progress = job.progress;
  if (progress === undefined || progress < MIN_PROGRESS_FOR_ESTIMATE) return undefined;
  if (progress >= 1) return 0;
  const start =
    job.startedAt !== undefined && job.updatedAt > job.startedAt
      ? { at: job.startedAt, value: 0 }
      : firstRunning && firstRunning.jobId === job.id && job.updatedAt > firstRunning.at
        ? { at: firstRunning.at, value: firstRunning.value }
        : undefined;
  if (!start) return undefined;
  const end = endFromProgress([start, { at: job.updatedAt, value: progress }]);
  if (!end) return undefined;
  return Math.max(0, end.origin + Math.exp(end.mu) - now);
}

/** Time left by the duration model's median run time, for a running job whose start is known and that reports no progress. */
export function typicalRemainingMs(job: JobSnapshot, now: number, estimate: DurationEstimate | undefined) {
  if (!estimate || job.startedAt === undefined) return undefined;
  const left = estimate.median - (now - job.startedAt);
  return left > 0 ? left : undefined;
}

/** Time left in the queue at the rate the position has dropped since it was first seen. */
export function queueRemainingMs(job: JobSnapshot, now: number, firstQueued: FirstSeen | undefined) {
  const position = job.queuePosition;
  if (position === undefined || !firstQueued || firstQueued.jobId !== job.id) return undefined;
  const moved = firstQueued.value - position;
  const took = job.updatedAt - firstQueued.at;
  if (moved <= 0 || took <= 0) return undefined;
  return Math.max(0, ((position + 1) * took) / moved - (now - job.updatedAt));
}

/** 0..100: how much of the queue, as first seen, is behind the job now; `undefined` until it has moved. */
export function queuePercent(job: JobSnapshot, firstQueued: FirstSeen | undefined): number | undefined {
  const position = job.queuePosition;
  if (position === undefined || !firstQueued || firstQueued.jobId !== job.id || firstQueued.value <= position) {
    return undefined;
  }
  return Math.round(((firstQueued.value - position) / (firstQueued.value + 1)) * 100);
}
