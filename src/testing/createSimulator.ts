import { createPrng } from './prng';
import { DEFAULT_FAULT_ENDPOINTS, abortError, delay } from './simFaults';
import type { SimEndpoint, SimFaults, SimOneShotFault } from './simFaults';
import { isTerminalPhase, jobAt, resolveSpec } from './simJob';
import type { SimJob, SimJobRecord, SimJobSpec } from './simJob';
import { jsonResponse, malformedResponse, sseResponse, videoFileResponse } from './simResponses';
import type { SimRequest, SimVideoFile, WireContext, WireFormat, WireRoute } from './wireFormat';
import { WIRE_FORMATS } from './wireFormats';
import { SAMPLE_MP4_CONTENT_TYPE, sampleVideoBytes } from './sampleVideo';

export interface SimJobInfo {
  provider: string;
  model: string;
  input: unknown;
  /** 0-based submit order across the simulator. */
  index: number;
}

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
   * (and by the loopback server, so a browser can play it).
   */
  videoUrl?: string | ((job: SimJob) => string);
  /** Per provider, the API key requests must carry; requests without it are answered `401`. Defaults to none. */
  apiKeys?: Partial<Record<string, string>>;
  /** Wire formats besides the built-in ones (e.g. for a custom provider under test). */
  wireFormats?: readonly WireFormat[];
  /** Tick of status streams (SSE): how often a changed job is sent. Defaults to `250` ms. */
  streamIntervalMs?: number;
}

export type SimFault =
  'drop' | 'latency' | 'server_error' | 'rate_limited' | 'malformed' | 'not_modified' | 'auth' | 'http';

export interface SimRequestLog {
  /** Clock time the request arrived (epoch ms). */
  at: number;
  method: string;
  url: string;
  /** The provider whose wire format answered, `'unknown'` when none did. */
  provider: string;
  endpoint: SimEndpoint | 'unknown';
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
  endpoint?: SimEndpoint | 'unknown';
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
  /** Forgets jobs, requests and one-shot faults; restores the options' faults and job spec. */
  reset(): void;
}

