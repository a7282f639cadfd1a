/** Where a job stands. `completed`, `failed` and `cancelled` are terminal: a job never leaves them. */
export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

export type TerminalJobStatus = 'completed' | 'failed' | 'cancelled';

export function isTerminalStatus(status: JobStatus): status is TerminalJobStatus {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}
