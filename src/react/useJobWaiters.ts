'use client';

import { useEffect, useRef, useState } from 'react';
import { VideoJobError } from '../core/videoJobError';
import { createJobWaiters, type JobWaiters } from './jobWaiters';
import type { VideoJobsStore } from './videoJobsStore';

/**
 * The hook's pending `generateAsync` promises; they reject when the hook unmounts (the job goes on). The
 * check comes a tick later: StrictMode's rehearsal unmount is followed at once by a remount, which must not
 * reject them.
 */
export function useJobWaiters(store: VideoJobsStore): JobWaiters {
  const [waiters] = useState(() => createJobWaiters(store));
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      void Promise.resolve().then(() => {
        if (mounted.current) return;
        waiters.reject(
          (ref) =>
            new VideoJobError({
              kind: 'cancelled',
              provider: ref.provider,
              jobId: ref.id,
              message: 'the component unmounted before the job ended; the job goes on, follow it again with its ref',
            }),
        );
      });
    };
  }, [waiters]);
  return waiters;
}
