import { subscribeTick } from './clock';
import { elapsedOf, toVideoJobState, withTrackedElapsed, type VideoJobState } from './jobState';
import { isStoppedLocally, jobKey, type JobRef, type JobSnapshot } from './jobSnapshot';
import { isTerminalStatus, type JobStatus } from './jobStatus';
import type { PollingOptions } from './schedule';
import { timeoutError } from './timeoutError';
import type { VideoClient } from './videoClient';
import { VideoJobError, toVideoJobError } from './videoJobError';

/** What a source knows about the job it follows. */
export interface JobFeed {
  job: JobSnapshot | undefined;
  /** The last poll failed, or following ended with this error (`timeout`, or one asking again cannot fix). */
  error: VideoJobError | undefined;
}

export interface JobFeedSubscription {
  current(): JobFeed;
  /** Asks the provider now, outside the schedule. */
  refetch(): Promise<JobSnapshot | undefined>;
  stop(): void;
}

export interface JobSourceInit {
  polling: PollingOptions | undefined;
  /** A snapshot known from elsewhere (a stored result), for when the client has none. */
  initial: JobSnapshot | undefined;
  onChange: () => void;
}

/**
 * How an observer learns about its job. The default, `watchSource(client)`, follows it with `client.watch`; the React
 * bindings follow it through the React Query cache instead, so components share one query per job.
 */
export interface JobSource {
  follow(ref: JobRef, init: JobSourceInit): JobFeedSubscription;
  /** What is known now without following (before subscribing, or while rendering on the server). */
  peek(ref: JobRef, initial: JobSnapshot | undefined): JobFeed;
  /** Cancels the job, pausing this source's own pollers first. Defaults to `client.cancel`. */
  cancel?(ref: JobRef): Promise<JobSnapshot>;
  /** Drops what this source holds of a job the client stopped following locally, so it is asked again. */
  forget?(ref: JobRef): void;
}

export interface JobObserverOptions {
  /** The job to follow; `null`/`undefined` follows nothing (status `idle`). */
  ref?: JobRef | null;
  /** Set to `false` to stop following. Defaults to `true`. */
  enabled?: boolean;
  /** Overrides the client's poll schedule for this job. Defaults to the client's `polling`. */
  polling?: PollingOptions;
  /**
   * Stop following after this long (the job may still finish; `error` becomes a `timeout` error and the ref is kept).
   * The client's own `timeoutMs` ends following too, whichever comes first. Defaults to `600000` (10 min).
   */
  timeoutMs?: number;
  /** How often `elapsedMs` advances while the job is active, once it has been read. `false` stops it. Defaults to `1000`. */
  tickMs?: number | false;
  /** Called with every new snapshot of the job this observer sees. */
  onUpdate?: (job: JobSnapshot) => void;
  /**
   * Counts `elapsedMs` on though no job is followed yet: its input is being uploaded or submitted (from `startedAt`).
   * Defaults to `false`.
   */
  ticking?: boolean;
  /** When the job was started here (epoch ms), for `elapsedMs` before the provider reports its own. */
  startedAt?: number;
  /** A snapshot known from elsewhere (a stored result), shown until the client has one. */
  initialJob?: JobSnapshot;
  /** The status to show before the first answer (the one stored before a reload). Defaults to `queued`. */
  lastKnownStatus?: JobStatus;
  /** Defaults to `watchSource(client)`. */
  source?: JobSource;
}

export interface JobObserverResult extends VideoJobState {
  /** Stops following at once, asks the provider to cancel, and resolves with the final snapshot. */
  cancel: () => Promise<JobSnapshot | undefined>;
  /** Polls now, outside the schedule. */
  refetch: () => Promise<JobSnapshot | undefined>;
  /**
   * Follows the job again when this side only stopped following it (a cancel the provider cannot carry out:
   * "Stopped following"); `false`, and nothing happens, when the provider reported the end.
   */
  checkAgain: () => boolean;
}

