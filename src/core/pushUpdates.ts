import { jobKey, type JobRef, type JobSnapshot } from './jobSnapshot';
import { isTerminalStatus } from './jobStatus';
import { subscribeJobEvents, type JobEventSourceOptions, type JobEventSubscription } from './jobEventSource';
import type { VideoJobError } from './videoJobError';

/** Push updates for a client: the app's job events route and how to follow it. */
export interface PushUpdatesOptions extends Pick<
  JobEventSourceOptions,
  'EventSource' | 'fetch' | 'headers' | 'reconnectDelayMs' | 'maxReconnectDelayMs' | 'staleAfterMs' | 'random'
> {
  /** The app's job events route, served by `createJobEventsHandler` (e.g. `'/api/video/events'`). */
  url: string;
  /**
   * While a job's stream is healthy, polls still happen at least this rarely, as a safety net for a stream that
   * looks connected but lost an update. A stream that stalls is caught sooner by its missing heartbeats
   * (`staleAfterMs`), so the net can be wide; with `EventSource`, which hides heartbeats, it is the only net.
   * Defaults to `300000` ms (5 min), or `60000` ms with `EventSource`.
   */
  safetyIntervalMs?: number;
  /**
   * While a job's stream is healthy but nothing says its end will arrive over it, polls still happen at least this
   * often, counted from the last poll or pushed update, so the end is noticed within about this long after it
   * happens even when no webhook ever reaches the server (local development, a webhook route the provider cannot
   * reach, the simulator). Something says so when the server tells the stream it follows the job itself
   * (`createJobEventsHandler({ watch })`) or that the provider's webhooks reach it, or once a stream of this client
   * has delivered an update about a job of the same provider; from then on only the safety poll runs. A server from
   * before `watch` never tells. The schedule still wins when it waits longer (a hidden tab, `Retry-After`). Never
   * above `safetyIntervalMs`. Defaults to `20000` ms.
   */
  unwatchedIntervalMs?: number;
}

export interface PushUpdatesHandlers {
  /** A snapshot the stream delivered. */
  onSnapshot(snapshot: JobSnapshot): void;
  /**
   * A job's stream became healthy, or stopped being so (then polling must take over at once); also called again
   * with `true` when what a healthy stream's server says about the job's end changes (it watches the job, the
   * provider's webhooks reach it), since the poll delay changes then.
   */
  onHealthChange?(ref: JobRef, healthy: boolean): void;
  /**
   * Another job's stream showed that the provider's webhooks reach the server: this job's healthy stream is now known
   * to deliver its end (`isDelivering`), so its poll delay grew to the safety interval.
   */
  onDelivering?(ref: JobRef): void;
  onError?(error: VideoJobError, ref: JobRef): void;
}

export interface PushUpdates {
  /** Opens the job's stream, once; it closes by itself after the terminal snapshot. */
  follow(ref: JobRef): void;
  /** Closes the job's stream (the job ended by other means, or is forgotten). */
  unfollow(ref: Pick<JobRef, 'provider' | 'id'>): void;
  /** `true` while the job's stream is connected and fresh: its updates arrive without polling. */
  isHealthy(ref: Pick<JobRef, 'provider' | 'id'>): boolean;
  /**
   * `true` while the job's stream is healthy and known to deliver the job's end: its server said it follows the job
   * itself (`watch`) or that the provider's webhooks reach it, or a stream of this client already delivered an
   * update about a job of the same provider.
   */
  isDelivering(ref: Pick<JobRef, 'provider' | 'id'>): boolean;
  /**
   * The poll delay to use given the schedule's (`scheduledMs`, from now) and the time since the job was last polled
   * or pushed (`sinceLastPollMs`): the safety interval while the stream is healthy and delivering (`isDelivering`),
   * `unwatchedIntervalMs` after the last poll while it is only healthy, the schedule's otherwise.
   */
  pollDelay(ref: Pick<JobRef, 'provider' | 'id'>, scheduledMs: number, sinceLastPollMs?: number): number;
  /**
   * Called whenever a job's stream health changes, and again with `true` when what a healthy stream's server says
   * about the job's end changes. Returns the unsubscribe function.
   */
  subscribeHealth(listener: (ref: JobRef, healthy: boolean) => void): () => void;
  /** Closes every stream. */
  close(): void;
}

/** `'/api/video/events'` or the full options, as `pushEvents` takes them. */
export function resolvePushOptions(events: string | PushUpdatesOptions): PushUpdatesOptions {
  return typeof events === 'string' ? { url: events } : events;
}

/**
 * Follows jobs over the app's job events route so a client can stop polling while it is told: one stream per job,
 * health reported per job, the poll schedule stretched to a safety interval while the stream is healthy and back
 * to normal (with a catch-up poll, the client's part) the moment it is not.
 */
