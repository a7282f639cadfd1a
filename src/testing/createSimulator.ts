import { createFaultInjector } from './faultInjector';
import type { SimFault } from './faultInjector';
import { abortError } from './simFaults';
import type { SimEndpoint, SimFaults, SimOneShotFault } from './simFaults';
import type { SimJob, SimJobSpec } from './simJob';
import { createJobStore } from './simJobStore';
import type { SimJobInfo } from './simJobStore';
import { jsonResponse, malformedResponse, videoFileResponse } from './simResponses';
import { createWebhookDeliverer, FAL_JWKS_PATH } from './simWebhooks';
import type { SimWebhookOptions, SimWebhooks } from './simWebhooks';
import { createUploadStore, SIM_UPLOAD_PATH } from './simUploads';
import type { SimUpload } from './simUploads';
import { createWireContext, wireError } from './wireContext';
import type { SimRequest, WireFormat, WireRoute } from './wireFormat';
import { WIRE_FORMATS } from './wireFormats';

export type { SimFault, SimJobInfo, SimUpload };

export interface SimulatorOptions {
  /** The clock (epoch ms). Defaults to `Date.now`, so `vi.useFakeTimers()` drives every job. */
  now?: () => number;
  /** Seed of the PRNG behind random faults and job ids. Defaults to `1`. */
  seed?: number;
  /** Origin of `sim.baseUrl(provider)`. Defaults to `'https://sim.local'`. */
  origin?: string;
  /** How new jobs behave: one spec for all, or one per job. Defaults to `{}` (2 s queued, 8 s running, completed). */
  job?: SimJobSpec | ((info: SimJobInfo) => SimJobSpec);
  /** Random faults from the start. Defaults to none. */
  faults?: SimFaults;
  /**
   * The finished video's URL. Defaults to `<origin the caller used>/files/<id>.mp4`, served by `sim.fetch`
   * (and by the loopback server, so a browser can play it). A page that runs the simulator in-process has no
   * server a `<video>` can reach: pass `sampleVideoBlobUrl()` (made once) instead.
   */
  videoUrl?: string | ((job: SimJob) => string);
  /** Per provider, the API key requests must carry; requests without it are answered `401`. Defaults to none. */
  apiKeys?: Partial<Record<string, string>>;
  /** Wire formats besides the built-in ones (e.g. for a custom provider under test). */
  wireFormats?: readonly WireFormat[];
  /** Tick of status streams (SSE): how often a changed job is sent. Defaults to `250` ms. */
  streamIntervalMs?: number;
  /**
   * Delivers each provider's webhook when a job ends, signed as that provider signs, to the webhook URL the job was
   * submitted with (or the provider's account-level endpoint); see `sim.webhooks`. Signatures carry this simulator's
   * clock (`now`), which the receiver checks against its own, so keep both on one clock. Defaults to none: webhook
   * URLs are only recorded.
   */
  webhooks?: SimWebhookOptions;
}

export interface SimRequestLog {
  /** Clock time the request arrived (epoch ms). */
  at: number;
  method: string;
  url: string;
  /** The provider whose wire format answered, `'unknown'` when none did. */
  provider: string;
  /** `jwks`: the public key of the simulator's fal webhook signatures (see `sim.webhooks.falJwksUrl`). */
  endpoint: SimEndpoint | 'jwks' | 'unknown';
  /** The status answered; `0` for a dropped connection or an aborted request. */
  status: number;
  jobId?: string;
  /** The injected fault, when one was. */
  fault?: SimFault;
  /** The request came through a proxy header (`x-fal-target-url` / `x-video-jobs-target-url`). */
  proxied?: boolean;
}

export interface SimCountFilter {
  provider?: string;
  endpoint?: SimEndpoint | 'jwks' | 'unknown';
  method?: string;
  status?: number;
  jobId?: string;
}

export interface Simulator {
  /** An in-process `fetch`: routes `${origin}/<provider>/...` (any origin) and the providers' real hosts. */
  readonly fetch: typeof fetch;
  /** `${origin}/${provider}`: pass it as the adapter's `baseUrl`. */
  baseUrl(provider: string): string;
  readonly origin: string;
  /** The providers whose wire formats are registered. */
  readonly providers: readonly string[];
  /** Applies `fault` to the next `count` matching requests, before any random fault. */
  failNext(fault: SimOneShotFault, count?: number): void;
  /** Replaces the random faults (`{}` clears them). */
  setFaults(faults: SimFaults): void;
  /** Replaces the spec of jobs submitted from now on. */
  setJobSpec(spec: SimJobSpec | ((info: SimJobInfo) => SimJobSpec)): void;
  /** Every job, in submit order, as it stands now. */
  jobs(): SimJob[];
  job(id: string): SimJob | undefined;
  /** Ends a queued or running job now, successfully. Throws for an unknown id; a no-op on a finished job. */
  complete(id: string): SimJob;
  /** Ends a queued or running job now, as failed with `message` (default: the spec's `errorMessage`). */
  fail(id: string, message?: string): SimJob;
  /** Every request so far, oldest first. */
  readonly requests: readonly SimRequestLog[];
  count(filter?: SimCountFilter): number;
  /** The webhook deliveries (with the `webhooks` option): every attempt, the fal key set's URL, `flush()`. */
  readonly webhooks: SimWebhooks;
  /** Files uploaded through the providers' upload APIs, oldest first (at most 64 MB are kept). */
  uploads(): SimUpload[];
  /** Forgets jobs, requests, webhook deliveries and one-shot faults; restores the options' faults and job spec. */
  reset(): void;
}

