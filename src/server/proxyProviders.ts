import type { HttpMethod } from '../core/transport';

/**
 * One request shape the proxy forwards. `submit` routes create a job (its id is read from the answer and recorded
 * for the caller's owner id); a route whose `path` has a named group `id` acts on an existing job, which the
 * caller must own. Anything that matches no route is refused.
 */
export interface ProxyRoute {
  method: HttpMethod;
  /** Tested against the target URL's pathname; a named group `(?<id>...)` captures the job id. */
  path: RegExp;
  /** Creates a job. Defaults to `false`. */
  submit?: boolean;
  /**
   * Serves the video bytes (OpenAI's `GET /videos/{id}/content`): `Range` / `If-Range` are forwarded and
   * `206`, `Content-Range`, `Accept-Ranges` and `Content-Length` come back, so a `<video>` can seek. Only such a
   * route also takes its target from the proxy URL's `x-video-jobs-target-url` query parameter on `GET`/`HEAD`,
   * because a media element cannot send headers. A `GET` route also answers `HEAD`. Defaults to `false`.
   */
  media?: boolean;
  /**
   * The largest request body this route forwards, instead of the proxy's `maxBodyBytes`: a route that carries an
   * input image (base64 in JSON, a multipart file) is sized to the provider's documented image limit.
   */
  maxBodyBytes?: number;
  /**
   * The one host this route serves (a host name or an origin, like `hosts`). A host some route names is served by
   * those routes alone, and routes without a `host` serve the provider's other hosts: fal's storage host takes its
   * upload call and none of the queue's paths. Not checked on the simulator, which serves a provider's every host
   * under one root.
   */
  host?: string;
}

/** How the proxy reaches one provider. Every field has a default for the built-in providers. */
export interface ProxyProviderConfig {
  /**
   * Allowed targets: a host name (`"queue.fal.run"`, meaning `https://` on port 443) or a full origin
   * (`"http://127.0.0.1:8787"`, the only way to allow `http:`, an IP address or `localhost`, e.g. for tests). To run
   * against the simulator, use the proxy's `simulator` option instead.
   */
  hosts?: readonly string[];
  /** The requests forwarded. */
  routes?: readonly ProxyRoute[];
  /** The environment variable holding the key. E.g. `"FAL_KEY"`. */
  envKey?: string;
  /** The key itself, or a function returning it (e.g. a freshly signed token); wins over `envKey`. */
  apiKey?: string | (() => string | undefined | Promise<string | undefined>);
  /** The headers carrying the key. Defaults to `Authorization: Bearer <key>`. */
  authHeaders?: (key: string) => Record<string, string>;
  /** Reads the job id from a submit answer. Defaults to the provider's field (`request_id`, `data.task_id`, `id`...). */
  jobIdFrom?: (body: unknown) => string | undefined;
  /** Extra request headers passed through to this provider (lower case), besides the common safe set. */
  forwardHeaders?: readonly string[];
  /** Where a submit carries the job's webhook URL, for the proxy's `webhook` option. Defaults to the provider's field. */
  webhookField?: { query: string } | { body: string };
  /** The provider's callbacks are checked with a shared secret in the URL (`?token=`). */
  webhookToken?: boolean;
}

/** A provider's config with every default filled in. */
export interface ResolvedProxyProvider {
  name: string;
  /** The path prefix the simulator serves this provider under (`/openai` for `openaiVideos`). */
  simulatorName: string;
  origins: readonly string[];
  routes: readonly ProxyRoute[];
  envKey: string | undefined;
  apiKey: ProxyProviderConfig['apiKey'];
  authHeaders: (key: string) => Record<string, string>;
  jobIdFrom: (body: unknown) => string | undefined;
  forwardHeaders: readonly string[];
  webhookField: ProxyProviderConfig['webhookField'];
  webhookToken: boolean;
}