/** What following one job amounts to, before a caller adds its own state (a submit, a cancel). */
export interface FollowState {
  ref: JobRef | undefined;
  job: JobSnapshot | undefined;
  /** The last poll failed (polling goes on unless the error is final). */
  pollError: VideoJobError | undefined;
  /** Following gave up after `timeoutMs` (this observer's or the client's). */
  timeoutError: VideoJobError | undefined;
  following: boolean;
  elapsedMs: number;
}

export const DEFAULT_TIMEOUT_MS = 600_000;
export const DEFAULT_TICK_MS = 1000;

/**
 * Follows one job by its ref, outside any framework: `subscribe` starts following (the first listener) and stops it
 * (the last one leaves); `getSnapshot` returns the same object until something changed, for `useSyncExternalStore` or
 * any store. Owns the follow timeout, the elapsed-time tick and the cancel state; when to poll is the client's.
 *
 * @example
 * const observer = new JobObserver(client, { ref });
 * const stop = observer.subscribe((state) => render(state.status, state.progress));
 */
export class JobObserver {
  readonly #client: VideoClient;
  #options: JobObserverOptions = {};
  #source: JobSource;
  readonly #listeners = new Set<(result: JobObserverResult) => void>();
  #feed:
    | { key: string; subscription: JobFeedSubscription; polling: PollingOptions | undefined; release(): void }
    | undefined;
  #timedOut: { key: string; error: VideoJobError } | undefined;
  #cancelState: { key: string; pending: boolean; error?: VideoJobError } | undefined;
  #timeout: { key: string; timer: ReturnType<typeof setTimeout> } | undefined;
  #tick: { stop: () => void; every: number } | undefined;
  #elapsedRead = false;
  #lastCancel: { key: string; pending: boolean; error?: VideoJobError } | undefined;
  #lastKnown: JobStatus | undefined;
  #now = 0;
  #reported: JobSnapshot | undefined;
  #state: FollowState;
  #result: JobObserverResult;

  constructor(client: VideoClient, options: JobObserverOptions = {}) {
    this.#client = client;
    this.#source = options.source ?? watchSource(client);
    this.#options = options;
    this.#state = this.#followState();
    this.#result = this.#toResult();
  }

  /**
   * Changes what is followed and how; restarts following only when the job or its schedule changed. `notify: false`
   * updates the result without calling listeners or `onUpdate` (a view about to read `getSnapshot`, while rendering).
   */
  setOptions(options: JobObserverOptions, notify = true): void {
    this.#options = options;
    if (options.source) this.#source = options.source;
    this.#update(notify);
  }

