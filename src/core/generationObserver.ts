import {
  cancelWith,
  JobObserver,
  watchSource,
  type FollowState,
  type JobObserverOptions,
  type JobSource,
} from './jobObserver';
import { toVideoJobState, withTrackedElapsed, type VideoJobState } from './jobState';
import { isStoppedLocally, jobKey, type JobRef, type JobSnapshot } from './jobSnapshot';
import type { UploadProgress } from './imageInput';
import { isBlob } from './isBlob';
import { isTerminalStatus, type JobStatus } from './jobStatus';
import type { VideoClient } from './videoClient';
import { VideoJobError, toVideoJobError } from './videoJobError';

export interface GenerationObserverOptions extends Pick<
  JobObserverOptions,
  'polling' | 'timeoutMs' | 'tickMs' | 'onUpdate' | 'source'
> {
  /** The provider name as registered in `createVideoClient({ providers })`. */
  provider: string;
  /** The model or endpoint, e.g. `"fal-ai/veo3"`. */
  model: string;
  /** Called when the job completes. */
  onCompleted?: (job: JobSnapshot) => void;
  /** Called when the job fails. */
  onFailed?: (job: JobSnapshot, error: VideoJobError) => void;
  /** Called when the job ends cancelled. */
  onCancelled?: (job: JobSnapshot) => void;
}

export interface GenerateOptions {
  /**
   * Start a new job even though one is submitting or active: the current one is cancelled first. Without it,
   * `generate` rejects while a job is under way. Defaults to `false`.
   */
  replace?: boolean;
  /** Passed to the provider as the job's webhook. */
  webhookUrl?: string;
  /** Sent where the provider accepts an idempotency key. */
  idempotencyKey?: string;
}

export interface GenerationObserverResult<
  Input extends Record<string, unknown> = Record<string, unknown>,
> extends VideoJobState {
  /** Submits a job and resolves with its terminal snapshot (a failed job resolves too); rejects when the submit fails. */
  generate: (input: Input, options?: GenerateOptions) => Promise<JobSnapshot>;
  /** Stops following at once, asks the provider to cancel, and resolves with the final snapshot. */
  cancel: () => Promise<JobSnapshot | undefined>;
  /** Back to `idle`; forgets the job (it is not cancelled). */
  reset: () => void;
  /**
   * Follows an existing job (submitted elsewhere, or before a reload) instead of submitting one; also one this side
   * stopped following (see `checkAgain`).
   */
  resume: (ref: JobRef) => void;
  /**
   * Follows the job again after a cancel the provider could not confirm (`cancelled` with `cancellation.remote`
   * `unsupported` or `requested`: Kling, OpenAI-style, visgate), which the job may outlive. Does nothing for any other
   * job: an end the provider reported stays final.
   */
  checkAgain: () => void;
}

/** One generation: a submit in flight, then a job followed. A new token per `generate`/`resume`/`reset`. */
interface Attempt {
  /** `cancel()` calls that came while the submit was in flight: cancel the job as soon as it has an id. */
  cancelOnArrival?: Array<(final: JobSnapshot | undefined) => void>;
  /** Aborts the input images' upload (never the submit request: once sent, the job may exist). */
  uploads?: AbortController;
}

interface Session {
  attempt: Attempt | undefined;
  ref?: JobRef;
  submitting: boolean;
  /** The input images' upload, while it runs. */
  uploading?: UploadProgress;
  cancelling: boolean;
  /** Local submit time, for `elapsedMs` before the provider reports one. */
  startedAt?: number;
  /** The submit or the cancel failed. */
  error?: VideoJobError;
  /** The status known before a reload, shown until the first answer. */
  restoredStatus?: JobStatus;
  /** A result known from elsewhere (a stored record). */
  restoredJob?: JobSnapshot;
}

interface Waiter {
  key: string;
  ref: JobRef;
  resolve: (job: JobSnapshot) => void;
  reject: (error: VideoJobError) => void;
}

const IDLE: Session = { attempt: undefined, submitting: false, cancelling: false };

/**
 * Submits a video job and follows it to the end, outside any framework (the model is @tanstack/query-core's
 * `MutationObserver`): `generate` / `cancel` / `resume` / `reset`, and `subscribe` / `getSnapshot` for a view. A second
 * `generate` while a job is under way is refused unless `{ replace: true }`. Following runs while something is
 * subscribed or a `generate` promise is pending.
 *
 * @example
 * const observer = new GenerationObserver(client, { provider: 'fal', model: 'fal-ai/veo3' });
 * observer.subscribe((state) => console.log(state.status, state.progress));
 * const job = await observer.generate({ prompt: 'a red fox in snow' });
 */
