import type { JobCancellation } from '../core/jobSnapshot';
import type { VideoJobErrorKind } from '../core/videoJobError';
import { formatDuration, roundDuration } from '../core/formatDuration';
// From its own module: the progress card must not pull the client's image code into every app.
import { formatBytes } from '../core/formatBytes';

/**
 * Every string `<VideoJobProgress>` shows or announces. Pass a partial object as `labels` to translate or
 * reword; strings that carry a number are functions so word order stays yours.
 */
export interface VideoJobProgressLabels {
  /** Accessible name of the component. Defaults to `"Video generation"`. */
  group: string;
  /** Accessible name of the progress bar. Defaults to `"Generation progress"`. */
  progressbar: string;
  /** Accessible name of the progress bar while the input image uploads. Defaults to `"Upload progress"`. */
  uploadProgressbar: string;
  /** No job yet. Defaults to `"Not started"`. */
  idle: string;
  /** The input image is being uploaded; `percent` is 0..100, whole. Defaults to `"Uploading – 40 %"` / `"Uploading…"`. */
  uploading: (percent: number | undefined) => string;
  /** Bytes of the upload sent so far, beside the time. Defaults to `"276 KB of 690 KB"`. */
  uploaded: (loadedBytes: number, totalBytes: number) => string;
  /** The job is being submitted. Defaults to `"Submitting…"`. */
  submitting: string;
  /** `position` is 1-based (the job's `queuePosition + 1`). Defaults to `"In queue – position 3"` / `"In queue"`. */
  queued: (position: number | undefined) => string;
  /** `percent` is 0..100, whole. Defaults to `"Generating – 42 %"` / `"Generating…"`. */
  running: (percent: number | undefined) => string;
  /** Defaults to `"Completed"`. */
  completed: string;
  /**
   * A short sentence for people, by what went wrong (`kind` of the job's or the hook's error); the technical text
   * goes behind `details`. Defaults to `"The video could not be generated."` (the provider's job failed),
   * `"The provider could not be reached."` (network, HTTP, rate limits) and the like.
   */
  failed: (kind: VideoJobErrorKind | undefined) => string;
  /** Summary of the disclosure with the technical reason and the job id. Defaults to `"Details"`. */
  details: string;
  /** Before the job id in the details. Defaults to `"Job id"`. */
  jobId: string;
  /** The button that copies the job id. Defaults to `"Copy job id"`. */
  copyJobId: string;
  /** The copy button once it has copied. Defaults to `"Copied"`. */
  copied: string;
  /** Defaults to `"Cancelled"`. */
  cancelled: string;
  /**
   * A job the provider cannot cancel (Kling, OpenAI-style, visgate) that we stopped following: it may still finish.
   * Defaults to `"Stopped following"`.
   */
  stopped: string;
  /** The note under `stopped`. */
  stoppedNote: string;
  /**
   * A note under a cancelled job when the provider did not confirm the cancel (`requested`: it may still
   * finish; `unsupported`: it cannot be stopped, we only stopped following it). `undefined` shows none.
   */
  cancelNote: (remote: JobCancellation['remote'] | undefined) => string | undefined;
  /** Defaults to `"Elapsed 1 min 5 s"`. */
  elapsed: (ms: number) => string;
  /** Total run time of a finished job. Defaults to `"Took 1 min 5 s"`. */
  took: (ms: number) => string;
  /** How long a failed job ran. Defaults to `"Failed after 37 s"`. */
  failedAfter: (ms: number) => string;
  /** How long a cancelled (or no longer followed) job ran. Defaults to `"Stopped after 42 s"`. */
  stoppedAfter: (ms: number) => string;
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
  /** Starts the same job again after a cancel. Defaults to `"Run again"`. */
  runAgain: string;
  /** Asks the provider about a job we stopped following. Defaults to `"Check again"`. */
  checkAgain: string;
  /** Announced once when the input image starts uploading. Defaults to `"Uploading the image"`. */
  announceUploading: string;
  /** Announced once when the upload is over and the job is being submitted. Defaults to `"Image uploaded"`. */
  announceUploaded: string;
  /** Announced once when Cancel stopped the upload (no job was created). Defaults to `"Upload cancelled"`. */
  announceUploadCancelled: string;
  /** Announced once when the job enters the queue. Defaults to `"Video generation queued"`. */
  announceQueued: string;
  /** Announced once when the job starts running. Defaults to `"Video generation started"`. */
  announceRunning: string;
  /** Announced once when the video is ready. Defaults to `"Video ready"`. */
  announceCompleted: string;
  /** Announced once on failure: a short sentence only, never the technical text. Defaults to `"Video generation failed. <failed(kind)>"`. */
  announceFailed: (kind: VideoJobErrorKind | undefined) => string;
  /** Announced once on cancellation. Defaults to `"Video generation cancelled"`. */
  announceCancelled: string;
  /** Announced once when we stop following a job the provider cannot cancel. Defaults to `"Stopped following the video generation"`. */
  announceStopped: string;
}

export const defaultVideoJobProgressLabels: VideoJobProgressLabels = {
  group: 'Video generation',
  progressbar: 'Generation progress',
  uploadProgressbar: 'Upload progress',
  idle: 'Not started',
  uploading: (percent) => (percent === undefined ? 'Uploading…' : `Uploading – ${percent} %`),
  uploaded: (loaded, total) => `${formatBytes(loaded)} of ${formatBytes(total)}`,
  submitting: 'Submitting…',
  queued: (position) => (position === undefined ? 'In queue' : `In queue – position ${position}`),
  running: (percent) => (percent === undefined ? 'Generating…' : `Generating – ${percent} %`),
  completed: 'Completed',
  failed: failureSentence,
  details: 'Details',
  jobId: 'Job id',
  copyJobId: 'Copy job id',
  copied: 'Copied',
  cancelled: 'Cancelled',
  stopped: 'Stopped following',
  stoppedNote: 'The provider cannot stop this job, so it may still finish. It is no longer followed here.',
  cancelNote: (remote) =>
    remote === 'requested' ? 'The provider is stopping the job; it may still finish.' : undefined,
  elapsed: (ms) => `Elapsed ${formatDuration(ms)}`,
  took: (ms) => `Took ${formatDuration(ms)}`,
  failedAfter: (ms) => `Failed after ${formatDuration(ms)}`,
  stoppedAfter: (ms) => `Stopped after ${formatDuration(ms)}`,
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
  runAgain: 'Run again',
  checkAgain: 'Check again',
  announceUploading: 'Uploading the image',
  announceUploaded: 'Image uploaded',
  announceUploadCancelled: 'Upload cancelled',
  announceQueued: 'Video generation queued',
  announceRunning: 'Video generation started',
  announceCompleted: 'Video ready',
  announceFailed: (kind) => `Video generation failed. ${failureSentence(kind)}`,
  announceCancelled: 'Video generation cancelled',
  announceStopped: 'Stopped following the video generation',
};

function failureSentence(kind: VideoJobErrorKind | undefined): string {
  switch (kind) {
    case 'network':
    case 'http':
    case 'rate_limited':
    case 'invalid_response':
      return 'The provider could not be reached.';
    case 'auth':
      return 'The provider refused the request.';
    case 'invalid_input':
      return 'The request was not accepted.';
    case 'not_found':
      return 'The provider no longer has this job.';
    case 'timeout':
      return 'It took too long.';
    default:
      return 'The video could not be generated.';
  }
}
