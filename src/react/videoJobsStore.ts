import { isStoppedLocally, jobKey, type JobRef, type JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { VideoClient } from '../core/videoClient';
import type { HistorySync } from './historySync';
import type { JobStorage, TrackedJob } from './types';

/** Finished jobs older than this leave the in-memory list, unless a job history keeps them (bounded by count). */
const KEEP_FINISHED_MS = 24 * 60 * 60 * 1000;
/** Removed keys remembered, in memory and in a history: enough to outlast any job a tab may still report. */
export const MAX_REMOVED = 200;

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

/** @internal What a job history (`jobHistory.ts`, loaded with the first `keepHistory`) works on. */
export interface HistoryHost {
  readonly jobs: Map<string, TrackedJob>;
  /** Keys of removed jobs, oldest first. */
  readonly removed: ReadonlySet<string>;
  /** Takes a job out for good (see `remove`); `true` when it was listed. */
  forget(key: string): boolean;
  /** After a change to `jobs`: bounds them, writes every history, tells the listeners. */
  changed(): void;
}

/** A history as the store holds it: its code arrives with `import()`, so apps that keep none never ship it. */
interface KeptHistory {
  options: JobHistoryOptions;
  users: number;
  closed: boolean;
  open?: { save(): void; close(): void };
}

/** The finished jobs among `entries`, newest first (the same order in every tab), at most `maxJobs`. */
export function newestFinished(entries: Iterable<TrackedJob>, maxJobs: number): TrackedJob[] {
  return [...entries]
    .filter((entry) => entry.finishedAt !== undefined && entry.job && isTerminalStatus(entry.job.status))
    .sort((a, b) => b.finishedAt! - a.finishedAt! || (a.key < b.key ? -1 : 1))
    .slice(0, maxJobs);
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
  const histories = new Map<string, KeptHistory>();
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
    for (const history of histories.values()) history.open?.save();
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

  const host: HistoryHost = { jobs, removed, forget, changed };

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
      let history = histories.get(options.key);
      if (!history) {
        const created: KeptHistory = { options, users: 0, closed: false };
        history = created;
        histories.set(options.key, created);
        void import('./jobHistory').then(
          ({ openJobHistory }) => {
            if (!created.closed) created.open = openJobHistory(host, options);
          },
          // The code could not be loaded (offline, a deploy replaced the chunk): the list goes on without a history.
          () => undefined,
        );
      }
      const kept = history;
      kept.users++;
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        if (--kept.users > 0) return;
        kept.closed = true;
        kept.open?.close();
        histories.delete(options.key);
      };
    },
  };
}
