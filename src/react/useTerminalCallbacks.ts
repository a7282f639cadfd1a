'use client';

import { useEffect, useRef } from 'react';
import { jobKey, type JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import { VideoJobError } from '../core/videoJobError';
import type { UseVideoGenerationOptions } from './types';
import { useIsomorphicLayoutEffect } from './useFollowJob';
import type { VideoJobsStore } from './videoJobsStore';

type TerminalCallbacks = Pick<UseVideoGenerationOptions, 'onCompleted' | 'onFailed' | 'onCancelled'>;

/**
 * Fires `onCompleted` / `onFailed` / `onCancelled` when the job ends: once per job and outcome, app-wide,
 * however many hooks, re-renders, remounts and resumes see it end (the claim lives in the client's store).
 */
export function useTerminalCallbacks(store: VideoJobsStore, job: JobSnapshot | undefined, options: TerminalCallbacks) {
  const callbacks = useRef(options);
  useIsomorphicLayoutEffect(() => {
    callbacks.current = options;
  });
  useEffect(() => {
    if (!job || !isTerminalStatus(job.status)) return;
    const { onCompleted, onFailed, onCancelled } = callbacks.current;
    const fire =
      job.status === 'completed'
        ? onCompleted && (() => onCompleted(job))
        : job.status === 'failed'
          ? onFailed && (() => onFailed(job, job.error ?? failedWithoutReason(job)))
          : onCancelled && (() => onCancelled(job));
    if (fire && store.claim(terminalEvent(job))) fire();
  }, [job, store]);
}

/** The once-only event of a job ending with its status. */
export function terminalEvent(job: Pick<JobSnapshot, 'ref' | 'status'>): string {
  return `${jobKey(job.ref)}|${job.status}`;
}

function failedWithoutReason(job: JobSnapshot): VideoJobError {
  return new VideoJobError({
    kind: 'provider_failed',
    provider: job.provider,
    jobId: job.id,
    message: 'the provider reported the job failed without a reason',
  });
}
