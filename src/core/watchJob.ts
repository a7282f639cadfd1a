import type { JobEntry } from './jobEntry';
import type { JobRef, JobSnapshot } from './jobSnapshot';
import { isTerminalStatus } from './jobStatus';
import type { ProviderAdapter, ProviderContext } from './provider';
import type { ResolvedPollingOptions } from './schedule';
import { abortReason } from './sleep';
import type { WatchOptions } from './videoClient';
import { VideoJobError, toVideoJobError } from './videoJobError';

/** The parts of a client that following a job needs. Internal to `createVideoClient`. */
export interface JobEngine {
  now(): number;
  adapter(provider: string): ProviderAdapter;
  context(provider: string): ProviderContext;
  entry(ref: JobRef): JobEntry;
  polling(options: WatchOptions['polling']): ResolvedPollingOptions;
  /** Milliseconds from now until this job's next poll is due. */
  delay(entry: JobEntry, polling: ResolvedPollingOptions): number;
  /** Waits `ms`; `true` when a pushed update (or a push health change) ended the wait early. */
  pause(entry: JobEntry, ms: number, signal: AbortSignal): Promise<boolean>;
  /** One status request (shared with concurrent callers); the result is stored in `entry.snapshot`. */
  fetchStatus(entry: JobEntry, signal: AbortSignal): Promise<JobSnapshot>;
  /** Stores a snapshot that arrived outside a poll (a stream event). */
  ingest(entry: JobEntry, snapshot: JobSnapshot, at: number): JobSnapshot;
  cancel(ref: JobRef, options: { signal?: AbortSignal }): Promise<JobSnapshot>;
  timeoutMs: number;
}

/**
 * Follows one job to its end, yielding each snapshot that differs from the last one yielded. Everything
 * it awaits honours `options.signal`, the overall timeout and `client.cancel` of the same job.
 */
export async function* watchJob(
  engine: JobEngine,
  ref: JobRef,
  options: WatchOptions = {},
): AsyncGenerator<JobSnapshot> {
  const adapter = engine.adapter(ref.provider);
  const entry = engine.entry(ref);
  const polling = engine.polling(options.polling);
  entry.polling = polling;
  const timeoutMs = options.timeoutMs ?? engine.timeoutMs;
  const userSignal = options.signal;
  if (userSignal?.aborted) throw abortReason(userSignal);

  const controller = new AbortController();
  const timedOut = new VideoJobError({ kind: 'timeout', message: 'watch timed out' });
  const onUserAbort = () => controller.abort(abortReason(userSignal!));
  userSignal?.addEventListener('abort', onUserAbort, { once: true });
  const timer = setTimeout(() => controller.abort(timedOut), timeoutMs);
  entry.work.add(controller);
  const signal = controller.signal;
  let last: JobSnapshot | undefined;
  let streamTried = !options.stream || !adapter.streamStatus;

  let pendingError: VideoJobError | undefined;

  /** Decides what an error means: keep polling (returns), the job's end (stored, returns), or a throw. */
  async function settle(error: unknown): Promise<void> {
    if (entry.cancelling) {
      await raceSignal(entry.cancelling, userSignal);
      return;
    }
    if (signal.aborted && signal.reason === timedOut) return onTimeout();
    if (userSignal?.aborted) throw abortReason(userSignal);
    const failure = toVideoJobError(error, { provider: entry.ref.provider, jobId: entry.ref.id });
    // Asking again cannot help: the key is refused, the job is gone, the answer has a shape the adapter does not know.
    if (!failure.retryable) throw failure;
    // Transient (network, timeouts, 5xx, malformed bodies, 429): a status request is a read, so the job is never
    // given up for it. The failure is in the history (Retry-After included); the schedule backs off and asks again
    // until the overall timeout.
  }

  async function onTimeout(): Promise<void> {
    if (!options.cancelOnTimeout) throw timeoutError(entry.ref, timeoutMs, undefined);
    const final = await engine.cancel(entry.ref, { signal: userSignal });
    // The job may have finished while we gave up on it: then its result wins over the timeout.
    if (final.status === 'cancelled') pendingError = timeoutError(entry.ref, timeoutMs, final);
  }

  try {
    for (;;) {
      const current = entry.snapshot;
      if (current && current !== last) {
        last = current;
        options.onUpdate?.(current);
        yield current;
      }
      if (pendingError) throw pendingError;
      if (current && isTerminalStatus(current.status)) return;

      try {
        if (!streamTried) {
          streamTried = true;
          for await (const streamed of followStream(engine, adapter, entry, signal)) {
            if (streamed !== last) {
              last = streamed;
              options.onUpdate?.(streamed);
              yield streamed;
            }
            if (isTerminalStatus(streamed.status)) return;
          }
          // The stream ended early: carry on polling.
        }
        const polls = entry.history.polls;
        // A job never seen yet (resumed from its ref) is asked at once; after that, and after any failure, the
        // schedule decides.
        const wait = current || entry.history.polls > 0 ? engine.delay(entry, polling) : 0;
        // A pushed update or a push stream coming or going ends the wait early: work it out again.
        if (await engine.pause(entry, wait, signal)) continue;
        // Someone else (a second watcher, a query) polled while we slept: take their answer, wait again.
        if (entry.history.polls !== polls || entry.snapshot !== current) continue;
        await engine.fetchStatus(entry, signal);
      } catch (error) {
        await settle(error);
      }
    }
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener('abort', onUserAbort);
    entry.work.delete(controller);
  }
}

/** The provider's push channel, each event stored like a poll answer; errors end it (polling takes over). */
async function* followStream(
  engine: JobEngine,
  adapter: ProviderAdapter,
  entry: JobEntry,
  signal: AbortSignal,
): AsyncGenerator<JobSnapshot> {
  const stream = adapter.streamStatus!(engine.context(entry.ref.provider), entry.ref, {
    signal,
    previous: entry.snapshot,
  });
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      let step: IteratorResult<JobSnapshot>;
      try {
        step = await raceSignal(iterator.next(), signal);
      } catch (error) {
        if (signal.aborted || entry.cancelling) throw error;
        return; // a dropped or broken stream: fall back to polling
      }
      if (step.done) return;
      yield engine.ingest(entry, step.value, engine.now());
    }
  } finally {
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/** `promise`, or a rejection as soon as `signal` aborts. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function timeoutError(ref: JobRef, timeoutMs: number, cancelled: JobSnapshot | undefined): VideoJobError {
  const after = formatDuration(timeoutMs);
  const message = cancelled
    ? `timed out after ${after} of watching; the job was cancelled (cancelOnTimeout, provider answer: ${cancelled.cancellation?.remote ?? 'unknown'})`
    : `timed out after ${after} of watching; job ${ref.id} may still finish: resume it with its id (watch the same ref { provider: '${ref.provider}', id: '${ref.id}' } again, or pass it to useJobStatus)`;
  return new VideoJobError({ kind: 'timeout', message, provider: ref.provider, jobId: ref.id });
}

function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000) return `${Math.round(ms / 100) / 10} s`;
  return `${ms} ms`;
}
