import { isStoppedLocally, jobKey, type JobRef, type JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { VideoClient } from '../core/videoClient';
import { browserHistorySync, type HistorySync } from './historySync';
import { historySignature, MAX_REMOVED, newestFinished, readHistory, toHistory } from './jobHistory';
import type { JobStorage, TrackedJob } from './types';

/** Finished jobs older than this leave the in-memory list, unless a job history keeps them (bounded by count). */
const KEEP_FINISHED_MS = 24 * 60 * 60 * 1000;

/** Where and how much of the store's finished jobs to keep across reloads and share between tabs (`keepHistory`). */
export interface JobHistoryOptions {
  /** A JSON storage (`createJSONStorage`), the one `persist` uses unless you pass another. */
  storage: JobStorage<unknown>;
  key: string;
  /** The most finished jobs kept, in storage and in memory; the oldest finished go first. */
  maxJobs: number;
  /** How tabs hear of each other's changes. Defaults to `BroadcastChannel` and the `storage` event. */
  sync?: HistorySync;
}

/**
 * What the React layer remembers per `VideoClient`, outliving any component: the jobs the app follows
 * (for `useVideoJobs`) and which callbacks have fired (so `onCompleted` fires once however many hooks,
 * re-renders, remounts and resumes see the job end). No React in here.
 */
export interface VideoJobsStore {
  remove(ref: JobRef): void;
  get(ref: JobRef): TrackedJob | undefined;
  /** Every tracked job; a new object only when something changed (for `useSyncExternalStore`). */
  list(): TrackedJobList;
  subscribe(listener: () => void): () => void;
  /** `true` the first time it is called with `event`, `false` ever after: once-only callbacks. */
  claim(event: string): boolean;
  /** `true` the first time it is called with this snapshot object. */
  claimSnapshot(job: JobSnapshot): boolean;
  /** Follows every snapshot the client reports while at least one caller is connected: the store's only feed. */
  connect(): () => void;
  /**
   * Keeps the finished jobs in `storage` until the returned release is called: reads back the ones an earlier visit or
   * another tab kept (`restored`), writes each change, and follows other tabs' changes, removals included. Finished
   * jobs are then bounded by `maxJobs` (the oldest finished go first) instead of by age. Calls with the same key share
   * one history.
   */
  keepHistory(options: JobHistoryOptions): () => void;
}

export interface TrackedJobList {
  jobs: readonly TrackedJob[];
  /** When the list last changed (epoch ms). */
  at: number;
}

/**
 * The client's slot for its store. The store lives on the client it belongs to, outliving any provider mount (a
 * remounted tree must not fire a job's callbacks again or forget its jobs) and going away with the client; this module
 * holds only the key, no job state.
 */
const STORE_SLOT = Symbol('react-video-jobs store');

type ClientWithStore = VideoClient & { [STORE_SLOT]?: VideoJobsStore };

/**
 * The store of a client, made on first use and kept on the client. `undefined` for a client that cannot carry it
 * (frozen or sealed): the caller then keeps a store of its own.
 */
export function getVideoJobsStore(client: VideoClient): VideoJobsStore | undefined {
  const holder = client as ClientWithStore;
  const held = holder[STORE_SLOT];
  if (held) return held;
  if (!Object.isExtensible(client)) return undefined;
  const store = createVideoJobsStore(client);
  Object.defineProperty(client, STORE_SLOT, { value: store, enumerable: false });
  return store;
}

/** A store not kept anywhere: for a client that cannot carry one (see `getVideoJobsStore`). */
export function createVideoJobsStore(client: VideoClient): VideoJobsStore {
  const jobs = new Map<string, TrackedJob>();
  const listeners = new Set<() => void>();
  const claimed = new Set<string>();
  const reported = new WeakSet<JobSnapshot>();
  // Jobs removed from the list, oldest first: a later snapshot (or another tab's history) does not bring one back.
  const removed = new Set<string>();
  const histories = new Map<string, History>();
  let snapshot: TrackedJobList = { jobs: [], at: 0 };
  let connections = 0;
  let disconnect: (() => void) | undefined;

  function changed(): void {
    const now = Date.now();
    if (histories.size === 0) {
      for (const [key, entry] of jobs) {
        if (entry.finishedAt !== undefined && now - entry.finishedAt > KEEP_FINISHED_MS) jobs.delete(key);
      }
    } else {
      const maxJobs = Math.max(...[...histories.values()].map((history) => history.options.maxJobs));
      const kept = new Set(newestFinished(jobs.values(), maxJobs).map((entry) => entry.key));
      for (const [key, entry] of jobs) if (entry.finishedAt !== undefined && !kept.has(key)) jobs.delete(key);
    }
    snapshot = { jobs: [...jobs.values()], at: now };
    for (const history of histories.values()) history.save();
    for (const listener of [...listeners]) listener();
  }

  function track(job: JobSnapshot): void {
    const { ref } = job;
    const key = jobKey(ref);
    if (removed.has(key)) return;
    const entry = jobs.get(key);
    if (entry?.job === job) return;
    // A terminal snapshot never changes back (a poll in flight during a cancel may answer late), unless the client
    // followed again a job it had only stopped following (`checkAgain`).
    const reopened = entry?.job !== undefined && isStoppedLocally(entry.job) && !isTerminalStatus(job.status);
    if (entry?.job && isTerminalStatus(entry.job.status) && !isTerminalStatus(job.status) && !reopened) return;
    const next: TrackedJob = { key, ref: entry?.ref ?? ref, job, since: entry?.since ?? Date.now() };
    if (entry?.finishedAt !== undefined && !reopened) next.finishedAt = entry.finishedAt;
    else if (isTerminalStatus(job.status)) next.finishedAt = job.completedAt ?? job.updatedAt;
    jobs.set(key, next);
    changed();
  }

  function forget(key: string): boolean {
    removed.delete(key);
    removed.add(key);
    if (removed.size > MAX_REMOVED) removed.delete(removed.values().next().value!);
    return jobs.delete(key);
  }

  /** Takes in a history read from storage; `true` when the list changed. */
  function merge(stored: ReturnType<typeof readHistory>): boolean {
    let touched = false;
    for (const key of stored.removed) {
      if (removed.has(key)) continue;
      forget(key);
      touched = true;
    }
    for (const record of stored.jobs) {
      if (removed.has(record.key)) continue;
      const entry = jobs.get(record.key);
      if (!entry) {
        jobs.set(record.key, record);
        touched = true;
      } else if (entry.finishedAt !== undefined && record.finishedAt! < entry.finishedAt) {
        // Tabs that saw one job end at different moments agree on the earliest, so they keep the same newest ones.
        jobs.set(record.key, { ...entry, finishedAt: record.finishedAt });
        touched = true;
      }
    }
    return touched;
  }

  interface History {
    options: JobHistoryOptions;
    users: number;
    save(): void;
    close(): void;
  }

  function openHistory(options: JobHistoryOptions): History {
    const { storage, key, maxJobs } = options;
    // What storage holds as far as this store knows (read or written last); `undefined` until first read.
    let stored: string | undefined;
    let closed = false;
    const read = () => {
      let value: unknown;
      try {
        value = storage.getItem(key);
      } catch {
        value = null;
      }
      void Promise.resolve(value).then(
        (text) => {
          if (closed) return;
          const found = readHistory(text);
          stored = historySignature(toHistory(found.jobs, found.removed, maxJobs));
          // Whatever this store knows that storage does not (a job that ended here meanwhile) is written back.
          if (merge(found)) changed();
          else history.save();
        },
        () => undefined,
      );
    };
    const sync = (options.sync ?? browserHistorySync).connect(key, read);
    const history: History = {
      options,
      users: 0,
      save() {
        if (stored === undefined || closed) return;
        const file = toHistory(jobs.values(), removed, maxJobs);
        const signature = historySignature(file);
        if (signature === stored) return;
        stored = signature;
        try {
          storage.setItem(key, file);
        } catch {
          // A hand-written storage that throws: the history is not kept, the list goes on.
        }
        sync.notify();
      },
      close() {
        closed = true;
        sync.close();
      },
    };
    read();
    return history;
  }

  return {
    remove(ref) {
      if (forget(jobKey(ref)) || histories.size > 0) changed();
    },
    get: (ref) => jobs.get(jobKey(ref)),
    list: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    claim(event) {
      if (claimed.has(event)) return false;
      claimed.add(event);
      return true;
    },
    claimSnapshot(job) {
      if (reported.has(job)) return false;
      reported.add(job);
      return true;
    },
    connect() {
      if (connections++ === 0) disconnect = client.subscribe(track);
      let connected = true;
      return () => {
        if (!connected) return;
        connected = false;
        if (--connections === 0) {
          disconnect?.();
          disconnect = undefined;
        }
      };
    },
    keepHistory(options) {
      const history = histories.get(options.key) ?? openHistory(options);
      histories.set(options.key, history);
      history.users++;
      let kept = true;
      return () => {
        if (!kept) return;
        kept = false;
        if (--history.users > 0) return;
        history.close();
        histories.delete(options.key);
      };
    },
  };
}
