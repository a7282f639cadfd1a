import type { DeliveryDedupe } from './deliveryDedupe';

/** The commands the de-dupe sends on a node-redis (v4+) client. */
export interface RedisDedupeClientLike {
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

export interface RedisDedupeOptions {
  /** A connected client. */
  client: RedisDedupeClientLike;
  /** Prefix of every key. Defaults to `'rvj:'`. */
  prefix?: string;
  /** How long a delivery id is remembered. Defaults to `86400000` (24 h; providers retry for hours). */
  ttlMs?: number;
}

/**
 * A `DeliveryDedupe` over Redis, shared by every instance: a webhook delivered to one instance and redelivered to
 * another is handled once. A claim is `SET NX PX` (atomic across instances); a failed delivery gives it back with
 * `DEL`, so the provider's retry is handled for real. When Redis cannot be reached the claim throws, the webhook
 * answers 5xx and the provider retries later.
 */
export function createRedisDedupe(options: RedisDedupeOptions): DeliveryDedupe {
  const prefix = options.prefix ?? 'rvj:';
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const keyOf = (deliveryId: string) => `${prefix}delivery:${deliveryId}`;
  return {
    async claim(deliveryId) {
      return (await options.client.set(keyOf(deliveryId), '1', { NX: true, PX: ttlMs })) === 'OK';
    },
    async release(deliveryId) {
      await options.client.del(keyOf(deliveryId));
    },
  };
}
