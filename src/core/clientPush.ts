import type { Job } from './job';
import { createSnapshot, type JobRef, type JobSnapshot } from './jobSnapshot';
import {
  createPushUpdates,
  resolvePushOptions,
  type ClientPushState,
  type PushUpdatesOptions,
  type PushUpdates,
} from './pushUpdates';

export interface ClientPush {
  updates: PushUpdates;
  /** The client's `push`. */
  state: ClientPushState;
}

/**
 * A client's push updates (`events`): snapshots from the app's job event streams enter its jobs like poll answers,
 * and wake their watch loops, as does a stream's health changing.
 */
export function createClientPush(
  events: string | PushUpdatesOptions,
  find: (ref: Pick<JobRef, 'provider' | 'id'>) => Job | undefined,
  now: () => number,
): ClientPush {
  const pushedListeners = new Set<(snapshot: JobSnapshot) => void>();
  const updates = createPushUpdates(resolvePushOptions(events), {
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
