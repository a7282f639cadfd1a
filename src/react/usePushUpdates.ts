'use client';

import { QueryClientContext } from '@tanstack/react-query';
import { useContext, useEffect } from 'react';
import type { JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { VideoClient } from '../core/videoClient';
import { videoJobKeys } from './videoJobKeys';

/**
 * Connects a client created with `events` to the React Query cache's schedule (a snapshot that arrives over the job's
 * stream becomes the job query's data through `useSnapshotSync`, no poll): when a job's stream comes or goes its poll is planned again:
 * stretched to the safety interval while pushed, caught up at once and back on the schedule when the stream drops.
 * Does nothing for a client without `events`, or outside a `QueryClientProvider`.
 */
export function usePushUpdates(client: VideoClient): void {
  const queryClient = useContext(QueryClientContext);
  useEffect(() => {
    const push = client.push;
    if (!push || !queryClient) return;
    // Pushed snapshots reach the queries like every other snapshot of the client (`useSnapshotSync`).
    return push.subscribeHealth((ref, healthy) => {
      const key = videoJobKeys.job(ref);
      const data = queryClient.getQueryData<JobSnapshot>(key);
      if (!data || isTerminalStatus(data.status)) return;
      if (!healthy) {
        void queryClient.refetchQueries({ queryKey: key, type: 'active' });
        return;
      }
      // Every observer works its next poll out again, now with the stream's health.
      const query = queryClient.getQueryCache().find({ queryKey: key, exact: true });
      for (const observer of query?.observers ?? []) observer.setOptions(observer.options);
    });
  }, [client, queryClient]);
}
