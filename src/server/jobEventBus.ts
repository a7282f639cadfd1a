import { jobKey, type JobSnapshot } from '../core/jobSnapshot';
import { snapshotToJSON, type JobSnapshotJSON } from '../core/snapshotJson';

/** One published job update: the snapshot in its wire form, with an id for `Last-Event-ID` resume. */
export interface JobEvent {
  id: string;
  /** `provider:id`. */
  key: string;
  snapshot: JobSnapshotJSON;
}

/**
 * Carries job updates from where they are learned (the webhook handler) to where browsers listen (the events
 * handler), keeping a short history per job so a reconnecting stream can catch up.
 */
export interface JobEventBus {
  /** Publishes a snapshot to every listener of its job, on every instance sharing the bus. */
  publish(snapshot: JobSnapshot): Promise<JobEvent>;
  /** Listens to one job (`provider:id`); resolves once listening, with the function that stops it. */
  subscribe(key: string, listener: (event: JobEvent) => void): Promise<() => Promise<void>>;
  /**
   * The events a stream that last saw `lastEventId` missed: those after it, or only the newest one when the id is
   * unknown or absent (snapshots are whole states, so the newest one is all a late listener needs).
   */
  replay(key: string, lastEventId?: string): Promise<JobEvent[]>;
  /** Stops everything the bus started. */
  close(): Promise<void>;
}

export interface MemoryJobEventBusOptions {
  /** Events kept per job for resume. Defaults to `16`. */
  historySize?: number;
  /** Jobs whose history is kept; the least recently published are dropped first. Defaults to `10000`. */
  maxJobs?: number;
}

/** Picks the events after `lastEventId` from a job's history (oldest first); see `JobEventBus.replay`. */
export function eventsAfter(history: readonly JobEvent[], lastEventId: string | undefined): JobEvent[] {
  if (history.length === 0) return [];
  const index = lastEventId === undefined ? -1 : history.findIndex((event) => event.id === lastEventId);
  return index === -1 ? [history[history.length - 1]!] : history.slice(index + 1);
}

let sequence = 0;

/** A new event for a snapshot: ids sort by time and stay unique across instances. */
export function createJobEvent(snapshot: JobSnapshot, now: number = Date.now()): JobEvent {
  sequence = (sequence + 1) % 1_679_616;
  const random = Math.floor(Math.random() * 1_679_616);
  const id = `${now.toString(36)}-${sequence.toString(36).padStart(4, '0')}${random.toString(36).padStart(4, '0')}`;
  return { id, key: jobKey(snapshot), snapshot: snapshotToJSON(snapshot) };
}

/** The default bus: listeners and history in this process's memory. Use the Redis bus with several instances. */
export function createMemoryJobEventBus(options: MemoryJobEventBusOptions = {}): JobEventBus {
  const historySize = options.historySize ?? 16;
  const maxJobs = options.maxJobs ?? 10_000;
  const listeners = new Map<string, Set<(event: JobEvent) => void>>();
  const history = new Map<string, JobEvent[]>();

  return {
    async publish(snapshot) {
      const event = createJobEvent(snapshot);
      const kept = history.get(event.key) ?? [];
      history.delete(event.key);
      history.set(event.key, [...kept, event].slice(-historySize));
      while (history.size > maxJobs) history.delete(history.keys().next().value!);
      for (const listener of [...(listeners.get(event.key) ?? [])]) listener(event);
      return event;
    },
    async subscribe(key, listener) {
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      // Wrapped, so subscribing the same function twice gives two independent subscriptions.
      const entry = (event: JobEvent) => listener(event);
      set.add(entry);
      return async () => {
        set.delete(entry);
        if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
      };
    },
    async replay(key, lastEventId) {
      return eventsAfter(history.get(key) ?? [], lastEventId);
    },
    async close() {
      listeners.clear();
      history.clear();
    },
  };
}
