import { createSnapshot, type JobRef, type JobSnapshot, type JobSnapshotInit } from '../core/jobSnapshot';
import { JOB_STATUSES, isTerminalStatus } from '../core/jobStatus';
import { VideoJobError } from '../core/videoJobError';
import type { JobStorage, PersistedJob, PersistOptions } from './types';

/** How long a finished job stays stored with its result. */
export const DEFAULT_KEEP_FINISHED_MS = 24 * 60 * 60 * 1000;

export interface ResolvedPersist {
  key: string;
  storage: JobStorage | undefined;
  keepFinishedMs: number;
}

/** Reads the `persist` option; `undefined` when persistence is off. */
export function resolvePersist(
  persist: boolean | string | PersistOptions | undefined,
  provider: string,
  model: string,
  fallbackStorage: () => JobStorage | undefined,
): ResolvedPersist | undefined {
  if (persist === undefined || persist === false) return undefined;
  const options: PersistOptions =
    typeof persist === 'object' ? persist : typeof persist === 'string' ? { key: persist } : {};
  return {
    key: options.key ?? `react-video-jobs:${provider}:${model}`,
    storage: options.storage ?? fallbackStorage(),
    keepFinishedMs: options.keepFinishedMs ?? DEFAULT_KEEP_FINISHED_MS,
  };
}

/** The record to store for a job: its ref, and once it ended, its outcome. */
export function toPersistedJob(ref: JobRef, job: JobSnapshot | undefined, now: number): PersistedJob {
  const record: PersistedJob = { version: 1, ref, status: job?.status ?? 'queued', savedAt: now };
  if (job && isTerminalStatus(job.status)) {
    record.finishedAt = job.completedAt ?? job.updatedAt;
    if (job.video) record.video = job.video;
    if (job.error) record.error = job.error.toJSON();
  }
  return record;
}

/** A stored value, checked: anything else in the slot (an older format, a hand edit) reads as nothing. */
export function readPersistedJob(value: unknown): PersistedJob | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<PersistedJob>;
  const ref = record.ref as Partial<JobRef> | undefined;
  if (record.version !== 1 || typeof ref !== 'object' || ref === null) return undefined;
  if (typeof ref.provider !== 'string' || typeof ref.id !== 'string' || typeof ref.model !== 'string') return undefined;
  if (!record.status || !JOB_STATUSES.includes(record.status) || typeof record.savedAt !== 'number') return undefined;
  return record as PersistedJob;
}

/** Whether a finished record has outlived `keepFinishedMs`. */
export function isExpired(record: PersistedJob, keepFinishedMs: number, now: number): boolean {
  return record.finishedAt !== undefined && now - record.finishedAt > keepFinishedMs;
}

/**
 * The snapshot a finished record stands for, so the result shows without a request. `undefined` when the
 * job has to be asked again: it was still active, or its signed video URL has expired since.
 */
export function snapshotFromRecord(record: PersistedJob, now: number): JobSnapshot | undefined {
  if (!isTerminalStatus(record.status)) return undefined;
  if (record.status === 'completed' && (!record.video || (record.video.expiresAt ?? Infinity) <= now)) return undefined;
  const init: JobSnapshotInit = {
    ref: record.ref,
    status: record.status,
    updatedAt: record.finishedAt ?? record.savedAt,
  };
  if (record.finishedAt !== undefined) init.completedAt = record.finishedAt;
  if (record.video) init.video = record.video;
  if (record.status === 'completed') init.progress = 1;
  if (record.error) init.error = VideoJobError.fromJSON(record.error);
  return createSnapshot(init, now);
}
