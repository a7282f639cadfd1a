import type { SignatureCheck } from './standardWebhookSignature';
import { sha256, timingSafeEqual, utf8 } from './webCrypto';

/**
 * Checks a shared secret for providers that do not sign their callbacks (Kling, visgate): put it in the webhook URL
 * you hand the provider (`?token=<secret>`), or have a relay send it as `X-Webhook-Secret` or
 * `Authorization: Bearer <secret>`. Any of `secrets` passes, so a secret can be rotated. Both sides are hashed
 * before comparing, so the comparison takes the same time whatever the lengths.
 */
export async function verifySharedSecret(
  url: URL,
  headers: Headers,
  secrets: readonly string[],
): Promise<SignatureCheck> {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  const given = url.searchParams.get('token') ?? headers.get('x-webhook-secret') ?? bearer;
  if (!given) {
    return {
      ok: false,
      reason: 'bad_signature',
      message: 'the shared secret is missing (`?token=`, X-Webhook-Secret or a bearer token)',
    };
  }
  const givenHash = await sha256(utf8(given));
  for (const secret of secrets) {
    if (timingSafeEqual(givenHash, await sha256(utf8(secret)))) {
      const deliveryId = headers.get('x-webhook-id') ?? headers.get('x-delivery-id') ?? undefined;
      return deliveryId ? { ok: true, deliveryId } : { ok: true };
    }
  }
  return { ok: false, reason: 'bad_signature', message: 'the shared secret does not match' };
}
