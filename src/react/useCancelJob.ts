'use client';

import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import type { JobRef, JobSnapshot } from '../core/jobSnapshot';
import type { VideoJobError } from '../core/videoJobError';
import { toVideoJobError } from '../core/videoJobError';
import { cancelJob } from './cancelJob';
import { useVideoJobsContext } from './VideoJobsProvider';

/** A React Query mutation whose variables are the job to cancel. */
export type UseCancelJobResult = UseMutationResult<JobSnapshot, VideoJobError, JobRef>;

/**
 * Cancels any job by its ref: polling of that job stops at once, the provider is asked, and the job's query
 * ends with the outcome (`cancelled`, or `completed` with its video when the job finished first).
 *
 * @example const { mutate: cancel, isPending } = useCancelJob(); cancel(ref);
 */
export function useCancelJob(): UseCancelJobResult {
  const { client } = useVideoJobsContext('useCancelJob');
  const queryClient = useQueryClient();
  return useMutation<JobSnapshot, VideoJobError, JobRef>({
    mutationFn: (ref) =>
      cancelJob(queryClient, client, ref).catch((error: unknown) => {
        throw toVideoJobError(error, { provider: ref.provider, jobId: ref.id });
      }),
    // Cancelling must reach the provider even if the browser believes it is offline.
    networkMode: 'always',
  });
}
