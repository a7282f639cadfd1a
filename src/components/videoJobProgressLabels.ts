import type { JobCancellation } from '../core/jobSnapshot';
import { formatDuration, roundDuration } from './formatDuration';

/**
 * Every string `<VideoJobProgress>` shows or announces. Pass a partial object as `labels` to translate or
 * reword; strings that carry a number are functions so word order stays yours.
 */
export interface VideoJobProgressLabels {
  /** Accessible name of the component. Defaults to `"Video generation"`. */
  group: string;
  /** Accessible name of the progress bar. Defaults to `"Generation progress"`. */
  progressbar: string;
  /** No job yet. Defaults to `"Not started"`. */
  idle: string;
  /** The job is being submitted. Defaults to `"Submitting…"`. */
  submitting: string;
  /** `position` is 1-based (the job's `queuePosition + 1`). Defaults to `"In queue – position 3"` / `"In queue"`. */
  queued: (position: number | undefined) => string;
  /** `percent` is 0..100, whole. Defaults to `"Generating – 42 %"` / `"Generating…"`. */
  running: (percent: number | undefined) => string;
  /** Defaults to `"Completed"`. */
  completed: string;
  /** `reason` is the provider's own words. Defaults to `"Failed: <reason>"`. */
  failed: (reason: string | undefined) => string;
  /** Defaults to `"Cancelled"`. */
  cancelled: string;
  /**
   * A note under a cancelled job when the provider did not confirm the cancel (`requested`: it may still
   * finish; `unsupported`: it cannot be stopped, we only stopped following it). `undefined` shows none.
   */
  cancelNote: (remote: JobCancellation['remote'] | undefined) => string | undefined;
  /** Defaults to `"Elapsed 1 min 5 s"`. */
  elapsed: (ms: number) => string;
  /** Total run time of a finished job. Defaults to `"Took 1 min 5 s"`. */
  took: (ms: number) => string;
  /** Time left while running. Defaults to `"About 20 s left"` (rounded as people round estimates). */
  remaining: (ms: number) => string;
  /** Instead of a countdown near its end (under 1.5 s left). Defaults to `"Finishing…"`. */
  finishing: string;
  /** Time left in the queue, at the rate it has moved. Defaults to `"About 40 s left in queue"`. */
  queueRemaining: (ms: number) => string;
  /**
   * This model's typical (median) run time, from the client's duration model (`estimate` prop), shown while
   * nothing better is known. Defaults to `"Usually about 1 min"`.
   */
  typical: (ms: number) => string;
  /** Shown while the queue has not moved for `ms`. */
  stalled: (ms: number) => string;
  /** Shown when following the job timed out while it was still under way (a hook's `timeout` error). */
  timedOut: string;
  /** Summary of the log disclosure. Defaults to `"Logs (3)"`. */
  logs: (count: number) => string;
  /** Accessible name of the (scrollable, focusable) list of log lines. Defaults to `"Latest log lines"`. */
  logLines: string;
  /** Defaults to `"Cancel"`. */
  cancel: string;
  /** The Cancel button while the request is under way. Defaults to `"Cancelling…"`. */
  cancelling: string;
  /** Defaults to `"Retry"`. */
  retry: string;
  /** Announced once when the job enters the queue. Defaults to `"Video generation queued"`. */
  announceQueued: string;
  /** Announced once when the job starts running. Defaults to `"Video generation started"`. */
  announceRunning: string;
  /** Announced once when the video is ready. Defaults to `"Video ready"`. */
  announceCompleted: string;
  /** Announced once on failure. Defaults to `"Video generation failed: <reason>"`. */
  announceFailed: (reason: string | undefined) => string;
  /** Announced once on cancellation. Defaults to `"Video generation cancelled"`. */
  announceCancelled: string;
}

export const defaultVideoJobProgressLabels: VideoJobProgressLabels = {
  group: 'Video generation',
  progressbar: 'Generation progress',
  idle: 'Not started',
  submitting: 'Submitting…',
  queued: (position) => (position === undefined ? 'In queue' : `In queue – position ${position}`),
  running: (percent) => (percent === undefined ? 'Generating…' : `Generating – ${percent} %`),
  completed: 'Completed',
  failed: (reason) => (reason ? `Failed: ${reason}` : 'Failed'),
  cancelled: 'Cancelled',
  cancelNote: (remote) =>
    remote === 'unsupported'
      ? 'The provider cannot stop this job: it may still finish, but it is no longer followed here.'
      : remote === 'requested'
        ? 'The provider is stopping the job; it may still finish.'
        : undefined,
  elapsed: (ms) => `Elapsed ${formatDuration(ms)}`,
  took: (ms) => `Took ${formatDuration(ms)}`,
  remaining: (ms) => `About ${formatDuration(roundDuration(ms))} left`,
  finishing: 'Finishing…',
  queueRemaining: (ms) => `About ${formatDuration(roundDuration(ms))} left in queue`,
  typical: (ms) => `Usually about ${formatDuration(roundDuration(ms))}`,
  stalled: (ms) =>
    `The queue has not moved for ${formatDuration(ms)}. The job is still waiting; you can keep waiting or cancel it.`,
  timedOut: 'Stopped following this job: it took too long. It may still finish on the provider.',
  logs: (count) => `Logs (${count})`,
  logLines: 'Latest log lines',
  cancel: 'Cancel',
  cancelling: 'Cancelling…',
  retry: 'Retry',
  announceQueued: 'Video generation queued',
  announceRunning: 'Video generation started',
  announceCompleted: 'Video ready',
  announceFailed: (reason) => (reason ? `Video generation failed: ${reason}` : 'Video generation failed'),
  announceCancelled: 'Video generation cancelled',
};
