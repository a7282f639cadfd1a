import type { DurationModel } from './durationModel';
import { createFinishedJobs, type FinishedJobs } from './finishedJobs';
import { Job } from './job';
import { jobKey, type JobRef, type JobSnapshot } from './jobSnapshot';
import type { PollHistory, ResolvedPollingOptions } from './schedule';

export interface JobCacheOptions {
  /** Finished jobs kept beyond the ones in use (least recently used leave first). */
  maxFinishedJobs: number;
  polling: ResolvedPollingOptions;
  durations: DurationModel;
  /** A job entered the cache (it is now followed). */
  onAdded?(job: Job): void;
  /** A job reached a terminal status. */
  onEnded?(job: Job): void;
}

/**
 * The jobs a client knows, one `Job` per provider and id, with the bounded memory of finished ones and the
 * listeners told about every new snapshot.
 */
export class JobCache {
  readonly #jobs = new Map<string, Job>();
  readonly #listeners = new Set<(snapshot: JobSnapshot) => void>();
  readonly #finished: FinishedJobs;
  readonly #options: JobCacheOptions;

  constructor(options: JobCacheOptions) {
    this.#options = options;
    this.#finished = createFinishedJobs(options.maxFinishedJobs, (job) => {
      if (this.#jobs.get(job.key) === job) this.#jobs.delete(job.key);
    });
  }

  /** The job, if the cache holds it; `touch` marks a finished one as just used. */
  find(ref: Pick<JobRef, 'provider' | 'id'>, { touch = false } = {}): Job | undefined {
    const job = this.#jobs.get(jobKey(ref));
    if (job && touch) this.#finished.touch(job);
    return job;
  }

  /** The job, or a new one starting from `history()` (a job resumed from its ref). */
  getOrCreate(ref: JobRef, history: () => PollHistory): Job {
    return this.find(ref, { touch: true }) ?? this.add(ref, history());
  }

  /** A new record for the job, replacing any held one (a job just submitted). */
  add(ref: JobRef, history: PollHistory): Job {
    const job = new Job(jobKey(ref), ref, history, {
      polling: this.#options.polling,
      durations: this.#options.durations,
      onChange: (changed, snapshot) => this.#notify(changed, snapshot),
    });
    this.#jobs.set(job.key, job);
    this.#options.onAdded?.(job);
    return job;
  }

  remove(ref: Pick<JobRef, 'provider' | 'id'>): void {
    this.#jobs.delete(jobKey(ref));
    this.#finished.delete(jobKey(ref));
  }

  /** Called with every new snapshot of any job. Returns the unsubscribe function. */
  subscribe(listener: (snapshot: JobSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(job: Job, snapshot: JobSnapshot): void {
    if (job.ended) this.#options.onEnded?.(job);
    for (const listener of [...this.#listeners]) {
      try {
        listener(snapshot);
      } catch (error) {
        // A broken listener must not stop polling for everyone else; report it without throwing here.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    if (job.ended) this.#finished.add(job);
  }
}
