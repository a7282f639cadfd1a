import { cancelJob } from './cancelJob';
import type { ClientRuntime } from './clientRuntime';
import type { Job } from './job';
import type { JobSnapshot } from './jobSnapshot';
import { isTerminalStatus } from './jobStatus';
import { fetchStatus, pollDelay } from './pollJob';
import type { ProviderAdapter } from './provider';
import { resolvePollingOptions } from './schedule';
import { abortReason, raceSignal } from './sleep';
import { timeoutError } from './timeoutError';
import type { WatchOptions } from './videoClient';
import { VideoJobError, toVideoJobError } from './videoJobError';

/**
 * Follows one job to its end, yielding each snapshot that differs from the last one yielded. Everything
 * it awaits honours `options.signal`, the overall timeout and `client.cancel` of the same job.
 */
export async function* watchJob(
  runtime: ClientRuntime,
  job: Job,
  options: WatchOptions = {},
): AsyncGenerator<JobSnapshot> {
  const adapter = runtime.providers.adapter(job.ref.provider);
  const polling = options.polling ? resolvePollingOptions(runtime.pollingOption, options.polling) : runtime.polling;
  job.polling = polling;
  const timeoutMs = options.timeoutMs ?? runtime.timeoutMs;
  const userSignal = options.signal;
  if (userSignal?.aborted) throw abortReason(userSignal);

  const controller = new AbortController();
  const timedOut = new VideoJobError({ kind: 'timeout', message: 'watch timed out' });
  const onUserAbort = () => controller.abort(abortReason(userSignal!));
  userSignal?.addEventListener('abort', onUserAbort, { once: true });
  const timer = setTimeout(() => controller.abort(timedOut), timeoutMs);
  job.watchControllers.add(controller);
  const signal = controller.signal;
  let last: JobSnapshot | undefined;
  let streamTried = !options.stream || !adapter.streamStatus;

  let pendingError: VideoJobError | undefined;

  /** Decides what an error means: keep polling (returns), the job's end (stored, returns), or a throw. */
  async function settle(error: unknown): Promise<void> {
    if (job.cancelling) {
      await raceSignal(job.cancelling, userSignal);
      return;
    }
    if (signal.aborted && signal.reason === timedOut) return onTimeout();
    if (userSignal?.aborted) throw abortReason(userSignal);
    const failure = toVideoJobError(error, { provider: job.ref.provider, jobId: job.ref.id });
    // Asking again cannot help: the key is refused, the job is gone, the answer has a shape the adapter does not know.
    if (!failure.retryable) throw failure;
    // Transient (network, timeouts, 5xx, malformed bodies, 429): a status request is a read, so the job is never
    // given up for it. The failure is in the history (Retry-After included); the schedule backs off and asks again
    // until the overall timeout.
  }

  async function onTimeout(): Promise<void> {
    if (!options.cancelOnTimeout) throw timeoutError(job.ref, timeoutMs);
    const final = await cancelJob(runtime, job, userSignal);
    // The job may have finished while we gave up on it: then its result wins over the timeout.
    if (final.status === 'cancelled') pendingError = timeoutError(job.ref, timeoutMs, final);
  }

  try {
    for (;;) {
      const current = job.snapshot;
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
          for await (const streamed of followStream(runtime, adapter, job, signal)) {
            if (streamed !== last) {
              last = streamed;
              options.onUpdate?.(streamed);
              yield streamed;
            }
            if (isTerminalStatus(streamed.status)) return;
          }
          // The stream ended early: carry on polling.
        }
        const polls = job.history.polls;
        // A job never seen yet (resumed from its ref) is asked at once; after that, and after any failure, the
        // schedule decides.
        const wait = current || job.history.polls > 0 ? pollDelay(runtime, job, polling) : 0;
        // A pushed update or a push stream coming or going ends the wait early: work it out again.
        if (await job.pause(wait, signal)) continue;
        // Someone else (a second watcher, a query) polled while we slept: take their answer, wait again.
        if (job.history.polls !== polls || job.snapshot !== current) continue;
        await fetchStatus(runtime, job, signal);
      } catch (error) {
        await settle(error);
      }
    }
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener('abort', onUserAbort);
    job.watchControllers.delete(controller);
  }
}

/** The provider's push channel, each event stored like a poll answer; errors end it (polling takes over). */
async function* followStream(
  runtime: ClientRuntime,
  adapter: ProviderAdapter,
  job: Job,
  signal: AbortSignal,
): AsyncGenerator<JobSnapshot> {
  const stream = adapter.streamStatus!(runtime.providers.context(job.ref.provider), job.ref, {
    signal,
    previous: job.snapshot,
  });
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      let step: IteratorResult<JobSnapshot>;
      try {
        step = await raceSignal(iterator.next(), signal);
      } catch (error) {
        if (signal.aborted || job.cancelling) throw error;
        return; // a dropped or broken stream: fall back to polling
      }
      if (step.done) return;
      yield job.dispatch({ type: 'pushed', snapshot: step.value, at: runtime.now() })!;
    }
  } finally {
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
