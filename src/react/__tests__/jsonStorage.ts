import { createJSONStorage } from '../createJSONStorage';
import type { JobStorage, PersistedJob, StateStorage } from '../types';

// The storages the React tests hand to persist, the job history and the learned run times. No React here: the
// history tests run in Node.

/** A JSON storage over a Map, as `createJSONStorage(() => localStorage)` is over localStorage: `data` holds the text. */
export function memoryJSONStorage<Value = PersistedJob>(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  const strings: StateStorage = {
    getItem: (name) => data.get(name) ?? null,
    setItem: (name, value) => void data.set(name, value),
    removeItem: (name) => void data.delete(name),
  };
  const storage = createJSONStorage<Value>(() => strings)!;
  return { data, storage };
}

/** A hand-written storage that refuses everything, as a browser may (private mode, a full quota). */
export function throwingStorage<Value = PersistedJob>(): JobStorage<Value> {
  return {
    getItem: () => {
      throw new Error('SecurityError');
    },
    setItem: () => {
      throw new Error('QuotaExceededError');
    },
    removeItem: () => undefined,
  };
}
