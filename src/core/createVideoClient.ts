import { cancelJob } from './cancelJob';
import { checkLimits, checkProviders, checkRef, invalidInput } from './clientInput';
import type { PushEvents } from './clientPush';
import type { ClientRuntime } from './clientRuntime';
import { createDurationModel } from './durationModel';
import type { Job } from './job';
import { JobCache } from './jobCache';
import type { JobRef, JobSnapshot } from './jobSnapshot';
import { isTerminalStatus } from './jobStatus';
import { createPollHistory } from './pollHistory';
import { fetchStatus, pollDelay } from './pollJob';
import type { PreparedImages } from './prepareImages';
import { createProviderRegistry } from './providerRegistry';
import { refreshJob } from './refreshJob';
import { resolvePollingOptions } from './schedule';
import { timeoutError } from './timeoutError';
import { createTransport } from './transport';
import type { VideoClient, VideoClientOptions, WatchOptions } from './videoClient';
import { VideoJobError } from './videoJobError';
import { submitJob } from './submitJob';
import { watchJob } from './watchJob';

/**
 * The framework-agnostic engine: submits jobs, follows them on the poll schedule (or a provider's stream),
 * cancels them for real and never loses a finished result. A thin front over a `JobCache` of `Job` records
 * and the job operations (`pollJob`, `cancelJob`, `refreshJob`, `watchJob`).
 */
export function createVideoClient(options: VideoClientOptions): VideoClient {
  const providers = checkProviders(options?.providers);
  const { timeoutMs, maxFinishedJobs, unusedJobTtlMs } = checkLimits(options);
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
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
    // In a browser, uploads go over XMLHttpRequest to report their progress (unless the app brought its own fetch).
    xhr: options.fetch ? undefined : (globalThis as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest,
  });
  const preparedImages: PreparedImages = new WeakMap();
  const registry = createProviderRegistry(providers, transport, { now, fetch: clientFetch });
  const push = checkEvents(options.events)?.connect((ref) => cache.find(ref), now);
  const runtime: ClientRuntime = {
    now,
    random,
    providers: registry,
    durations: options.durationModel ?? createDurationModel(),
    pollingOption: options.polling,
    polling: resolvePollingOptions(options.polling),
    timeoutMs,
    push: push?.updates,
  };
  const cache = new JobCache({
    maxFinishedJobs,
    unusedJobTtlMs,
    now,
    polling: runtime.polling,
    durations: runtime.durations,
    onAdded: (job) => push?.updates.follow(job.ref),
    onEnded: (job) => push?.updates.unfollow(job.ref),
    onDropped: (job) => push?.updates.unfollow(job.ref),
  });

  /** The job's record, created for a job resumed from its ref; the adapter is looked up first. */
  function getOrCreateJob(ref: JobRef): Job {
    registry.adapter(ref?.provider);
    checkRef(ref);
    return cache.getOrCreate(ref, () =>
      createPollHistory(now(), { providerMinDelayMs: registry.adapter(ref.provider).minPollIntervalMs, resumed: true }),
    );
  }

  /** Lazy like any generator: nothing is looked up until the first `next()`. */
  async function* watch(ref: JobRef, watchOptions?: WatchOptions): AsyncGenerator<JobSnapshot> {
    yield* watchJob(runtime, getOrCreateJob(ref), watchOptions);
  }

  return {
    providerNames: registry.names,
    getProvider: registry.adapter,
    async submit(submitOptions) {
      const { first, ref, sentAt } = await submitJob(registry, preparedImages, now, submitOptions);
      const provider = registry.adapter(ref.provider);
      const job = cache.add(ref, createPollHistory(sentAt, { providerMinDelayMs: provider.minPollIntervalMs }));
      return job.dispatch({ type: 'pushed', snapshot: first, at: now() })!;
    },
    async getStatus(ref, statusOptions = {}) {
      const job = getOrCreateJob(ref);
      const follow = job.scheduleFollow;
      // The poll due at the end of the schedule's time (`nextPollDelay`) ends following instead; the next call resumes.
      if (follow && !job.ended && now() >= follow.deadline) {
        job.scheduleFollow = undefined;
        job.timedOut = true;
        throw timeoutError(job.ref, follow.timeoutMs);
      }
      job.timedOut = false;
      return fetchStatus(runtime, job, statusOptions.signal);
    },
    async refresh(ref, refreshOptions = {}) {
      const job = getOrCreateJob(ref);
      if (!job.ended) return fetchStatus(runtime, job, refreshOptions.signal);
      return refreshJob(runtime, job, refreshOptions.signal);
    },
    async cancel(ref, cancelOptions = {}) {
      return cancelJob(runtime, getOrCreateJob(ref), cancelOptions.signal);
    },
    watch,
    async wait(ref, watchOptions) {
      let last: JobSnapshot | undefined;
      for await (const snapshot of watch(ref, watchOptions)) last = snapshot;
      if (last && isTerminalStatus(last.status)) return last;
      throw new VideoJobError({
        kind: 'watch_ended',
        provider: ref.provider,
        jobId: ref.id,
        message: 'watching ended before the job did; call wait again to resume',
      });
    },
    nextPollDelay(ref, pollOptions = {}) {
      const job = cache.find(ref, { touch: true });
      const polling = resolvePollingOptions(options.polling, job?.polling, pollOptions.polling);
      if (!job) return polling.initialDelayMs;
      if (job.ended || job.timedOut) return false;
      const follow = (job.scheduleFollow ??= {
        deadline: now() + (pollOptions.timeoutMs ?? timeoutMs),
        timeoutMs: pollOptions.timeoutMs ?? timeoutMs,
      });
      return Math.min(
        pollDelay(runtime, job, polling, pollOptions.hidden ?? false),
        Math.max(0, follow.deadline - now()),
      );
    },
    getSnapshot: (ref) => cache.find(ref, { touch: true })?.snapshot,
    retain: (ref) => cache.retain(ref),
    subscribe: (listener) => cache.subscribe(listener),
    forget(ref) {
      cache.remove(ref);
      push?.updates.unfollow(ref);
    },
    ...(push ? { push: push.state } : {}),
  };
}

/**
 * `events` is what `pushEvents` made: the stream code comes with it, so a client without push does not ship it. The
 * route or options alone (as `events` took them before push became opt-in) are refused with the fix.
 */
function checkEvents(events: PushEvents | undefined): PushEvents | undefined {
  if (events === undefined || typeof events?.connect === 'function') return events;
  const call = typeof events === 'string' ? `pushEvents(${JSON.stringify(events)})` : 'pushEvents({ url, ...options })';
  throw invalidInput(
    'events',
    `events takes ${call}, imported from react-video-jobs, not the route or its options: push updates are opt-in, so an app without them does not ship the stream code`,
  );
}
