'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { jobKey, type JobRef, type JobSnapshot } from '../core/jobSnapshot';
import { toVideoJobError, type VideoJobError } from '../core/videoJobError';
import { cancelJob } from './cancelJob';
import type { UseJobStatusOptions, UseJobStatusResult } from './types';
import { useFollowJob, useHeldRef } from './useFollowJob';
import { useVideoJobsContext } from './VideoJobsProvider';
import { toVideoJobState, withTrackedElapsed } from './videoJobState';

/**
 * Follows any job by its ref: one submitted by this page, by the server, by another tab or before a
 * reload. Every component following the same job shares one query, so one request per poll; a poll that
 * finds nothing new re-renders nobody. `null`/`undefined` follows nothing (status `idle`).
 *
 * @example const { status, progress, videoUrl, cancel } = useJobStatus(savedRef);
 */
export function useJobStatus(ref: JobRef | null | undefined, options: UseJobStatusOptions = {}): UseJobStatusResult {
  const { client, store } = useVideoJobsContext('useJobStatus');
  const queryClient = useQueryClient();
  const held = useHeldRef(ref);
  const follow = useFollowJob(client, store, held, options);
  const [cancelState, setCancelState] = useState<{ key: string; pending: boolean; error?: VideoJobError }>();
  const key = held ? jobKey(held) : undefined;
  const current = cancelState && cancelState.key === key ? cancelState : undefined;
  const cancelling = current?.pending === true;
  const cancelError = current?.error;

  const cancel = useCallback(async (): Promise<JobSnapshot | undefined> => {
    if (!held) return undefined;
    const key = jobKey(held);
    setCancelState({ key, pending: true });
    try {
      const final = await cancelJob(queryClient, client, store, held);
      setCancelState(undefined);
      return final;
    } catch (error) {
      setCancelState({
        key,
        pending: false,
        error: toVideoJobError(error, { provider: held.provider, jobId: held.id }),
      });
      return undefined;
    }
  }, [held, queryClient, client, store]);

  const { job, pollError, timeoutError, following, elapsedMs, refetch, trackElapsed } = follow;
  return useMemo(
    () =>
      withTrackedElapsed(
        {
          ...toVideoJobState({
            ref: held,
            job,
            submitting: false,
            following,
            cancelling,
            errors: [cancelError, timeoutError, job?.error, pollError],
            elapsedMs,
          }),
          cancel,
          refetch,
        },
        trackElapsed,
      ),
    [held, job, following, cancelling, cancelError, timeoutError, pollError, elapsedMs, cancel, refetch, trackElapsed],
  );
}
