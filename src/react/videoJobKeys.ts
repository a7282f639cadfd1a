import type { JobRef } from '../core/jobSnapshot';

const ALL = ['react-video-jobs'] as const;

/**
 * Query keys for job queries, for composing your own queries, prefetching and invalidating:
 * `queryClient.invalidateQueries({ queryKey: videoJobKeys.all })` touches every job. A job's key holds its
 * provider and id only, so every component following a job shares one query (one request per poll).
 */
export const videoJobKeys = {
  /** Every key this library makes. */
  all: ALL,
  /** Every job query. */
  jobs: () => [...ALL, 'job'] as const,
  /** One job's status query. */
  job: (ref: Pick<JobRef, 'provider' | 'id'>) => [...ALL, 'job', ref.provider, ref.id] as const,
};

export type VideoJobQueryKey = ReturnType<typeof videoJobKeys.job>;
