import { type Authorize, defaultEnv, runAuthorize } from './authorize';
import { createMemoryOwnerStore, type OwnerStore } from './ownerStore';
import {
  DEFAULT_PROXY_PROVIDERS,
  findRoute,
  resolveProxyProvider,
  type ProxyProviderConfig,
  type ResolvedProxyProvider,
} from './proxyProviders';
import { createKeyMask } from './keyMask';
import {
  checkOrigin,
  destination,
  onSimulator,
  parseTarget,
  resolveSimulator,
  type ProxySimulatorOption,
} from './proxyTarget';
import {
  BodyTimeoutError,
  BodyTooLargeError,
  bodyTimeoutResponse,
  errorResponse,
  jsonTooDeep,
  readBody,
  tooLargeResponse,
} from './serverResponses';

/** A Fetch-API request handler: what Next.js route handlers, Hono, Remix, Bun and Deno take. */
export type FetchHandler = (request: Request) => Promise<Response>;

export interface ProxyHandlerOptions {
  /**
   * The providers the proxy forwards to: names of built-in providers (`['fal', 'kling']`), or a map from name
   * to `true` (built-in defaults) or a config overriding them (custom providers need `hosts` and `routes`).
   * An OpenAI-style gateway such as OpenRouter (`openaiVideos({ name: 'openrouter', baseUrl:
   * 'https://openrouter.ai/api/v1', proxyUrl })` in the browser) is a custom entry:
   * ```ts
   * openrouter: {
   *   hosts: ['openrouter.ai'],
   *   envKey: 'OPENROUTER_API_KEY',
   *   routes: [
   *     { method: 'POST', path: /^\/api\/v1\/videos$/, submit: true },
   *     { method: 'GET', path: /^\/api\/v1\/videos\/(?<id>[\w-]+)$/ },
   *     { method: 'GET', path: /^\/api\/v1\/videos\/(?<id>[\w-]+)\/content$/, media: true },
   *   ],
   *   webhookField: { body: 'callback_url' },
   * }
   * ```
   */
  providers: readonly string[] | Record<string, ProxyProviderConfig | true>;
  /** The app's gate: its session check and per-user rate limit. Defaults to letting every request through. */
  authorize?: Authorize;
  /** Where job owners are recorded when `authorize` returns an `ownerId`. Defaults to an in-memory store. */
  owners?: OwnerStore;
  /**
   * A job with no recorded owner (e.g. created before a restart with the in-memory store): `deny` answers 404
   * like another user's job, `allow` lets any signed-in user through. Defaults to `'deny'`.
   */
  unknownJobs?: 'deny' | 'allow';
  /** The largest request body forwarded. Defaults to `4194304` (4 MiB). */
  maxBodyBytes?: number;
  /** How long a request body may take to arrive (a slow body holds a connection open). Defaults to `30000` ms. */
  bodyTimeoutMs?: number;
  /** Where keys are read from (`FAL_KEY`, `KLING_API_KEY`...). Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /**
   * Sets each job's webhook on the server at submit, replacing whatever the browser sent: `<url>/<provider>`, plus
   * `?token=<token>` for providers checked with a shared secret (Kling, visgate). The browser then never learns the
   * secret and cannot send a job's callbacks elsewhere. Defaults to none: the browser's `webhookUrl` passes through.
   * Both are checked at the first submit, not when the handler is built, so `next build` needs neither; a function
   * is read at each submit. A submit is refused (500, naming the problem) while the URL is not absolute or a
   * shared-secret provider's token is missing, rather than sending a callback address that cannot work.
   */
  webhook?: { url: string | (() => string | undefined); token?: string | (() => string | undefined) };
  /**
   * Runs against the simulator (`react-video-jobs/testing`) instead of the providers: its origin (e.g.
   * `'http://127.0.0.1:4010'` from `startSimulatorServer`, or `sim.origin` with `fetch: sim.fetch`), or that with
   * options. Every request then goes to the simulator and nowhere else: a target under `<simulator>/<provider>/`
   * (adapters built with `baseUrl: sim.baseUrl(provider)`) as it is, one on a provider's real host to the same path
   * under `<simulator>/<provider>`. Each provider's routes and its callers' job ownership are checked as usual, no
   * key is read from the environment (a placeholder is sent), and that one origin is the only loopback target
   * allowed. Refused (500) while `NODE_ENV` is `production` unless `allowInProduction`. Defaults to none; an empty
   * URL (an unset environment variable) also leaves it off.
   */
  simulator?: ProxySimulatorOption;
}

