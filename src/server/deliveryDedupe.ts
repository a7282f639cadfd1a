/**
 * Remembers which webhook deliveries were handled, so a provider's redelivery is acknowledged without running the
 * app's handler twice. A claim is given back when handling fails, so the provider's retry is handled for real.
 * Implement it over Redis (`SET key 1 NX PX ttl` / `DEL key`) when several instances receive webhooks.
 */
export interface DeliveryDedupe {
  /** `true` when this delivery id is new (and is now claimed); `false` when it was handled or is in hand. */
  claim(deliveryId: string): boolean | Promise<boolean>;
  /** Gives a claim back after a failure. */
  release(deliveryId: string): void | Promise<void>;
}

export interface MemoryDedupeOptions {
  /** How long a delivery id is remembered. Defaults to `86400000` (24 h; providers retry for hours). */
  ttlMs?: number;
  /** The most ids remembered; the oldest are forgotten first. Defaults to `100000`. */
  maxEntries?: number;
  /** Defaults to `Date.now`. */
  now?: () => number;
}

/** An in-memory `DeliveryDedupe` for one process. */
export function createMemoryDedupe(options: MemoryDedupeOptions = {}): DeliveryDedupe {
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();
  return {
    claim(deliveryId) {
      const at = now();
      const previous = seen.get(deliveryId);
      if (previous !== undefined && at - previous < ttlMs) return false;
      seen.delete(deliveryId);
      seen.set(deliveryId, at);
      // Insertion order is age order: drop expired and surplus ids from the front.
      for (const [id, claimedAt] of seen) {
        if (seen.size <= maxEntries && at - claimedAt < ttlMs) break;
        seen.delete(id);
      }
      return true;
    },
    release(deliveryId) {
      seen.delete(deliveryId);
    },
  };
}
