'use client';

import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import type { JobRef, JobSnapshot } from '../core/jobSnapshot';
import {
  isExpired,
  readPersistedJob,
  resolvePersist,
  snapshotFromRecord,
  toPersistedJob,
  type ResolvedPersist,
} from './persistedJob';
import type { JobStorage, PersistedJob, UseVideoGenerationOptions } from './types';

/** Layout effects run before paint in the browser; on the server neither kind runs, and React stays quiet. */
const useIsomorphicLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

export interface PersistedJobBinding {
  /** Forgets the stored record (after `reset()`). */
  clear: () => void;
}

/**
 * Keeps a hook's job in storage and hands it back on mount. Storage is touched only in effects, so a
 * server render never sees it; it is read before the first paint, so a resumed job does not flash `idle`.
 */
export function usePersistedJob(
  persist: UseVideoGenerationOptions['persist'],
  provider: string,
  model: string,
  defaultStorage: () => JobStorage | undefined,
  current: { ref: JobRef | undefined; job: JobSnapshot | undefined },
  restore: (ref: JobRef, finished: JobSnapshot | undefined, record: PersistedJob) => void,
): PersistedJobBinding {
  const settings = useRef<ResolvedPersist | undefined>(undefined);
  const onRestore = useRef(restore);
  const key = persist ? resolvePersist(persist, provider, model, () => undefined)?.key : undefined;
  useIsomorphicLayoutEffect(() => {
    onRestore.current = restore;
    settings.current = resolvePersist(persist, provider, model, defaultStorage);
  });

  useIsomorphicLayoutEffect(() => {
    const config = settings.current;
    if (!key || !config?.storage) return;
    const { storage, keepFinishedMs } = config;
    let live = true;
    const apply = (value: unknown) => {
      if (!live || value === null || value === undefined) return;
      const now = Date.now();
      const record = readPersistedJob(value);
      if (!record || isExpired(record, keepFinishedMs, now)) {
        attempt(() => storage.removeItem(key));
        return;
      }
      onRestore.current(record.ref, snapshotFromRecord(record, now), record);
    };
    const value = attempt(() => storage.getItem(key));
    if (value instanceof Promise) void value.then(apply, () => undefined);
    else apply(value);
    return () => {
      live = false;
    };
  }, [key]);

  const { ref, job } = current;
  const status = job?.status;
  const video = job?.video;
  useEffect(() => {
    const config = settings.current;
    if (!key || !ref || !config?.storage) return;
    const { storage } = config;
    attempt(() => storage.setItem(key, toPersistedJob(ref, job, Date.now())));
    // Written when the status or the video changes, not on every progress tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, ref, status, video]);

  const clear = useCallback(() => {
    const storage = settings.current?.storage;
    if (key && storage) attempt(() => storage.removeItem(key));
  }, [key]);
  return { clear };
}

/**
 * A hand-written `JobStorage` may throw where `createJSONStorage`'s never does; a storage failure must cost
 * the job its persistence, never the page.
 */
function attempt<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}