const TARGET_HEADERS = ['x-fal-target-url', 'x-video-jobs-target-url'];

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const now = options.now ?? (() => Date.now());
  const seed = options.seed ?? 1;
  const origin = (options.origin ?? 'https://sim.local').replace(/\/+$/, '');
  const streamIntervalMs = options.streamIntervalMs ?? 250;
  const wires = [...WIRE_FORMATS, ...(options.wireFormats ?? [])];
  const byName = new Map(wires.map((wire) => [wire.provider, wire]));

  let random = createPrng(seed);
  let idRandom = createPrng(seed ^ 0x9e3779b9);
  let faults: SimFaults = { ...options.faults };
  let jobSpec = options.job ?? {};
  let oneShots: { fault: SimOneShotFault; left: number }[] = [];
  let records = new Map<string, SimJobRecord>();
  let log: SimRequestLog[] = [];
  let lastPoll = new Map<string, number>();
  let submitted = 0;

  const view = (record: SimJobRecord) => jobAt(record, now());

  function record(id: string): SimJobRecord {
    const found = records.get(id);
    if (!found)
      throw new Error(`[react-video-jobs simulator] no job with id ${id}; check sim.jobs() for the ids it knows`);
    return found;
  }

  function end(id: string, outcome: 'completed' | 'failed', errorMessage?: string): SimJob {
    const target = record(id);
    if (!isTerminalPhase(view(target).status)) {
      target.forcedEnd = { at: now(), outcome, ...(errorMessage !== undefined ? { errorMessage } : {}) };
    }
    return view(target);
  }

  function uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(idRandom() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  function videoOf(job: SimJob, requestOrigin: string): SimVideoFile {
    const url =
      typeof options.videoUrl === 'function'
        ? options.videoUrl(job)
        : (options.videoUrl ?? `${requestOrigin}/files/${encodeURIComponent(job.id)}.mp4`);
    return {
      url,
      contentType: SAMPLE_MP4_CONTENT_TYPE,
      fileName: `${job.id}.mp4`,
      fileSize: sampleVideoBytes().length,
      ...job.spec.video,
    };
  }

  function contextFor(wire: WireFormat, req: SimRequest): WireContext {
    const ownJob = (id: string) => {
      const found = records.get(id);
      return found && found.provider === wire.provider ? found : undefined;
    };
    const error = (status: number, message: string, headers?: Record<string, string>) =>
      jsonResponse(status, wire.errorBody ? wire.errorBody(status, message) : { error: { message } }, headers);
    return {
      now,
      createJob(init) {
        const index = submitted++;
        const info = { provider: wire.provider, model: init.model, input: init.input, index };
        const spec = resolveSpec(typeof jobSpec === 'function' ? jobSpec(info) : jobSpec);
        const created: SimJobRecord = {
          id: init.id ?? uuid(),
          ...info,
          createdAt: now(),
          spec,
          meta: { ...init.meta },
          ...(init.webhookUrl !== undefined ? { webhookUrl: init.webhookUrl } : {}),
        };
        records.set(created.id, created);
        return view(created);
      },
      job(id) {
        const found = ownJob(id);
        return found ? view(found) : undefined;
      },
      cancel(id) {
        const found = ownJob(id);
        if (!found) return 'not_found';
        if (isTerminalPhase(view(found).status)) return 'already_ended';
        found.cancelledAt = now();
        return 'cancelled';
      },
      video: (job) => videoOf(job, req.url.origin),
      uuid,
      json: jsonResponse,
      error,
      sse(jobId, render, sseOptions) {
        return sseResponse({
          intervalMs: streamIntervalMs,
          ...(sseOptions?.signal ? { signal: sseOptions.signal } : {}),
          read() {
            const found = ownJob(jobId);
            if (!found) return { event: null, done: true };
            const job = view(found);
            return { event: render(job), done: isTerminalPhase(job.status) };
          },
        });
      },
    };
  }

  function takeOneShot(path: string, href: string, endpoint: SimEndpoint | 'unknown'): SimOneShotFault | undefined {
    const index = oneShots.findIndex(({ fault }) =>
      fault.match ? fault.match.test(path) || fault.match.test(href) : endpoint !== 'file',
    );
    if (index < 0) return undefined;
    const entry = oneShots[index]!;
    entry.left -= 1;
    if (entry.left <= 0) oneShots.splice(index, 1);
    return entry.fault;
  }

  async function simFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
    if (signal?.aborted) throw abortError(signal);
    const method = request.method.toUpperCase();
    let url = new URL(request.url);
    let proxied = false;
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
    const text = method === 'GET' || method === 'HEAD' ? '' : await request.text();
    try {
      const response = await answer(url, method, request.headers, text, signal, entry);
      entry.status = response.status;
      return response;
    } catch (error) {
      entry.status = 0;
      throw error;
    }
  }

  async function answer(
    url: URL,
    method: string,
    headers: Headers,
    text: string,
    signal: AbortSignal | undefined,
    entry: SimRequestLog,
  ): Promise<Response> {
    const file = /^\/files\/([^/]+)\.mp4$/.exec(url.pathname);
    let wire: WireFormat | undefined;
    let route: WireRoute | undefined;
    let req: SimRequest | undefined;
    if (file) {
      const id = decodeURIComponent(file[1]!);
      entry.endpoint = 'file';
      entry.jobId = id;
      entry.provider = records.get(id)?.provider ?? 'files';
    } else {
      const found = resolveWire(url);
      if (found) {
        wire = found.wire;
        entry.provider = wire.provider;
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        req = { method, url, path: found.path, base: found.base, headers, body, text, ...(signal ? { signal } : {}) };
        route = wire.route(req);
        if (route) {
          entry.endpoint = route.endpoint;
          if (route.jobId !== undefined) entry.jobId = route.jobId;
        }
      }
    }

    const endpoint = entry.endpoint;
    const oneShot = takeOneShot(url.pathname, url.href, endpoint);
    const randomApplies = endpoint !== 'unknown' && (faults.endpoints ?? DEFAULT_FAULT_ENDPOINTS).includes(endpoint);
    const roll = (rate: number | undefined) => rate !== undefined && rate > 0 && random() < rate;
    const errorFor = (status: number, message: string, extra?: Record<string, string>) =>
      wire ? contextFor(wire, req!).error(status, message, extra) : jsonResponse(status, { error: { message } }, extra);

    const latency =
      (oneShot && 'latencyMs' in oneShot ? oneShot.latencyMs : 0) + (randomApplies ? (faults.latencyMs ?? 0) : 0);
    if (latency > 0) {
      if (oneShot && 'latencyMs' in oneShot) entry.fault = 'latency';
      await delay(latency, signal);
    }
    if ((oneShot && 'drop' in oneShot) || (randomApplies && roll(faults.dropRate))) {
      entry.fault = 'drop';
      throw new TypeError('fetch failed (simulated dropped connection)');
    }
    if (oneShot && 'status' in oneShot) {
      entry.fault =
        oneShot.status === 429
          ? 'rate_limited'
          : oneShot.status >= 500
            ? 'server_error'
            : oneShot.status === 401 || oneShot.status === 403
              ? 'auth'
              : 'http';
      if (oneShot.status === 429) {
        return errorFor(429, oneShot.message ?? 'Too many requests (simulated)', {
          'retry-after': String(oneShot.retryAfter ?? faults.retryAfterSeconds ?? 1),
        });
      }
      return errorFor(oneShot.status, oneShot.message ?? `Simulated ${oneShot.status}`);
    }
    if (randomApplies && roll(faults.serverErrorRate)) {
      entry.fault = 'server_error';
      return errorFor(500, 'Internal server error (simulated)');
    }
    if (randomApplies && roll(faults.rateLimitRate)) {
      entry.fault = 'rate_limited';
      return errorFor(429, 'Too many requests (simulated)', { 'retry-after': String(faults.retryAfterSeconds ?? 1) });
    }

    let response: Response;
    if (file) {
      const job = records.get(entry.jobId!);
      const ready = job && view(job).status === 'completed';
      response = ready
        ? videoFileResponse(method, headers.get('range'))
        : jsonResponse(404, { error: { message: 'No such file' } });
    } else if (!wire || !route || !req) {
      response = errorFor(404, `No simulated endpoint for ${method} ${url.pathname}`);
    } else {
      const expected = options.apiKeys?.[wire.provider];
      const given = wire.readApiKey ? wire.readApiKey(headers) : defaultApiKey(headers);
      const window = faults.notModifiedWithinMs ?? wire.notModifiedWithinMs ?? 0;
      const pollKey = `${wire.provider}:${route.jobId ?? ''}`;
      const last = lastPoll.get(pollKey);
      if (expected !== undefined && given !== expected) {
        entry.fault = 'auth';
        response = errorFor(401, given ? 'Invalid API key' : 'Missing API key');
      } else if (
        route.endpoint === 'status' &&
        route.jobId !== undefined &&
        window > 0 &&
        last !== undefined &&
        now() - last < window
      ) {
        entry.fault = 'not_modified';
        response = new Response(null, { status: 304 });
      } else {
        try {
          response = await wire.handle({ ...req, route }, contextFor(wire, req));
        } catch (error) {
          // A wire format bug: answer like a crashing server, with the reason in the body for the error message.
          response = errorFor(
            500,
            `simulator wire format ${wire.provider} threw: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        if (route.endpoint === 'status' && route.jobId !== undefined && response.ok) lastPoll.set(pollKey, now());
      }
    }

    const isJson = response.headers.get('content-type')?.includes('json') ?? false;
    if (isJson && ((oneShot && 'malformed' in oneShot) || (randomApplies && roll(faults.malformedRate)))) {
      entry.fault = 'malformed';
      return malformedResponse(response);
    }
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
    failNext(fault, count = 1) {
      oneShots.push({ fault, left: Math.max(1, count) });
    },
    setFaults(next) {
      faults = { ...next };
    },
    setJobSpec(spec) {
      jobSpec = spec;
    },
    jobs: () => [...records.values()].map(view),
    job(id) {
      const found = records.get(id);
      return found ? view(found) : undefined;
    },
    complete: (id) => end(id, 'completed'),
    fail: (id, message) => end(id, 'failed', message),
    get requests() {
      return log;
    },
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
    reset() {
      random = createPrng(seed);
      idRandom = createPrng(seed ^ 0x9e3779b9);
      faults = { ...options.faults };
      jobSpec = options.job ?? {};
      oneShots = [];
      records = new Map();
      log = [];
      lastPoll = new Map();
      submitted = 0;
    },
  };
}

/** `Authorization: Key abc` / `Bearer abc` / `Token abc` -> `abc`. */
function defaultApiKey(headers: Headers): string | undefined {
  const value = headers.get('authorization');
  if (!value) return undefined;
  const space = value.indexOf(' ');
  return space < 0 ? value : value.slice(space + 1).trim();
}