const TARGET_HEADERS = ['x-fal-target-url', 'x-video-jobs-target-url'];
/** Where fal publishes its webhook keys; the simulator answers there (through `sim.fetch`) with its own. */
const FAL_JWKS_HOST = 'rest.fal.ai';

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const now = options.now ?? (() => Date.now());
  const seed = options.seed ?? 1;
  const origin = (options.origin ?? 'https://sim.local').replace(/\/+$/, '');
  const wires = [...WIRE_FORMATS, ...(options.wireFormats ?? [])];
  const byName = new Map(wires.map((wire) => [wire.provider, wire]));
  const store = createJobStore(now, seed, options.job ?? {});
  const injector = createFaultInjector(seed, options.faults ?? {});
  const uploads = createUploadStore(now, () => store.uuid());
  const contextOptions = {
    now,
    store,
    streamIntervalMs: options.streamIntervalMs ?? 250,
    videoUrl: options.videoUrl,
    uploads,
  };
  let log: SimRequestLog[] = [];
  // When each job's status was last answered, for the 304 window.
  let lastPoll = new Map<string, number>();
  const webhooks = createWebhookDeliverer(options.webhooks, { store, wires: byName, now, origin, contextOptions });

  async function simFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const body = init?.body;
    if (typeof body === 'object' && body !== null && typeof (body as Blob).arrayBuffer === 'function') {
      // A Blob from another realm (jsdom's, in a test) is not one the runtime's Request reads: pass its bytes.
      init = { ...init, body: new Uint8Array(await (body as Blob).arrayBuffer()) };
    }
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
    if (signal?.aborted) throw abortError(signal);
    const method = request.method.toUpperCase();
    let url = new URL(request.url);
    let proxied = false;
    // A request to a proxy route is followed to its target, so the simulator doubles as the app's proxy.
    for (const header of TARGET_HEADERS) {
      const target = request.headers.get(header);
      if (target) {
        url = new URL(target, url);
        proxied = true;
        break;
      }
    }
    const entry: SimRequestLog = {
      at: now(),
      method,
      url: url.href,
      provider: 'unknown',
      endpoint: 'unknown',
      status: 0,
    };
    if (proxied) entry.proxied = true;
    log.push(entry);
    const bytes =
      method === 'GET' || method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(await request.arrayBuffer());
    try {
      const response = await answer(url, method, request.headers, bytes, signal, entry);
      entry.status = response.status;
      return response;
    } catch (error) {
      entry.status = 0;
      throw error;
    } finally {
      // A submit, a cancel or a poll past a job's end: start the callbacks that are due.
      webhooks.sweep();
    }
  }

  async function answer(
    url: URL,
    method: string,
    headers: Headers,
    bytes: Uint8Array,
    signal: AbortSignal | undefined,
    entry: SimRequestLog,
  ): Promise<Response> {
    const text = bytes.length ? new TextDecoder().decode(bytes) : '';
    if (isFalJwks(url)) {
      // The key set is not a provider API: no faults, no auth, so a webhook handler can always verify.
      Object.assign(entry, { provider: 'fal', endpoint: 'jwks' });
      return method === 'GET' || method === 'HEAD'
        ? jsonResponse(200, await webhooks.jwks(), { 'cache-control': 'max-age=300' })
        : jsonResponse(405, { detail: 'Method Not Allowed' });
    }
    const file = /^\/files\/([^/]+)\.mp4$/.exec(url.pathname);
    const upload = SIM_UPLOAD_PATH.exec(url.pathname);
    let wire: WireFormat | undefined;
    let route: WireRoute | undefined;
    let req: SimRequest | undefined;
    if (upload) {
      Object.assign(entry, { endpoint: 'upload', provider: uploads.get(upload[1]!)?.provider ?? 'uploads' });
    } else if (file) {
      const id = decodeURIComponent(file[1]!);
      Object.assign(entry, { endpoint: 'file', jobId: id, provider: store.get(id)?.provider ?? 'files' });
    } else {
      const found = resolveWire(url);
      if (found) {
        wire = found.wire;
        entry.provider = wire.provider;
        req = {
          method,
          url,
          path: found.path,
          base: found.base,
          headers,
          body: parseJson(text),
          text,
          bytes,
          ...(signal ? { signal } : {}),
        };
        route = wire.route(req);
        if (route) {
          entry.endpoint = route.endpoint;
          if (route.jobId !== undefined) entry.jobId = route.jobId;
        }
      }
    }

    let decision;
    try {
      decision = await injector.before({
        path: url.pathname,
        href: url.href,
        // The key set was answered above: what is left is a provider endpoint, a file or unknown.
        endpoint: entry.endpoint as SimEndpoint | 'unknown',
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (error instanceof TypeError) entry.fault = 'drop';
      throw error;
    }
    if (decision.fault) entry.fault = decision.fault;
    if (decision.answer) {
      entry.fault = decision.answer.fault;
      return wireError(wire, decision.answer.status, decision.answer.message, decision.answer.headers);
    }

    let response: Response;
    if (upload) {
      response = uploads.answer(method, url, headers, bytes);
    } else if (file) {
      const ready = store.get(entry.jobId!)?.status === 'completed';
      response = ready
        ? videoFileResponse(method, headers.get('range'))
        : jsonResponse(404, { error: { message: 'No such file' } });
    } else if (!wire || !route || !req) {
      response = wireError(wire, 404, `No simulated endpoint for ${method} ${url.pathname}`);
    } else {
      response = await handle(wire, { ...req, route }, entry);
    }

    if ((response.headers.get('content-type')?.includes('json') ?? false) && decision.malformed()) {
      entry.fault = 'malformed';
      return malformedResponse(response);
    }
    return response;
  }

  /** Auth, the 304 window, then the wire format itself. */
  async function handle(
    wire: WireFormat,
    req: SimRequest & { route: WireRoute },
    entry: SimRequestLog,
  ): Promise<Response> {
    const { route } = req;
    const expected = options.apiKeys?.[wire.provider];
    const given = wire.readApiKey ? wire.readApiKey(req.headers) : defaultApiKey(req.headers);
    if (expected !== undefined && !route.public && given !== expected) {
      entry.fault = 'auth';
      return wireError(wire, 401, given ? 'Invalid API key' : 'Missing API key');
    }
    const isPoll = route.endpoint === 'status' && route.jobId !== undefined;
    const pollKey = `${wire.provider}:${route.jobId ?? ''}`;
    const window = injector.faults.notModifiedWithinMs ?? wire.notModifiedWithinMs ?? 0;
    const last = lastPoll.get(pollKey);
    if (isPoll && window > 0 && last !== undefined && now() - last < window) {
      entry.fault = 'not_modified';
      return new Response(null, { status: 304 });
    }
    let response: Response;
    try {
      response = await wire.handle(req, createWireContext(wire, req, contextOptions));
    } catch (error) {
      // A wire format bug: answer like a crashing server, with the reason in the body for the error message.
      const reason = error instanceof Error ? error.message : String(error);
      response = wireError(wire, 500, `simulator wire format ${wire.provider} threw: ${reason}`);
    }
    if (isPoll && response.ok) lastPoll.set(pollKey, now());
    return response;
  }

  function resolveWire(url: URL): { wire: WireFormat; path: string; base: string } | undefined {
    const byHost = wires.find((wire) => wire.hosts.includes(url.host));
    if (byHost) return { wire: byHost, path: url.pathname, base: url.origin };
    const prefix = url.pathname.split('/')[1] ?? '';
    const wire = byName.get(decodeURIComponent(prefix));
    if (!wire) return undefined;
    return { wire, path: url.pathname.slice(prefix.length + 1) || '/', base: `${url.origin}/${prefix}` };
  }

  return {
    fetch: simFetch as typeof fetch,
    origin,
    providers: wires.map((wire) => wire.provider),
    baseUrl: (provider) => `${origin}/${provider}`,
    failNext: (fault, count = 1) => injector.failNext(fault, count),
    setFaults: (faults) => injector.set(faults),
    setJobSpec: (spec) => store.setSpec(spec),
    jobs: () => store.all(),
    job: (id) => store.get(id),
    complete: (id) => ended(store.end(id, 'completed')),
    fail: (id, message) => ended(store.end(id, 'failed', message)),
    get requests() {
      return log;
    },
    webhooks,
    count(filter = {}) {
      return log.filter(
        (entry) =>
          (filter.provider === undefined || entry.provider === filter.provider) &&
          (filter.endpoint === undefined || entry.endpoint === filter.endpoint) &&
          (filter.method === undefined || entry.method === filter.method.toUpperCase()) &&
          (filter.status === undefined || entry.status === filter.status) &&
          (filter.jobId === undefined || entry.jobId === filter.jobId),
      ).length;
    },
    uploads: () => uploads.all(),
    reset() {
      injector.reset(options.faults ?? {});
      store.reset(options.job ?? {});
      uploads.reset();
      log = [];
      lastPoll = new Map();
      webhooks.reset();
    },
  };

  function ended(job: SimJob): SimJob {
    webhooks.sweep();
    return job;
  }
}

function isFalJwks(url: URL): boolean {
  return url.pathname === `/fal${FAL_JWKS_PATH}` || (url.host === FAL_JWKS_HOST && url.pathname === FAL_JWKS_PATH);
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** `Authorization: Key abc` / `Bearer abc` / `Token abc` -> `abc`. */
function defaultApiKey(headers: Headers): string | undefined {
  const value = headers.get('authorization');
  if (!value) return undefined;
  const space = value.indexOf(' ');
  return space < 0 ? value : value.slice(space + 1).trim();
}
