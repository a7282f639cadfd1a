import type { JobRef, JobSnapshot } from '../core/jobSnapshot';
import { UNCHANGED, type ProviderAdapter, type ProviderContext } from '../core/provider';
import { VideoJobError, toVideoJobError } from '../core/videoJobError';
import { verifyAigatewayWebhook } from './aigatewaySignature';
import { defaultEnv } from './authorize';
import { directRequest } from './directRequest';
import type { FetchHandler } from './createProxyHandler';
import { createMemoryDedupe, type DeliveryDedupe } from './deliveryDedupe';
import { createFalKeySet, verifyFalWebhook, type FalJwksOptions } from './falWebhookSignature';
import type { JobEventBus } from './jobEventBus';
import {
  BodyTimeoutError,
  BodyTooLargeError,
  MAX_JSON_DEPTH,
  bodyTimeoutResponse,
  errorResponse,
  jsonTooDeep,
  readBody,
  tooLargeResponse,
} from './serverResponses';
import { verifySharedSecret } from './sharedSecretSignature';
import { decodeStandardSecret, verifyStandardWebhook, type SignatureCheck } from './standardWebhookSignature';
import { sha256, toHex } from './webCrypto';
import { WEBHOOK_FORMATS, type WebhookFormat, type WebhookRead, type WebhookVerification } from './webhookFormats';

export interface JobUpdateContext {
  /** The provider's registration name. */
  provider: string;
  /** The delivery id used for de-duplication. */
  deliveryId: string;
  request: Request;
}

export interface WebhookHandlerOptions {
  /** The providers whose callbacks are accepted, by the name in the webhook URL (`?provider=` or last path segment). */
  providers: Record<string, ProviderAdapter>;
  /**
   * The app's handler for each verified update (store it, notify someone). When it throws, the webhook is answered
   * 500 so the provider delivers it again: an update is never acknowledged and lost.
   */
  onJobUpdate?: (snapshot: JobSnapshot, context: JobUpdateContext) => void | Promise<void>;
  /** Where updates are published for `createJobEventsHandler` (push to browsers). Defaults to none. */
  bus?: JobEventBus;
  /**
   * Per provider, the webhook secret (several while rotating): a `whsec_...` secret for Standard Webhooks
   * providers, any string for shared-secret ones. Defaults to the `<PROVIDER>_WEBHOOK_SECRET` variable
   * (space-separated for several), e.g. `REPLICATE_WEBHOOK_SECRET`.
   */
  secrets?: Partial<Record<string, string | readonly string[]>>;
  /** Per provider, overrides the verification its callbacks get. `'none'` must be chosen explicitly. */
  verification?: Partial<Record<string, WebhookVerification>>;
  /** Callback formats for custom providers (or to override a built-in one), by adapter name. */
  formats?: Record<string, WebhookFormat>;
  /** How old (or how far in the future) a signed timestamp may be. Defaults to `300000` ms (5 min). */
  replayWindowMs?: number;
  /** The largest callback body accepted. Defaults to `1048576` (1 MiB). */
  maxBodyBytes?: number;
  /** How long a callback body may take to arrive. Defaults to `10000` ms. */
  bodyTimeoutMs?: number;
  /** Remembers handled deliveries. Defaults to an in-memory store (24 h). */
  dedupe?: DeliveryDedupe;
  /** Where fal's signing keys come from. Defaults to fal's JWKS endpoint, cached 24 h. */
  falJwks?: FalJwksOptions;
  /** Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** For requests an adapter makes to the provider while reading a callback (OpenAI). Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Called with failures that are answered 4xx/5xx, for the app's logs. */
  onError?: (error: unknown, context: { provider?: string; status: number }) => void;
  /** Defaults to `Date.now`. */
  now?: () => number;
}

type Verifier = (body: Uint8Array, request: Request, url: URL) => Promise<SignatureCheck>;

