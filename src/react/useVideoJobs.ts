'use client';

import { useMemo, useSyncExternalStore } from 'react';
import { isTerminalStatus } from '../core/jobStatus';
import type { TrackedJob, UseVideoJobsOptions, UseVideoJobsResult } from './types';
import { useVideoJobsContext } from './VideoJobsProvider';
import type { TrackedJobList } from './videoJobsStore';

const NONE: TrackedJobList = { jobs: [], at: 0 };
const DEFAULT_RECENT_MS = 60 * 60 * 1000;

const newestFirst = (a: TrackedJob, b: TrackedJob) => b.since - a.since;

/**
 * The jobs this app follows (submitted, resumed or watched through the client), active first, then the
 * ones that ended recently: for galleries, a "your renders" list, or resuming. Re-renders only when the
 * list changes. Empty during a server render.
 */
export function useVideoJobs(options: UseVideoJobsOptions = {}): UseVideoJobsResult {
  const { store } = useVideoJobsContext('useVideoJobs');
  const { recentMs = DEFAULT_RECENT_MS } = options;
  const { jobs: all, at } = useSyncExternalStore(store.subscribe, store.list, () => NONE);
  return useMemo(() => {
    // "Recent" is judged when the list changes; a finished job drops out of it at the next change.
    const cutoff = at - recentMs;
    const active = all.filter((entry) => !entry.job || !isTerminalStatus(entry.job.status)).sort(newestFirst);
    const recent = all
      .filter((entry) => entry.finishedAt !== undefined && entry.finishedAt >= cutoff)
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    return { jobs: [...active, ...recent], active, recent, remove: store.remove };
  }, [all, at, recentMs, store]);
}
