import { createSnapshot, jobKey, type JobSnapshotInit } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import { VideoJobError } from '../core/videoJobError';
import { readPersistedJob, toPersistedJob } from './persistedJob';
import type { PersistedJob, TrackedJob } from './types';

/**
 * What the job history keeps under its key: the newest finished jobs, each as `persist` keeps a job (ref with the
 * input to run it again, status, video, error; never the provider's payload), and the keys of the jobs removed, so
 * that no tab brings one back.
 */
export interface PersistedJobHistory {
  version: 2;
  /** Newest first. */
  jobs: PersistedJob[];
  /** `provider:id` of removed jobs, oldest first. */
  removed: string[];
}

/** Removed keys remembered, in memory and in storage: enough to outlast any job a tab may still report. */
export const MAX_REMOVED = 200;

/** The finished jobs among `entries`, newest first, at most `maxJobs`. */
export function newestFinished(entries: Iterable<TrackedJob>, maxJobs: number): TrackedJob[] {
  return [...entries]
    .filter((entry) => entry.finishedAt !== undefined && entry.job && isTerminalStatus(entry.job.status))
    .sort((a, b) => b.finishedAt! - a.finishedAt! || (a.key < b.key ? -1 : 1))
    .slice(0, maxJobs);
}

export function toHistory(
  entries: Iterable<TrackedJob>,
  removed: Iterable<string>,
  maxJobs: number,
): PersistedJobHistory {
  return {
    version: 2,
    jobs: newestFinished(entries, maxJobs).map((entry) => ({
      ...toPersistedJob(entry.ref, entry.job, entry.finishedAt!),
      // Written again and again as the history changes: the same job gives the same record.
      savedAt: entry.finishedAt!,
      finishedAt: entry.finishedAt!,
    })),
    removed: [...removed].slice(-MAX_REMOVED),
  };
}

/** A stored history, checked record by record: anything else in the slot reads as an empty history. */
export function readHistory(value: unknown): { jobs: TrackedJob[]; removed: string[] } {
  const file = (typeof value === 'object' && value !== null ? value : {}) as Partial<PersistedJobHistory>;
  if (file.version !== 2 || !Array.isArray(file.jobs)) return { jobs: [], removed: [] };
  const removed = Array.isArray(file.removed) ? file.removed.filter((key) => typeof key === 'string') : [];
  const jobs = file.jobs.flatMap((value): TrackedJob[] => {
    const record = readPersistedJob(value);
    if (!record || !isTerminalStatus(record.status)) return [];
    const finishedAt = record.finishedAt ?? record.savedAt;
    // The video as it was, even when its signed URL has expired since: the player fetches a fresh one.
    const init: JobSnapshotInit = { ref: record.ref, status: record.status, completedAt: finishedAt };
    if (record.video) init.video = record.video;
    if (record.status === 'completed') init.progress = 1;
    if (record.error) init.error = VideoJobError.fromJSON(record.error);
    const job = createSnapshot(init, finishedAt);
    return [
      {
        key: jobKey(record.ref),
        ref: record.ref,
        job,
        since: record.ref.createdAt ?? finishedAt,
        finishedAt,
        restored: true,
      },
    ];
  });
  return { jobs, removed };
}

/**
 * What a history says, for telling whether two say the same: which jobs, in which state, and which were removed, in
 * no particular order (two tabs may list the same jobs in another order; neither must write for that).
 */
export function historySignature(history: PersistedJobHistory): string {
  return JSON.stringify([
    history.jobs.map((record) => `${jobKey(record.ref)} ${record.status} ${record.video?.url ?? ''}`).sort(),
    [...history.removed].sort(),
  ]);
}
