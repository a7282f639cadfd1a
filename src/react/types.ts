import type { VideoJobState } from '../core/jobState';
import type { JobRef, JobSnapshot, VideoResult } from '../core/jobSnapshot';
import type { JobStatus } from '../core/jobStatus';
import type { PollingOptions } from '../core/schedule';
import type { VideoJobError } from '../core/videoJobError';

/** A key-value store for persisted job refs, shaped like `localStorage` (sync) or an async store. */
export interface StateStorage {
  getItem(name: string): string | null | Promise<string | null>;
  setItem(name: string, value: string): unknown;
  removeItem(name: string): unknown;
}

/**
 * A storage that reads and writes JSON values; made by `createJSONStorage`. Never throws. `persist` keeps a
 * `PersistedJob` per key in it, `<VideoJobGallery>` its job history.
 */
export interface JobStorage<Value = PersistedJob> {
  getItem(name: string): Value | null | Promise<Value | null>;
  setItem(name: string, value: Value): void;
  removeItem(name: string): void;
}

/** What `persist` keeps for a hook's job: enough to resume it, and the result once it has ended. */
export interface PersistedJob {
  /** Format version of this record. */
  version: 1;
  ref: JobRef;
  /** The last status seen. */
  status: JobStatus;
  /** The finished video, kept with the record until `keepFinishedMs` has passed. */
  video?: VideoResult;
  /** The error of a failed job, as `VideoJobError.toJSON()`. */
  error?: ReturnType<VideoJobError['toJSON']>;
  /** When the job was seen ending (epoch ms). */
  finishedAt?: number;
  /** When the record was written (epoch ms). */
  savedAt: number;
}

/** Where and how long `persist` keeps a hook's job. */
export interface PersistOptions {
  /** Storage key. Defaults to `"react-video-jobs:<provider>:<model>"`. */
  key?: string;
  /**
   * Where records go. Defaults to the `<VideoJobsProvider storage>`, which defaults to
   * `createJSONStorage(() => localStorage)` (nothing is stored where that is unavailable).
   */
  storage?: JobStorage;
  /** How long a finished job stays stored with its result, then it is dropped. Defaults to `86400000` (24 h). */
  keepFinishedMs?: number;
}

// The flat state both `useVideoGeneration` and `useJobStatus` return is the observers' (core/jobState.ts).
export type { VideoGenerationStatus, VideoJobState } from '../core/jobState';

/** Options shared by `useJobStatus` and `useVideoGeneration`. */
export interface FollowJobOptions {
  /** Overrides the client's poll schedule for this job. Defaults to the client's `polling`. */
  polling?: PollingOptions;
  /**
   * Stop following after this long (the job may still finish; `error` becomes a `timeout` error and the ref
   * is kept for `resume`). Defaults to `600000` (10 min).
   */
  timeoutMs?: number;
  /** How often `elapsedMs` advances while the job is active (re-rendering this component). `false` stops the tick. Defaults to `1000`. */
  tickMs?: number | false;
  /** Called once with each new snapshot of the job, however many components follow it. */
  onUpdate?: (job: JobSnapshot) => void;
}

export interface UseJobStatusOptions extends FollowJobOptions {
  /** Set to `false` to stop following without unmounting. Defaults to `true`. */
  enabled?: boolean;
}

export interface UseJobStatusResult extends VideoJobState {
  /** Stops polling at once, asks the provider to cancel, and resolves with the final snapshot. */
  cancel: () => Promise<JobSnapshot | undefined>;
  /** Polls now, outside the schedule. */
  refetch: () => Promise<JobSnapshot | undefined>;
  /**
   * Follows the job again when this side only stopped following it (a cancel the provider cannot carry out:
   * `<VideoJobProgress onCheckAgain>`); `false`, and nothing happens, when the provider reported the end.
   */
  checkAgain: () => boolean;
}

