import type { JobRef, JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus, type JobStatus } from '../core/jobStatus';
import type { VideoJobError } from '../core/videoJobError';
import type { VideoGenerationStatus, VideoJobState } from './types';

export interface VideoJobStateInput {
  ref: JobRef | undefined;
  job: JobSnapshot | undefined;
  submitting: boolean;
  /** Still polling (not disabled, not timed out). */
  following: boolean;
  cancelling: boolean;
  /** Errors in order of weight: the first defined one is reported. */
  errors: ReadonlyArray<VideoJobError | null | undefined>;
  elapsedMs: number;
  /** The status to show before the first answer (e.g. the one stored before a reload). Defaults to `queued`. */
  lastKnownStatus?: JobStatus;
}

/** The flat state both hooks return, from what they know. Pure. */
export function toVideoJobState(input: VideoJobStateInput): VideoJobState {
  const { ref, job, submitting } = input;
  const error = input.errors.find((candidate) => candidate != null) ?? undefined;
  let status: VideoGenerationStatus;
  if (submitting) status = 'submitting';
  else if (!ref) status = error ? 'failed' : 'idle';
  else status = job?.status ?? input.lastKnownStatus ?? 'queued';
  const ended = status === 'completed' || status === 'failed' || status === 'cancelled';
  return {
    job,
    ref,
    status,
    error,
    videoUrl: job?.video?.url,
    video: job?.video,
    queuePosition: job?.queuePosition,
    progress: job?.progress,
    elapsedMs: input.elapsedMs,
    isIdle: status === 'idle',
    isSubmitting: submitting,
    isActive: submitting || (ref !== undefined && !ended && input.following),
    isCompleted: status === 'completed',
    isFailed: status === 'failed',
    isCancelled: status === 'cancelled',
    isCancelling: input.cancelling,
  };
}

/** Time from the job's start to its end, or to `now` while it runs. */
export function elapsedOf(job: JobSnapshot | undefined, startedAt: number | undefined, now: number): number {
  const start = job?.createdAt ?? startedAt;
  if (start === undefined) return 0;
  const end =
    job && isTerminalStatus(job.status) ? (job.completedAt ?? job.updatedAt) : Math.max(now, job?.updatedAt ?? 0);
  return Math.max(0, end - start);
}

/**
 * Turns `elapsedMs` into a getter that reports its first read, so the once-a-second tick runs only for
 * components that show it.
 */
export function withTrackedElapsed<T extends { elapsedMs: number }>(result: T, onRead: () => void): T {
  const value = result.elapsedMs;
  Object.defineProperty(result, 'elapsedMs', {
    enumerable: true,
    configurable: true,
    get() {
      onRead();
      return value;
    },
  });
  return result;
}
