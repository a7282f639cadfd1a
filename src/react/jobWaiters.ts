import { jobKey, type JobRef, type JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { VideoJobError } from '../core/videoJobError';
import type { VideoJobsStore } from './videoJobsStore';

/** The promises `generateAsync` hands out, settled when their job ends or the hook stops following it. */
export interface JobWaiters {
  /** Resolves with the job's terminal snapshot, as soon as the store sees one. */
  wait(ref: JobRef): Promise<JobSnapshot>;
  /** Rejects the waits on `key` (all waits when `key` is `undefined`), except those on `except`. */
  reject(error: (ref: JobRef) => VideoJobError, key?: string, except?: string): void;
}

interface Waiter {
  ref: JobRef;
  key: string;
  fail: (error: VideoJobError) => void;
}

export function createJobWaiters(store: VideoJobsStore): JobWaiters {
  const waiters = new Set<Waiter>();
  return {
    wait(ref) {
      const key = jobKey(ref);
      return new Promise<JobSnapshot>((resolve, reject) => {
        const check = () => {
          const job = store.get(ref)?.job;
          if (job && isTerminalStatus(job.status)) {
            done();
            resolve(job);
          }
        };
        const unsubscribe = store.subscribe(check);
        const waiter: Waiter = {
          ref,
          key,
          fail: (error) => {
            done();
            reject(error);
          },
        };
        const done = () => {
          unsubscribe();
          waiters.delete(waiter);
        };
        waiters.add(waiter);
        check();
      });
    },
    reject(error, key, except) {
      for (const waiter of [...waiters]) {
        if ((key === undefined || waiter.key === key) && waiter.key !== except) waiter.fail(error(waiter.ref));
      }
    },
  };
}
