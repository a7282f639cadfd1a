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
}

export interface PushUpdatesHandlers {
  /** A snapshot the stream delivered. */
  onSnapshot(snapshot: JobSnapshot): void;
  /** A job's stream became healthy, or stopped being so (then polling must take over at once). */
  onHealthChange?(ref: JobRef, healthy: boolean): void;
  onError?(error: VideoJobError, ref: JobRef): void;
}

export interface PushUpdates {
  /** Opens the job's stream, once; it closes by itself after the terminal snapshot. */
  follow(ref: JobRef): void;
  /** Closes the job's stream (the job ended by other means, or is forgotten). */
  unfollow(ref: Pick<JobRef, 'provider' | 'id'>): void;
  /** `true` while the job's stream is connected and fresh: its updates arrive without polling. */
  isHealthy(ref: Pick<JobRef, 'provider' | 'id'>): boolean;
  /** The poll delay to use given the schedule's: the safety interval while the stream is healthy. */
  pollDelay(ref: Pick<JobRef, 'provider' | 'id'>, scheduledMs: number): number;
  /** Called whenever a job's stream health changes. Returns the unsubscribe function. */
  subscribeHealth(listener: (ref: JobRef, healthy: boolean) => void): () => void;
  /** Closes every stream. */
  close(): void;
}

/** `'/api/video/events'` or the full options, as `createVideoClient({ events })` takes them. */
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
  const { url, safetyIntervalMs: _safety, ...sourceOptions } = options;
  const streams = new Map<string, JobEventSubscription>();
  const listeners = new Set<(ref: JobRef, healthy: boolean) => void>();

  function healthChanged(ref: JobRef, healthy: boolean) {
    handlers.onHealthChange?.(ref, healthy);
    for (const listener of [...listeners]) listener(ref, healthy);
  }

  return {
    follow(ref) {
      const key = jobKey(ref);
      if (streams.has(key)) return;
      const subscription = subscribeJobEvents(url, ref, {
        ...sourceOptions,
        onSnapshot(snapshot) {
          handlers.onSnapshot(snapshot);
          if (isTerminalStatus(snapshot.status)) streams.delete(key);
        },
        onHealthChange: (healthy) => healthChanged(ref, healthy),
        onError: (error) => handlers.onError?.(error, ref),
      });
      // A refused stream stays in the map, closed: the job is polled and not re-subscribed in a loop.
      streams.set(key, subscription);
    },
    unfollow(ref) {
      const key = jobKey(ref);
      const subscription = streams.get(key);
      streams.delete(key);
      subscription?.close();
    },
    isHealthy(ref) {
      return streams.get(jobKey(ref))?.healthy ?? false;
    },
    pollDelay(ref, scheduledMs) {
      return this.isHealthy(ref) ? Math.max(scheduledMs, safetyIntervalMs) : scheduledMs;
    },
    subscribeHealth(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      const open = [...streams.values()];
      streams.clear();
      for (const subscription of open) subscription.close();
    },
  };
}

/**
 * What a client created with `events` tells its bindings (`VideoClient.push`), for those that schedule polls
 * themselves (the React hooks): which jobs are pushed, and the snapshots that arrived by push once stored.
 */
export interface ClientPushState {
  /** `true` while the job's stream is healthy: the client's `nextPollDelay` is the safety interval. */
  isHealthy(ref: Pick<JobRef, 'provider' | 'id'>): boolean;
  /** Called whenever a job's stream health changes. Returns the unsubscribe function. */
  subscribeHealth(listener: (ref: JobRef, healthy: boolean) => void): () => void;
  /** Called with each snapshot that arrived over a stream, as the client stored it. Returns the unsubscribe function. */
  subscribeSnapshots(listener: (snapshot: JobSnapshot) => void): () => void;
}
