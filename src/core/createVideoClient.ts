import { createDurationModel } from './durationModel';
import { createFinishedJobs } from './finishedJobs';
import { applyStall, cancelledSnapshot, normalizeSnapshot, type JobEntry } from './jobEntry';
import { createSnapshot, jobKey, type JobRef, type JobSnapshot } from './jobSnapshot';
import { refreshJob, type RefreshEngine } from './refreshJob';
import { isTerminalStatus } from './jobStatus';
import { createPollHistory, recordFailure, recordObservation, runTimeOf } from './pollHistory';
import { UNCHANGED, type CancelOutcome, type ProviderAdapter, type ProviderContext, type Unchanged } from './provider';
import { createPushUpdates, resolvePushOptions, type ClientPushState, type PushUpdates } from './pushUpdates';
import { isSameSnapshot } from './sameSnapshot';
import { nextPollDelay, resolvePollingOptions, type ResolvedPollingOptions, type ScheduleState } from './schedule';
import { abortReason, sleep } from './sleep';
import { createTransport } from './transport';
import type { VideoClient, VideoClientOptions } from './videoClient';
import { VideoJobError, toVideoJobError } from './videoJobError';
import { raceSignal, watchJob, type JobEngine } from './watchJob';

/**
 * The framework-agnostic engine: submits jobs, follows them on the poll schedule (or a provider's stream),
 * cancels them for real and never loses a finished result. One client holds one transport, one context per
 * provider, one record per job (last snapshot, schedule history) and a model of run times per model.
 */
