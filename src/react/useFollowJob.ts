'use client';

import { focusManager, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { jobKey, type JobRef, type JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { VideoClient } from '../core/videoClient';
import { VideoJobError } from '../core/videoJobError';
import { jobQueryOptions } from './jobQueryOptions';
import type { FollowJobOptions } from './types';
import { elapsedOf } from './videoJobState';
import type { VideoJobsStore } from './videoJobsStore';

/** Layout effects run before paint in the browser; on the server neither kind runs, and React stays quiet. */
export const useIsomorphicLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

export const DEFAULT_TIMEOUT_MS = 600_000;
export const DEFAULT_TICK_MS = 1000;

/** A key for the query of "no job": never enabled, so it never fetches. */
const NO_JOB: JobRef = { provider: '', id: '', model: '' };

const subscribeFocus = (onChange: () => void) => focusManager.subscribe(onChange);
const isFocused = () => focusManager.isFocused();
const focusedOnServer = () => true;

export interface FollowJob {
  job: JobSnapshot | undefined;
  /** The last poll failed (polling goes on unless the error is final). */
  pollError: VideoJobError | undefined;
  /** Following gave up after `timeoutMs`. */
  timeoutError: VideoJobError | undefined;
  /** Still polling. */
  following: boolean;
  elapsedMs: number;
  refetch: () => Promise<JobSnapshot | undefined>;
  /** Starts the timeout over (a resume of the same job). */
  restart: () => void;
  /** Marks `elapsedMs` as read, so it ticks. */
  trackElapsed: () => void;
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

/**
 * The part both hooks share: one React Query observer on the job's query, the timeout, the elapsed-time
 * tick, the store and `onUpdate`. Everything about when to poll is the core's.
 */
export function useFollowJob(
  client: VideoClient,
  store: VideoJobsStore,
  ref: JobRef | undefined,
  options: FollowJobOptions & { enabled?: boolean; startedAt?: number },
): FollowJob {
  const { polling, timeoutMs = DEFAULT_TIMEOUT_MS, tickMs = DEFAULT_TICK_MS, enabled = true, startedAt } = options;
  const key = ref ? jobKey(ref) : undefined;
  const [timedOut, setTimedOut] = useState<{ key: string; error: VideoJobError }>();
  const timeoutError = timedOut && timedOut.key === key ? timedOut.error : undefined;
  const following = ref !== undefined && enabled && !timeoutError;

  // Re-render when the page is shown or hidden, so the interval is worked out again at the new pace.
  useSyncExternalStore(subscribeFocus, isFocused, focusedOnServer);

  const query = useQuery({ ...jobQueryOptions(client, ref ?? NO_JOB, { polling }), enabled: following });
  // Only `data` and `error` are read: React Query then re-renders this component for nothing else.
  const job = ref ? query.data : undefined;
  const pollError = ref ? (query.error ?? undefined) : undefined;
  const ended = job !== undefined && isTerminalStatus(job.status);
  const active = following && !ended;
  const { refetch: refetchQuery } = query;

  useEffect(() => {
    if (!active || !ref) return;
    const timer = setTimeout(() => {
      const minutes = Math.round(timeoutMs / 6000) / 10;
      setTimedOut({
        key: jobKey(ref),
        error: new VideoJobError({
          kind: 'timeout',
          provider: ref.provider,
          jobId: ref.id,
          message: `stopped following after ${minutes} min without an end; the job may still finish, resume(ref) follows it again`,
        }),
      });
    }, timeoutMs);
    return () => clearTimeout(timer);
  }, [active, ref, timeoutMs]);

  const onUpdate = useRef(options.onUpdate);
  useIsomorphicLayoutEffect(() => {
    onUpdate.current = options.onUpdate;
  });
  useEffect(() => {
    if (!ref) return;
    store.track(ref, job);
    if (job && onUpdate.current && store.claimSnapshot(job)) onUpdate.current(job);
  }, [store, ref, job]);

  // The tick re-renders only components that read `elapsedMs` (like React Query's tracked results): a
  // gallery of progress bars must not re-render every second for a number it never shows.
  const [now, setNow] = useState(0);
  const elapsedRead = useRef(false);
  const tick = useRef<{ timer: ReturnType<typeof setInterval>; every: number } | undefined>(undefined);
  useEffect(() => {
    const every = active && tickMs !== false && elapsedRead.current ? tickMs : undefined;
    if (tick.current && tick.current.every !== every) {
      clearInterval(tick.current.timer);
      tick.current = undefined;
    }
    if (every !== undefined && !tick.current) {
      tick.current = { timer: setInterval(() => setNow(Date.now()), every), every };
    }
  });
  useEffect(
    () => () => {
      if (tick.current) clearInterval(tick.current.timer);
      tick.current = undefined;
    },
    [],
  );
  const trackElapsed = useCallback(() => {
    elapsedRead.current = true;
  }, []);

  const refetch = useCallback(
    () => (ref ? refetchQuery().then((result) => result.data) : Promise.resolve(undefined)),
    [ref, refetchQuery],
  );
  const restart = useCallback(() => setTimedOut(undefined), []);
  const elapsedMs = elapsedOf(job, startedAt ?? ref?.createdAt, now);

  return useMemo(
    () => ({ job, pollError, timeoutError, following, elapsedMs, refetch, restart, trackElapsed }),
    [job, pollError, timeoutError, following, elapsedMs, refetch, restart, trackElapsed],
  );
}
