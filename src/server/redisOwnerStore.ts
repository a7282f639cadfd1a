import type { OwnerStore } from './ownerStore';

/** The commands the owner store sends on a node-redis (v4+) client. */
export interface RedisOwnerClientLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<unknown>;
}

export interface RedisOwnerStoreOptions {
  /** A connected client. */
  client: RedisOwnerClientLike;
  /** Prefix of every key. Defaults to `'rvj:'`. */
  prefix?: string;
  /** How long an owner is remembered. Defaults to `2592000000` ms (30 days, past any job's signed URLs). */
  ttlMs?: number;
}

/**
 * An `OwnerStore` over Redis, shared by every instance of the app: a job created through one instance is owned on
 * all of them. The first owner is kept (`SET NX`), so a later answer naming the same job id never reassigns it.
 */
export function createRedisOwnerStore(options: RedisOwnerStoreOptions): OwnerStore {
  const prefix = options.prefix ?? 'rvj:';
  const ttlMs = options.ttlMs ?? 30 * 24 * 60 * 60 * 1000;
  const keyOf = (jobKey: string) => `${prefix}owner:${jobKey}`;
  return {
    async get(jobKey) {
      return (await options.client.get(keyOf(jobKey))) ?? undefined;
    },
    async set(jobKey, ownerId) {
      await options.client.set(keyOf(jobKey), ownerId, { NX: true, PX: ttlMs });
    },
  };
}
