'use client';

import { focusManager, QueryObserver, type QueryClient } from '@tanstack/react-query';
import type { JobFeed, JobSource } from '../core/jobObserver';
import type { JobRef, JobSnapshot } from '../core/jobSnapshot';
import type { PollingOptions } from '../core/schedule';
import type { VideoClient } from '../core/videoClient';
import { cancelJob } from './cancelJob';
import { jobQueryOptions } from './jobQueryOptions';
import { videoJobKeys } from './videoJobKeys';

/**
 * Follows jobs through the React Query cache: one query per job, so every component (and every `useQuery` of
 * `jobQueryOptions`) following a job shares one request per poll, and focus/online handling is React Query's. The
 * query's data is the client's snapshot (`getStatus`; the provider's `useSnapshotSync` writes the rest).
 */
export function queryJobSource(queryClient: QueryClient, client: VideoClient): JobSource {
  const optionsFor = (ref: JobRef, polling: PollingOptions | undefined, initial: JobSnapshot | undefined) => {
    const options = jobQueryOptions(client, ref, { polling });
    if (!initial) return options;
    return {
      ...options,
      initialData: () => client.getSnapshot(ref) ?? initial,
      initialDataUpdatedAt: () => (client.getSnapshot(ref) ?? initial).updatedAt,
    };
  };
  return {
    cancel: (ref) => cancelJob(queryClient, client, ref),
    // Back to the query's initial state (the client forgot the job too), so the terminal lock lets the answer in.
    forget: (ref) => void queryClient.resetQueries({ queryKey: videoJobKeys.job(ref), exact: true }),
    peek(ref, initial): JobFeed {
      const state = queryClient.getQueryState<JobSnapshot, JobFeed['error'] & Error>(videoJobKeys.job(ref));
      return { job: state?.data ?? client.getSnapshot(ref) ?? initial, error: state?.error ?? undefined };
    },
    follow(ref, { polling, initial, onChange }) {
      const observer = new QueryObserver(queryClient, optionsFor(ref, polling, initial));
      const read = (): JobFeed => {
        const { data, error } = observer.getCurrentResult();
        return { job: data, error: error ?? undefined };
      };
      let feed = read();
      const offResult = observer.subscribe(() => {
        const next = read();
        if (next.job === feed.job && next.error === feed.error) return;
        feed = next;
        onChange();
      });
      feed = read();
      // The page was shown or hidden: the interval is worked out again at the new pace.
      const offFocus = focusManager.subscribe(() => observer.setOptions(optionsFor(ref, polling, initial)));
      return {
        current: () => feed,
        refetch: () => observer.refetch().then((result) => result.data),
        stop() {
          offFocus();
          offResult();
        },
      };
    },
  };
}