export function createVideoClient(options: VideoClientOptions): VideoClient {
  const providers = checkProviders(options?.providers);
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const polling = resolvePollingOptions(options.polling);
  const timeoutMs = options.timeoutMs ?? 600_000;
  if (!(timeoutMs > 0))
    throw invalidInput('timeoutMs', `timeoutMs is ${String(timeoutMs)}, expected a number of ms > 0`);
  const durations = options.durationModel ?? createDurationModel();
  const maxFinishedJobs = options.maxFinishedJobs ?? 100;
  if (!(maxFinishedJobs >= 0) || (Number.isFinite(maxFinishedJobs) && !Number.isInteger(maxFinishedJobs))) {
    throw invalidInput(
      'maxFinishedJobs',
      `maxFinishedJobs is ${String(maxFinishedJobs)}, expected a whole number >= 0 (or Infinity to keep every job)`,
    );
  }
  // Looked up per request, so a fetch installed after the client was created (a test double) is used.
  const clientFetch: typeof fetch = options.fetch
    ? (input, init) => options.fetch!(input, init)
    : (input, init) => globalThis.fetch(input, init);
  const transport = createTransport({
    fetch: clientFetch,
    retry: options.retry,
    requestTimeoutMs: options.requestTimeoutMs,
    random,
    now,
  });
  const contexts = new Map<string, ProviderContext>();
  const statusContexts = new Map<string, ProviderContext>();
  const entries = new Map<string, JobEntry>();
  // Finished jobs beyond the cap leave `entries` (least recently used first); asked again, they are fetched again.
  const finished = createFinishedJobs(maxFinishedJobs, (job) => {
    if (entries.get(job.key) === job) entries.delete(job.key);
  });
  const listeners = new Set<(snapshot: JobSnapshot) => void>();
  const providerNames = Object.freeze(Object.keys(providers));
  // Push updates (`events`): snapshots from the app's job event streams enter like poll answers, and wake watchers.
  const wakers = new WeakMap<JobEntry, Set<() => void>>();
  const pushedListeners = new Set<(snapshot: JobSnapshot) => void>();
  const push = options.events
    ? createPushUpdates(resolvePushOptions(options.events), {
        onSnapshot(pushed) {
          const job = entries.get(jobKey(pushed));
          if (!job) return;
          // The stream's ref is the server's view (it may lack the model or URLs): keep the client's.
          const stored = ingest(job, createSnapshot({ ...pushed, ref: job.ref }, pushed.updatedAt), now(), false);
          for (const listener of [...pushedListeners]) listener(stored);
          wake(job);
        },
        onHealthChange(ref) {
          const job = entries.get(jobKey(ref));
          if (job) wake(job);
        },
        onDelivering(ref) {
          const job = entries.get(jobKey(ref));
          if (job) wake(job);
        },
      })
    : undefined;

  function adapter(name: string): ProviderAdapter {
    const found = typeof name === 'string' && Object.hasOwn(providers, name) ? providers[name] : undefined;
    if (found) return found;
    throw invalidInput(
      'provider',
      `no provider named ${JSON.stringify(name)} is registered (registered: ${providerNames.join(', ') || 'none'}); add it to createVideoClient({ providers: { ${typeof name === 'string' && name ? name : 'name'}: ... } })`,
    );
  }

  /**
   * The context adapters make requests with. For status requests (`reads`) every request is idempotent unless the
   * adapter says otherwise: asking about a job has no side effect whatever the method (an API may want POST), so a
   * transient failure (a 500 included) is retried instead of losing the job.
   */
  function context(name: string, reads = false): ProviderContext {
    const cache = reads ? statusContexts : contexts;
    let ctx = cache.get(name);
    if (!ctx) {
      ctx = {
        request: (request) =>
          transport.request({ ...(reads ? { idempotent: true } : {}), ...request, provider: request.provider ?? name }),
        now,
        fetch: clientFetch,
      };
      cache.set(name, ctx);
    }
    return ctx;
  }

  function entry(ref: JobRef, submitted?: { at: number }): JobEntry {
    checkRef(ref);
    const key = jobKey(ref);
    let found = entries.get(key);
    if (!found || submitted) {
      const history = createPollHistory(submitted?.at ?? now(), {
        providerMinDelayMs: adapter(ref.provider).minPollIntervalMs,
        resumed: !submitted,
      });
      found = { key, ref, history, work: new Set() };
      entries.set(key, found);
      push?.follow(ref);
    } else {
      finished.touch(found);
    }
    return found;
  }

  function emit(job: JobEntry, snapshot: JobSnapshot): void {
    const ended = isTerminalStatus(snapshot.status);
    if (push && ended) push.unfollow(snapshot.ref);
    for (const listener of [...listeners]) {
      try {
        listener(snapshot);
      } catch (error) {
        // A broken listener must not stop polling for everyone else; report it without throwing here.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    if (ended) finished.add(job);
  }

  /** Stores what the provider said; the one place snapshots enter the client. */
  function ingest(job: JobEntry, incoming: JobSnapshot | Unchanged, at: number, counted: boolean): JobSnapshot {
    const previous = job.snapshot;
    if (previous && isTerminalStatus(previous.status)) return previous;
    if (incoming === UNCHANGED && !previous) {
      throw new VideoJobError({
        kind: 'invalid_response',
        retryable: true,
        provider: job.ref.provider,
        jobId: job.ref.id,
        message: 'the provider answered "not modified" to the first status request; it is asked again',
      });
    }
    let candidate = incoming === UNCHANGED ? previous! : normalizeSnapshot(incoming, job.ref);
    const before = job.history;
    job.history = recordObservation(before, candidate, at, counted);
    candidate = applyStall(job, candidate, previous, at, (job.polling ?? polling).stallAfterMs);
    const next = previous && isSameSnapshot(previous, candidate) ? previous : candidate;
    if (next === previous) return previous;
    job.snapshot = next;
    job.ref = next.ref;
    if (next.status === 'completed') {
      const runMs = runTimeOf(before, next, at);
      if (runMs !== undefined) durations.record(modelKey(next.ref), runMs);
    }
    emit(job, next);
    return next;
  }

  async function poll(job: JobEntry, signal: AbortSignal): Promise<JobSnapshot> {
    const { ref } = job;
    try {
      const answer = await adapter(ref.provider).getStatus(context(ref.provider, true), ref, {
        signal,
        previous: job.snapshot,
      });
      return ingest(job, answer, now(), true);
    } catch (error) {
      const failure = toVideoJobError(error, { provider: ref.provider, jobId: ref.id });
      if (!signal.aborted) job.history = recordFailure(job.history, now(), failure.retryAfterMs);
      throw failure;
    }
  }

  async function fetchStatus(job: JobEntry, signal?: AbortSignal): Promise<JobSnapshot> {
    if (job.snapshot && isTerminalStatus(job.snapshot.status)) return job.snapshot;
    if (job.cancelling) return raceSignal(job.cancelling, signal);
    let inflight = job.inflight;
    if (!inflight) {
      const controller = new AbortController();
      const shared: NonNullable<JobEntry['inflight']> = {
        controller,
        waiters: 0,
        promise: poll(job, controller.signal).finally(() => {
          if (job.inflight === shared) job.inflight = undefined;
          job.work.delete(controller);
        }),
      };
      shared.promise.catch(() => undefined); // every waiter may have left; the rejection is theirs to see
      job.work.add(controller);
      job.inflight = inflight = shared;
    }
    const shared = inflight;
    shared.waiters++;
    try {
      return await raceSignal(shared.promise, signal);
    } catch (error) {
      if (job.cancelling) return raceSignal(job.cancelling, signal);
      throw error;
    } finally {
      // The last caller to lose interest stops the request; others keep it alive.
      if (--shared.waiters === 0 && job.inflight === shared) shared.controller.abort(signal?.reason);
    }
  }

  function delay(job: JobEntry, jobPolling: ResolvedPollingOptions, hidden = false): number {
    const at = job.history.lastPollAt ?? now();
    const state: ScheduleState = { ...job.history, now: at, hidden };
    const learned = durations.estimate(modelKey(job.ref));
    if (learned) state.runTime = { mu: learned.mu, sigma: learned.sigma };
    const scheduled = Math.max(0, Math.ceil(at + nextPollDelay(state, jobPolling, random) - now()));
    return push ? push.pollDelay(job.ref, scheduled, now() - at) : scheduled;
  }

  function wake(job: JobEntry): void {
    const waiting = wakers.get(job);
    wakers.delete(job);
    for (const resume of waiting ?? []) resume();
  }

  /** Sleeps until the next poll is due; with push updates, a pushed snapshot or a health change ends it early (`true`). */
  async function pause(job: JobEntry, ms: number, signal: AbortSignal): Promise<boolean> {
    if (!push) {
      await sleep(ms, signal);
      return false;
    }
    if (signal.aborted) throw abortReason(signal);
    const early = new AbortController();
    const onAbort = () => early.abort(signal.reason);
    const resume = () => early.abort(WOKEN);
    let waiting = wakers.get(job);
    if (!waiting) wakers.set(job, (waiting = new Set()));
    waiting.add(resume);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await sleep(ms, early.signal);
      return false;
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (early.signal.reason === WOKEN) return true;
      throw error;
    } finally {
      waiting.delete(resume);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async function cancel(ref: JobRef, cancelOptions: { signal?: AbortSignal } = {}): Promise<JobSnapshot> {
    const provider = adapter(ref?.provider);
    const job = entry(ref);
    if (job.snapshot && isTerminalStatus(job.snapshot.status)) return job.snapshot;
    if (job.cancelling) return raceSignal(job.cancelling, cancelOptions.signal);
    let settle!: { resolve: (snapshot: JobSnapshot) => void; reject: (error: unknown) => void };
    const cancelling = new Promise<JobSnapshot>((resolve, reject) => (settle = { resolve, reject }));
    cancelling.catch(() => undefined);
    job.cancelling = cancelling;
    // 1. Stop local work: in-flight requests and every watcher's sleep end now, waiting on `cancelling`.
    const stop = new VideoJobError({
      kind: 'cancelled',
      message: 'cancelled by the client',
      provider: ref.provider,
      jobId: ref.id,
    });
    for (const controller of [...job.work]) controller.abort(stop);
    // 2. Ask the provider, 3. record its answer.
    askProvider(job, provider, cancelOptions.signal).then(
      (snapshot) => settle.resolve(snapshot),
      (error: unknown) => {
        if (job.cancelling === cancelling) job.cancelling = undefined;
        settle.reject(toVideoJobError(error, { provider: ref.provider, jobId: ref.id }));
      },
    );
    return cancelling;
  }

  async function askProvider(job: JobEntry, provider: ProviderAdapter, signal?: AbortSignal): Promise<JobSnapshot> {
    const { ref } = job;
    const outcome: CancelOutcome = provider.cancel
      ? await provider.cancel(context(ref.provider), ref, { signal })
      : 'unsupported';
    if (job.snapshot && isTerminalStatus(job.snapshot.status)) return job.snapshot;
    if (outcome === 'already_completed') return fetchFinished(job, provider, signal);
    const final = cancelledSnapshot(job, { remote: outcome, message: cancelMessage(outcome, ref) }, now());
    job.snapshot = final;
    job.history = { ...job.history, status: final.status };
    emit(job, final);
    return final;
  }

  /**
   * The job won the race against a cancel: fetch it so its video is kept. The provider may not show the end
   * at once (a 304 inside its poll floor, a status that lags the cancel answer), so ask again a few times,
   * spaced by the provider's floor, before giving up.
   */
  async function fetchFinished(job: JobEntry, provider: ProviderAdapter, signal?: AbortSignal): Promise<JobSnapshot> {
    const { ref } = job;
    const spacingMs = Math.max(1000, provider.minPollIntervalMs ?? 0);
    for (let attempt = 0; attempt < FINISHED_FETCH_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(spacingMs, signal);
      const answer = await provider.getStatus(context(ref.provider, true), ref, { signal, previous: job.snapshot });
      const final = answer === UNCHANGED && !job.snapshot ? undefined : ingest(job, answer, now(), true);
      if (final && isTerminalStatus(final.status)) return final;
    }
    throw new VideoJobError({
      kind: 'invalid_response',
      provider: ref.provider,
      jobId: ref.id,
      message: `the provider said the job already completed, but after ${FINISHED_FETCH_ATTEMPTS} status requests it still is not; fetch it again with getStatus to keep its result`,
    });
  }

  const refresher: RefreshEngine = {
    now,
    adapter,
    context,
    replace(job, fresh, at) {
      // The one way a terminal snapshot is replaced: completed by completed, with the provider's fresh record.
      job.history = recordObservation(job.history, fresh, at, true);
      const held = job.snapshot;
      if (held && isSameSnapshot(held, fresh)) return held;
      job.snapshot = fresh;
      job.ref = fresh.ref;
      emit(job, fresh);
      return fresh;
    },
  };

  const engine: JobEngine = {
    now,
    adapter,
    context,
    entry: (ref) => entry(ref),
    polling: (jobPolling) => (jobPolling ? resolvePollingOptions(options.polling, jobPolling) : polling),
    delay: (job, jobPolling) => delay(job, jobPolling),
    pause,
    fetchStatus,
    ingest: (job, snapshot, at) => ingest(job, snapshot, at, false),
    cancel,
    timeoutMs,
  };

  return {
    providerNames,
    getProvider: adapter,
    async submit(submitOptions) {
      const name = submitOptions?.provider;
      const provider = adapter(name);
      const { model, webhookUrl, idempotencyKey, signal } = submitOptions;
      if (typeof model !== 'string' || model.trim() === '') {
        throw invalidInput(
          'model',
          `model is ${JSON.stringify(model)}; pass the model or endpoint id, e.g. "fal-ai/veo3"`,
          name,
        );
      }
      let input = submitOptions.input;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw invalidInput('input', `input must be an object of model parameters, got ${describe(input)}`, name);
      }
      if (provider.validateInput) {
        try {
          input = provider.validateInput(model, input);
        } catch (error) {
          throw asInvalidInput(error, name);
        }
      }
      if (signal?.aborted) throw abortReason(signal);
      const sentAt = now();
      let first: JobSnapshot;
      try {
        first = await provider.submit(context(name), { model, input, webhookUrl, idempotencyKey, signal });
      } catch (error) {
        throw toVideoJobError(error, { provider: name });
      }
      const ref = { ...first.ref, provider: name };
      return ingest(entry(ref, { at: sentAt }), first, now(), false);
    },
    async getStatus(ref, statusOptions = {}) {
      adapter(ref?.provider);
      return fetchStatus(entry(ref), statusOptions.signal);
    },
    async refresh(ref, refreshOptions = {}) {
      adapter(ref?.provider);
      const job = entry(ref);
      if (!job.snapshot || !isTerminalStatus(job.snapshot.status)) return fetchStatus(job, refreshOptions.signal);
      return refreshJob(refresher, job, refreshOptions.signal);
    },
    cancel,
    watch: (ref, watchOptions) => watchJob(engine, ref, watchOptions),
    async wait(ref, watchOptions) {
      let last: JobSnapshot | undefined;
      for await (const snapshot of watchJob(engine, ref, watchOptions)) last = snapshot;
      if (last && isTerminalStatus(last.status)) return last;
      throw new VideoJobError({
        kind: 'invalid_response',
        provider: ref.provider,
        jobId: ref.id,
        message: 'watching ended before the job did; call wait again to resume',
      });
    },
    nextPollDelay(ref, pollOptions = {}) {
      const job = entries.get(jobKey(ref));
      const jobPolling = resolvePollingOptions(options.polling, job?.polling, pollOptions.polling);
      if (!job) return jobPolling.initialDelayMs;
      if (job.snapshot && isTerminalStatus(job.snapshot.status)) return false;
      return delay(job, jobPolling, pollOptions.hidden ?? false);
    },
    getSnapshot(ref) {
      const job = entries.get(jobKey(ref));
      if (job) finished.touch(job);
      return job?.snapshot;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    forget(ref) {
      entries.delete(jobKey(ref));
      finished.delete(jobKey(ref));
      push?.unfollow(ref);
    },
    ...(push ? { push: pushState(push, pushedListeners) } : {}),
  };
}

const WOKEN = Symbol('woken');

/** The client's `push`: stream health per job, and snapshots that arrived by push once stored. */
function pushState(push: PushUpdates, pushedListeners: Set<(snapshot: JobSnapshot) => void>): ClientPushState {
  return {
    isHealthy: (ref) => push.isHealthy(ref),
    isDelivering: (ref) => push.isDelivering(ref),
    subscribeHealth: (listener) => push.subscribeHealth(listener),
    subscribeSnapshots(listener) {
      pushedListeners.add(listener);
      return () => pushedListeners.delete(listener);
    },
  };
}

/** How many status requests a cancel that lost the race makes to find the finished job. */
const FINISHED_FETCH_ATTEMPTS = 5;

function modelKey(ref: JobRef): string {
  return `${ref.provider}:${ref.model}`;
}

function cancelMessage(outcome: Exclude<CancelOutcome, 'already_completed'>, ref: JobRef): string {
  if (outcome === 'cancelled') return 'the provider confirmed the cancellation';
  if (outcome === 'requested') {
    return 'the provider accepted the cancel request, but the job may still finish (and be billed); the client stopped following it';
  }
  return `${ref.provider} cannot cancel jobs remotely: the client stopped following job ${ref.id}, but the provider may still run (and bill) it`;
}

function checkProviders(providers: VideoClientOptions['providers'] | undefined): Record<string, ProviderAdapter> {
  if (typeof providers !== 'object' || providers === null) {
    throw invalidInput(
      'providers',
      'createVideoClient needs { providers: { name: adapter } }, e.g. { providers: { fal: fal() } }',
    );
  }
  for (const [name, provider] of Object.entries(providers)) {
    if (typeof provider?.submit !== 'function' || typeof provider.getStatus !== 'function') {
      throw invalidInput(
        'providers',
        `providers.${name} is not a provider adapter (it needs submit and getStatus)`,
        name,
      );
    }
  }
  return providers;
}

function checkRef(ref: JobRef): void {
  if (typeof ref !== 'object' || ref === null || typeof ref.id !== 'string' || ref.id === '') {
    throw invalidInput('ref', `a job ref needs { provider, id, model }, got ${describe(ref)}`, ref?.provider);
  }
}

function asInvalidInput(error: unknown, provider: string): VideoJobError {
  if (error instanceof VideoJobError && error.kind === 'invalid_input') {
    return error.provider ? error : error.withJob(provider);
  }
  if (error instanceof VideoJobError) {
    return invalidInput(error.field ?? 'input', error.detail, error.provider ?? provider, error);
  }
  const text = error instanceof Error ? error.message : String(error);
  return invalidInput(
    'input',
    `the input was rejected before sending (${text}); fix it and submit again`,
    provider,
    error,
  );
}

function invalidInput(field: string, message: string, provider?: string, cause?: unknown): VideoJobError {
  return new VideoJobError({ kind: 'invalid_input', field, message, provider, cause });
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object'
    ? JSON.stringify(value).slice(0, 80)
    : `${typeof value} ${String(value).slice(0, 40)}`;
}
