import type { Job } from './job';

/**
 * The client's memory of finished jobs, bounded: an app that runs jobs all day must not keep a snapshot and a
 * schedule history of every one. Terminal entries are kept in least-recently-used order; beyond `max`, the least
 * recently used ones nobody is working on are dropped (`evict`). Asking about a dropped job again fetches it from
 * the provider. Jobs that have not ended never enter here: `JobCache` bounds them by time (`unusedJobTtlMs`).
 */
export interface FinishedJobs {
  /** Marks a finished job as just used (looked up, fetched, refreshed). No effect on other jobs. */
  touch(job: Job): void;
  /** Records a job that just ended, then drops the least recently used idle ones beyond the cap. */
  add(job: Job): void;
  /** Stops tracking a job (it was forgotten). */
  delete(key: string): void;
  readonly size: number;
}

export function createFinishedJobs(max: number, evict: (job: Job) => void): FinishedJobs {
  // A Map iterates in insertion order: deleting and re-inserting a key makes it the most recent.
  const lru = new Map<string, Job>();

  function trim(): void {
    if (lru.size <= max) return;
    let excess = lru.size - max;
    for (const [key, job] of lru) {
      if (excess === 0) break;
      if (!job.idle) continue; // a refresh or a late watcher still uses it: dropped on a later pass
      lru.delete(key);
      evict(job);
      excess--;
    }
  }

  return {
    touch(job) {
      if (lru.get(job.key) !== job) return;
      lru.delete(job.key);
      lru.set(job.key, job);
    },
    add(job) {
      lru.delete(job.key);
      lru.set(job.key, job);
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
