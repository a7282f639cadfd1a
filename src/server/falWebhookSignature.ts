import { checkReplayWindow, type SignatureCheck } from './standardWebhookSignature';
import { fromBase64, fromHex, sha256, toHex, utf8 } from './webCrypto';

export interface FalJwksOptions {
  /**
   * Where fal publishes its webhook signing keys. Defaults to `https://rest.fal.ai/.well-known/jwks.json`, then the
   * older `https://rest.alpha.fal.ai/.well-known/jwks.json` when that fails.
   */
  url?: string;
  /** Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** How long fetched keys are used before fetching them again. Defaults to `86400000` (24 h). */
  cacheMs?: number;
  /**
   * A signature no cached key verifies triggers a refetch (fal rotated its keys), at most this often, so forged
   * deliveries cannot make the server hammer the JWKS endpoint. Defaults to `300000` (5 min).
   */
  refetchAfterMs?: number;
  /** How long one fetch of the key set may take. Defaults to `5000` ms. */
  timeoutMs?: number;
  /**
   * After a failed fetch, no other is tried for this long (whatever the traffic; deliveries meanwhile use the keys
   * already held, or are answered 503 so fal retries). Defaults to `30000` ms.
   */
  failureBackoffMs?: number;
}

// The key set fal's webhook page documents (https://fal.ai/docs/model-apis/model-endpoints/webhooks, read
// 2026-12-01; older pages and fal's Python client name rest.alpha.fal.ai, tried when this one fails). Pass `url` to
// use another.
export const FAL_JWKS_URL = 'https://rest.fal.ai/.well-known/jwks.json';
const FAL_LEGACY_JWKS_URL = 'https://rest.alpha.fal.ai/.well-known/jwks.json';

export interface FalKeySet {
  /** The verification keys, from the cache or freshly fetched; `refresh` asks for a refetch when allowed. */
  keys(refresh?: boolean): Promise<CryptoKey[]>;
}

interface Jwk {
  kty?: string;
  crv?: string;
  x?: string;
}

/**
 * fal's ED25519 public keys from its JWKS endpoint, cached. Fetches are single-flight with a deadline, never more
 * than one per `failureBackoffMs` after a failure, and never more than one per `refetchAfterMs` for rotation
 * checks; held keys keep serving while a refresh runs or fails.
 */
export function createFalKeySet(options: FalJwksOptions = {}, now: () => number = Date.now): FalKeySet {
  const cacheMs = options.cacheMs ?? 24 * 60 * 60 * 1000;
  const refetchAfterMs = options.refetchAfterMs ?? 5 * 60 * 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const failureBackoffMs = options.failureBackoffMs ?? 30_000;
  const urls = options.url ? [options.url] : [FAL_JWKS_URL, FAL_LEGACY_JWKS_URL];
  let cached: { keys: CryptoKey[]; at: number } | undefined;
  let inFlight: Promise<CryptoKey[]> | undefined;
  let lastAttempt = -Infinity;
  let lastFailure: { at: number; error: Error } | undefined;

  async function loadFrom(url: string): Promise<CryptoKey[]> {
    const response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`fal's JWKS endpoint answered ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    const keys: CryptoKey[] = [];
    for (const jwk of Array.isArray(body.keys) ? (body.keys as Jwk[]) : []) {
      if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue;
      if (fromBase64(jwk.x)?.byteLength !== 32) continue;
      keys.push(
        await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, [
          'verify',
        ]),
      );
    }
    if (keys.length === 0) throw new Error("fal's JWKS lists no Ed25519 key");
    return keys;
  }

  async function load(): Promise<CryptoKey[]> {
    lastAttempt = now();
    let failure: Error | undefined;
    for (const url of urls) {
      try {
        const keys = await loadFrom(url);
        cached = { keys, at: now() };
        lastFailure = undefined;
        return keys;
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
    }
    lastFailure = { at: now(), error: failure! };
    throw failure!;
  }

  return {
    async keys(refresh = false) {
      const at = now();
      const age = cached ? at - cached.at : Infinity;
      const wanted = age > cacheMs || (refresh && at - lastAttempt > refetchAfterMs);
      if (cached && !wanted) return cached.keys;
      if (!inFlight && lastFailure && at - lastFailure.at < failureBackoffMs) {
        // Within the back-off after a failure: no fetch, whatever the traffic.
        if (cached) return cached.keys;
        throw new Error(`fal's JWKS could not be fetched (${lastFailure.error.message}); not retried for a while`);
      }
      inFlight ??= load().finally(() => (inFlight = undefined));
      if (!cached) return inFlight;
      // An expired cache keeps serving while the refresh runs; only a key rotation check waits for it.
      if (!refresh) {
        inFlight.catch(() => undefined);
        return cached.keys;
      }
      // Keys already held keep serving when the refresh fails (an outage of the JWKS endpoint is not a forgery).
      return inFlight.catch(() => cached!.keys);
    },
  };
}

/**
 * Verifies a fal webhook (https://docs.fal.ai/model-endpoints/webhooks): `X-Fal-Webhook-Signature` is the hex
 * ED25519 signature of `request_id \n user_id \n timestamp \n sha256hex(body)`, made with one of the keys in fal's
 * JWKS. The signature is checked before the timestamp, so only genuine but late deliveries are told they are stale.
 */
export async function verifyFalWebhook(
  body: Uint8Array,
  headers: Headers,
  keySet: FalKeySet,
  options: { now: number; toleranceMs: number },
): Promise<SignatureCheck> {
  const requestId = headers.get('x-fal-webhook-request-id');
  const userId = headers.get('x-fal-webhook-user-id');
  const timestamp = headers.get('x-fal-webhook-timestamp');
  const signatureHex = headers.get('x-fal-webhook-signature');
  if (!requestId || userId === null || !timestamp || !signatureHex) {
    return {
      ok: false,
      reason: 'bad_signature',
      message: 'the X-Fal-Webhook-Request-Id, -User-Id, -Timestamp and -Signature headers are required',
    };
  }
  const signature = fromHex(signatureHex);
  if (!/^\d{1,12}$/.test(timestamp) || signature?.byteLength !== 64) {
    return { ok: false, reason: 'bad_signature', message: 'the fal signature headers are malformed' };
  }
  const message = utf8(`${requestId}\n${userId}\n${timestamp}\n${toHex(await sha256(body))}`);
  const verifies = async (refresh: boolean) => {
    for (const key of await keySet.keys(refresh)) {
      if (await crypto.subtle.verify('Ed25519', key, signature as BufferSource, message as BufferSource)) return true;
    }
    return false;
  };
  if (!(await verifies(false)) && !(await verifies(true))) {
    return { ok: false, reason: 'bad_signature', message: "the signature does not verify with fal's published keys" };
  }
  return checkReplayWindow(requestId, timestamp, options);
}
