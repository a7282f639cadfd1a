import { focusManager, queryOptions, type Query } from '@tanstack/react-query';
import type { JobRef, JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { PollingOptions } from '../core/schedule';
import type { VideoClient } from '../core/videoClient';
import type { VideoJobError } from '../core/videoJobError';
import { videoJobKeys, type VideoJobQueryKey } from './videoJobKeys';

export interface JobQueryOptionsInit {
  /** Overrides the client's poll schedule for this job. Defaults to the client's `polling`. */
  polling?: PollingOptions;
}

type JobQuery = Query<JobSnapshot, VideoJobError, JobSnapshot, VideoJobQueryKey>;

/**
 * Whether a failed poll ends the polling: the same rule as the core's `watch`. A non-retryable error says asking
 * again cannot help (the key is refused, the job is gone, the answer has a shape the adapter does not know);
 * transient ones (network, timeouts, 5xx, malformed bodies, 429) leave the query in error while polling goes on
 * at the schedule's backoff (`retry` is off: the schedule, not React Query, decides when to ask again). A
 * `cancelled` error is a request this side aborted, not an answer about the job.
 */
function endsPolling(error: VideoJobError): boolean {
  return error.retryable === false && error.kind !== 'cancelled';
}

/**
 * The next poll of a query, worked out once per answer. The core's `nextPollDelay` counts from "now" and
 * draws fresh jitter on every call, while React Query asks for the interval on every render of every
 * observer; remembering the plan per answer keeps all observers of a job on one absolute instant, so
 * components mounted at different times still share one request per poll.
 */
interface PollPlan {
  /** The answer the plan was made for (`dataUpdatedAt` / `errorUpdatedAt`). */
  stamp: number;
  hidden: boolean;
  /** The job's push stream was healthy (`createVideoClient({ events })`): the schedule waits for it. */
  pushed: boolean;
  /** Epoch ms of the next poll, or `false` when the schedule says stop. */
  due: number | false;
}

/** Where a query keeps its plan: on the query itself, so it goes when the query is garbage-collected. */
const PLAN = Symbol('react-video-jobs:pollPlan');
type PlannedQuery = JobQuery & { [PLAN]?: PollPlan };

function planFor(client: VideoClient, ref: JobRef, query: JobQuery, polling: PollingOptions | undefined): PollPlan {
  const stamp = Math.max(query.state.dataUpdatedAt, query.state.errorUpdatedAt);
  const hidden = !focusManager.isFocused();
  const pushed = client.push?.isHealthy(ref) ?? false;
  const known = (query as PlannedQuery)[PLAN];
  if (known && known.stamp === stamp && known.hidden === hidden && known.pushed === pushed) return known;
  const delay = client.nextPollDelay(ref, { polling, hidden });
  const plan: PollPlan = {
    stamp,
    hidden,
    pushed,
    due: delay === false || !Number.isFinite(delay) ? false : Date.now() + delay,
  };
  (query as PlannedQuery)[PLAN] = plan;
  return plan;
}

function stopsPolling(query: JobQuery): boolean {
  const { data, error } = query.state;
  if (data && isTerminalStatus(data.status)) return true;
  return error !== null && endsPolling(error);
}

/**
 * A terminal snapshot never changes back (a poll that was in flight when `cancel()` ended the job may
 * answer `running` late); otherwise the client's own snapshot identity decides: it hands back the very same
 * object for an unchanged job, so consumers do not re-render.
 */
function keepTerminal(previous: unknown, next: unknown): unknown {
  const before = previous as JobSnapshot | undefined;
  const after = next as JobSnapshot | undefined;
  if (before?.status && after?.status && isTerminalStatus(before.status) && !isTerminalStatus(after.status)) {
    return before;
  }
  return next;
}

/**
 * Query options for one job's status, for `useQuery`, `useQueries`, `prefetchQuery` or `ensureQueryData`:
 * the query function is `client.getStatus`, and `refetchInterval` asks the client's poll schedule when to
 * poll next (slower while the page is hidden, as `focusManager` tells; `false` once the job has ended).
 * Polling goes on in background tabs, pauses while `onlineManager` says offline and resumes on reconnect.
 * Safe on the server: nothing here touches timers, storage or `window`.
 */
export function jobQueryOptions(client: VideoClient, ref: JobRef, options: JobQueryOptionsInit = {}) {
  const { polling } = options;
  return queryOptions<JobSnapshot, VideoJobError, JobSnapshot, VideoJobQueryKey>({
    queryKey: videoJobKeys.job(ref),
    queryFn: ({ signal }) => client.getStatus(ref, { signal }),
    initialData: () => client.getSnapshot(ref),
    initialDataUpdatedAt: () => client.getSnapshot(ref)?.updatedAt,
    // Fresh until the schedule's next poll is due, so a component mounting later or a focus event does
    // not add a request of its own.
    staleTime: (query) => {
      if (stopsPolling(query)) return Infinity;
      const { due } = planFor(client, ref, query, polling);
      return due === false ? Infinity : Math.max(0, due - query.state.dataUpdatedAt);
    },
    refetchInterval: (query) => {
      if (stopsPolling(query)) return false;
      const plan = planFor(client, ref, query, polling);
      if (plan.due === false) return false;
      // While a request is on its way (or paused offline) the plan is rebuilt from its answer; until then a
      // full-length interval keeps the timer quiet.
      const wait = plan.due - Date.now();
      if (query.state.fetchStatus !== 'idle') return Math.max(1000, wait);
      return Math.max(1, wait);
    },
    refetchIntervalInBackground: true,
    // The transport already retried what was safe to retry; the schedule decides when to ask again.
    retry: false,
    structuralSharing: keepTerminal,
  });
}
