import type { DurationModel } from './durationModel';
import { applyStall, cancelledSnapshot, normalizeSnapshot, type StallState } from './jobReducer';
import type { JobCancellation, JobRef, JobSnapshot } from './jobSnapshot';
import { isTerminalStatus } from './jobStatus';
import { recordFailure, recordObservation, runTimeOf } from './pollHistory';
import { UNCHANGED, type Unchanged } from './provider';
import { isSameSnapshot } from './sameSnapshot';
import type { PollHistory, ResolvedPollingOptions } from './schedule';
import { SharedRequest } from './sharedRequest';
import { abortReason, sleep } from './sleep';

/** Everything that can happen to a job's state; `Job.dispatch` is the only way it changes. */
export type JobAction =
  /** A status request answered (counts as a poll); `UNCHANGED` is a "not modified". */
  | { type: 'observed'; snapshot: JobSnapshot | Unchanged; at: number }
  /** A snapshot that came without a poll: the submit's answer, a provider stream event, a pushed event. */
  | { type: 'pushed'; snapshot: JobSnapshot; at: number }
  /** A status request failed; a `Retry-After` becomes the schedule's `notBefore`. */
  | { type: 'failed'; at: number; retryAfterMs?: number }
  /** A cancel ended the job: what the provider did. */
  | { type: 'cancelled'; cancellation: JobCancellation; at: number }
  /** A completed job fetched again for a fresh video URL: the one way a terminal snapshot is replaced. */
  | { type: 'refreshed'; snapshot: JobSnapshot; at: number };

/** What every job of a client shares. */
export interface JobConfig {
  /** The client's polling options, for jobs no `watch` gave its own. */
  polling: ResolvedPollingOptions;
  /** Learns run times from jobs that complete. */
  durations: DurationModel;
  /** Called after every change of snapshot, with the new one. */
  onChange(job: Job, snapshot: JobSnapshot): void;
}

/**
 * One job as a client knows it: the latest snapshot, the schedule's memory, the requests under way and the
 * cancel in progress. Its state changes only through `dispatch`, which applies the terminal lock (a terminal
 * status never goes back), stall detection and run-time learning, then notifies.
 */
export class Job {
  readonly key: string;
  #ref: JobRef;
  #snapshot?: JobSnapshot;
  #history: PollHistory;
  #stall: StallState = {};
  readonly #config: JobConfig;
  readonly #wakers = new Set<() => void>();
  /** The polling options of the latest `watch` of this job, if any. */
  polling?: ResolvedPollingOptions;
  /** The one status request shared by every caller asking at the same time. */
  readonly statusRequest = new SharedRequest<JobSnapshot>();
  /** The one `refresh` of a completed job, shared the same way. */
  readonly refreshRequest = new SharedRequest<JobSnapshot>();
  /** The watch loops following this job: aborted first by a cancel. */
  readonly watchControllers = new Set<AbortController>();
  /** Set while a cancel is under way; everything following the job ends with its result. */
  cancelling?: Promise<JobSnapshot>;
  /** Following on the client's schedule (`nextPollDelay`): until when, once the first delay was asked (epoch ms). */
  scheduleFollow?: { deadline: number; timeoutMs: number };
  /** The schedule's time ran out: `nextPollDelay` says stop until `getStatus` is called again. */
  timedOut = false;
  /** When the app last asked about or followed this job (epoch ms): unfinished jobs unused for long are dropped. */
  lastUsedAt = 0;

  constructor(key: string, ref: JobRef, history: PollHistory, config: JobConfig) {
    this.key = key;
    this.#ref = ref;
    this.#history = history;
    this.#config = config;
  }

  /** The ref requests are made with: the latest the provider handed back (it may add URLs). */
  get ref(): JobRef {
    return this.#ref;
  }

  /** The latest snapshot; once terminal it changes only by a `refreshed` completed one. */
  get snapshot(): JobSnapshot | undefined {
    return this.#snapshot;
  }