export interface UseVideoGenerationOptions extends FollowJobOptions {
  /** The provider name as registered in `createVideoClient({ providers })`. */
  provider: string;
  /** The model or endpoint, e.g. `"fal-ai/veo3"`. */
  model: string;
  /**
   * Keep the job's ref (and, once it ends, its result) in storage and resume it on mount, so a reload,
   * crash or closed tab loses nothing. `true` uses the default key; a string is the key. Defaults to `false`.
   */
  persist?: boolean | string | PersistOptions;
  /** Called once when the job completes, however many times the component re-renders, remounts or resumes. */
  onCompleted?: (job: JobSnapshot) => void;
  /** Called once when the job fails. */
  onFailed?: (job: JobSnapshot, error: VideoJobError) => void;
  /** Called once when the job ends cancelled. */
  onCancelled?: (job: JobSnapshot) => void;
}

export interface GenerateOptions {
  /**
   * Start a new job even though one is submitting or active: the current one is cancelled first. Without it,
   * `generate` is ignored (and `generateAsync` rejects) while a job is under way. Defaults to `false`.
   */
  replace?: boolean;
  /** Passed to the provider as the job's webhook. */
  webhookUrl?: string;
  /** Sent where the provider accepts an idempotency key. */
  idempotencyKey?: string;
}

export interface UseVideoGenerationResult<
  Input extends Record<string, unknown> = Record<string, unknown>,
> extends VideoJobState {
  /** Submits a job; errors land in `error`. Ignored while a job is submitting or active unless `{ replace: true }`. */
  generate: (input: Input, options?: GenerateOptions) => void;
  /** Like `generate`, resolving with the terminal snapshot (a failed job resolves too); rejects when the submit fails. */
  generateAsync: (input: Input, options?: GenerateOptions) => Promise<JobSnapshot>;
  /** Stops polling at once, asks the provider to cancel, and resolves with the final snapshot. */
  cancel: () => Promise<JobSnapshot | undefined>;
  /** Back to `idle`; forgets the job (it is not cancelled) and its persisted record. */
  reset: () => void;
  /**
   * Follows an existing job (submitted elsewhere, or before a reload) instead of submitting one; also one this side
   * stopped following (see `checkAgain`).
   */
  resume: (ref: JobRef) => void;
  /**
   * Follows the job again after a cancel the provider could not confirm (`cancelled` with `cancellation.remote`
   * `unsupported` or `requested`: Kling, OpenAI-style, visgate; `<VideoJobProgress onCheckAgain>`). Does nothing for
   * any other job: an end the provider reported stays final.
   */
  checkAgain: () => void;
}

/** A job this app follows, as `useVideoJobs` lists it. */
export interface TrackedJob {
  /** `provider:id`, as `jobKey(ref)` makes it. */
  key: string;
  ref: JobRef;
  /** The latest snapshot seen, or `undefined` before the first answer. */
  job: JobSnapshot | undefined;
  /** When this app started following the job (epoch ms). */
  since: number;
  /** When the job was seen ending (epoch ms). */
  finishedAt?: number;
  /**
   * `true` for a finished job read back from the job history (`<VideoJobGallery persist>`): it ended in an earlier
   * visit or in another tab, and this app's client has not followed it since.
   */
  restored?: boolean;
}

export interface UseVideoJobsOptions {
  /** List finished jobs that ended at most this long ago. Defaults to `3600000` (1 h). */
  recentMs?: number;
}

export interface UseVideoJobsResult {
  /** Active jobs first (newest first), then recent finished ones (newest first). */
  jobs: readonly TrackedJob[];
  /** Jobs still queued or running (or not answered yet). */
  active: readonly TrackedJob[];
  /** Jobs that ended within `recentMs`. */
  recent: readonly TrackedJob[];
  /**
   * Removes a job from the list (it is not cancelled); later snapshots of it do not bring it back, and with a job
   * history kept, it leaves the history in every tab.
   */
  remove: (ref: JobRef) => void;
}
