import type { QueryClient } from '@tanstack/react-query';
import type { JobRef, JobSnapshot } from '../core/jobSnapshot';
import type { VideoClient } from '../core/videoClient';
import { videoJobKeys } from './videoJobKeys';

/**
 * Cancel in three steps: stop local work at once (abort the job query's poll in flight, as if it never started; the
 * client then holds every other poll until the provider answered), ask the provider through the client, and let the
 * outcome reach the query the one way every snapshot does (`useSnapshotSync`): `cancelled`, or `completed` with its
 * video when the job won the race. If the provider call fails, one poll restarts the pollers and the error is thrown.
 */
export async function cancelJob(queryClient: QueryClient, client: VideoClient, ref: JobRef): Promise<JobSnapshot> {
  const queryKey = videoJobKeys.job(ref);
  await queryClient.cancelQueries({ queryKey });
  try {
    return await client.cancel(ref);
  } catch (error) {
    void queryClient.refetchQueries({ queryKey, type: 'active' });
    throw error;
  }
}