export class GenerationObserver<Input extends Record<string, unknown> = Record<string, unknown>> {
  readonly #client: VideoClient;
  #options: GenerationObserverOptions;
  #session: Session = IDLE;
  readonly #job: JobObserver;
  readonly #listeners = new Set<(result: GenerationObserverResult<Input>) => void>();
  readonly #waiters = new Set<Waiter>();
  #following: (() => void) | undefined;
  #stopClient: (() => void) | undefined;
  #ended: string | undefined;
  #result: GenerationObserverResult<Input>;
  #seen: { follow?: FollowState; session?: Session } = {};

  constructor(client: VideoClient, options: GenerationObserverOptions) {
    this.#client = client;
    this.#options = options;
    this.#job = new JobObserver(client, this.#jobOptions());
    this.#result = this.#toResult();
  }

  /** `notify: false` updates the result without calling listeners (a view about to read `getSnapshot`). */
  setOptions(options: GenerationObserverOptions, notify = true): void {
    this.#options = options;
    this.#job.setOptions(this.#jobOptions(), notify);
    if (notify) this.#changed();
  }

  subscribe(listener: (result: GenerationObserverResult<Input>) => void): () => void {
    this.#listeners.add(listener);
    this.#retain();
    return () => {
      if (!this.#listeners.delete(listener)) return;
      // A subscriber that leaves and comes back at once (React StrictMode's rehearsal) keeps the pending promises.
      queueMicrotask(() => {
        if (this.#listeners.size > 0) return;
        this.#rejectWaiters((ref) => unsubscribed(ref));
        this.#retain();
      });
    };
  }

  getSnapshot = (): GenerationObserverResult<Input> => this.#result;

  generate = async (input: Input, options: GenerateOptions = {}): Promise<JobSnapshot> => {
    const { provider, model } = this.#options;
    const current = this.#session;
    if (this.#isBusy()) {
      if (!options.replace) throw busyError(current, provider);
      void this.cancel();
    }
    const attempt: Attempt = { uploads: new AbortController() };
    // A file to send shows as uploading from the start: its checks (read from the bytes) are part of sending it.
    const bytes = imageBytes(input);
    this.#set({
      attempt,
      submitting: true,
      cancelling: false,
      startedAt: Date.now(),
      ...(bytes > 0 ? { uploading: { loaded: 0, total: bytes } } : {}),
    });
    this.#job.restart();
    let first: JobSnapshot;
    try {
      first = await this.#client.submit({
        provider,
        model,
        input,
        webhookUrl: options.webhookUrl,
        idempotencyKey: options.idempotencyKey,
        signal: attempt.uploads!.signal,
        onUploadProgress: (uploading) => {
          if (attempt.uploads) this.#patch(attempt, { uploading });
        },
      });
    } catch (caught) {
      const error = toVideoJobError(caught, { provider });
      // A cancelled upload leaves nothing behind: back to idle, no error to show.
      const aborted = attempt.uploads?.signal.aborted === true;
      this.#patch(attempt, {
        submitting: false,
        cancelling: false,
        uploading: undefined,
        error: aborted ? undefined : error,
      });
      attempt.cancelOnArrival?.forEach((resolve) => resolve(undefined));
      throw error;
    }
    attempt.uploads = undefined;
    const ref = first.ref;
    const done = this.#wait(ref);
    this.#patch(attempt, { ref, submitting: false, uploading: undefined });
    if (attempt.cancelOnArrival) {
      const final = await this.#cancelJob(attempt, ref);
      attempt.cancelOnArrival.forEach((resolve) => resolve(final));
      if (final) {
        this.#settle(ref, final);
        return final;
      }
    }
    if (this.#session.attempt !== attempt) this.#rejectWaiters(movedOn, jobKey(ref));
    return done;
  };

  /** Cancels whatever runs: the job, or the job its submit is about to return. */
  cancel = (): Promise<JobSnapshot | undefined> => {
    const current = this.#session;
    const attempt = current.attempt;
    if (!attempt) return Promise.resolve(undefined);
    if (
      current.submitting &&
      attempt.uploads &&
      current.uploading &&
      current.uploading.loaded < current.uploading.total
    ) {
      // Still uploading: nothing exists on the provider yet, so stopping the upload is the whole cancel.
      attempt.uploads.abort(uploadCancelled(this.#options.provider));
      return Promise.resolve(undefined);
    }
    if (current.submitting) {
      this.#set({ ...current, cancelling: true });
      return new Promise((resolve) => {
        (attempt.cancelOnArrival ??= []).push(resolve);
      });
    }
    if (!current.ref) return Promise.resolve(undefined);
    const job = this.#job.getFollowState().job;
    if (job && isTerminalStatus(job.status)) return Promise.resolve(job);
    return this.#cancelJob(attempt, current.ref);
  };

  resume = (ref: JobRef): void => {
    this.#rejectWaiters(movedOn, undefined, jobKey(ref));
    this.#set({ attempt: {}, ref, submitting: false, cancelling: false });
    this.#job.restart();
  };

  checkAgain = (): void => {
    const { ref } = this.#session;
    const job = this.#job.getFollowState().job;
    if (ref && job && isStoppedLocally(job)) this.resume(ref);
  };

  /**
   * Follows a job known from storage; ignored once a `generate` or `resume` came first. `job` is its stored result,
   * shown without a request; `status` the status stored with an unfinished one.
   */
  restore(ref: JobRef, job: JobSnapshot | undefined, status: JobStatus | undefined): void {
    if (this.#session.ref || this.#session.submitting) return;
    this.#set({ attempt: {}, ref, submitting: false, cancelling: false, restoredStatus: status, restoredJob: job });
  }

  reset = (): void => {
    this.#rejectWaiters(movedOn);
    this.#set(IDLE);
  };

  #jobOptions(): JobObserverOptions {
    const { polling, timeoutMs, tickMs, onUpdate, source } = this.#options;
    const { ref, startedAt, restoredJob, restoredStatus, submitting } = this.#session;
    return {
      ref,
      ticking: submitting,
      polling,
      timeoutMs,
      tickMs,
      onUpdate,
      source,
      startedAt,
      initialJob: restoredJob,
      lastKnownStatus: restoredStatus,
    };
  }

  #source(): JobSource {
    return this.#options.source ?? watchSource(this.#client);
  }

  /** Follows while anything listens or waits; the client's snapshots settle pending promises. */
  #retain(): void {
    const wanted = this.#listeners.size > 0 || this.#waiters.size > 0;
    if (wanted && !this.#following) {
      this.#following = this.#job.subscribe(() => this.#changed());
      this.#stopClient = this.#client.subscribe((job) => {
        if (isTerminalStatus(job.status)) this.#settle(job.ref, job);
      });
    } else if (!wanted && this.#following) {
      this.#following();
      this.#stopClient?.();
      this.#following = this.#stopClient = undefined;
    }
  }

  #wait(ref: JobRef): Promise<JobSnapshot> {
    const promise = new Promise<JobSnapshot>((resolve, reject) => {
      this.#waiters.add({ key: jobKey(ref), ref, resolve, reject });
    });
    this.#retain();
    const known = this.#client.getSnapshot(ref);
    if (known && isTerminalStatus(known.status)) this.#settle(ref, known);
    return promise;
  }

  #settle(ref: JobRef, job: JobSnapshot): void {
    const key = jobKey(ref);
    for (const waiter of [...this.#waiters]) {
      if (waiter.key !== key) continue;
      this.#waiters.delete(waiter);
      waiter.resolve(job);
    }
    this.#retain();
  }

  /** Rejects the waits on `key` (all when `undefined`), except those on `except`. */
  #rejectWaiters(error: (ref: JobRef) => VideoJobError, key?: string, except?: string): void {
    for (const waiter of [...this.#waiters]) {
      if ((key !== undefined && waiter.key !== key) || waiter.key === except) continue;
      this.#waiters.delete(waiter);
      waiter.reject(error(waiter.ref));
    }
    this.#retain();
  }

  #isBusy(): boolean {
    const { submitting, ref } = this.#session;
    if (submitting) return true;
    const { job, timeoutError } = this.#job.getFollowState();
    if (!ref || timeoutError) return false;
    return !job || !isTerminalStatus(job.status);
  }

  async #cancelJob(attempt: Attempt, ref: JobRef): Promise<JobSnapshot | undefined> {
    this.#patch(attempt, { cancelling: true });
    try {
      const final = await cancelWith(this.#source(), this.#client, ref);
      this.#patch(attempt, { cancelling: false });
      return final;
    } catch (caught) {
      this.#patch(attempt, {
        cancelling: false,
        error: toVideoJobError(caught, { provider: ref.provider, jobId: ref.id }),
      });
      return undefined;
    }
  }

  #set(session: Session): void {
    this.#session = session;
    this.#job.setOptions(this.#jobOptions());
    this.#changed();
  }

  #patch(attempt: Attempt, patch: Partial<Session>): void {
    if (this.#session.attempt === attempt) this.#set({ ...this.#session, ...patch });
  }

  /** Derives the result from the session and the followed job, fires the end callbacks, then notifies. */
  #changed(): void {
    const follow = this.#job.getFollowState();
    const { job, timeoutError, ref } = follow;
    if (timeoutError && ref) this.#rejectWaiters(() => timeoutError, jobKey(ref));
    if (job && isTerminalStatus(job.status) && this.#listeners.size > 0) this.#fireEnd(job);
    if (follow === this.#seen.follow && this.#session === this.#seen.session) return;
    this.#seen = { follow, session: this.#session };
    const next = this.#toResult(follow);
    this.#result = next;
    for (const listener of [...this.#listeners]) listener(next);
  }

  #fireEnd(job: JobSnapshot): void {
    const event = `${jobKey(job.ref)}|${job.status}`;
    if (this.#ended === event) return;
    this.#ended = event;
    const { onCompleted, onFailed, onCancelled } = this.#options;
    if (job.status === 'completed') onCompleted?.(job);
    else if (job.status === 'failed') onFailed?.(job, job.error ?? failedWithoutReason(job));
    else onCancelled?.(job);
  }

  #toResult(follow: FollowState = this.#job.getFollowState()): GenerationObserverResult<Input> {
    const { ref, submitting, uploading, cancelling, error, restoredStatus } = this.#session;
    const state = toVideoJobState({
      ref,
      job: follow.job,
      submitting,
      uploading,
      following: follow.following,
      cancelling,
      errors: [error, follow.timeoutError, follow.job?.error, follow.pollError],
      elapsedMs: follow.elapsedMs,
      lastKnownStatus: restoredStatus,
    });
    return withTrackedElapsed(
      {
        ...state,
        generate: this.generate,
        cancel: this.cancel,
        reset: this.reset,
        resume: this.resume,
        checkAgain: this.checkAgain,
      },
      this.#job.trackElapsed,
    );
  }
}

function failedWithoutReason(job: JobSnapshot): VideoJobError {
  return new VideoJobError({
    kind: 'provider_failed',
    provider: job.provider,
    jobId: job.id,
    message: 'the provider reported the job failed without a reason',
  });
}

/** Bytes of the input's files to send (`image`, `endImage`: a Blob, or a `data:` URL's decoded size). */
function imageBytes(input: Record<string, unknown>): number {
  let bytes = 0;
  for (const value of [input.image, input.endImage]) {
    if (typeof value === 'string' && value.startsWith('data:'))
      bytes += Math.floor(((value.length - value.indexOf(',') - 1) * 3) / 4);
    else if (isBlob(value)) bytes += value.size;
  }
  return bytes;
}

function uploadCancelled(provider: string): VideoJobError {
  return new VideoJobError({
    kind: 'cancelled',
    provider,
    message: 'the upload was cancelled before the job was submitted; nothing was created',
  });
}

function busyError(current: Session, provider: string): VideoJobError {
  const ref = current.ref;
  return new VideoJobError({
    kind: 'busy',
    provider: ref?.provider ?? provider,
    jobId: ref?.id,
    message: `a job is ${current.submitting ? 'being submitted' : 'still active'}, so no second one was started; pass { replace: true } to cancel it and start another`,
  });
}

function movedOn(ref: JobRef): VideoJobError {
  return new VideoJobError({
    kind: 'cancelled',
    provider: ref.provider,
    jobId: ref.id,
    message:
      'the observer stopped following this job (reset, resume or a newer generate); the job goes on, follow it again with its ref',
  });
}

function unsubscribed(ref: JobRef): VideoJobError {
  return new VideoJobError({
    kind: 'cancelled',
    provider: ref.provider,
    jobId: ref.id,
    message:
      'the last subscriber left before the job ended (a component unmounted); the job goes on, follow it again with its ref',
  });
}