  /** The schedule's memory of this job. */
  get history(): PollHistory {
    return this.#history;
  }

  get ended(): boolean {
    return this.#snapshot !== undefined && isTerminalStatus(this.#snapshot.status);
  }

  /** Nothing in flight: no status request, refresh or watch loop. */
  get idle(): boolean {
    return this.watchControllers.size === 0 && !this.statusRequest.active && !this.refreshRequest.active;
  }

  /** Applies `action` and returns the snapshot held afterwards (the same object when nothing changed). */
  dispatch(action: JobAction): JobSnapshot | undefined {
    const previous = this.#snapshot;
    if (this.ended && action.type !== 'refreshed') return previous;
    const next = this.#reduce(action, previous);
    if (next === undefined || (previous && isSameSnapshot(previous, next))) return previous;
    const before = this.#history;
    this.#snapshot = next;
    this.#ref = next.ref;
    this.#history = { ...before, status: next.status };
    if (action.type === 'observed' || action.type === 'pushed' || action.type === 'refreshed') {
      this.#history = recordObservation(before, next, action.at, { poll: action.type !== 'pushed' });
    }
    if (next.status === 'completed' && previous?.status !== 'completed') {
      const runMs = runTimeOf(before, next, action.at);
      if (runMs !== undefined) this.#config.durations.record(modelKey(next.ref), runMs);
    }
    this.#config.onChange(this, next);
    return next;
  }

  /** The snapshot `action` leads to; the history of an action that changes no snapshot is recorded here. */
  #reduce(action: JobAction, previous: JobSnapshot | undefined): JobSnapshot | undefined {
    switch (action.type) {
      case 'failed':
        this.#history = recordFailure(this.#history, action.at, action.retryAfterMs);
        return undefined;
      case 'cancelled':
        return cancelledSnapshot(this.#ref, previous, action.cancellation, action.at);
      case 'refreshed':
        if (previous?.status !== 'completed' || action.snapshot.status !== 'completed') return undefined;
        if (isSameSnapshot(previous, action.snapshot)) {
          this.#history = recordObservation(this.#history, action.snapshot, action.at, { poll: true });
          return undefined;
        }
        return action.snapshot;
      default: {
        if (action.snapshot === UNCHANGED && !previous) return undefined;
        const candidate = action.snapshot === UNCHANGED ? previous! : normalizeSnapshot(action.snapshot, this.#ref);
        const stallAfterMs = (this.polling ?? this.#config.polling).stallAfterMs;
        const next = applyStall(this.#stall, candidate, previous, action.at, stallAfterMs);
        if (previous && isSameSnapshot(previous, next)) {
          // Nothing new for consumers, but the schedule still learns that the job was seen.
          this.#history = recordObservation(this.#history, previous, action.at, { poll: action.type === 'observed' });
          return undefined;
        }
        return next;
      }
    }
  }

  /**
   * Sleeps `ms` before the next poll; `true` when `wake` (a pushed snapshot, a push stream coming or going) ended it
   * early. Rejects as soon as `signal` aborts.
   */
  async pause(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) throw abortReason(signal);
    const early = new AbortController();
    const onAbort = () => early.abort(signal.reason);
    const resume = () => early.abort(WOKEN);
    this.#wakers.add(resume);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await sleep(ms, early.signal);
      return false;
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (early.signal.reason === WOKEN) return true;
      throw error;
    } finally {
      this.#wakers.delete(resume);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Ends every `pause` of this job now. */
  wake(): void {
    const waiting = [...this.#wakers];
    this.#wakers.clear();
    for (const resume of waiting) resume();
  }

  /** Stops local work (the status request in flight, every watch loop's wait) with `reason`. */
  stopLocalWork(reason: unknown): void {
    this.statusRequest.abort(reason);
    for (const controller of [...this.watchControllers]) controller.abort(reason);
  }
}

const WOKEN = Symbol('woken');

/** The key run times are learned under. */
export function modelKey(ref: JobRef): string {
  return `${ref.provider}:${ref.model}`;
}
