import type { JobStorage, PersistedJob, StateStorage } from './types';

/**
 * Wraps a string storage (`localStorage`, `sessionStorage`, an async store) into the JSON storage
 * `persist` uses, like zustand's `createJSONStorage`. Returns `undefined` instead of throwing where there is
 * no storage (server render, storage disabled), and the storage it returns never throws either: a full
 * quota, a private-mode refusal or a corrupt value only mean nothing is stored or restored.
 *
 * @example createJSONStorage(() => sessionStorage)
 */
export function createJSONStorage<Value = PersistedJob>(getStorage: () => StateStorage): JobStorage<Value> | undefined {
  let storage: StateStorage;
  try {
    storage = getStorage();
    if (!storage) return undefined;
  } catch {
    return undefined;
  }
  const parse = (text: string | null): Value | null => {
    if (text === null) return null;
    try {
      // The caller checks what it reads back (`readPersistedJob`): a hand edit or an older format may sit in the slot.
      return JSON.parse(text) as Value;
    } catch {
      return null;
    }
  };
  return {
    getItem(name) {
      try {
        const text = storage.getItem(name);
        return text instanceof Promise ? text.then(parse, () => null) : parse(text);
      } catch {
        return null;
      }
    },
    setItem(name, value) {
      try {
        void Promise.resolve(storage.setItem(name, JSON.stringify(value))).catch(ignore);
      } catch {
        // Quota exceeded or storage refused: the job goes on, it just will not survive a reload.
      }
    },
    removeItem(name) {
      try {
        void Promise.resolve(storage.removeItem(name)).catch(ignore);
      } catch {
        // As above: failing to forget a record is harmless, it expires on the next read.
      }
    },
  };
}

function ignore(): void {}

/** The default storage: `localStorage`, looked up only when first needed (never during a server render). */
export function defaultJobStorage(): JobStorage | undefined {
  return createJSONStorage(() => window.localStorage);
}
