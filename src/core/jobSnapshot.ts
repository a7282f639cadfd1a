import type { JobStatus } from './jobStatus';
import type { VideoJobError } from './videoJobError';

/**
 * Everything needed to find a job again: plain JSON, so it can be stored (localStorage, a database, a URL)
 * and handed to `resume` / `useJobStatus` after a reload or on another machine.
 */
export interface JobRef {
  /** The provider's name as registered in `createVideoClient({ providers })`, e.g. `"fal"`. */
  provider: string;
  /** The provider's own job id (fal `request_id`, Kling `task_id`, ...). */
  id: string;
  /** The model or endpoint the job runs on, e.g. `"fal-ai/veo3"`. */
  model: string;
  /** URLs the provider handed back at submit time, when it hands any back. */
  urls?: JobUrls;
  /** When the job was submitted (epoch ms), when known. */
  createdAt?: number;
  /** Small provider-specific facts an adapter needs to poll again (e.g. Kling's endpoint family). */
  meta?: Record<string, string>;
  /**
   * The input images as the provider received them (an uploaded file's URL or file id, by field), so running the job
   * again never uploads the file again.
   */
  uploads?: Partial<Record<'image' | 'endImage', string>>;
  /**
   * The input to submit the job again with, set by the client's `submit`: the fields as given, an input image as the
   * URL it was uploaded to (see `uploads`). Absent when plain JSON cannot rebuild it (an image the provider took as bytes
   * or keeps as a file id, a field that is not JSON) or it is over 8 KB as JSON.
   */
  input?: Record<string, unknown>;
}

export interface JobUrls {
  status?: string;
  result?: string;
  cancel?: string;
  stream?: string;
}

/** The finished video, as far as the provider describes it. */
export interface VideoResult {
  /** Playable URL (`https:`, `http:` or `blob:`). */
  url: string;
  contentType?: string;
  fileName?: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  fileSize?: number;
  /** When a signed `url` stops working (epoch ms); fetch the job again for a fresh one. */
  expiresAt?: number;
}

/**
 * A still of the job's video, when the provider hands one out (VideoGen's `thumbnailSource`). It sits on the
 * snapshot, not on `video`, because it may come before the video can be downloaded (VideoGen signs the thumbnail
 * while the download rendition is still being prepared).
 */
export interface JobThumbnail {
  /** Image URL (`https:`, `http:` or `blob:`). */
  url: string;
  width?: number;
  height?: number;
  /** When a signed `url` stops working (epoch ms). */
  expiresAt?: number;
}

/**
 * A job this side stopped following without the provider confirming its end (a cancel it could not stop, or only
 * accepted): the job may still finish, so it can be followed again. Every other terminal snapshot is final.
 */
export function isStoppedLocally(job: Pick<JobSnapshot, 'status' | 'cancellation'>): boolean {
  return (
    job.status === 'cancelled' &&
    (job.cancellation?.remote === 'unsupported' || job.cancellation?.remote === 'requested')
  );
}

/** What became of a cancel request on the provider's side. */
export interface JobCancellation {
  /**
   * `cancelled`: the provider confirmed it; `requested`: the provider accepted the request but the job may
   * still finish; `unsupported`: the provider has no way to stop the job, we only stopped following it.
   */
  remote: 'cancelled' | 'requested' | 'unsupported';
  message?: string;
}

/** One observation of a job. Snapshots are immutable; a terminal snapshot never changes again. */
export interface JobSnapshot {
  ref: JobRef;
  id: string;
  provider: string;
  model: string;
  status: JobStatus;
  /** 0-based position in the provider's queue while `queued`, when the provider tells it. */
  queuePosition?: number;
  /** 0..1 while `running`, when the provider tells it; 1 when completed. */
  progress?: number;
  /** Log lines the provider reported, oldest first. */
  logs: readonly string[];
  /** Set when `status` is `completed`. */
  video?: VideoResult;
  /** A still of the video, when the provider gives one; may be set before `video`. */
  thumbnail?: JobThumbnail;
  /** Set when `status` is `failed` (kind `provider_failed`), and on timeouts of watching. */
  error?: VideoJobError;
  /** Set when `status` is `cancelled`. */
  cancellation?: JobCancellation;
  /** Set while the job has sat in the queue with no movement for longer than `stallAfterMs` (epoch ms). */
  stalledSince?: number;
  /** Epoch ms timestamps. */
  createdAt?: number;
  startedAt?: number;
  completedAt?: number;
  /** When this snapshot was observed (epoch ms). */
  updatedAt: number;
  /** The provider's payload this snapshot was read from, untouched. */
  raw?: unknown;
}

export type JobSnapshotInit = Omit<JobSnapshot, 'id' | 'provider' | 'model' | 'logs' | 'updatedAt'> &
  Partial<Pick<JobSnapshot, 'logs' | 'updatedAt'>>;

/** Builds a frozen snapshot from a ref and the fields a provider read off the wire. */
export function createSnapshot(init: JobSnapshotInit, now: number = Date.now()): JobSnapshot {
  const snapshot: JobSnapshot = {
    ...init,
    id: init.ref.id,
    provider: init.ref.provider,
    model: init.ref.model,
    logs: Object.freeze([...(init.logs ?? [])]),
    updatedAt: init.updatedAt ?? now,
  };
  if (snapshot.createdAt === undefined && init.ref.createdAt !== undefined) snapshot.createdAt = init.ref.createdAt;
  return Object.freeze(snapshot);
}

/** A stable string key for a job: `provider:id`. */
export function jobKey(ref: Pick<JobRef, 'provider' | 'id'>): string {
  return `${ref.provider}:${ref.id}`;
}
