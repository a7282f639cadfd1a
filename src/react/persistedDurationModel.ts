import {
  createDurationModel,
  type DurationModel,
  type DurationModelOptions,
  type DurationModelState,
} from '../core/durationModel';
import { defaultJobStorage } from './createJSONStorage';
import type { JobStorage, PersistedJob } from './types';

export interface PersistedDurationModelOptions extends DurationModelOptions {
  /**
   * Where the learned run times go: the storage you give `<VideoJobsProvider storage>`. Defaults to
   * `createJSONStorage(() => localStorage)`, looked up on first use (nothing is stored on the server).
   */
  storage?: JobStorage;
  /** Storage key. Defaults to `"react-video-jobs:durations"`. */
  key?: string;
}

/** The storage key of `createPersistedDurationModel` unless one is given. */
export const DEFAULT_DURATIONS_KEY = 'react-video-jobs:durations';

/**
 * A duration model that starts from the run times learned in earlier sessions and keeps what it learns: pass it to
 * `createVideoClient({ durationModel })`, so the first job of a new tab is polled on the learned schedule instead of
 * growing intervals. Storage is read on first use (never at import, never on the server) and written when a job
 * completes and when the page is hidden. Bounded like any duration model (`maxSamples` per model, `maxModels`), and
 * it never throws: a corrupt, oversized or unreadable value only means it starts cold. `priors` apply to models with
 * no learned run time yet.
 *
 * @example
 * const client = createVideoClient({
 *   providers: { fal: fal() },
 *   durationModel: createPersistedDurationModel({ priors: { 'fal:fal-ai/veo3': { median: 60_000, p90: 120_000 } } }),
 * });
 */
export function createPersistedDurationModel(options: PersistedDurationModelOptions = {}): DurationModel {
  const { storage: givenStorage, key = DEFAULT_DURATIONS_KEY, ...modelOptions } = options;
  let model = createDurationModel(undefined, modelOptions);
  let storage: JobStorage | undefined;
  let loaded = false;

  /** Reads storage once, on first use; an async storage's answer is merged in when it comes. */
  function load(): void {
    if (loaded) return;
    loaded = true;
    storage = givenStorage ?? defaultJobStorage();
    if (!storage) return;
    const store = storage;
    const value = attempt(() => store.getItem(key));
    if (value instanceof Promise) void value.then(restore, () => undefined);
    else restore(value);
    const page = typeof document === 'undefined' ? undefined : document;
    page?.addEventListener('visibilitychange', () => {
      if (page.visibilityState === 'hidden') save();
    });
  }

  function restore(value: unknown): void {
    const saved = readState(value);
    if (!saved) return;
    // Run times learned before an async storage answered are newer than the saved ones: they go last.
    const learned = model.toJSON().models;
    const merged: DurationModelState = { version: 1, models: {} };
    for (const [name, samples] of Object.entries(saved.models)) {
      if (!(name in learned)) merged.models[name] = samples;
    }
    for (const [name, samples] of Object.entries(learned)) {
      merged.models[name] = [...(Array.isArray(saved.models[name]) ? saved.models[name] : []), ...samples];
    }
    model = createDurationModel(merged, modelOptions);
  }

  function save(): void {
    const store = storage;
    if (!store) return;
    // `JobStorage` is typed for job records; `createJSONStorage` stores any JSON value.
    attempt(() => store.setItem(key, model.toJSON() as unknown as PersistedJob));
  }

  return {
    record(name, runMs) {
      load();
      model.record(name, runMs);
      save();
    },
    estimate(name) {
      load();
      return model.estimate(name);
    },
    toJSON() {
      load();
      return model.toJSON();
    },
    clear(name) {
      load();
      model.clear(name);
      save();
    },
  };
}

/** A stored value, checked: anything else in the slot reads as nothing (sample bounds are `createDurationModel`'s). */
function readState(value: unknown): DurationModelState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const state = value as Partial<DurationModelState>;
  if (state.version !== 1 || typeof state.models !== 'object' || state.models === null) return undefined;
  if (Array.isArray(state.models)) return undefined;
  return state as DurationModelState;
}

/** A hand-written storage may throw where `createJSONStorage`'s never does: that costs persistence, not the page. */
function attempt<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}
