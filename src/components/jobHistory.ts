import { createSnapshot, type JobRef, type VideoResult } from '../core/jobSnapshot';
import { isTerminalStatus, type TerminalJobStatus } from '../core/jobStatus';
import type { StateStorage, TrackedJob } from '../react/types';

/** A job as the gallery lists it: a tracked job, with the input it was submitted with when that is known. */
export interface VideoJobGalleryItem extends TrackedJob {
  /** The input the job was submitted with, when whoever tracked it kept it. */
  input?: Record<string, unknown>;
}

/** What the gallery stores per finished job: enough to show it and run it again, nothing of the provider's payload. */
interface HistoryRecord {
  ref: JobRef;
  status: TerminalJobStatus;
  video?: VideoResult;
  createdAt?: number;
  since: number;
  finishedAt?: number;
  input?: Record<string, unknown>;
}

interface HistoryFile {
  version: 1;
  jobs: HistoryRecord[];
}

export const DEFAULT_HISTORY_KEY = 'react-video-jobs:history';

/** The stored history, newest first; an empty list when there is none, or it cannot be read. */
export function readHistory(storage: StateStorage | undefined, key: string): Promise<VideoJobGalleryItem[]> {
  if (!storage) return Promise.resolve([]);
  try {
    return Promise.resolve(storage.getItem(key)).then(parseHistory, () => []);
  } catch {
    return Promise.resolve([]);
  }
}

/** Stores the finished jobs among `items` (at most `limit`, in the order given); never throws. */
export function writeHistory(
  storage: StateStorage | undefined,
  key: string,
  items: readonly VideoJobGalleryItem[],
  limit: number,
): void {
  if (!storage) return;
  const jobs = items.flatMap(toRecord).slice(0, limit);
  try {
    void Promise.resolve(storage.setItem(key, JSON.stringify({ version: 1, jobs } satisfies HistoryFile))).catch(
      () => undefined,
    );
  } catch {
    // A full quota or a refused storage only means the history will not survive a reload.
  }
}

/** `localStorage` where there is one; `undefined` on the server or where storage is disabled. */
export function defaultHistoryStorage(): StateStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

function toRecord(item: VideoJobGalleryItem): HistoryRecord[] {
  const { job } = item;
  if (!job || !isTerminalStatus(job.status)) return [];
  const record: HistoryRecord = { ref: item.ref, status: job.status, since: item.since };
  if (job.video) record.video = job.video;
  if (job.createdAt !== undefined) record.createdAt = job.createdAt;
  if (item.finishedAt !== undefined) record.finishedAt = item.finishedAt;
  if (item.input) record.input = item.input;
  return [record];
}

function parseHistory(text: string | null): VideoJobGalleryItem[] {
  if (!text) return [];
  let file: Partial<HistoryFile>;
  try {
    file = JSON.parse(text) as Partial<HistoryFile>;
  } catch {
    return [];
  }
  if (file?.version !== 1 || !Array.isArray(file.jobs)) return [];
  return file.jobs.flatMap((record) => {
    const { ref } = record ?? {};
    if (!ref || typeof ref.provider !== 'string' || typeof ref.id !== 'string' || !isTerminalStatus(record.status)) {
      return [];
    }
    const at = record.finishedAt ?? record.since;
    const job = createSnapshot(
      {
        ref,
        status: record.status,
        ...(record.video ? { video: record.video } : {}),
        ...(record.createdAt !== undefined ? { createdAt: record.createdAt } : {}),
        ...(record.finishedAt !== undefined ? { completedAt: record.finishedAt } : {}),
        updatedAt: at,
      },
      at,
    );
    const item: VideoJobGalleryItem = { key: `${ref.provider}:${ref.id}`, ref, job, since: record.since };
    if (record.finishedAt !== undefined) item.finishedAt = record.finishedAt;
    if (record.input) item.input = record.input;
    return [item];
  });
}

/**
 * The gallery's list: the tracked jobs (they are live), then stored ones the tracker no longer lists, newest first,
 * without the removed ones, at most `limit`.
 */
export function mergeHistory(
  tracked: readonly VideoJobGalleryItem[],
  stored: readonly VideoJobGalleryItem[],
  removed: ReadonlySet<string>,
  limit: number,
): VideoJobGalleryItem[] {
  const seen = new Set(tracked.map((item) => item.key));
  const merged = [...tracked, ...stored.filter((item) => !seen.has(item.key))].filter((item) => !removed.has(item.key));
  const active = merged.filter((item) => !item.job || !isTerminalStatus(item.job.status));
  const ended = merged
    .filter((item) => item.job && isTerminalStatus(item.job.status))
    .sort((a, b) => (b.finishedAt ?? b.since) - (a.finishedAt ?? a.since));
  return [...active.sort((a, b) => b.since - a.since), ...ended].slice(0, limit);
}
