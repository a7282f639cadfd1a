import type { JobEntry } from './jobEntry';

/**
 * The client's memory of finished jobs, bounded: an app that runs jobs all day must not keep a snapshot and a
 * schedule history of every one. Terminal entries are kept in least-recently-used order; beyond `max`, the least
 * recently used ones nobody is working on are dropped (`evict`). Asking about a dropped job again fetches it from
 * the provider. Jobs that have not ended never enter here, so they are never dropped.
 */
export interface FinishedJobs {
  /** Marks a finished job as just used (looked up, fetched, refreshed). No effect on other jobs. */
  touch(entry: JobEntry): void;
  /** Records a job that just ended, then drops the least recently used idle ones beyond the cap. */
  add(entry: JobEntry): void;
  /** Stops tracking a job (it was forgotten). */
  delete(key: string): void;
  readonly size: number;
}

export function createFinishedJobs(max: number, evict: (entry: JobEntry) => void): FinishedJobs {
  // A Map iterates in insertion order: deleting and re-inserting a key makes it the most recent.
  const lru = new Map<string, JobEntry>();

  function trim(): void {
    if (lru.size <= max) return;
    let excess = lru.size - max;
    for (const [key, entry] of lru) {
      if (excess === 0) break;
      if (!isIdle(entry)) continue; // a refresh or a late watcher still uses it: dropped on a later pass
      lru.delete(key);
      evict(entry);
      excess--;
    }
  }

  return {
    touch(entry) {
      if (lru.get(entry.key) !== entry) return;
      lru.delete(entry.key);
      lru.set(entry.key, entry);
    },
    add(entry) {
      lru.delete(entry.key);
      lru.set(entry.key, entry);
      trim();
    },
    delete(key) {
      lru.delete(key);
    },
    get size() {
      return lru.size;
    },
  };
}

/**
 * Nothing in flight for the job: no request, refresh or watch loop. (`cancelling` stays set once a cancel has
 * settled, and a finished job has no cancel left to run: it does not count.)
 */
function isIdle(entry: JobEntry): boolean {
  return entry.work.size === 0 && !entry.inflight && !entry.refreshing;
}
