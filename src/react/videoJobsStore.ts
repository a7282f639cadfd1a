import { isStoppedLocally, jobKey, type JobRef, type JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { VideoClient } from '../core/videoClient';
import type { TrackedJob } from './types';

/** Finished jobs older than this leave the in-memory list (the persisted records have their own limit). */
const KEEP_FINISHED_MS = 24 * 60 * 60 * 1000;

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
  let snapshot: TrackedJobList = { jobs: [], at: 0 };
  let connections = 0;
  let disconnect: (() => void) | undefined;

  function changed(): void {
    const now = Date.now();
    for (const [key, entry] of jobs) {
      if (entry.finishedAt !== undefined && now - entry.finishedAt > KEEP_FINISHED_MS) jobs.delete(key);
    }
    snapshot = { jobs: [...jobs.values()], at: now };
    for (const listener of [...listeners]) listener();
  }

  function track(job: JobSnapshot): void {
    const { ref } = job;
    const key = jobKey(ref);
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

  return {
    remove(ref) {
      if (jobs.delete(jobKey(ref))) changed();
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
  };
}
