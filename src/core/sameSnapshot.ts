import type { JobRef, JobSnapshot, VideoResult } from './jobSnapshot';

/**
 * Whether two snapshots say the same thing about a job. `updatedAt` and `raw` are ignored: they change on
 * every poll (and raw payloads often carry server timestamps), while consumers only care about what they
 * can show. The client keeps the previous object when this holds, so reference checks skip re-renders.
 */
export function isSameSnapshot(a: JobSnapshot, b: JobSnapshot): boolean {
  if (a === b) return true;
  return (
    a.status === b.status &&
    a.queuePosition === b.queuePosition &&
    a.progress === b.progress &&
    a.stalledSince === b.stalledSince &&
    a.createdAt === b.createdAt &&
    a.startedAt === b.startedAt &&
    a.completedAt === b.completedAt &&
    sameRef(a.ref, b.ref) &&
    sameLogs(a.logs, b.logs) &&
    sameVideo(a.video, b.video) &&
    sameRecord(a.thumbnail, b.thumbnail) &&
    a.error?.kind === b.error?.kind &&
    a.error?.message === b.error?.message &&
    a.cancellation?.remote === b.cancellation?.remote &&
    a.cancellation?.message === b.cancellation?.message
  );
}

function sameRef(a: JobRef, b: JobRef): boolean {
  if (a === b) return true;
  return (
    a.provider === b.provider &&
    a.id === b.id &&
    a.model === b.model &&
    a.createdAt === b.createdAt &&
    sameRecord(a.urls, b.urls) &&
    sameRecord(a.meta, b.meta)
  );
}

function sameLogs(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameVideo(a: VideoResult | undefined, b: VideoResult | undefined): boolean {
  return sameRecord(a, b);
}

function sameRecord(a: object | undefined, b: object | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((key) => left[key] !== undefined);
  if (keys.length !== Object.keys(right).filter((key) => right[key] !== undefined).length) return false;
  return keys.every((key) => left[key] === right[key]);
}
