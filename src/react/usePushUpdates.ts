'use client';

import { QueryClientContext } from '@tanstack/react-query';
import { useContext, useEffect } from 'react';
import type { JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { VideoClient } from '../core/videoClient';
import { videoJobKeys } from './videoJobKeys';

/**
 * Connects a client created with `events` to the React Query cache: a snapshot that arrives over the job's stream
 * becomes the job query's data at once (no poll), and when a job's stream comes or goes its poll is planned again:
 * stretched to the safety interval while pushed, caught up at once and back on the schedule when the stream drops.
 * Does nothing for a client without `events`, or outside a `QueryClientProvider`.
 */
export function usePushUpdates(client: VideoClient): void {
  const queryClient = useContext(QueryClientContext);
  useEffect(() => {
    const push = client.push;
    if (!push || !queryClient) return;
    const offSnapshots = push.subscribeSnapshots((snapshot) => {
      const key = videoJobKeys.job(snapshot.ref);
      if (queryClient.getQueryData(key) !== snapshot) queryClient.setQueryData(key, snapshot);
    });
    const offHealth = push.subscribeHealth((ref, healthy) => {
      const key = videoJobKeys.job(ref);
      const data = queryClient.getQueryData<JobSnapshot>(key);
      if (!data || isTerminalStatus(data.status)) return;
      // A new data timestamp makes every observer work its next poll out again, now with the stream's health.
      if (healthy) queryClient.setQueryData(key, data, { updatedAt: Date.now() });
      else void queryClient.refetchQueries({ queryKey: key, type: 'active' });
    });
    return () => {
      offSnapshots();
      offHealth();
    };
  }, [client, queryClient]);
}
