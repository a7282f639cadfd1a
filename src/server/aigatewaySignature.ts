import { checkReplayWindow, type SignatureCheck } from './standardWebhookSignature';
import { concatBytes, fromHex, timingSafeEqual, utf8 } from './webCrypto';

const keyCache = new Map<string, Promise<CryptoKey>>();

/** The endpoint's signing secret is used as it is shown in the dashboard: its UTF-8 bytes are the HMAC key. */
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', utf8(secret) as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    keyCache.set(secret, key);
  }
  return key;
}

/** The signed timestamp and the hex signatures a delivery carries, in either of the gateway's header forms. */
function signatureHeaders(headers: Headers): { timestamp: string; signatures: string[] } | undefined {
  // https://aigateway.sh/docs/webhooks: `aig-signature` (hex) and `aig-timestamp` (unix seconds).
  const signature = headers.get('aig-signature');
  const timestamp = headers.get('aig-timestamp');
  if (signature && timestamp) {
    return { timestamp, signatures: signature.split(/[\s,]+/).map((value) => value.replace(/^(?:v1|sha256)=/, '')) };
  }
  // The official SDKs (aigateway-sh/sdk-node `verifyWebhook`, sdk-python `verify_webhook`) read the same HMAC from
  // `X-Gateway-Signature: t=<unix s>,v1=<hex>`.
  const combined = headers.get('x-gateway-signature');
  if (!combined) return undefined;
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of combined.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name === 't') t = value;
    else if (name === 'v1') v1.push(value);
  }
  return t && v1.length > 0 ? { timestamp: t, signatures: v1 } : undefined;
}

/**
 * Verifies an AI gateway delivery (https://aigateway.sh/docs/webhooks): the signature is the hex HMAC-SHA256 of
 * `${aig-timestamp}.${raw body}` with the endpoint's signing secret, and deliveries older than 5 minutes are
 * rejected. Any of `secrets` passes, so a secret can be rotated. The signature is checked before the timestamp, so
 * only genuine but late deliveries are told they are stale. The delivery id (`evt_...`) is in the body, read by the
 * webhook format.
 */
export async function verifyAigatewayWebhook(
  body: Uint8Array,
  headers: Headers,
  secrets: readonly string[],
  options: { now: number; toleranceMs: number },
): Promise<SignatureCheck> {
  const found = signatureHeaders(headers);
  if (!found) {
    return {
      ok: false,
      reason: 'bad_signature',
      message: 'the aig-signature and aig-timestamp headers are required',
    };
  }
  const { timestamp } = found;
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'bad_signature', message: 'aig-timestamp is not unix seconds' };
  const given = found.signatures
    .map((value) => fromHex(value))
    .filter((bytes): bytes is Uint8Array => bytes !== undefined && bytes.byteLength === 32);
  const signed = concatBytes(utf8(`${timestamp}.`), body);
  let matched = false;
  for (const secret of secrets) {
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), signed as BufferSource));
    // Every candidate is compared, so the time taken does not tell which one came close.
    for (const signature of given) if (timingSafeEqual(signature, expected)) matched = true;
    if (matched) break;
  }
  if (!matched)
    return { ok: false, reason: 'bad_signature', message: 'the aig-signature does not match the configured secret' };
  const check = checkReplayWindow('', timestamp, options);
  return check.ok ? { ok: true } : check;
}