export const TARGET_URL_HEADER = 'x-video-jobs-target-url';
export const FAL_TARGET_URL_HEADER = 'x-fal-target-url';

/** Request headers a browser may send through: content negotiation, conditional polling, idempotency. */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'content-type',
  'if-none-match',
  'if-modified-since',
  'idempotency-key',
  'prefer',
  'last-event-id',
];
/** Response headers never passed back: hop-by-hop, cookies, and the encoding `fetch` already undid. */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'set-cookie',
  'set-cookie2',
  'content-encoding',
  'content-length',
  // The upstream's CORS rules are not the app's; its auth challenge and alternative services are not the proxy's.
  'www-authenticate',
  'alt-svc',
]);
/** Extra request headers for media routes: a `<video>` seeks with ranges. */
const MEDIA_REQUEST_HEADERS = ['range', 'if-range'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE']);

/**
 * A key-holding proxy for the browser's provider requests: one catch-all route forwards each request to the URL in
 * `x-video-jobs-target-url` (or fal's `x-fal-target-url`; for a media route's `GET`/`HEAD`, also the
 * `x-video-jobs-target-url` query parameter) when that URL is on a configured provider's allow-list of
 * hosts, paths and methods, adding the key from server configuration. Cookies and the browser's own auth headers
 * never reach the provider, the key never reaches the browser, redirects are not followed, and with an owner id
 * from `authorize` each user reaches only the jobs they created.
 */
export function createProxyHandler(options: ProxyHandlerOptions): FetchHandler {
  const entries: Array<[string, ProxyProviderConfig | true]> = Array.isArray(options.providers)
    ? options.providers.map((name: string) => [name, true])
    : Object.entries(options.providers);
  if (entries.length === 0) {
    throw new TypeError(
      `[react-video-jobs/server] createProxyHandler needs at least one provider (built in: ${Object.keys(DEFAULT_PROXY_PROVIDERS).join(', ')})`,
    );
  }
  const providers = entries.map(([name, config]) => resolveProxyProvider(name, config));
  const allOrigins = providers.flatMap((provider) => provider.origins);
  const owners = options.owners ?? createMemoryOwnerStore();
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const env = options.env ?? defaultEnv();
  const read = (value: string | (() => string | undefined) | undefined) =>
    typeof value === 'function' ? value() : value;
  const simulator = resolveSimulator(options.simulator);

  return async function proxy(request: Request): Promise<Response> {
    const method = request.method.toUpperCase();
    if (!METHODS.has(method)) {
      return errorResponse(405, 'method_not_allowed', `${method} is not forwarded`, {
        allow: 'GET, HEAD, POST, PUT, DELETE',
      });
    }
    const falHeader = request.headers.get(FAL_TARGET_URL_HEADER);
    const header = falHeader ?? request.headers.get(TARGET_URL_HEADER);
    // A `<video>` cannot send headers: the OpenAI adapter puts the content URL in the proxy URL's query instead.
    const fromQuery =
      header === null && (method === 'GET' || method === 'HEAD')
        ? new URL(request.url).searchParams.get(TARGET_URL_HEADER)
        : null;
    const target = parseTarget(header ?? fromQuery);
    if (!(target instanceof URL)) return errorResponse(target.status, 'forbidden_target', target.message);
    if (simulator && !simulator.allowInProduction && env.NODE_ENV === 'production') {
      return errorResponse(
        500,
        'forbidden_target',
        "[react-video-jobs/server] the proxy's `simulator` is set while NODE_ENV is production: unset it, or pass `simulator: { url, allowInProduction: true }` (an end-to-end test)",
      );
    }

    // fal's own header only ever reaches fal, whatever other providers allow.
    const candidates = falHeader ? providers.filter((p) => p.name === 'fal') : providers;
    const resolved = simulator && target.origin === simulator.origin ? onSimulator(target, candidates) : undefined;
    if (simulator && target.origin === simulator.origin && !resolved) {
      return errorResponse(
        403,
        'forbidden_target',
        `${target.pathname} on the simulator is not under a provider this proxy forwards (${candidates.map((p) => `/${p.simulatorName}/`).join(', ')})`,
      );
    }
    const provider = resolved ? resolved.provider : candidates.find((p) => p.origins.includes(target.origin));
    if (!provider) {
      const refusal = checkOrigin(target, falHeader ? candidates.flatMap((p) => p.origins) : allOrigins) ?? {
        status: 403,
        message: `the target host ${target.host} is not on the proxy's allow-list`,
      };
      return errorResponse(refusal.status, 'forbidden_target', refusal.message);
    }
    const routeMethod = method === 'HEAD' ? 'GET' : method;
    const paths = resolved ? resolved.paths : [target.pathname];
    const route = findRoute(provider, routeMethod, target, paths, resolved !== undefined);
    if (!route) {
      return errorResponse(
        403,
        'forbidden_target',
        `${method} ${target.pathname} is not a ${provider.name} request this proxy forwards`,
      );
    }
    // A URL carrying its target can be embedded anywhere, so it only ever reaches the video bytes.
    if (fromQuery !== null && !route.media) {
      return errorResponse(
        403,
        'forbidden_target',
        `${target.pathname} is not a ${provider.name} media route: send its target in the ${TARGET_URL_HEADER} header, not the query`,
      );
    }
    const jobId = paths.map((path) => route.path.exec(path)?.groups?.id).find((id) => id !== undefined);
    // A <video> asks for one range at a time; a list of many ranges only makes the upstream do work for nothing.
    const range = route.media ? request.headers.get('range') : null;
    if (range !== null && !/^bytes=\d{0,15}-\d{0,15}$/.test(range.trim())) {
      return errorResponse(416, 'range_not_satisfiable', 'only a single byte range (`bytes=start-end`) is forwarded', {
        'content-range': 'bytes */*',
      });
    }

    const auth = await runAuthorize(options.authorize, request);
    if (auth.response) return auth.response;
    const { ownerId } = auth;
    if (ownerId !== undefined && jobId !== undefined) {
      const owner = await owners.get(`${provider.name}:${jobId}`);
      const allowed = owner === ownerId || (owner === undefined && options.unknownJobs === 'allow');
      // 404, not 403: another user's job id must not even be confirmed to exist.
      if (!allowed) return errorResponse(404, 'not_found', `no ${provider.name} job ${jobId} for this user`);
    }

    // The simulator gets a placeholder, never a real key.
    const key = simulator ? simulator.apiKey : await resolveKey(provider, env);
    if (!key) {
      return errorResponse(
        500,
        'missing_key',
        `the server has no ${provider.name} key; set ${provider.envKey ?? 'the provider key'} in its environment`,
      );
    }

    let body: Uint8Array | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      try {
        body = await readBody(request, route.maxBodyBytes ?? maxBodyBytes, options.bodyTimeoutMs ?? 30_000);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return tooLargeResponse(route.maxBodyBytes ?? maxBodyBytes);
        if (error instanceof BodyTimeoutError) return bodyTimeoutResponse(error.timeoutMs);
        throw error;
      }
    }

    if (route.submit && options.webhook && provider.webhookField) {
      const webhookBase = checkWebhookBase(read(options.webhook.url));
      if (typeof webhookBase !== 'string') return errorResponse(500, 'missing_key', webhookBase.message);
      const hook = new URL(`${webhookBase}/${encodeURIComponent(provider.name)}`);
      if (provider.webhookToken) {
        const token = read(options.webhook.token);
        if (!token) {
          return errorResponse(
            500,
            'missing_key',
            `the proxy's webhook.token is not set, and ${provider.name} callbacks are checked with it: set the shared webhook secret in the server's environment (e.g. ${provider.name.toUpperCase()}_WEBHOOK_SECRET)`,
          );
        }
        hook.searchParams.set('token', token);
      }
      const field = provider.webhookField;
      if ('query' in field) target.searchParams.set(field.query, hook.href);
      else {
        const json = parseObject(body);
        if (!json) return errorResponse(400, 'bad_request', `a ${provider.name} submit must have a JSON object body`);
        json[field.body] = hook.href;
        body = new TextEncoder().encode(JSON.stringify(json));
      }
    }

    let upstream: Response;
    try {
      upstream = await (options.fetch ?? globalThis.fetch)(destination(target, provider, simulator), {
        method,
        headers: forwardHeaders(request.headers, provider, key, route.media === true),
        ...(body && body.byteLength > 0 ? { body: body as BodyInit } : {}),
        redirect: 'manual',
        signal: request.signal,
      });
    } catch (error) {
      const what = error instanceof Error ? error.name : 'error';
      return errorResponse(502, 'upstream_error', `${provider.name} could not be reached (${what}); try again`);
    }
    if (
      upstream.type === 'opaqueredirect' ||
      (upstream.status >= 300 && upstream.status < 400 && upstream.status !== 304)
    ) {
      await upstream.body?.cancel().catch(() => undefined);
      return errorResponse(
        502,
        'upstream_redirect',
        `${provider.name} answered a redirect (${upstream.status}); the proxy does not follow redirects`,
      );
    }
    return relay(upstream, key, route.media === true, async (data) => {
      if (!route.submit || ownerId === undefined || !upstream.ok) return;
      const created = provider.jobIdFrom(data);
      if (!created) return;
      // The first owner stays: an answer naming a job someone else already owns never reassigns it.
      const jobKey = `${provider.name}:${created}`;
      if ((await owners.get(jobKey)) === undefined) await owners.set(jobKey, ownerId);
    });
  };
}

