import { concatBytes, fromBase64, timingSafeEqual, utf8 } from './webCrypto';

/** The outcome of checking a signed delivery. */
export type SignatureCheck =
  { ok: true; deliveryId?: string } | { ok: false; reason: 'bad_signature' | 'stale_timestamp'; message: string };

/**
 * Decodes a Standard Webhooks secret (`whsec_` + base64, as providers hand them out). Throws a `TypeError` naming
 * the provider when it is not base64, at start-up rather than on the first delivery.
 */
export function decodeStandardSecret(secret: string, provider: string): Uint8Array {
  const bytes = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (!bytes || bytes.byteLength === 0) {
    throw new TypeError(
      `[react-video-jobs/server] the ${provider} webhook secret is not a Standard Webhooks secret ("whsec_" + base64); copy it from the provider's webhook settings`,
    );
  }
  return bytes;
}

const keyCache = new WeakMap<Uint8Array, Promise<CryptoKey>>();

function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * Verifies a Standard Webhooks delivery (https://www.standardwebhooks.com; also sent with `svix-` headers):
 * `webhook-signature` lists space-separated `v1,<base64 HMAC-SHA256>` signatures of `id.timestamp.body`, several
 * while a provider rotates its secret; any one made with any of `secrets` passes. The signature is checked
 * before the timestamp, so only genuine but late deliveries are told they are stale.
 */
export async function verifyStandardWebhook(
  body: Uint8Array,
  headers: Headers,
  secrets: readonly Uint8Array[],
  options: { now: number; toleranceMs: number },
): Promise<SignatureCheck> {
  const id = headers.get('webhook-id') ?? headers.get('svix-id');
  const timestamp = headers.get('webhook-timestamp') ?? headers.get('svix-timestamp');
  const signatures = headers.get('webhook-signature') ?? headers.get('svix-signature');
  if (!id || !timestamp || !signatures) {
    return {
      ok: false,
      reason: 'bad_signature',
      message: 'the webhook-id, webhook-timestamp and webhook-signature headers are required',
    };
  }
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'bad_signature', message: 'webhook-timestamp is not unix seconds' };
  const signed = concatBytes(utf8(`${id}.${timestamp}.`), body);
  const given = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value)
    .map(([, value]) => fromBase64(value!))
    .filter((bytes): bytes is Uint8Array => bytes !== undefined);
  let matched = false;
  for (const secret of secrets) {
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), signed as BufferSource));
    if (given.some((signature) => timingSafeEqual(signature, expected))) {
      matched = true;
      break;
    }
  }
  if (!matched)
    return { ok: false, reason: 'bad_signature', message: 'no webhook-signature matches the configured secret' };
  return checkReplayWindow(id, timestamp, options);
}

/**
 * The last step once a signature verified: a delivery whose signed timestamp (unix seconds) lies further than
 * `toleranceMs` from `now` is a replay (or very late) and is refused as stale; otherwise it passes as `deliveryId`.
 */
export function checkReplayWindow(
  deliveryId: string,
  timestamp: string,
  options: { now: number; toleranceMs: number },
): SignatureCheck {
  const ageMs = options.now - Number(timestamp) * 1000;
  if (Math.abs(ageMs) > options.toleranceMs) {
    return {
      ok: false,
      reason: 'stale_timestamp',
      message: `the delivery is ${Math.round(ageMs / 1000)} s old, outside the replay window`,
    };
  }
  return { ok: true, deliveryId };
}
