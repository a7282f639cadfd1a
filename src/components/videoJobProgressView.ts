import type { DurationEstimate } from '../core/durationModel';
import type { JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus, type JobStatus } from '../core/jobStatus';
import type { VideoJobErrorKind } from '../core/videoJobError';
import type { VideoJobProgressLabels } from './videoJobProgressLabels';
import {
  FINISHING_MS,
  queuePercent,
  queueRemainingMs,
  runRemainingMs,
  typicalRemainingMs,
  type FirstSeen,
} from './waitEstimate';

/**
 * What `<VideoJobProgress>` shows: the job's own status, `idle` / `uploading` / `submitting` before there is a job, or
 * `stopped` for a cancelled job the provider could not stop (we only stopped following it; it may still finish).
 */
export type VideoJobDisplayStatus = 'idle' | 'uploading' | 'submitting' | 'stopped' | JobStatus;

/**
 * The part of a generation hook's result the component reads (`useVideoGeneration`, `useJobStatus`).
 * Structural, so any object of this shape works.
 */
export interface VideoJobProgressState {
  job?: JobSnapshot | null;
  /** The hook's status; `"uploading"`, `"submitting"` / `"pending"` before the first snapshot. */
  status?: string;
  /** The input images' bytes sent so far, while `uploading`. */
  upload?: { loaded: number; total: number } | null;
  /** Used when the job carries no timestamps to count from. */
  elapsedMs?: number | null;
  /** A failure with no job to show it on (e.g. the submit itself was rejected). */
  error?: Error | null;
  cancel?: () => unknown;
  retry?: () => unknown;
  isCancelling?: boolean;
}

export interface VideoJobProgressView {
  status: VideoJobDisplayStatus;
  /** Work is under way (submitting, queued or running). */
  active: boolean;
  /** The status in words. */
  text: string;
  /** What the live region says: changes only at milestones. */
  announcement: string;
  /** 0..100 when progress (of the job, or of the upload while `uploading`) is known; `undefined` means indeterminate. */
  percent: number | undefined;
  /** 0..100 of the queue (as first seen) now behind a queued job; `undefined` until the queue has moved. */
  queuePercent: number | undefined;
  /** Whether a progress bar makes sense at all in this status. */
  showProgressbar: boolean;
  elapsedText: string | undefined;
  remainingText: string | undefined;
  stalledText: string | undefined;
  /** A note under the status (why a cancel is not confirmed). */
  noteText: string | undefined;
  /** The technical reason of a failure, for the Details disclosure. */
  detailText: string | undefined;
}

export function displayStatus(
  job: JobSnapshot | undefined,
  state: VideoJobProgressState | undefined,
): VideoJobDisplayStatus {
  if (job) return job.status === 'cancelled' && job.cancellation?.remote === 'unsupported' ? 'stopped' : job.status;
  if (state?.error) return 'failed';
  switch (state?.status) {
    case 'uploading':
      return 'uploading';
    case 'submitting':
    case 'pending':
    case 'loading':
      return 'submitting';
    case 'queued':
    case 'running':
    case 'completed':
    case 'failed':
    case 'cancelled':
      return state.status;
    default:
      return 'idle';
  }
}

/** The provider's reason without our `"<provider> job <id>: "` prefix, which means nothing to a viewer. */
export function failureReason(job: JobSnapshot | undefined, error: Error | null | undefined): string | undefined {
  const failure = job?.error ?? error ?? undefined;
  if (!failure) return undefined;
  const detail = (failure as { detail?: unknown }).detail;
  return typeof detail === 'string' && detail !== '' ? detail : failure.message || undefined;
}

/** A hook that gave up following (timeout) leaves the job queued or running, but nothing happens here any more. */
function stoppedFollowing(job: JobSnapshot | undefined, state: VideoJobProgressState | undefined): boolean {
  return job !== undefined && !isTerminalStatus(job.status) && isTimeout(state?.error);
}

/** Work is under way and being followed: the clock ticks and the component is busy. */
export function isActive(job: JobSnapshot | undefined, state: VideoJobProgressState | undefined): boolean {
  const status = displayStatus(job, state);
  return (
    (status === 'uploading' || status === 'submitting' || status === 'queued' || status === 'running') &&
    !stoppedFollowing(job, state)
  );
}

