'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState, useSyncExternalStore } from 'react';
import { GenerationObserver, type GenerateOptions, type GenerationObserverOptions } from '../core/generationObserver';
import { jobKey, type JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import { queryJobSource } from './queryJobSource';
import type { UseVideoGenerationOptions, UseVideoGenerationResult } from './types';
import { usePersistedJob } from './usePersistedJob';
import { useVideoJobsContext } from './VideoJobsProvider';

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
  const context = useVideoJobsContext('useVideoGeneration');
  const { client, store } = context;
  const queryClient = useQueryClient();
  const [source] = useState(() => queryJobSource(queryClient, client));
  const observerOptions: GenerationObserverOptions = { ...options, source, ...onceAppWide(store, options) };
  const [observer] = useState(() => new GenerationObserver<Input>(client, observerOptions));
  // Set while rendering, without notifying: the result below is already the one for these options.
  observer.setOptions(observerOptions, false);
  const subscribe = useCallback((onChange: () => void) => observer.subscribe(onChange), [observer]);
  const result = useSyncExternalStore(subscribe, observer.getSnapshot, observer.getSnapshot);

  const persisted = usePersistedJob(
    options.persist,
    options.provider,
    options.model,
    context.storage,
    { ref: result.ref, job: result.job },
    (ref, finished, record) => {
      // The page that stored an outcome has seen it: no callback fires for it again.
      if (isTerminalStatus(record.status)) store.claim(`${jobKey(ref)}|${record.status}`);
      if (finished) store.claimSnapshot(finished);
      observer.restore(ref, finished, isTerminalStatus(record.status) ? undefined : record.status);
    },
  );
  // Errors are in `error`; a `generate` ignored while busy is the no-double-submit guarantee at work.
  const generate = useCallback(
    (input: Input, generateOptions?: GenerateOptions) =>
      void observer.generate(input, generateOptions).catch(() => undefined),
    [observer],
  );
  const { clear } = persisted;
  const reset = useCallback(() => {
    clear();
    observer.reset();
  }, [clear, observer]);
  // A copy that keeps `elapsedMs` a getter, so the tick runs only for components that read it.
  return useMemo(
    () => Object.defineProperties({ generate, reset, generateAsync: result.generate }, withoutActions(result)),
    [result, generate, reset],
  ) as UseVideoGenerationResult<Input>;
}

/** `onUpdate` and the end callbacks fire once per snapshot and outcome app-wide (claims in the provider's store). */
function onceAppWide(
  store: ReturnType<typeof useVideoJobsContext>['store'],
  { onUpdate, onCompleted, onFailed, onCancelled }: UseVideoGenerationOptions,
): Partial<GenerationObserverOptions> {
  const ended = (job: JobSnapshot) => store.claim(`${jobKey(job.ref)}|${job.status}`);
  return {
    onUpdate: onUpdate && ((job) => store.claimSnapshot(job) && onUpdate(job)),
    onCompleted: onCompleted && ((job) => ended(job) && onCompleted(job)),
    onFailed: onFailed && ((job, error) => ended(job) && onFailed(job, error)),
    onCancelled: onCancelled && ((job) => ended(job) && onCancelled(job)),
  };
}

function withoutActions(result: object): PropertyDescriptorMap {
  const descriptors = Object.getOwnPropertyDescriptors(result);
  delete descriptors.generate;
  delete descriptors.reset;
  return descriptors;
}
