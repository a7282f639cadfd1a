'use client';

import { useCallback, useRef, useState, useSyncExternalStore } from 'react';
import { subscribeTick } from '../core/clock';

/**
 * The current time (epoch ms), re-read every `intervalMs` while `active`, so elapsed and remaining times
 * count on between polls. Idle components do not tick, so callers should never trust it to be fresher than
 * the snapshot they show (`Math.max(now, job.updatedAt)`). Every component and observer ticking at one interval
 * shares the library's one timer (`subscribeTick`), so a list of cards counts on in step.
 */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [mountedAt] = useState(() => Date.now());
  const now = useRef(mountedAt);
  const subscribe = useCallback(
    (changed: () => void) => {
      if (!active) return () => undefined;
      now.current = Date.now();
      return subscribeTick(intervalMs, (at) => {
        now.current = at;
        changed();
      });
    },
    [active, intervalMs],
  );
  return useSyncExternalStore(
    subscribe,
    () => now.current,
    () => now.current,
  );
}
