import type { UploadProgress } from './imageInput';
import type { JobRef, JobSnapshot, VideoResult } from './jobSnapshot';
import { isTerminalStatus, type JobStatus } from './jobStatus';
import type { VideoJobError } from './videoJobError';

/**
 * Where a job stands, as the observers and hooks report it: the job's own status, plus `idle` (nothing submitted or
 * followed yet), `uploading` (its input images are being uploaded; see `upload`) and `submitting` (the submit request
 * is on its way; there is no job id yet).
 */
export type VideoGenerationStatus = 'idle' | 'uploading' | 'submitting' | JobStatus;

/** Bytes of the input images sent so far, and the share of them (0..1). */
export interface UploadState extends UploadProgress {
  progress: number;
}

/** The flat state `JobObserver`, `GenerationObserver` and the hooks report. */
export interface VideoJobState {
  /** The latest snapshot of the job, or `undefined` before the first answer. */
  job: JobSnapshot | undefined;
  /** The job being followed; store it to resume the job later. */
  ref: JobRef | undefined;
  status: VideoGenerationStatus;
  /**
   * What went wrong: the submit or cancel failing, the job failing (`provider_failed`), following timing out
   * (`timeout`; the job may still finish, `resume(ref)` follows it again), or the last poll failing (polling
   * goes on and the error clears with the next good answer).
   */
  error: VideoJobError | undefined;
  /** The finished video's URL, once `completed`. */
  videoUrl: string | undefined;
  /** The finished video, once `completed`. */
  video: VideoResult | undefined;
  /** 0-based position in the provider's queue while `queued`, when the provider tells it. */
  queuePosition: number | undefined;
  /** 0..1 while `running`, when the provider tells it; 1 when completed. */
  progress: number | undefined;
  /** While `uploading`: the input images' bytes sent so far. */
  upload: UploadState | undefined;
  /** Time since the job was submitted; advances every `tickMs` while active, frozen once it ends. */
  elapsedMs: number;
  isIdle: boolean;
  /** Uploading or submitting: there is no job id yet. */
  isSubmitting: boolean;
  isUploading: boolean;
  /** Uploading, submitting, queued or running, and still being followed (not timed out). */
  isActive: boolean;
  isCompleted: boolean;
  isFailed: boolean;
  isCancelled: boolean;
  /** A `cancel()` is on its way. */
  isCancelling: boolean;
}

export interface VideoJobStateInput {
  ref: JobRef | undefined;
  job: JobSnapshot | undefined;
  submitting: boolean;
  /** Set while the submit's input images upload. */
  uploading?: UploadProgress;
  /** Still following (not disabled, not timed out). */
  following: boolean;
  cancelling: boolean;
  /** Errors in order of weight: the first defined one is reported. */
  errors: ReadonlyArray<VideoJobError | null | undefined>;
  elapsedMs: number;
  /** The status to show before the first answer (e.g. the one stored before a reload). Defaults to `queued`. */
  lastKnownStatus?: JobStatus;
}

/** The flat state, from what an observer knows. Pure. */
export function toVideoJobState(input: VideoJobStateInput): VideoJobState {
  const { ref, job, submitting } = input;
  const error = input.errors.find((candidate) => candidate != null) ?? undefined;
  let status: VideoGenerationStatus;
  const uploading = submitting ? input.uploading : undefined;
  if (uploading && uploading.loaded < uploading.total) status = 'uploading';
  else if (submitting) status = 'submitting';
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
    upload:
      status === 'uploading' && uploading
        ? { ...uploading, progress: uploading.total > 0 ? Math.min(1, uploading.loaded / uploading.total) : 1 }
        : undefined,
    elapsedMs: input.elapsedMs,
    isIdle: status === 'idle',
    isSubmitting: submitting,
    isUploading: status === 'uploading',
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
 * Turns `elapsedMs` into a getter that reports its first read, so the elapsed-time tick runs only for consumers that
 * show it (a gallery of progress bars must not re-render every second for a number it never shows).
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