const ID = '(?<id>[A-Za-z0-9][A-Za-z0-9_.:-]{0,199})';
const SEGMENT = '[A-Za-z0-9][A-Za-z0-9_.-]*';

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function field(...path: string[]): (body: unknown) => string | undefined {
  return (body) => {
    let value: unknown = body;
    for (const key of path) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
}

function firstOf(...readers: Array<(body: unknown) => string | undefined>): (body: unknown) => string | undefined {
  return (body) => {
    for (const read of readers) {
      const found = read(body);
      if (found) return found;
    }
    return undefined;
  };
}

const route = (method: HttpMethod, path: string, kind?: 'submit' | 'media'): ProxyRoute => ({
  method,
  path: new RegExp(`^${path}$`),
  ...(kind ? { [kind]: true } : {}),
});

/** fal's REST host: the proxy forwards only the storage upload's initiate call there (@fal-ai/client's storage.upload). */
const FAL_REST_HOST = 'rest.fal.ai';

/**
 * Kling's image2video submit carries its frames as base64 in the JSON: a start and an end frame of up to 10 MB each
 * (https://kling.ai/document-api/apiReference/model/imageToVideo) are 2 x 13,333,336 characters, plus the rest of the
 * body.
 */
const KLING_IMAGE_SUBMIT_BYTES = 2 * Math.ceil(10_000_000 / 3) * 4 + 256 * 1024;
/**
 * OpenAI's create carries its first frame as a multipart file: up to 15 MiB (the adapter's limit, from the reference's
 * `input_reference.image_url` maxLength 20971520), plus the text fields (a prompt of up to 32,000 characters).
 */
const OPENAI_IMAGE_SUBMIT_BYTES = 15 * 1024 * 1024 + 256 * 1024;

/** Replicate's files API takes up to 100 MiB (replicate-javascript README), plus the multipart part's headers. */
const REPLICATE_FILE_BODY_BYTES = 100 * 1024 * 1024 + 64 * 1024;
/** Replicate's client inlines at most 10 MB of files per prediction (lib/util.js), as base64, plus the rest. */
const REPLICATE_INLINE_BODY_BYTES = Math.ceil((10_000_000 * 4) / 3) + 1024 * 1024;

/** The built-in providers: their real API hosts, the requests their adapters make, and their key variables. */
export const DEFAULT_PROXY_PROVIDERS: Readonly<
  Record<string, Required<Omit<ProxyProviderConfig, 'apiKey' | 'webhookField' | 'webhookToken'>> & ProxyProviderConfig>
> = {
  fal: {
    hosts: ['queue.fal.run', FAL_REST_HOST],
    routes: [
      // An input image's upload: a pre-signed URL to PUT it to (no key), and the URL the model downloads.
      { ...route('POST', '/storage/upload/initiate'), host: FAL_REST_HOST },
      // The model path (`fal-ai/veo3`, `fal-ai/kling-video/v2/master/text-to-video`), never a `requests/` path.
      route('POST', `(?!.*/requests(?:/|$))/${SEGMENT}(?:/${SEGMENT})+`, 'submit'),
      route('GET', `/${SEGMENT}(?:/${SEGMENT})*/requests/${ID}(?:/status(?:/stream)?)?`),
      route('PUT', `/${SEGMENT}(?:/${SEGMENT})*/requests/${ID}/cancel`),
    ],
    envKey: 'FAL_KEY',
    authHeaders: (key) => ({ authorization: `Key ${key}` }),
    jobIdFrom: field('request_id'),
    forwardHeaders: ['x-fal-queue-priority', 'x-fal-runner-hint', 'x-fal-request-timeout', 'x-fal-no-retry'],
    webhookField: { query: 'fal_webhook' },
  },
  kling: {
    hosts: ['api-singapore.klingai.com', 'api.klingai.com'],
    routes: [
      { ...route('POST', '/v1/videos/image2video', 'submit'), maxBodyBytes: KLING_IMAGE_SUBMIT_BYTES },
      route('POST', `/v1/videos/[a-z0-9-]+`, 'submit'),
      route('GET', `/v1/videos/[a-z0-9-]+/${ID}`),
    ],
    envKey: 'KLING_API_KEY',
    authHeaders: bearer,
    jobIdFrom: field('data', 'task_id'),
    forwardHeaders: [],
    webhookField: { body: 'callback_url' },
    webhookToken: true,
  },
  aigateway: {
    hosts: ['api.aigateway.sh'],
    routes: [
      route('POST', '/v1/videos/generations', 'submit'),
      route('POST', '/v1/audio/music', 'submit'),
      route('GET', `/v1/jobs/${ID}`),
      route('POST', `/v1/jobs/${ID}/cancel`),
    ],
    envKey: 'AIGATEWAY_API_KEY',
    authHeaders: bearer,
    jobIdFrom: field('id'),
    forwardHeaders: [],
    webhookField: { body: 'webhook_url' },
  },
  videogen: {
    hosts: ['api.videogen.io'],
    routes: [
      route('POST', '/v1/tools/(?!executions$)[a-z0-9-]+', 'submit'),
      route('GET', `/v1/tools/executions/${ID}`),
      route('POST', `/v1/tools/executions/${ID}/cancel`),
      // Result file records: file ids are not job ids, so any signed-in caller may read one by its id.
      route('GET', `/v1/files/vg_file_[A-Za-z0-9_-]+`),
      // Fresh signed URLs for a result, and an uploaded input image's readiness.
      route('POST', `/v1/files/vg_file_[A-Za-z0-9_-]+/hydrate`),
      // An input image's upload: a small JSON body answered by a pre-signed URL the browser PUTs the bytes to.
      route('POST', '/v1/files/upload'),
    ],
    envKey: 'VIDEOGEN_API_KEY',
    authHeaders: bearer,
    jobIdFrom: firstOf(field('toolExecutionId'), field('id')),
    forwardHeaders: [],
  },
  visgate: {
    hosts: ['visgateai.com'],
    routes: [route('POST', '/api/v1/videos/generate', 'submit'), route('GET', `/api/v1/requests/${ID}`)],
    envKey: 'VISGATE_API_KEY',
    authHeaders: bearer,
    jobIdFrom: firstOf(field('request_id'), field('requestId'), field('id')),
    forwardHeaders: [],
    webhookField: { body: 'webhook_url' },
    webhookToken: true,
  },
  openai: {
    hosts: ['api.openai.com'],
    routes: [
      { ...route('POST', '/v1/videos', 'submit'), maxBodyBytes: OPENAI_IMAGE_SUBMIT_BYTES },
      route('POST', `/v1/videos/${ID}/remix`, 'submit'),
      route('GET', `/v1/videos/${ID}`),
      route('GET', `/v1/videos/${ID}/content`, 'media'),
      route('DELETE', `/v1/videos/${ID}`),
    ],
    envKey: 'OPENAI_API_KEY',
    authHeaders: bearer,
    jobIdFrom: field('id'),
    forwardHeaders: ['openai-organization', 'openai-project'],
  },
  replicate: {
    hosts: ['api.replicate.com'],
    routes: [
      // A create may carry input images inline as data: URIs (at most 10 MB of files, as base64).
      { ...route('POST', '/v1/predictions', 'submit'), maxBodyBytes: REPLICATE_INLINE_BODY_BYTES },
      {
        ...route('POST', `/v1/(?:models|deployments)/${SEGMENT}/${SEGMENT}/predictions`, 'submit'),
        maxBodyBytes: REPLICATE_INLINE_BODY_BYTES,
      },
      route('GET', `/v1/predictions/${ID}`),
      route('POST', `/v1/predictions/${ID}/cancel`),
      // An input image's upload (multipart), up to the files API's 100 MiB.
      { ...route('POST', '/v1/files'), maxBodyBytes: REPLICATE_FILE_BODY_BYTES },
    ],
    envKey: 'REPLICATE_API_TOKEN',
    authHeaders: bearer,
    jobIdFrom: field('id'),
    // `Prefer: wait=N` (also in the common set) and `Cancel-After`, the deadline Replicate enforces itself.
    forwardHeaders: ['prefer', 'cancel-after'],
    webhookField: { body: 'webhook' },
  },
};

/** Other names the built-in providers are registered under. */
const ALIASES: Record<string, string> = { openaiVideos: 'openai', 'openai-videos': 'openai' };

/** Fills in a provider's config from the built-in defaults; throws when a custom provider lacks hosts or routes. */
export function resolveProxyProvider(name: string, config: ProxyProviderConfig | true): ResolvedProxyProvider {
  const given: ProxyProviderConfig = config === true ? {} : config;
  const base = DEFAULT_PROXY_PROVIDERS[ALIASES[name] ?? name];
  const hosts = given.hosts ?? base?.hosts;
  const routes = given.routes ?? base?.routes;
  if (!hosts?.length || !routes?.length) {
    throw new TypeError(
      `[react-video-jobs/server] proxy provider "${name}" is not built in: give it \`hosts\` and \`routes\` (built in: ${Object.keys(DEFAULT_PROXY_PROVIDERS).join(', ')})`,
    );
  }
  for (const { host } of routes) if (host !== undefined) toOrigin(host);
  return {
    name,
    simulatorName: ALIASES[name] ?? name,
    origins: hosts.map(toOrigin),
    routes,
    envKey: given.envKey ?? base?.envKey,
    apiKey: given.apiKey,
    authHeaders: given.authHeaders ?? base?.authHeaders ?? bearer,
    jobIdFrom: given.jobIdFrom ?? base?.jobIdFrom ?? firstOf(field('id'), field('request_id')),
    forwardHeaders: [...(base?.forwardHeaders ?? []), ...(given.forwardHeaders ?? [])].map((h) => h.toLowerCase()),
    webhookField: given.webhookField ?? base?.webhookField,
    webhookToken: given.webhookToken ?? base?.webhookToken ?? false,
  };
}

/**
 * The route a request to `target` takes, tried against each of `paths` (the target's path, or its paths on the
 * simulator): a host a route names is served by those routes alone (see `ProxyRoute.host`); on the simulator every
 * route applies.
 */
export function findRoute(
  provider: ResolvedProxyProvider,
  method: string,
  target: URL,
  paths: readonly string[],
  onSimulator: boolean,
): ProxyRoute | undefined {
  const names = (r: ProxyRoute) => r.host !== undefined && toOrigin(r.host) === target.origin;
  const claimed = !onSimulator && provider.routes.some(names);
  return provider.routes.find(
    (r) =>
      r.method === method &&
      (onSimulator || (claimed ? names(r) : r.host === undefined)) &&
      paths.some((path) => r.path.test(path)),
  );
}

/** `"queue.fal.run"` -> `"https://queue.fal.run"`; a full origin is kept as the URL parser writes it. */
export function toOrigin(host: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `https://${host}`;
  const url = new URL(withScheme);
  if (url.pathname !== '/' || url.search || url.username || url.password) {
    throw new TypeError(
      `[react-video-jobs/server] proxy host "${host}" must be a host name or an origin, without a path`,
    );
  }
  return url.origin;
}
