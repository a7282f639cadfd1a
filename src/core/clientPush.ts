import type { Job } from './job';
import { createSnapshot, type JobRef, type JobSnapshot } from './jobSnapshot';
import {
  createPushUpdates,
  resolvePushOptions,
  type ClientPushState,
  type PushUpdatesOptions,
  type PushUpdates,
} from './pushUpdates';
import { VideoJobError } from './videoJobError';

export interface ClientPush {
  updates: PushUpdates;
  /** The client's `push`. */
  state: ClientPushState;
}

/**
 * Push updates for `createVideoClient({ events })`, made by `pushEvents`. The stream code travels on this object, so
 * an app that never calls `pushEvents` does not ship it.
 */
export interface PushEvents {
  /** The push options given to `pushEvents`. */
  readonly options: PushUpdatesOptions;
  /** Connects a client's jobs to their streams; called once by `createVideoClient`. */
  readonly connect: (find: (ref: Pick<JobRef, 'provider' | 'id'>) => Job | undefined, now: () => number) => ClientPush;
}

/**
 * Push updates over the app's job events route (served by `createJobEventsHandler` from `react-video-jobs/server`),
 * for `createVideoClient({ events: pushEvents('/api/video/events') })`: the route, or its full options. Each job the
 * client follows gets a stream; while it is healthy, updates arrive as they happen and polls slow down (see
 * `PushUpdatesOptions`).
 */
export function pushEvents(events: string | PushUpdatesOptions): PushEvents {
  const options = resolvePushOptions(events);
  if (typeof options?.url !== 'string' || options.url === '') {
    throw new VideoJobError({
      kind: 'invalid_input',
      field: 'events',
      message: `pushEvents needs the app's job events route, e.g. pushEvents('/api/video/events'); got ${JSON.stringify(events)}`,
    });
  }
  return { options, connect: (find, now) => createClientPush(options, find, now) };
}

/**
 * A client's push updates (`events`): snapshots from the app's job event streams enter its jobs like poll answers,
 * and wake their watch loops, as does a stream's health changing.
 */
export function createClientPush(
  options: PushUpdatesOptions,
  find: (ref: Pick<JobRef, 'provider' | 'id'>) => Job | undefined,
  now: () => number,
): ClientPush {
  const pushedListeners = new Set<(snapshot: JobSnapshot) => void>();
  const updates = createPushUpdates(options, {
    onSnapshot(pushed) {
      const job = find(pushed.ref);
      if (!job) return;
      // The stream's ref is the server's view (it may lack the model or URLs): keep the client's.
      const snapshot = createSnapshot({ ...pushed, ref: job.ref }, pushed.updatedAt);
      const stored = job.dispatch({ type: 'pushed', snapshot, at: now() })!;
      for (const listener of [...pushedListeners]) listener(stored);
      job.wake();
    },
    onHealthChange: (ref) => find(ref)?.wake(),
    onDelivering: (ref) => find(ref)?.wake(),
  });
  const state: ClientPushState = {
    isHealthy: (ref) => updates.isHealthy(ref),
    isDelivering: (ref) => updates.isDelivering(ref),
    subscribeHealth: (listener) => updates.subscribeHealth(listener),
    subscribeSnapshots(listener) {
      pushedListeners.add(listener);
      return () => pushedListeners.delete(listener);
    },
  };
  return { updates, state };
}
