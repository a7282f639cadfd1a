// How each provider signs its callbacks, over Web Crypto only (this module is part of the browser-safe simulator
// core: no `node:` import). The verifying side is react-video-jobs/server; these are the senders' halves.
import type { SimWebhookCallback } from './wireFormat';

const encoder = new TextEncoder();

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array | undefined {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normal)) return undefined;
  try {
    const binary = atob(normal.padEnd(Math.ceil(normal.length / 4) * 4, '='));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

async function hmacSha256(key: Uint8Array, message: string): Promise<ArrayBuffer> {
  const imported = await crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return crypto.subtle.sign('HMAC', imported, encoder.encode(message) as BufferSource);
}

/** A Standard Webhooks secret's key bytes (`whsec_` + base64); `undefined` when it is not one. */
export function standardSecretBytes(secret: string): Uint8Array | undefined {
  const bytes = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  return bytes && bytes.byteLength > 0 ? bytes : undefined;
}

/**
 * Standard Webhooks (https://www.standardwebhooks.com), as Replicate, VideoGen, OpenAI and Kling (with a Webhook
 * Secret) sign: `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */
export async function standardWebhookHeaders(
  secret: Uint8Array,
  messageId: string,
  body: string,
  nowMs: number,
): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = await hmacSha256(secret, `${messageId}.${timestamp}.${body}`);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${toBase64(signature)}`,
  };
}

/**
 * The AI gateway's signature (https://aigateway.sh/docs/webhooks): hex HMAC-SHA256 of `${timestamp}.${body}` keyed
 * with the endpoint's secret as shown, in `aig-signature` + `aig-timestamp`; the official SDKs read the same HMAC from
 * `X-Gateway-Signature: t=<unix s>,v1=<hex>`, so both are sent.
 */
export async function aigatewayWebhookHeaders(
  secret: string,
  body: string,
  nowMs: number,
): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = toHex(await hmacSha256(encoder.encode(secret), `${timestamp}.${body}`));
  return {
    'aig-timestamp': timestamp,
    'aig-signature': signature,
    'x-gateway-signature': `t=${timestamp},v1=${signature}`,
  };
}

/**
 * OpenRouter's per-job callback signature as its cookbook describes it: `X-OpenRouter-Signature: t=<unix s>,v1=<hex
 * HMAC-SHA256 of "<t>,<body>">` (react-video-jobs/server does not verify this scheme).
 */
export async function openrouterWebhookHeaders(
  secret: string,
  body: string,
  nowMs: number,
): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const signature = toHex(await hmacSha256(encoder.encode(secret), `${timestamp},${body}`));
  return { 'x-openrouter-signature': `t=${timestamp},v1=${signature}` };
}

/** The simulator's own fal signing key: an ED25519 pair made once, and the JWKS it publishes. */
export interface FalSigningKey {
  jwks: { keys: Array<{ kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }> };
  /** fal's headers for `body` (https://docs.fal.ai/model-endpoints/webhooks). */
  headers(body: string, requestId: string, userId: string, nowMs: number): Promise<Record<string, string>>;
}

export async function createFalSigningKey(): Promise<FalSigningKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    jwks: {
      keys: [
        { kty: 'OKP', crv: 'Ed25519', x: jwk.x ?? '', kid: 'react-video-jobs-simulator', alg: 'EdDSA', use: 'sig' },
      ],
    },
    async headers(body, requestId, userId, nowMs) {
      const timestamp = String(Math.floor(nowMs / 1000));
      const bodyHash = toHex(await crypto.subtle.digest('SHA-256', encoder.encode(body) as BufferSource));
      // `request_id \n user_id \n timestamp \n sha256hex(body)`, signed with ED25519, hex-encoded.
      const message = encoder.encode(`${requestId}\n${userId}\n${timestamp}\n${bodyHash}`);
      const signature = await crypto.subtle.sign('Ed25519', pair.privateKey, message as BufferSource);
      return {
        'x-fal-webhook-request-id': requestId,
        'x-fal-webhook-user-id': userId,
        'x-fal-webhook-timestamp': timestamp,
        'x-fal-webhook-signature': toHex(signature),
      };
    },
  };
}

/**
 * The signature headers of one delivery of `callback` (its body serialised as `text`), as its provider signs: with
 * the simulator's own fal key, or with the provider's `secret` (`webhooks.secrets`). Throws, naming the option to
 * fix, when a secret is needed and missing or unusable.
 */
export async function signCallback(
  callback: SimWebhookCallback,
  text: string,
  context: {
    provider: string;
    jobId: string;
    nowMs: number;
    secret: string | undefined;
    falKey: () => Promise<FalSigningKey>;
    falUserId: string;
  },
): Promise<Record<string, string>> {
  const { provider, secret, nowMs } = context;
  if (callback.signing === 'none') return {};
  if (callback.signing === 'fal-ed25519') {
    return (await context.falKey()).headers(text, context.jobId, context.falUserId, nowMs);
  }
  if (secret === undefined || secret === '') {
    if (callback.secretOptional) return {};
    throw new Error(
      `[react-video-jobs simulator] no ${provider} webhook secret to sign with: pass \`webhooks.secrets.${provider}\` (the secret the app's webhook handler verifies with)`,
    );
  }
  if (callback.signing === 'aigateway-hmac') return aigatewayWebhookHeaders(secret, text, nowMs);
  if (callback.signing === 'openrouter-hmac') return openrouterWebhookHeaders(secret, text, nowMs);
  const key = standardSecretBytes(secret);
  if (!key) {
    throw new Error(
      `[react-video-jobs simulator] webhooks.secrets.${provider} is not a Standard Webhooks secret ("whsec_" + base64)`,
    );
  }
  return standardWebhookHeaders(key, callback.deliveryId, text, nowMs);
}
