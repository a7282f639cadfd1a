import { createSnapshot, type JobSnapshot, type JobSnapshotInit } from '../../core/jobSnapshot';
import { VideoJobError } from '../../core/videoJobError';

export const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

/** A snapshot of the job `fal:req-1`, `status` and times relative to `NOW`, with `overrides` on top. */
export function makeJob(overrides: Partial<JobSnapshotInit> = {}): JobSnapshot {
  return createSnapshot(
    {
      ref: { provider: 'fal', id: 'req-1', model: 'fal-ai/veo3' },
      status: 'queued',
      createdAt: NOW - 42_000,
      updatedAt: NOW,
      ...overrides,
    },
    NOW,
  );
}

export function failedJob(reason = 'The prompt was flagged by the safety checker'): JobSnapshot {
  return makeJob({
    status: 'failed',
    completedAt: NOW,
    error: new VideoJobError({ kind: 'provider_failed', message: reason, provider: 'fal', jobId: 'req-1' }),
  });
}

export function completedJob(video: Partial<NonNullable<JobSnapshot['video']>> = {}): JobSnapshot {
  return makeJob({
    status: 'completed',
    progress: 1,
    startedAt: NOW - 30_000,
    completedAt: NOW - 2_000,
    video: { url: 'https://cdn.example.com/v/req-1.mp4', width: 1280, height: 720, fileName: 'req-1.mp4', ...video },
  });
}
