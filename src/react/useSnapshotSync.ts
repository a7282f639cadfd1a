'use client';

import { QueryClientContext } from '@tanstack/react-query';
import { useContext, useEffect } from 'react';
import type { JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { VideoClient } from '../core/videoClient';
import { videoJobKeys } from './videoJobKeys';

/**
 * Keeps job queries in step with snapshots the client learns outside them: `client.refresh` (a fresh signed URL for
 * an expired video, e.g. from `<VideoPlayer>`), `client.cancel` or `client.wait` called directly. Only queries that
 * already exist are updated, and a terminal snapshot is never replaced by a non-terminal one.
 */
export function useSnapshotSync(client: VideoClient): void {
  const queryClient = useContext(QueryClientContext);
  useEffect(() => {
    if (!queryClient) return;
    return client.subscribe((snapshot) => {
      const key = videoJobKeys.job(snapshot.ref);
      const current = queryClient.getQueryData<JobSnapshot>(key);
      if (!current || current === snapshot) return;
      if (isTerminalStatus(current.status) && !isTerminalStatus(snapshot.status)) return;
      queryClient.setQueryData(key, snapshot);
    });
  }, [client, queryClient]);
}
