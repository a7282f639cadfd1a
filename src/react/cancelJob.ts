import type { QueryClient } from '@tanstack/react-query';
import type { JobRef, JobSnapshot } from '../core/jobSnapshot';
import type { VideoClient } from '../core/videoClient';
import { setCancelling } from './jobQueryOptions';
import { videoJobKeys } from './videoJobKeys';
import type { VideoJobsStore } from './videoJobsStore';

/**
 * Cancel in three steps: stop local work at once (abort the poll in flight, pause every poller of the job),
 * ask the provider through the client, then record the outcome it reports: `cancelled`, or `completed` with
 * its video when the job won the race. If the provider call fails, polling resumes and the error is thrown.
 */
export async function cancelJob(
  queryClient: QueryClient,
  client: VideoClient,
  store: VideoJobsStore,
  ref: JobRef,
): Promise<JobSnapshot> {
  const queryKey = videoJobKeys.job(ref);
  setCancelling(client, ref, true);
  let settled = false;
  try {
    await queryClient.cancelQueries({ queryKey });
    const final = await client.cancel(ref);
    settled = true;
    setCancelling(client, ref, false);
    queryClient.setQueryData<JobSnapshot>(queryKey, final);
    store.track(ref, final);
    return final;
  } finally {
    if (!settled) {
      setCancelling(client, ref, false);
      // The pollers stopped for the cancel; one poll now tells where the job stands and restarts them.
      void queryClient.refetchQueries({ queryKey, type: 'active' });
    }
  }
}
