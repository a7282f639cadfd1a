import { createSnapshot, jobKey, type JobSnapshotInit } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import { VideoJobError } from '../core/videoJobError';
import { browserHistorySync } from './historySync';
import { readPersistedJob, toPersistedJob } from './persistedJob';
import type { PersistedJob, TrackedJob } from './types';
import { MAX_REMOVED, newestFinished, type HistoryHost, type JobHistoryOptions } from './videoJobsStore';

// The job history's code, loaded by the store's `keepHistory` with import(): an app that keeps no history (no
// `<VideoJobGallery>`) does not ship it.

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

export function toHistory(
  entries: Iterable<TrackedJob>,
  removed: Iterable<string>,
  maxJobs: number,
): PersistedJobHistory {
  return {
    version: 2,
    jobs: newestFinished(entries, maxJobs).map((entry) => ({
      // Saved "at" its end, so the same job gives the same record however often the history is written.
      ...toPersistedJob(entry.ref, entry.job, entry.finishedAt!),
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
 * What a history says, for telling whether two say the same: which jobs, in which state, ended when, and which were
 * removed, in no particular order (two tabs may list the same jobs in another order; neither must write for that). The
 * end is in it so that a tab that saw a job end earlier writes that back, and every tab settles on the earliest.
 */
export function historySignature(history: PersistedJobHistory): string {
  return JSON.stringify([
    history.jobs
      .map((record) => `${jobKey(record.ref)} ${record.status} ${record.finishedAt} ${record.video?.url ?? ''}`)
      .sort(),
    [...history.removed].sort(),
  ]);
}

/** Takes in a history read from storage; `true` when the list changed. */
function merge(host: HistoryHost, stored: ReturnType<typeof readHistory>): boolean {
  let touched = false;
  for (const key of stored.removed) {
    if (host.removed.has(key)) continue;
    host.forget(key);
    touched = true;
  }
  for (const record of stored.jobs) {
    if (host.removed.has(record.key)) continue;
    const entry = host.jobs.get(record.key);
    if (!entry) {
      host.jobs.set(record.key, record);
      touched = true;
    } else if (entry.finishedAt !== undefined && record.finishedAt! < entry.finishedAt) {
      // Tabs that saw one job end at different moments agree on the earliest, so they keep the same newest ones.
      host.jobs.set(record.key, { ...entry, finishedAt: record.finishedAt });
      touched = true;
    }
  }
  return touched;
}

/**
 * Keeps the host's finished jobs under `options.key`: reads what is there (and again whenever another tab writes),
 * takes it in, and writes back whatever the history then says that storage does not, once per change.
 */
export function openJobHistory(host: HistoryHost, options: JobHistoryOptions): { save(): void; close(): void } {
  const { storage, key, maxJobs } = options;
  // What storage holds as far as this store knows (read or written last); `undefined` until first read.
  let stored: string | undefined;
  let closed = false;
  const read = () => {
    let value: unknown;
    try {
      value = storage.getItem(key);
    } catch {
      value = null;
    }
    void Promise.resolve(value).then(
      (text) => {
        if (closed) return;
        const found = readHistory(text);
        stored = historySignature(toHistory(found.jobs, found.removed, maxJobs));
        // Whatever this store knows that storage does not (a job that ended here meanwhile) is written back.
        if (merge(host, found)) host.changed();
        else history.save();
      },
      () => undefined,
    );
  };
  const sync = (options.sync ?? browserHistorySync).connect(key, read);
  const history = {
    save() {
      if (stored === undefined || closed) return;
      const file = toHistory(host.jobs.values(), host.removed, maxJobs);
      const signature = historySignature(file);
      if (signature === stored) return;
      stored = signature;
      try {
        storage.setItem(key, file);
      } catch {
        // A hand-written storage that throws: the history is not kept, the list goes on.
      }
      sync.notify();
    },
    close() {
      closed = true;
      sync.close();
    },
  };
  read();
  return history;
}