export function createPushUpdates(options: PushUpdatesOptions, handlers: PushUpdatesHandlers): PushUpdates {
  // Reading the stream with fetch sees the server's heartbeats, so a stall is noticed within `staleAfterMs`
  // and polling takes over then: the safety poll only guards against an update lost on a live stream.
  const safetyIntervalMs = options.safetyIntervalMs ?? (options.EventSource ? 60_000 : 300_000);
  // 20 s keeps an undelivered end within 30 s of happening (plus a request) at 3 polls a minute, a quarter of what
  // the schedule's 5 s blind cap would cost.
  const unwatchedIntervalMs = Math.min(options.unwatchedIntervalMs ?? 20_000, safetyIntervalMs);
  const { url, safetyIntervalMs: _safety, unwatchedIntervalMs: _unwatched, ...sourceOptions } = options;
  const streams = new Map<string, { ref: JobRef; subscription: JobEventSubscription }>();
  const listeners = new Set<(ref: JobRef, healthy: boolean) => void>();
  // Providers whose webhook updates have come through a stream: the route from their webhooks to this client works.
  const delivered = new Set<string>();

  function healthChanged(ref: JobRef, healthy: boolean) {
    handlers.onHealthChange?.(ref, healthy);
    for (const listener of [...listeners]) listener(ref, healthy);
  }

  function delivering(followed: { ref: JobRef; subscription: JobEventSubscription }): boolean {
    const { subscription } = followed;
    return subscription.watching === true || subscription.webhooks || delivered.has(followed.ref.provider);
  }

  /** The provider's webhooks proved to arrive: its other jobs on a widened poll can go to the safety poll now. */
  function deliveredFor(provider: string, except: string) {
    if (delivered.has(provider)) return;
    const widened = [...streams].filter(
      ([key, followed]) =>
        key !== except && followed.ref.provider === provider && followed.subscription.healthy && !delivering(followed),
    );
    delivered.add(provider);
    for (const [, followed] of widened) handlers.onDelivering?.(followed.ref);
  }

  return {
    follow(ref) {
      const key = jobKey(ref);
      if (streams.has(key)) return;
      const subscription = subscribeJobEvents(url, ref, {
        ...sourceOptions,
        onSnapshot(snapshot) {
          // An update on a stream whose server does not watch came from a webhook: they reach the server. (One from a
          // watching server proves nothing about webhooks, and its watcher may stop.) Known before the client stores
          // the update, so the poll it plans then is already the safety one.
          if (streams.get(key)?.subscription.watching !== true) deliveredFor(ref.provider, key);
          handlers.onSnapshot(snapshot);
          if (isTerminalStatus(snapshot.status)) streams.delete(key);
        },
        onHealthChange: (healthy) => healthChanged(ref, healthy),
        // Only a healthy stream's delay changes with it (an unhealthy one is polled on the schedule anyway); told as
        // a health change, so bindings that plan polls on health (the React hooks) plan again.
        onDeliveryChange: (said) => {
          const known = delivered.has(ref.provider);
          // The server has seen this provider's webhooks: they reach it, for this browser's other jobs too.
          if (said.webhooks) deliveredFor(ref.provider, key);
          if (!known && streams.get(key)?.subscription.healthy) healthChanged(ref, true);
        },
        onError: (error) => handlers.onError?.(error, ref),
      });
      // A refused stream stays in the map, closed: the job is polled and not re-subscribed in a loop.
      streams.set(key, { ref, subscription });
    },
    unfollow(ref) {
      const key = jobKey(ref);
      const followed = streams.get(key);
      streams.delete(key);
      followed?.subscription.close();
    },
    isHealthy(ref) {
      return streams.get(jobKey(ref))?.subscription.healthy ?? false;
    },
    isDelivering(ref) {
      const followed = streams.get(jobKey(ref));
      return followed !== undefined && followed.subscription.healthy && delivering(followed);
    },
    pollDelay(ref, scheduledMs, sinceLastPollMs = 0) {
      const followed = streams.get(jobKey(ref));
      if (!followed?.subscription.healthy) return scheduledMs;
      if (delivering(followed)) return Math.max(scheduledMs, safetyIntervalMs);
      // Counted from the last poll, so a stream that comes and goes does not put the next poll off again.
      return Math.max(scheduledMs, unwatchedIntervalMs - Math.max(0, sinceLastPollMs));
    },
    subscribeHealth(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      const open = [...streams.values()];
      streams.clear();
      for (const followed of open) followed.subscription.close();
    },
  };
}

/**
 * What a client created with `events` tells its bindings (`VideoClient.push`), for those that schedule polls
 * themselves (the React hooks): which jobs are pushed, and the snapshots that arrived by push once stored.
 */
export interface ClientPushState {
  /**
   * `true` while the job's stream is healthy: the client's `nextPollDelay` is then at least the safety interval when
   * the stream is known to deliver the job's end (`isDelivering`), else at least `unwatchedIntervalMs`.
   */
  isHealthy(ref: Pick<JobRef, 'provider' | 'id'>): boolean;
  /**
   * `true` while the job's stream is healthy and known to deliver its end: the server said it follows the job
   * (`createJobEventsHandler({ watch })`) or that the provider's webhooks reach it, or a stream already delivered an
   * update about a job of this provider.
   */
  isDelivering(ref: Pick<JobRef, 'provider' | 'id'>): boolean;
  /**
   * Called whenever a job's stream health changes, and again with `true` when what a healthy stream's server says
   * about the job's end changes (the poll delay changes with either). Returns the unsubscribe function.
   */
  subscribeHealth(listener: (ref: JobRef, healthy: boolean) => void): () => void;
  /** Called with each snapshot that arrived over a stream, as the client stored it. Returns the unsubscribe function. */
  subscribeSnapshots(listener: (snapshot: JobSnapshot) => void): () => void;
}
