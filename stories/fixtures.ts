// Job snapshots for the component stories, timed relative to the moment a story renders so elapsed and remaining
// times read naturally ("Elapsed 42 s").
import { createSnapshot, type JobSnapshot, type JobSnapshotInit } from '../src/core/jobSnapshot';
import { VideoJobError } from '../src/core/videoJobError';
import { SAMPLE_MP4_HEIGHT, SAMPLE_MP4_WIDTH, sampleVideoBlobUrl } from '../src/testing/sampleVideo';

const ref = { provider: 'fal', id: '6f1c2a9e-4b7d-4c1e-9a53-2d8f0e7b1c44', model: 'fal-ai/veo3' };

export function job(overrides: Partial<JobSnapshotInit> & { agoMs?: number } = {}): JobSnapshot {
  const now = Date.now();
  const { agoMs = 42_000, ...rest } = overrides;
  return createSnapshot({ ref, status: 'queued', createdAt: now - agoMs, updatedAt: now, ...rest }, now);
}

export const queued = (queuePosition = 2) => job({ queuePosition, logs: ['Request received', 'Waiting for a GPU'] });

export const running = (progress?: number) =>
  job({
    status: 'running',
    progress,
    agoMs: 64_000,
    startedAt: Date.now() - 26_000,
    logs: [
      'Request received',
      'Loading model weights (veo3, 8.2 GB)',
      'Encoding prompt',
      'Denoising: step 12 of 50',
      'Denoising: step 21 of 50',
      'Denoising: step 29 of 50',
    ],
  });

export function failed(
  reason = 'The prompt was flagged by the safety checker. Rephrase it and try again.',
): JobSnapshot {
  return job({
    status: 'failed',
    agoMs: 38_000,
    completedAt: Date.now() - 1_000,
    error: new VideoJobError({ kind: 'provider_failed', message: reason, provider: ref.provider, jobId: ref.id }),
  });
}

let sampleUrl: string | undefined;
/** A `blob:` URL of the sample MP4 (made once per page, so every story shares it). */
export function sampleVideoUrl(): string {
  sampleUrl ??= sampleVideoBlobUrl();
  return sampleUrl;
}

export function completed(video: Partial<NonNullable<JobSnapshot['video']>> = {}): JobSnapshot {
  return job({
    status: 'completed',
    progress: 1,
    agoMs: 71_000,
    startedAt: Date.now() - 58_000,
    completedAt: Date.now() - 3_000,
    video: {
      url: sampleVideoUrl(),
      width: SAMPLE_MP4_WIDTH,
      height: SAMPLE_MP4_HEIGHT,
      durationSeconds: 2,
      fileName: 'red-fox-in-snow.mp4',
      contentType: 'video/mp4',
      ...video,
    },
  });
}

export const LONG_REASON =
  'Generation failed after 3 attempts: the upstream model server returned "CUDA error: an illegal memory access ' +
  'was encountered (device 3, stream 0x7f3a9c0012e0)" while decoding frame 118 of 192. The request id ' +
  'req_01HZX3F9Q2M7TB4WJ8K5N6P0VA_retry_3_of_3_region_us-east-1_node_gpu-a100-80g-17 has been logged; contact support ' +
  'with this id if the problem persists, or lower the resolution and duration and submit the job again.';
