'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobSnapshot } from '../core/jobSnapshot';
import { toVideoJobError, VideoJobError } from '../core/videoJobError';

export type VideoSourcePhase = 'loading' | 'ready' | 'refreshing' | 'error';

interface Source {
  url: string;
  expiresAt: number | undefined;
  /** Bumped for every new attempt, to give the `<video>` a fresh element (and a fresh load). */
  attempt: number;
}

export interface VideoSourceState {
  url: string;
  attempt: number;
  phase: VideoSourcePhase;
  error: VideoJobError | undefined;
  /** The media loaded far enough to play. */
  onReady(): void;
  /** The media failed: refresh the signed URL once, then give up with an error. */
  onMediaError(error: VideoJobError): void;
  /** Start over: one more fresh URL (when it has expired) or one more load, with one more refresh in reserve. */
  retry(): void;
}

/**
 * The URL a `<video>` should load, and what to do when it fails. Signed result URLs expire: when the
 * job's `expiresAt` has passed, or the media fails to load, `refresh` is asked for a fresh job record
 * once, and its URL tried, before the error sticks. The caller keys this hook's owner by the original URL.
 */
export function useVideoSource(
  initialUrl: string,
  initialExpiresAt: number | undefined,
  refresh: (() => Promise<JobSnapshot | undefined>) | undefined,
  context: { provider?: string; jobId?: string },
): VideoSourceState {
  const expiredAtStart = isExpired(initialExpiresAt) && refresh !== undefined;
  const [source, setSource] = useState<Source>({ url: initialUrl, expiresAt: initialExpiresAt, attempt: 0 });
  const [phase, setPhase] = useState<VideoSourcePhase>(expiredAtStart ? 'refreshing' : 'loading');
  const [error, setError] = useState<VideoJobError>();
  const refreshUsed = useRef(false);
  // Results of a superseded refresh (or one that lands after unmount) are dropped.
  const live = useRef({ token: 0 });

  const fail = useCallback((failure: VideoJobError) => {
    setError(failure);
    setPhase('error');
  }, []);

  const runRefresh = useCallback(
    (reason: VideoJobError) => {
      if (!refresh || refreshUsed.current) {
        fail(reason);
        return;
      }
      refreshUsed.current = true;
      const mine = ++live.current.token;
      setPhase('refreshing');
      refresh().then(
        (fresh) => {
          if (mine !== live.current.token) return;
          const url = fresh?.video?.url;
          if (!url) {
            fail(
              new VideoJobError({
                kind: 'not_found',
                message: 'the provider returned no video URL for the finished job; generate the video again',
                ...context,
              }),
            );
            return;
          }
          setSource((previous) => ({ url, expiresAt: fresh.video?.expiresAt, attempt: previous.attempt + 1 }));
          setError(undefined);
          setPhase('loading');
        },
        (cause: unknown) => {
          if (mine === live.current.token) fail(toVideoJobError(cause, context));
        },
      );
    },
    // `context` is a fresh object each render; its values are what matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [refresh, fail, context.provider, context.jobId],
  );

  useEffect(() => {
    const state = live.current;
    // Started a tick later, so React's strict-mode mount/unmount/mount asks the provider once, not twice.
    const timer = expiredAtStart ? setTimeout(() => runRefresh(expiredError(context)), 0) : undefined;
    return () => {
      clearTimeout(timer);
      // Abandon a refresh in flight; a remount may start it again.
      state.token++;
      refreshUsed.current = false;
    };
    // Only the URL this component was mounted (keyed) with decides whether to refresh at once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const onReady = useCallback(() => setPhase((current) => (current === 'loading' ? 'ready' : current)), []);

  const onMediaError = useCallback(
    (mediaError: VideoJobError) => {
      if (phase === 'refreshing' || phase === 'error') return;
      runRefresh(mediaError);
    },
    [phase, runRefresh],
  );

  const retry = useCallback(() => {
    refreshUsed.current = false;
    setError(undefined);
    if (refresh && isExpired(source.expiresAt)) {
      runRefresh(expiredError(context));
      return;
    }
    setSource((previous) => ({ ...previous, attempt: previous.attempt + 1 }));
    setPhase('loading');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refresh, runRefresh, source.expiresAt, context.provider, context.jobId]);

  return { url: source.url, attempt: source.attempt, phase, error, onReady, onMediaError, retry };
}

function isExpired(expiresAt: number | undefined): boolean {
  return expiresAt !== undefined && expiresAt <= Date.now();
}

function expiredError(context: { provider?: string; jobId?: string }): VideoJobError {
  return new VideoJobError({
    kind: 'not_found',
    message: 'the signed video URL has expired; fetch the job again for a fresh one',
    ...context,
  });
}
