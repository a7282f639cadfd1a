import { formatDuration } from './formatDuration';
import type { JobRef, JobSnapshot } from './jobSnapshot';
import { VideoJobError } from './videoJobError';

/**
 * The error that ends following a job after `timeoutMs` without an end: `watch`/`wait`, and the client's schedule
 * (`nextPollDelay` / `getStatus`) that the React hooks follow. `cancelled` is the final snapshot when
 * `cancelOnTimeout` cancelled the job.
 */
export function timeoutError(ref: JobRef, timeoutMs: number, cancelled?: JobSnapshot): VideoJobError {
  const after = formatTimeout(timeoutMs);
  const message = cancelled
    ? `timed out after ${after} of watching; the job was cancelled (cancelOnTimeout, provider answer: ${cancelled.cancellation?.remote ?? 'unknown'})`
    : `timed out after ${after} of watching; job ${ref.id} may still finish: resume it with its id (watch the same ref { provider: '${ref.provider}', id: '${ref.id}' } again, or pass it to useJobStatus)`;
  return new VideoJobError({ kind: 'timeout', message, provider: ref.provider, jobId: ref.id });
}

/** The one duration wording (`formatDuration`), with milliseconds below a second, where a test's timeout may sit. */
function formatTimeout(ms: number): string {
  return ms >= 1000 ? formatDuration(ms) : `${ms} ms`;
}
