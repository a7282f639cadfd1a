/**
 * Remembers which of the app's users created which job, so one user cannot read or cancel another's. Keys are
 * `provider:jobId`. Implement it over the app's database or Redis when several server instances share the
 * proxy; the in-memory default suits one process.
 */
export interface OwnerStore {
  get(jobKey: string): string | undefined | Promise<string | undefined>;
  /**
   * Records the job's owner when it has none. An owner once recorded is never replaced (a second submit answer
   * naming the same job id must not hand it to another user): implement it as an insert-if-absent (Redis `SET NX`).
   */
  set(jobKey: string, ownerId: string): void | Promise<void>;
}

export interface MemoryOwnerStoreOptions {
  /** The most jobs remembered; the oldest are forgotten first. Defaults to `100000`. */
  maxEntries?: number;
}

/** An in-memory `OwnerStore` (one process; forgotten on restart), bounded so it cannot grow without limit. */
export function createMemoryOwnerStore(options: MemoryOwnerStoreOptions = {}): OwnerStore {
  const maxEntries = options.maxEntries ?? 100_000;
  const owners = new Map<string, string>();
  return {
    get: (jobKey) => owners.get(jobKey),
    set(jobKey, ownerId) {
      if (owners.has(jobKey)) return;
      owners.set(jobKey, ownerId);
      // Maps iterate in insertion order: the first key is the oldest.
      while (owners.size > maxEntries) owners.delete(owners.keys().next().value!);
    },
  };
}
