import type { DurationModel } from './durationModel';
import { createFinishedJobs, type FinishedJobs } from './finishedJobs';
import { Job } from './job';
import { jobKey, type JobRef, type JobSnapshot } from './jobSnapshot';
import type { PollHistory, ResolvedPollingOptions } from './schedule';

export interface JobCacheOptions {
  /** Finished jobs kept beyond the ones in use (least recently used leave first). */
  maxFinishedJobs: number;
  /**
   * How long an unfinished job nothing follows stays held after its last use (`VideoClientOptions.unusedJobTtlMs`).
   */
  unusedJobTtlMs: number;
  now(): number;
  polling: ResolvedPollingOptions;
  durations: DurationModel;
  /** A job entered the cache (it is now followed). */
  onAdded?(job: Job): void;
  /** An unfinished job was dropped for lack of use (no longer followed). */
  onDropped?(job: Job): void;
  /** A job reached a terminal status. */
  onEnded?(job: Job): void;
}

/**
 * The jobs a client knows, one `Job` per provider and id, with the bounded memory of finished ones and the
 * listeners told about every new snapshot.
 *
 * Unfinished jobs are bounded by time instead: one that nothing retains (`retain`: the observers), watches, waits
 * on or has a request in flight for, and that the app has not asked about for `unusedJobTtlMs`, is dropped, so a
 * component unmounted while its job runs leaves nothing behind. No timer does it: a lookup of the job finds it
 * gone, and every new job sweeps the others. Asking again fetches it from the provider, as for a finished job.
 */
export class JobCache {
  readonly #jobs = new Map<string, Job>();
  readonly #listeners = new Set<(snapshot: JobSnapshot) => void>();
  /** How many followers hold each job, by key; kept apart from the jobs, so a job can be retained before it is held. */
  readonly #retained = new Map<string, number>();
  readonly #finished: FinishedJobs;
  readonly #options: JobCacheOptions;

  constructor(options: JobCacheOptions) {
    this.#options = options;
    this.#finished = createFinishedJobs(options.maxFinishedJobs, (job) => {
      if (this.#jobs.get(job.key) === job) this.#jobs.delete(job.key);
    });
  }

  /**
   * The job, if the cache holds it; `touch` marks it as just used by the app. An unfinished job unused for longer than
   * the bound is dropped here instead.
   */
  find(ref: Pick<JobRef, 'provider' | 'id'>, { touch = false } = {}): Job | undefined {
    const job = this.#jobs.get(jobKey(ref));
    if (!job) return undefined;
    if (this.#unused(job, this.#options.now())) {
      this.#drop(job);
      return undefined;
    }
    if (touch) {
      job.lastUsedAt = this.#options.now();
      this.#finished.touch(job);
    }
    return job;
  }

  /** The job, or a new one starting from `history()` (a job resumed from its ref). */
  getOrCreate(ref: JobRef, history: () => PollHistory): Job {
    return this.find(ref, { touch: true }) ?? this.add(ref, history());
  }

  /** A new record for the job, replacing any held one (a job just submitted). */
  add(ref: JobRef, history: PollHistory): Job {
    this.#dropUnused();
    const job = new Job(jobKey(ref), ref, history, {
      polling: this.#options.polling,
      durations: this.#options.durations,
      onChange: (changed, snapshot) => this.#notify(changed, snapshot),
    });
    job.lastUsedAt = this.#options.now();
    this.#jobs.set(job.key, job);
    this.#options.onAdded?.(job);
    return job;
  }

  remove(ref: Pick<JobRef, 'provider' | 'id'>): void {
    this.#jobs.delete(jobKey(ref));
    this.#finished.delete(jobKey(ref));
  }

  /**
   * Marks the job as followed until the returned release is called (idempotent): it is never dropped for lack of
   * use meanwhile, and its time without use counts from the release.
   */
  retain(ref: Pick<JobRef, 'provider' | 'id'>): () => void {
    const key = jobKey(ref);
    this.#retained.set(key, (this.#retained.get(key) ?? 0) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const count = this.#retained.get(key)! - 1;
      if (count > 0) this.#retained.set(key, count);
      else this.#retained.delete(key);
      const job = this.#jobs.get(key);
      if (job) job.lastUsedAt = this.#options.now();
    };
  }

  /** Called with every new snapshot of any job. Returns the unsubscribe function. */
  subscribe(listener: (snapshot: JobSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Not ended, nothing following it or working on it, and not asked about for longer than the bound. */
  #unused(job: Job, now: number): boolean {
    return (
      !job.ended &&
      now - job.lastUsedAt > this.#options.unusedJobTtlMs &&
      job.idle &&
      !job.cancelling &&
      !this.#retained.has(job.key)
    );
  }

  #dropUnused(): void {
    const now = this.#options.now();
    for (const job of this.#jobs.values()) if (this.#unused(job, now)) this.#drop(job);
  }

  #drop(job: Job): void {
    this.#jobs.delete(job.key);
    this.#options.onDropped?.(job);
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