  subscribe(listener: (result: JobObserverResult) => void): () => void {
    this.#listeners.add(listener);
    this.#update();
    return () => {
      if (!this.#listeners.delete(listener)) return;
      this.#update();
    };
  }

  getSnapshot = (): JobObserverResult => this.#result;

  /** The follow state alone, for observers built on this one (`GenerationObserver`). */
  getFollowState(): FollowState {
    return this.#state;
  }

  /** Follows the current ref again after a timeout (a resume of the same job), or after a local stop (`checkAgain`). */
  restart(): void {
    this.#timedOut = undefined;
    if (!this.checkAgain()) this.#update();
  }

  /**
   * Follows the job again when this side only stopped following it (`cancelled` without the provider's confirmation:
   * Kling, OpenAI-style, visgate): the client and the source forget the local end and ask the provider. `false`, and
   * nothing happens, for any other job: an end the provider reported stays final.
   */
  checkAgain = (): boolean => {
    const ref = this.#ref();
    const job = this.#state.job ?? (ref ? this.#client.getSnapshot(ref) : undefined);
    if (!ref || !job || !isStoppedLocally(job) || jobKey(job.ref) !== jobKey(ref)) return false;
    this.#stopFeed();
    this.#client.forget(ref);
    this.#source.forget?.(ref);
    this.#update();
    return true;
  };

  /** Marks `elapsedMs` as read, so it ticks. */
  trackElapsed = (): void => {
    if (this.#elapsedRead) return;
    this.#elapsedRead = true;
    queueMicrotask(() => this.#update());
  };

  cancel = async (): Promise<JobSnapshot | undefined> => {
    const ref = this.#ref();
    if (!ref) return undefined;
    const key = jobKey(ref);
    this.#cancelState = { key, pending: true };
    this.#update();
    try {
      const final = await cancelWith(this.#source, this.#client, ref);
      if (this.#cancelState?.key === key) this.#cancelState = undefined;
      this.#update();
      return final;
    } catch (caught) {
      if (this.#cancelState?.key === key) {
        this.#cancelState = {
          key,
          pending: false,
          error: toVideoJobError(caught, { provider: ref.provider, jobId: ref.id }),
        };
      }
      this.#update();
      return undefined;
    }
  };

  refetch = (): Promise<JobSnapshot | undefined> => {
    const feed = this.#feed;
    if (feed && this.#ref()) return feed.subscription.refetch();
    const ref = this.#ref();
    return ref ? this.#client.getStatus(ref) : Promise.resolve(undefined);
  };

  #ref(): JobRef | undefined {
    return this.#options.ref ?? undefined;
  }

  #followState(): FollowState {
    const ref = this.#ref();
    const key = ref ? jobKey(ref) : undefined;
    const timeoutFromFeed = (error: VideoJobError | undefined) => (error?.kind === 'timeout' ? error : undefined);
    let feed: JobFeed = { job: undefined, error: undefined };
    const followed = this.#feed;
    if (ref)
      feed =
        followed && followed.key === key
          ? followed.subscription.current()
          : this.#source.peek(ref, this.#options.initialJob);
    const timeoutError =
      (this.#timedOut && this.#timedOut.key === key ? this.#timedOut.error : undefined) ?? timeoutFromFeed(feed.error);
    const following = ref !== undefined && this.#options.enabled !== false && !timeoutError;
    const pollError = timeoutFromFeed(feed.error) ? undefined : feed.error;
    return {
      ref,
      job: feed.job,
      pollError,
      timeoutError,
      following,
      elapsedMs: elapsedOf(feed.job, this.#options.startedAt ?? ref?.createdAt, this.#now),
    };
  }

  #toResult(): JobObserverResult {
    const { ref, job, pollError, timeoutError, following, elapsedMs } = this.#state;
    const key = ref ? jobKey(ref) : undefined;
    const cancel = this.#cancelState && this.#cancelState.key === key ? this.#cancelState : undefined;
    const state = toVideoJobState({
      ref,
      job,
      submitting: false,
      following,
      cancelling: cancel?.pending === true,
      errors: [cancel?.error, timeoutError, job?.error, pollError],
      elapsedMs,
      lastKnownStatus: this.#options.lastKnownStatus,
    });
    return withTrackedElapsed(
      { ...state, cancel: this.cancel, refetch: this.refetch, checkAgain: this.checkAgain },
      this.trackElapsed,
    );
  }

  /** The one place that reconciles following, timers and the result with the options, then notifies. */
  #update(notify = true): void {
    const ref = this.#ref();
    const key = ref ? jobKey(ref) : undefined;
    const { polling, initialJob } = this.#options;
    if (this.#timedOut && this.#timedOut.key !== key) this.#timedOut = undefined;
    const wanted = this.#listeners.size > 0 && ref !== undefined && this.#options.enabled !== false && !this.#timedOut;
    if (this.#feed && (!wanted || this.#feed.key !== key || !samePolling(this.#feed.polling, polling))) {
      this.#stopFeed();
    }
    if (wanted && !this.#feed) {
      // Retained while followed, so the client never drops the job for lack of use (`unusedJobTtlMs`).
      const release = this.#client.retain(ref!);
      const feed = { key: key!, polling, release, subscription: undefined as unknown as JobFeedSubscription };
      this.#feed = feed;
      feed.subscription = this.#source.follow(ref!, {
        polling,
        initial: initialJob,
        onChange: () => {
          if (this.#feed === feed) this.#update();
        },
      });
    }

    let state = this.#followState();
    if (state.timeoutError && this.#feed) {
      // The client's timeout ended following: stop the source like our own timer would.
      this.#timedOut = { key: key!, error: state.timeoutError };
      this.#stopFeed();
      state = this.#followState();
    }
    const active = this.#listeners.size > 0 && state.following && !(state.job && isTerminalStatus(state.job.status));
    this.#updateTimeout(active ? ref : undefined);
    this.#updateTick(active || (this.#listeners.size > 0 && ref === undefined && this.#options.ticking === true));

    const job = state.job;
    if (notify && job && job !== this.#reported && this.#listeners.size > 0) {
      this.#reported = job;
      this.#options.onUpdate?.(job);
    }
    const previous = this.#state;
    const changed = (Object.keys(state) as Array<keyof FollowState>).some((name) => state[name] !== previous[name]);
    const cancel = this.#cancelState;
    if (!changed && cancel === this.#lastCancel && this.#options.lastKnownStatus === this.#lastKnown) return;
    this.#lastCancel = cancel;
    this.#lastKnown = this.#options.lastKnownStatus;
    this.#state = state;
    this.#result = this.#toResult();
    if (notify) for (const listener of [...this.#listeners]) listener(this.#result);
  }

  #stopFeed(): void {
    const feed = this.#feed;
    this.#feed = undefined;
    feed?.subscription.stop();
    feed?.release();
  }

  #updateTimeout(ref: JobRef | undefined): void {
    const key = ref ? jobKey(ref) : undefined;
    if (this.#timeout && this.#timeout.key === key) return;
    if (this.#timeout) clearTimeout(this.#timeout.timer);
    this.#timeout = undefined;
    if (!ref || !key) return;
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      this.#timeout = undefined;
      this.#timedOut = { key, error: timeoutError(ref, timeoutMs) };
      this.#update();
    }, timeoutMs);
    this.#timeout = { key, timer };
  }

  #updateTick(active: boolean): void {
    const { tickMs = DEFAULT_TICK_MS } = this.#options;
    const every = active && tickMs !== false && this.#elapsedRead ? tickMs : undefined;
    if (this.#tick && this.#tick.every !== every) {
      this.#tick.stop();
      this.#tick = undefined;
    }
    if (every !== undefined && !this.#tick) {
      const stop = subscribeTick(every, (now) => {
        this.#now = now;
        this.#update();
      });
      this.#tick = { stop, every };
    }
  }
}

/** Cancels through the source when it has its own pollers to pause, else through the client. */
export function cancelWith(source: JobSource, client: VideoClient, ref: JobRef): Promise<JobSnapshot> {
  return source.cancel ? source.cancel(ref) : client.cancel(ref);
}

/** Options objects written inline are new on every render: compare what they say. */
function samePolling(a: PollingOptions | undefined, b: PollingOptions | undefined): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Follows a job with `client.watch`: the client's schedule, its `timeoutMs`, its push updates, one request per poll
 * however many watch the same job. Transient poll failures stay inside the client (it backs off and asks again).
 */
export function watchSource(client: VideoClient): JobSource {
  const peek = (ref: JobRef, initial: JobSnapshot | undefined): JobFeed => ({
    job: client.getSnapshot(ref) ?? initial,
    error: undefined,
  });
  return {
    peek,
    follow(ref, { polling, initial, onChange }) {
      let feed = peek(ref, initial);
      const controller = new AbortController();
      const set = (next: JobFeed) => {
        if (controller.signal.aborted) return;
        feed = next;
        onChange();
      };
      if (!feed.job || !isTerminalStatus(feed.job.status)) {
        void (async () => {
          try {
            for await (const job of client.watch(ref, { signal: controller.signal, polling }))
              set({ job, error: undefined });
          } catch (caught) {
            set({ job: feed.job, error: toVideoJobError(caught, { provider: ref.provider, jobId: ref.id }) });
          }
        })();
      }
      return {
        current: () => feed,
        refetch: () =>
          client.getStatus(ref).then((job) => {
            set({ job, error: undefined });
            return job;
          }),
        stop: () => controller.abort(),
      };
    },
  };
}
