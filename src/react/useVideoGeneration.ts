'use client';

import { QueryObserver, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { jobKey, type JobRef, type JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus, type JobStatus } from '../core/jobStatus';
import { VideoJobError, toVideoJobError } from '../core/videoJobError';
import { cancelJob } from './cancelJob';
import { jobQueryOptions } from './jobQueryOptions';
import type { GenerateOptions, UseVideoGenerationOptions, UseVideoGenerationResult } from './types';
import { useFollowJob, useIsomorphicLayoutEffect } from './useFollowJob';
import { useJobWaiters } from './useJobWaiters';
import { usePersistedJob } from './usePersistedJob';
import { terminalEvent, useTerminalCallbacks } from './useTerminalCallbacks';
import { useVideoJobsContext } from './VideoJobsProvider';
import { videoJobKeys } from './videoJobKeys';
import { toVideoJobState, withTrackedElapsed } from './videoJobState';

/** One generation: a submit in flight, then a job followed. A new token per `generate`/`resume`/`reset`. */
interface Attempt {
  /** `cancel()` calls that came while the submit was in flight: cancel the job as soon as it has an id. */
  cancelOnArrival?: Array<(final: JobSnapshot | undefined) => void>;
}

interface Session {
  attempt: Attempt | undefined;
  ref?: JobRef;
  submitting: boolean;
  cancelling?: boolean;
  /** Local submit time, for `elapsedMs` before the provider reports one. */
  startedAt?: number;
  /** The submit or the cancel failed. */
  error?: VideoJobError;
  /** The status stored before a reload, shown until the first answer. */
  restoredStatus?: JobStatus;
}

const IDLE: Session = { attempt: undefined, submitting: false };

/**
 * Submits a video job and follows it to the end: a flat result with the status, progress, video URL and
 * actions. Submits only happen in `generate`/`generateAsync` (never in an effect, so StrictMode cannot
 * double them), and a second `generate` while a job is under way is ignored unless `{ replace: true }`.
 *
 * @example
 * const { generate, status, progress, videoUrl, cancel } = useVideoGeneration({ provider: 'fal', model: 'fal-ai/veo3' });
 * <button onClick={() => generate({ prompt: 'a red fox in snow' })}>Generate</button>
 */
export function useVideoGeneration<Input extends Record<string, unknown> = Record<string, unknown>>(
  options: UseVideoGenerationOptions,
): UseVideoGenerationResult<Input> {
  const { provider, model } = options;
  const context = useVideoJobsContext('useVideoGeneration');
  const { client, store } = context;
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session>(IDLE);
  const sessionRef = useRef<Session>(IDLE);
  const waiters = useJobWaiters(store);

  const update = useCallback((next: Session) => {
    sessionRef.current = next;
    setSession(next);
  }, []);
  const updateIfCurrent = useCallback(
    (attempt: Attempt, patch: Partial<Session>) => {
      if (sessionRef.current.attempt === attempt) update({ ...sessionRef.current, ...patch });
    },
    [update],
  );

  const follow = useFollowJob(client, store, session.ref, { ...options, startedAt: session.startedAt });
  const { job, timeoutError, restart } = follow;

  // The job is polled from the moment it has a ref, not from the render that follows. React renders state set
  // after an await later (inside a test's `await act(async () => ...)`, only once the act ends), and until then
  // the query above still follows the old ref: one long fake-timer jump would end with the job at its first
  // answer. A bare observer on the job's query bridges that gap, and stops once this hook's own observer has the
  // job (its effects run after useQuery's). Same query, same schedule: no extra request.
  const polling = useRef(options.polling);
  useIsomorphicLayoutEffect(() => {
    polling.current = options.polling;
  });
  const bridge = useRef<{ key: string; stop: () => void } | undefined>(undefined);
  const stopBridge = useCallback(() => {
    bridge.current?.stop();
    bridge.current = undefined;
  }, []);
  const bridgeTo = useCallback(
    (ref: JobRef) => {
      stopBridge();
      const observer = new QueryObserver(queryClient, jobQueryOptions(client, ref, { polling: polling.current }));
      bridge.current = { key: jobKey(ref), stop: observer.subscribe(() => undefined) };
    },
    [queryClient, client, stopBridge],
  );
  const followedKey = session.ref ? jobKey(session.ref) : undefined;
  useEffect(() => {
    if (bridge.current?.key === followedKey) stopBridge();
  });
  useEffect(() => stopBridge, [stopBridge]);

  const persisted = usePersistedJob(
    options.persist,
    provider,
    model,
    context.storage,
    { ref: session.ref, job },
    (ref, finished, record) => {
      // A generate or resume that came first wins over what was stored.
      if (sessionRef.current.ref || sessionRef.current.submitting) return;
      // The page that stored an outcome has seen it: no callback fires for it again.
      if (isTerminalStatus(record.status)) store.claim(terminalEvent(record));
      if (finished) {
        store.claimSnapshot(finished);
        if (!queryClient.getQueryData(videoJobKeys.job(ref))) queryClient.setQueryData(videoJobKeys.job(ref), finished);
      }
      store.track(ref, finished);
      update({
        attempt: {},
        ref,
        submitting: false,
        restoredStatus: isTerminalStatus(record.status) ? undefined : record.status,
      });
    },
  );

  const timedOut = useRef(false);
  useIsomorphicLayoutEffect(() => {
    timedOut.current = timeoutError !== undefined;
    if (timeoutError && session.ref) waiters.reject(() => timeoutError, jobKey(session.ref));
  }, [timeoutError, session.ref, waiters]);

  const isBusy = useCallback(
    (current: Session): boolean => {
      if (current.submitting) return true;
      if (!current.ref || timedOut.current) return false;
      const cached = queryClient.getQueryData<JobSnapshot>(videoJobKeys.job(current.ref));
      return !cached || !isTerminalStatus(cached.status);
    },
    [queryClient],
  );

  const cancelRef = useCallback(
    async (attempt: Attempt, ref: JobRef): Promise<JobSnapshot | undefined> => {
      updateIfCurrent(attempt, { cancelling: true });
      try {
        const final = await cancelJob(queryClient, client, store, ref);
        updateIfCurrent(attempt, { cancelling: false });
        return final;
      } catch (error) {
        updateIfCurrent(attempt, {
          cancelling: false,
          error: toVideoJobError(error, { provider: ref.provider, jobId: ref.id }),
        });
        return undefined;
      }
    },
    [queryClient, client, store, updateIfCurrent],
  );

  /** Cancels whatever the current session runs: the job, or the job its submit is about to return. */
  const cancelCurrent = useCallback((): Promise<JobSnapshot | undefined> => {
    const current = sessionRef.current;
    const attempt = current.attempt;
    if (!attempt) return Promise.resolve(undefined);
    if (current.submitting) {
      update({ ...current, cancelling: true });
      return new Promise((resolve) => {
        (attempt.cancelOnArrival ??= []).push(resolve);
      });
    }
    if (!current.ref) return Promise.resolve(undefined);
    const cached = queryClient.getQueryData<JobSnapshot>(videoJobKeys.job(current.ref));
    if (cached && isTerminalStatus(cached.status)) return Promise.resolve(cached);
    return cancelRef(attempt, current.ref);
  }, [queryClient, cancelRef, update]);

  const generateAsync = useCallback(
    async (input: Input, generateOptions: GenerateOptions = {}): Promise<JobSnapshot> => {
      const current = sessionRef.current;
      if (isBusy(current)) {
        if (!generateOptions.replace) throw busyError(current, provider);
        void cancelCurrent();
      }
      const attempt: Attempt = {};
      update({ attempt, submitting: true, startedAt: Date.now() });
      restart();
      let first: JobSnapshot;
      try {
        first = await client.submit({
          provider,
          model,
          input,
          webhookUrl: generateOptions.webhookUrl,
          idempotencyKey: generateOptions.idempotencyKey,
        });
      } catch (caught) {
        const error = toVideoJobError(caught, { provider });
        updateIfCurrent(attempt, { submitting: false, cancelling: false, error });
        attempt.cancelOnArrival?.forEach((resolve) => resolve(undefined));
        throw error;
      }
      const ref = first.ref;
      // A paid job is never lost: it is in the cache and in `useVideoJobs` even if this hook moved on.
      queryClient.setQueryData(videoJobKeys.job(ref), first);
      store.track(ref, first);
      if (sessionRef.current.attempt === attempt) bridgeTo(ref);
      updateIfCurrent(attempt, { ref, submitting: false });
      if (attempt.cancelOnArrival) {
        const final = await cancelRef(attempt, ref);
        attempt.cancelOnArrival.forEach((resolve) => resolve(final));
        if (final) return final;
      }
      if (sessionRef.current.attempt !== attempt) throw movedOn(ref);
      return waiters.wait(ref);
    },
    [
      client,
      provider,
      model,
      queryClient,
      store,
      isBusy,
      cancelCurrent,
      cancelRef,
      update,
      updateIfCurrent,
      restart,
      waiters,
      bridgeTo,
    ],
  );

  const generate = useCallback(
    (input: Input, generateOptions?: GenerateOptions) => {
      // Errors are in `error`; a `generate` ignored while busy is the no-double-submit guarantee at work.
      generateAsync(input, generateOptions).catch(() => undefined);
    },
    [generateAsync],
  );

  const resume = useCallback(
    (ref: JobRef) => {
      waiters.reject(movedOn, undefined, jobKey(ref));
      store.track(ref);
      bridgeTo(ref);
      update({ attempt: {}, ref, submitting: false });
      restart();
    },
    [store, update, restart, waiters, bridgeTo],
  );

  const reset = useCallback(() => {
    waiters.reject(movedOn);
    persisted.clear();
    stopBridge();
    update(IDLE);
  }, [update, waiters, persisted, stopBridge]);

  useTerminalCallbacks(store, job, options);

  const { elapsedMs, pollError, following, trackElapsed } = follow;
  const { ref, submitting, cancelling = false, error, restoredStatus } = session;
  return useMemo(
    () =>
      withTrackedElapsed(
        // The actions read refs only when called (in handlers), never while rendering.
        // eslint-disable-next-line react-hooks/refs
        {
          ...toVideoJobState({
            ref,
            job,
            submitting,
            following,
            cancelling,
            errors: [error, timeoutError, job?.error, pollError],
            elapsedMs,
            lastKnownStatus: restoredStatus,
          }),
          generate,
          generateAsync,
          cancel: cancelCurrent,
          reset,
          resume,
        },
        trackElapsed,
      ),
    [
      trackElapsed,
      ref,
      job,
      restoredStatus,
      submitting,
      following,
      cancelling,
      error,
      timeoutError,
      pollError,
      elapsedMs,
      generate,
      generateAsync,
      cancelCurrent,
      reset,
      resume,
    ],
  );
}

function busyError(current: Session, provider: string): VideoJobError {
  const ref = current.ref;
  return new VideoJobError({
    kind: 'invalid_input',
    provider: ref?.provider ?? provider,
    jobId: ref?.id,
    message: `a job is ${current.submitting ? 'being submitted' : 'still active'}, so no second one was started; pass { replace: true } to cancel it and start another`,
  });
}

function movedOn(ref: JobRef): VideoJobError {
  return new VideoJobError({
    kind: 'cancelled',
    provider: ref.provider,
    jobId: ref.id,
    message:
      'the hook stopped following this job (reset, resume or a newer generate); the job goes on, follow it again with its ref',
  });
}
