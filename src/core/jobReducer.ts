import { createSnapshot, type JobCancellation, type JobRef, type JobSnapshot } from './jobSnapshot';
import { VideoJobError } from './videoJobError';

/** What stall detection remembers of a job. */
export interface StallState {
  /** When the queue position last moved (or the job entered the queue), for `stalledSince`. */
  lastMoveAt?: number;
}

/**
 * Puts the client's view on an adapter's snapshot: the registration name as provider (an adapter only
 * knows its default name), and a typed `provider_failed` error on a failed job that names the job.
 */
export function normalizeSnapshot(snapshot: JobSnapshot, ref: JobRef): JobSnapshot {
  let next = snapshot;
  // What the client added to the ref at submit, which an adapter building a ref of its own does not know.
  const lostUploads = ref.uploads !== undefined && snapshot.ref.uploads === undefined;
  const lostInput = ref.input !== undefined && snapshot.ref.input === undefined;
  if (snapshot.ref.provider !== ref.provider || lostUploads || lostInput) {
    const kept = { ...(lostUploads ? { uploads: ref.uploads } : {}), ...(lostInput ? { input: ref.input } : {}) };
    next = createSnapshot(
      { ...snapshot, ref: { ...snapshot.ref, provider: ref.provider, ...kept } },
      snapshot.updatedAt,
    );
  }
  if (next.status === 'failed') {
    const error =
      next.error === undefined
        ? new VideoJobError({
            kind: 'provider_failed',
            message:
              'the provider reported the job failed without giving a reason; submit it again or contact the provider',
          })
        : next.error;
    const named = error.withJob(error.provider ?? ref.provider, error.jobId ?? next.id);
    if (named !== next.error) next = createSnapshot({ ...next, error: named }, next.updatedAt);
  }
  return next;
}

/**
 * Sets or clears `stalledSince` on a queued snapshot: a job whose queue position has not moved for
 * `stallAfterMs` is flagged with the instant it last moved, so a UI can say "stuck since 10:42" instead of
 * spinning silently. `stallAfterMs` 0 turns the flag off.
 */
export function applyStall(
  stall: StallState,
  candidate: JobSnapshot,
  previous: JobSnapshot | undefined,
  at: number,
  stallAfterMs: number,
): JobSnapshot {
  if (candidate.status !== 'queued') {
    stall.lastMoveAt = undefined;
    return candidate.stalledSince === undefined ? candidate : withStall(candidate, undefined);
  }
  const moved = previous?.status !== 'queued' || previous.queuePosition !== candidate.queuePosition;
  if (moved || stall.lastMoveAt === undefined) stall.lastMoveAt = at;
  const stalledSince = stallAfterMs > 0 && at - stall.lastMoveAt >= stallAfterMs ? stall.lastMoveAt : undefined;
  return candidate.stalledSince === stalledSince ? candidate : withStall(candidate, stalledSince);
}

function withStall(snapshot: JobSnapshot, stalledSince: number | undefined): JobSnapshot {
  const { stalledSince: _old, ...rest } = snapshot;
  return createSnapshot(stalledSince === undefined ? rest : { ...rest, stalledSince }, snapshot.updatedAt);
}

/** The final snapshot of a cancelled job: what was known of it, status `cancelled`, and what the provider did. */
export function cancelledSnapshot(
  ref: JobRef,
  previous: JobSnapshot | undefined,
  cancellation: JobCancellation,
  now: number,
): JobSnapshot {
  return createSnapshot(
    {
      ref,
      status: 'cancelled',
      cancellation,
      logs: previous?.logs ?? [],
      progress: previous?.progress,
      createdAt: previous?.createdAt,
      startedAt: previous?.startedAt,
      raw: previous?.raw,
    },
    now,
  );
}