/** The webhook base URL, or why it cannot be used (read at a submit: a build has no app URL). */
function checkWebhookBase(url: string | undefined): string | { message: string } {
  let parsed: URL | undefined;
  try {
    parsed = url ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.host === 'undefined') {
    return {
      message: `[react-video-jobs/server] the proxy's webhook.url must be an absolute https: URL, got ${JSON.stringify(url ?? null)}: set the app's public URL in the server's environment (APP_URL in the README's setup)`,
    };
  }
  return parsed.href.replace(/\/+$/, '');
}

function parseObject(body: Uint8Array | undefined): Record<string, unknown> | undefined {
  try {
    const text = new TextDecoder().decode(body ?? new Uint8Array());
    if (jsonTooDeep(text)) return undefined;
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function resolveKey(provider: ResolvedProxyProvider, env: Record<string, string | undefined>) {
  const configured = typeof provider.apiKey === 'function' ? await provider.apiKey() : provider.apiKey;
  return configured || (provider.envKey ? env[provider.envKey] : undefined) || undefined;
}

function forwardHeaders(incoming: Headers, provider: ResolvedProxyProvider, key: string, media: boolean): Headers {
  const headers = new Headers();
  const names = [...FORWARDED_REQUEST_HEADERS, ...provider.forwardHeaders, ...(media ? MEDIA_REQUEST_HEADERS : [])];
  for (const name of names) {
    const value = incoming.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set('user-agent', 'react-video-jobs-proxy');
  for (const [name, value] of Object.entries(provider.authHeaders(key))) headers.set(name, value);
  return headers;
}

/**
 * Passes the provider's answer back: status, `Retry-After`, `ETag` and error bodies, but never the upstream's status
 * text, its CORS, `Alt-Svc` or `WWW-Authenticate` headers. Every header and body is masked for the key (some error
 * bodies quote the auth header, in any encoding): JSON and text are read whole, so a submit's job id can be recorded
 * and an answer that still carries the key after masking is withheld; streams (fal's status SSE) and video bytes are
 * masked as they flow. A media route's bytes keep their `Content-Length` (a `<video>` reads sizes and ranges from
 * it; masking keeps sizes) unless `fetch` decoded them.
 */
async function relay(
  upstream: Response,
  key: string,
  media: boolean,
  onJson: (data: unknown) => Promise<void>,
): Promise<Response> {
  const mask = createKeyMask(key);
  const type = (upstream.headers.get('content-type') ?? '').toLowerCase();
  const streamed = type.includes('event-stream') || (media && !isTextType(type));
  const keepLength = media && streamed && !upstream.headers.has('content-encoding');
  const headers = new Headers();
  upstream.headers.forEach((value, name) => {
    if (DROPPED_RESPONSE_HEADERS.has(name) && !(keepLength && name === 'content-length')) return;
    if (name.startsWith('access-control-')) return;
    const masked = mask.maskText(value);
    // A header that still spells the key some other way is dropped rather than passed on.
    if (!mask.carriesKey(masked)) headers.set(name, masked);
  });
  const status = upstream.status;
  if (status === 304 || status === 204 || !upstream.body) return new Response(null, { status, headers });
  if (streamed) return new Response(upstream.body.pipeThrough(mask.maskStream()), { status, headers });
  const text = mask.maskText(await upstream.text());
  if (mask.carriesKey(text)) {
    return errorResponse(
      502,
      'upstream_error',
      'the provider answered with content the proxy will not pass on; try again',
    );
  }
  if (type.includes('json') && !jsonTooDeep(text)) {
    try {
      await onJson(JSON.parse(text));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  return new Response(text, { status, headers });
}

function isTextType(type: string): boolean {
  return type === '' || type.includes('json') || type.includes('xml') || type.startsWith('text/');
}