/**
 * Receives providers' completion callbacks: verifies them (Standard Webhooks, fal's ED25519, or a shared secret),
 * turns each into a `JobSnapshot` with the provider's own adapter, de-duplicates redelivery, hands it to
 * `onJobUpdate` and publishes it on the bus. Answers 2xx once the update is safely handled, 4xx for deliveries
 * that can never be valid, and 5xx when handling failed so the provider retries.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): FetchHandler {
  const now = options.now ?? Date.now;
  const env = options.env ?? defaultEnv();
  const toleranceMs = options.replayWindowMs ?? 300_000;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const dedupe = options.dedupe ?? createMemoryDedupe({ now });
  let falKeys: ReturnType<typeof createFalKeySet> | undefined;

  const providers = new Map<string, { adapter: ProviderAdapter; format: WebhookFormat; verify: Verifier }>();
  for (const [name, adapter] of Object.entries(options.providers)) {
    const format = options.formats?.[adapter.name] ?? options.formats?.[name] ?? WEBHOOK_FORMATS[adapter.name];
    if (!format) {
      throw new TypeError(
        `[react-video-jobs/server] no webhook format for provider "${name}" (adapter "${adapter.name}"); pass one in \`formats\``,
      );
    }
    const verification = options.verification?.[name] ?? format.verification;
    providers.set(name, { adapter, format, verify: verifierFor(name, verification) });
  }

  function verifierFor(name: string, verification: WebhookVerification): Verifier {
    if (verification === 'none') return async () => ({ ok: true });
    if (verification === 'fal-ed25519') {
      const keys = (falKeys ??= createFalKeySet(options.falJwks, now));
      return (body, request) => verifyFalWebhook(body, request.headers, keys, { now: now(), toleranceMs });
    }
    const variable = `${name
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '_')}_WEBHOOK_SECRET`;
    const check = secretCheck(name, verification);
    // Secrets passed in options are checked now; one from the environment at the first delivery, so building the
    // handler (at import, in `next build`) never needs it. A delivery that finds none is answered 503 (and reported to
    // `onError` naming the variable): the provider delivers it again once the server is configured.
    const given = options.secrets?.[name];
    let secrets = given === undefined ? undefined : check(listOf(given), `secrets.${name}`);
    const resolve = () =>
      (secrets ??= check(listOf(env[variable]?.split(/\s+/)), `the ${variable} environment variable`, variable));
    if (verification === 'shared-secret')
      return async (_body, request, url) => verifySharedSecret(url, request.headers, resolve().raw);
    if (verification === 'aigateway-hmac')
      return async (body, request) =>
        verifyAigatewayWebhook(body, request.headers, resolve().raw, { now: now(), toleranceMs });
    return async (body, request) =>
      verifyStandardWebhook(body, request.headers, resolve().keys, { now: now(), toleranceMs });
  }

  function fail(
    status: number,
    code: Parameters<typeof errorResponse>[1],
    message: string,
    provider?: string,
    error?: unknown,
  ) {
    options.onError?.(error ?? new Error(message), { ...(provider ? { provider } : {}), status });
    return errorResponse(status, code, message);
  }

  /** Runs the adapter's own status mapping over the callback (see `WebhookRead.answer`). */
  async function toSnapshot(name: string, adapter: ProviderAdapter, read: WebhookRead, url: URL) {
    const ctx: ProviderContext = {
      now,
      async request(request) {
        const answer = read.answer({ method: request.method, url: request.url });
        if (!answer)
          return directRequest(options.fetch ?? globalThis.fetch, { ...request, provider: request.provider ?? name });
        if (answer.status >= 400 && !request.allowStatus?.includes(answer.status)) {
          throw new VideoJobError({
            kind: 'invalid_response',
            provider: name,
            jobId: read.jobId,
            message: 'the callback reports an error the adapter cannot read',
          });
        }
        return { status: answer.status, headers: new Headers(), data: answer.data as never, notModified: false };
      },
    };
    const ref: JobRef = {
      provider: name,
      id: read.jobId,
      model: read.model ?? url.searchParams.get('model') ?? '',
      ...(read.meta ? { meta: read.meta } : {}),
    };
    const snapshot = await adapter.getStatus(ctx, ref, {});
    return snapshot === UNCHANGED ? undefined : snapshot;
  }

  return async function webhook(request: Request): Promise<Response> {
    if (request.method.toUpperCase() !== 'POST') return fail(405, 'method_not_allowed', 'webhooks are POSTed');
    const url = new URL(request.url);
    const name = url.searchParams.get('provider') ?? url.pathname.split('/').filter(Boolean).pop() ?? '';
    const provider = providers.get(name);
    if (!provider) return fail(404, 'unknown_provider', `no webhook provider "${name}" is configured here`);

    let body: Uint8Array;
    try {
      body = await readBody(request, maxBodyBytes, options.bodyTimeoutMs ?? 10_000);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return tooLargeResponse(maxBodyBytes);
      if (error instanceof BodyTimeoutError) return bodyTimeoutResponse(error.timeoutMs);
      throw error;
    }
    let configError: WebhookConfigError | undefined;
    const check = await provider.verify(body, request, url).catch((error: unknown) => {
      // fal's keys could not be fetched, or the server lacks its secret: not the sender's fault, so ask for a retry.
      if (error instanceof WebhookConfigError) configError = error;
      options.onError?.(error, { provider: name, status: 503 });
      return undefined;
    });
    if (configError) return errorResponse(503, 'upstream_error', `${configError.message}; deliver again later`);
    if (!check)
      return errorResponse(503, 'upstream_error', 'the signing keys could not be fetched; deliver again later');
    if (!check.ok) return fail(401, check.reason, check.message, name);

    let read: WebhookRead | undefined;
    try {
      const text = new TextDecoder().decode(body);
      if (jsonTooDeep(text)) throw new Error(`the body nests deeper than ${MAX_JSON_DEPTH} levels`);
      read = provider.format.read(JSON.parse(text));
    } catch (error) {
      return fail(400, 'bad_request', `the ${name} callback is not a job update this handler can read`, name, error);
    }
    if (!read) return Response.json({ received: true, ignored: true });

    const deliveryId = `${name}:${check.deliveryId ?? read.deliveryId ?? toHex(await sha256(body))}`;
    if (!(await dedupe.claim(deliveryId))) return Response.json({ received: true, duplicate: true });

    let snapshot: JobSnapshot | undefined;
    try {
      snapshot = await toSnapshot(name, provider.adapter, read, url);
    } catch (error) {
      await dedupe.release(deliveryId);
      const jobError = toVideoJobError(error, { provider: name, jobId: read.jobId });
      if (jobError.kind === 'invalid_response') return fail(400, 'bad_request', jobError.message, name, error);
      // The provider could not be asked about the job (OpenAI callbacks need a fetch): let it deliver again.
      return fail(503, 'upstream_error', jobError.message, name, error);
    }
    try {
      if (snapshot) {
        await options.onJobUpdate?.(snapshot, { provider: name, deliveryId, request });
        await options.bus?.publish(snapshot);
      }
    } catch (error) {
      await dedupe.release(deliveryId);
      return fail(500, 'handler_failed', `the ${name} update could not be handled; deliver it again`, name, error);
    }
    return Response.json({ received: true, id: read.jobId, ...(snapshot ? { status: snapshot.status } : {}) });
  };
}

