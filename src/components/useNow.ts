'use client';

import { useEffect, useState } from 'react';

/**
 * The current time (epoch ms), re-read every `intervalMs` while `active`, so elapsed and remaining times
 * count on between polls. Idle components do not tick, so callers should never trust it to be fresher than
 * the snapshot they show (`Math.max(now, job.updatedAt)`).
 */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