export function buildProgressView(options: {
  job: JobSnapshot | undefined;
  state: VideoJobProgressState | undefined;
  now: number;
  labels: VideoJobProgressLabels;
  firstRunning?: FirstSeen | undefined;
  firstQueued?: FirstSeen | undefined;
  estimate?: DurationEstimate | undefined;
}): VideoJobProgressView {
  const { job, state, labels } = options;
  const status = displayStatus(job, state);
  const timedOut = stoppedFollowing(job, state);
  const active = isActive(job, state);
  // Never trust the ticking clock to be fresher than the snapshot on screen.
  const now = job ? Math.max(options.now, job.updatedAt) : options.now;
  const reason = failureReason(job, state?.error);
  const upload = state?.upload ?? undefined;
  const percent = status === 'uploading' ? uploadPercent(upload) : progressPercent(job, status);

  let text: string;
  let announcement = '';
  switch (status) {
    case 'idle':
      text = labels.idle;
      break;
    case 'uploading':
      text = labels.uploading(percent);
      announcement = labels.announceUploading;
      break;
    case 'submitting':
      text = labels.submitting;
      break;
    case 'queued':
      text = labels.queued(job?.queuePosition === undefined ? undefined : job.queuePosition + 1);
      announcement = labels.announceQueued;
      break;
    case 'running':
      text = labels.running(percent);
      announcement = labels.announceRunning;
      break;
    case 'completed':
      text = labels.completed;
      announcement = labels.announceCompleted;
      break;
    case 'failed': {
      const kind = errorKind(job?.error ?? state?.error);
      text = labels.failed(kind);
      announcement = labels.announceFailed(kind);
      break;
    }
    case 'cancelled':
      text = labels.cancelled;
      announcement = labels.announceCancelled;
      break;
    case 'stopped':
      text = labels.stopped;
      announcement = labels.announceStopped;
      break;
  }

  // While uploading, the bytes say how it goes (and there is no job to count time from yet).
  const elapsedMs = status === 'idle' || status === 'uploading' ? undefined : elapsed(job, state, now);
  return {
    status,
    active,
    text,
    announcement,
    percent,
    queuePercent: active && status === 'queued' && job ? queuePercent(job, options.firstQueued) : undefined,
    showProgressbar: active || status === 'completed',
    elapsedText: elapsedMs === undefined ? undefined : elapsedLabel(status, labels)(elapsedMs),
    remainingText:
      status === 'uploading'
        ? upload && labels.uploaded(upload.loaded, upload.total)
        : active
          ? waitText(status, job, now, labels, options)
          : undefined,
    noteText: timedOut
      ? labels.timedOut
      : status === 'stopped'
        ? labels.stoppedNote
        : status === 'cancelled'
          ? labels.cancelNote(job?.cancellation?.remote)
          : undefined,
    detailText: status === 'failed' ? reason : undefined,
    stalledText:
      status === 'queued' && job?.stalledSince !== undefined ? labels.stalled(now - job.stalledSince) : undefined,
  };
}

function elapsedLabel(status: VideoJobDisplayStatus, labels: VideoJobProgressLabels): (ms: number) => string {
  switch (status) {
    case 'completed':
      return labels.took;
    case 'failed':
      return labels.failedAfter;
    case 'cancelled':
    case 'stopped':
      return labels.stoppedAfter;
    default:
      return labels.elapsed;
  }
}

function errorKind(error: Error | null | undefined): VideoJobErrorKind | undefined {
  const kind = (error as { kind?: unknown } | null | undefined)?.kind;
  return typeof kind === 'string' ? (kind as VideoJobErrorKind) : undefined;
}

function isTimeout(error: Error | null | undefined): boolean {
  return (error as { kind?: unknown } | null | undefined)?.kind === 'timeout';
}

function progressPercent(job: JobSnapshot | undefined, status: VideoJobDisplayStatus): number | undefined {
  if (status === 'completed') return 100;
  if (status !== 'running' || job?.progress === undefined || !Number.isFinite(job.progress)) return undefined;
  return Math.min(100, Math.max(0, Math.floor(job.progress * 100)));
}

function uploadPercent(upload: { loaded: number; total: number } | undefined): number | undefined {
  if (!upload || !(upload.total > 0) || !Number.isFinite(upload.loaded)) return undefined;
  return Math.min(100, Math.max(0, Math.floor((upload.loaded / upload.total) * 100)));
}

function elapsed(
  job: JobSnapshot | undefined,
  state: VideoJobProgressState | undefined,
  now: number,
): number | undefined {
  const start = job?.createdAt ?? job?.startedAt;
  if (job && start !== undefined) {
    const end = isTerminalStatus(job.status) ? (job.completedAt ?? job.updatedAt) : now;
    return Math.max(0, end - start);
  }
  return typeof state?.elapsedMs === 'number' ? Math.max(0, state.elapsedMs) : undefined;
}

/**
 * What is left of the wait, in one phrase: the time left while running (from progress, else from the typical
 * run time), the time left in the queue once it has moved, else the typical run time of this model.
 */
function waitText(
  status: VideoJobDisplayStatus,
  job: JobSnapshot | undefined,
  now: number,
  labels: VideoJobProgressLabels,
  options: { firstRunning?: FirstSeen; firstQueued?: FirstSeen; estimate?: DurationEstimate },
): string | undefined {
  const typical = options.estimate ? labels.typical(options.estimate.median) : undefined;
  if (status === 'running' && job) {
    const left = runRemainingMs(job, now, options.firstRunning) ?? typicalRemainingMs(job, now, options.estimate);
    if (left === undefined) return typical;
    return left < FINISHING_MS ? labels.finishing : labels.remaining(left);
  }
  if (status === 'queued' && job) {
    const left = queueRemainingMs(job, now, options.firstQueued);
    return left === undefined ? typical : labels.queueRemaining(left);
  }
  return typical;
}