/** The webhook's configuration is incomplete (a missing or unusable secret): answered 503 until it is fixed. */
class WebhookConfigError extends TypeError {
  override readonly name = 'WebhookConfigError';
}

function listOf(value: string | readonly string[] | undefined): string[] {
  return (typeof value === 'string' ? [value] : [...(value ?? [])]).map((secret) => secret.trim()).filter(Boolean);
}

/** Checks a provider's secrets for its verification: present, and decodable and long enough for Standard Webhooks. */
function secretCheck(name: string, verification: WebhookVerification) {
  return (raw: string[], where: string, variable?: string): { raw: string[]; keys: Uint8Array[] } => {
    if (raw.length === 0) {
      throw new WebhookConfigError(
        `[react-video-jobs/server] the ${name} webhook needs a secret (${verification}): ${variable ? `set ${variable} in the server's environment or pass \`secrets.${name}\`` : `\`secrets.${name}\` is empty`}`,
      );
    }
    if (verification !== 'standard-webhooks') return { raw, keys: [] };
    const keys = raw.map((secret) => {
      let key: Uint8Array;
      try {
        key = decodeStandardSecret(secret, name);
      } catch (error) {
        throw new WebhookConfigError(error instanceof Error ? error.message : String(error));
      }
      if (key.byteLength < MIN_STANDARD_SECRET_BYTES) {
        throw new WebhookConfigError(
          `[react-video-jobs/server] the ${name} webhook secret in ${where} is ${key.byteLength} bytes; Standard Webhooks secrets must be at least ${MIN_STANDARD_SECRET_BYTES} bytes (copy the whsec_ secret from the provider's webhook settings)`,
        );
      }
      return key;
    });
    return { raw, keys };
  };
}

/** Standard Webhooks secrets are 24 to 64 bytes (https://www.standardwebhooks.com, "Signature scheme"). */
const MIN_STANDARD_SECRET_BYTES = 24;
