'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, useSyncExternalStore } from 'react';
import { JobObserver } from '../core/jobObserver';
import { jobKey, type JobRef } from '../core/jobSnapshot';
import { queryJobSource } from './queryJobSource';
import type { UseJobStatusOptions, UseJobStatusResult } from './types';
import { useVideoJobsContext } from './VideoJobsProvider';

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
  const [observer] = useState(() => new JobObserver(client, { source: queryJobSource(queryClient, client) }));
  const { onUpdate } = options;
  // Set while rendering, without notifying: the result below is already the one for these options.
  observer.setOptions(
    {
      ...options,
      ref: held,
      source: undefined,
      // Once per snapshot app-wide, however many components follow the job.
      onUpdate: onUpdate && ((job) => store.claimSnapshot(job) && onUpdate(job)),
    },
    false,
  );
  const subscribe = useCallback((onChange: () => void) => observer.subscribe(onChange), [observer]);
  return useSyncExternalStore(subscribe, observer.getSnapshot, observer.getSnapshot);
}

/** Keeps the same ref object while the job stays the same, whatever literal the caller passes each render. */
export function useHeldRef(ref: JobRef | null | undefined): JobRef | undefined {
  const [held, setHeld] = useState<JobRef | undefined>(ref ?? undefined);
  const next = ref ?? undefined;
  if ((held && jobKey(held)) !== (next && jobKey(next))) {
    setHeld(next);
    return next;
  }
  return held;
}
