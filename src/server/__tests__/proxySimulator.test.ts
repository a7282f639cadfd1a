// `createProxyHandler({ simulator })`: one option runs the proxy against the simulator, for every built-in provider,
// with adapters pointed at the simulator (`baseUrl: sim.baseUrl(provider)`) or left on their real hosts. Fail-closed:
// only that one origin is reachable (every other loopback target is still refused), no key from the environment ever
// reaches it, nothing reaches a real provider, and production refuses it unless told otherwise.
import type { ProviderAdapter } from '../../core/provider';
import { createVideoClient } from '../../core/createVideoClient';
import { aigateway } from '../../providers/aigateway';
import { fal } from '../../providers/fal';
import { kling } from '../../providers/kling';
import { openaiVideos } from '../../providers/openaiVideos';
import { replicate } from '../../providers/replicate';
import { videogen } from '../../providers/videogen';
import { visgate } from '../../providers/visgate';
import { createSimulator, type Simulator } from '../../testing';
import { createProxyHandler, type ProxyHandlerOptions } from '../createProxyHandler';

const SIM = 'http://127.0.0.1:4010';
const PROXY = 'https://app.example/api/video/proxy';
const REAL_KEYS = {
  FAL_KEY: 'fal-real-key-123:abcdef',
  KLING_API_KEY: 'kling-real-key-123456',
  REPLICATE_API_TOKEN: 'r8_real_token_123456',
};

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-01T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

/** The simulator, behind a fetch that records where each request went and the key it carried. */
function simulated() {
  const sim = createSimulator({ origin: SIM, job: { queueMs: 1000, runMs: 3000 } });
  const seen: Array<{ url: string; authorization: string | null }> = [];
  const upstream = (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
    return sim.fetch(input, init);
  }) as typeof fetch;
  return { sim, seen, upstream };
}

function proxyWith(upstream: typeof fetch, options: Partial<ProxyHandlerOptions> = {}) {
  return createProxyHandler({
    providers: ['fal', 'kling', 'aigateway', 'videogen', 'visgate', 'openai', 'replicate'],
    simulator: SIM,
    fetch: upstream,
    env: REAL_KEYS,
    ...options,
  });
}

/** A browser's client whose requests all go to the proxy route (`proxyUrl`). */
function browserClient(proxy: (request: Request) => Promise<Response>, adapters: Record<string, ProviderAdapter>) {
  const page = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(PROXY)) throw new Error(`the page reached ${request.url} directly`);
    return proxy(request);
  }) as typeof fetch;
  return createVideoClient({ providers: adapters, fetch: page });
}

function request(target: string, init: RequestInit & { header?: string } = {}): Request {
  const { header = 'x-video-jobs-target-url', ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set(header, target);
  return new Request(PROXY, { method: 'GET', ...rest, headers });
}

const JOBS: Record<string, { adapter: (at: { baseUrl?: string }) => ProviderAdapter; model: string; input: object }> = {
  fal: { adapter: (at) => fal({ proxyUrl: PROXY, ...at }), model: 'fal-ai/veo3', input: { prompt: 'a fox' } },
  kling: { adapter: (at) => kling({ proxyUrl: PROXY, ...at }), model: 'kling-v2-6', input: { prompt: 'a fox' } },
  aigateway: {
    adapter: (at) => aigateway({ proxyUrl: PROXY, ...at }),
    model: 'google/veo-3.1-fast',
    input: { prompt: 'a fox' },
  },
  videogen: {
    adapter: (at) => videogen({ proxyUrl: PROXY, ...at }),
    model: 'text-to-video',
    input: { prompt: 'a fox' },
  },
  visgate: { adapter: (at) => visgate({ proxyUrl: PROXY, ...at }), model: 'fal-ai/veo3', input: { prompt: 'a fox' } },
  openai: {
    adapter: (at) => openaiVideos({ proxyUrl: PROXY, baseUrl: at.baseUrl ?? 'https://api.openai.com/v1' }),
    model: 'sora-2',
    input: { prompt: 'a fox' },
  },
  replicate: {
    adapter: (at) => replicate({ proxyUrl: PROXY, ...at }),
    model: 'acme/video-model',
    input: { prompt: 'a fox' },
  },
};

async function runJob(sim: Simulator, proxy: (request: Request) => Promise<Response>, name: string, onSim: boolean) {
  const { adapter, model, input } = JOBS[name]!;
  const client = browserClient(proxy, { [name]: adapter(onSim ? { baseUrl: sim.baseUrl(name) } : {}) });
  const job = await client.submit({ provider: name, model, input: input as Record<string, unknown> });
  const done = client.wait(job.ref);
  await vi.advanceTimersByTimeAsync(30_000);
  return done;
}

describe('createProxyHandler({ simulator })', () => {
  it.each(Object.keys(JOBS))(
    '%s: a job submitted and followed through the proxy runs on the simulator (adapter on sim.baseUrl)',
    async (name) => {
      const { sim, seen, upstream } = simulated();
      const snapshot = await runJob(sim, proxyWith(upstream), name, true);
      expect(snapshot).toMatchObject({ provider: name, status: 'completed' });
      expect(sim.jobs()).toHaveLength(1);
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every((entry) => entry.url.startsWith(`${SIM}/${name}/`))).toBe(true);
      // A placeholder, never a real key from the environment.
      expect(seen.every((entry) => !Object.values(REAL_KEYS).some((key) => entry.authorization?.includes(key)))).toBe(
        true,
      );
    },
  );

  it.each(Object.keys(JOBS))(
    '%s: an adapter left on its real host is served by the simulator too, and nothing reaches the provider',
    async (name) => {
      const { sim, seen, upstream } = simulated();
      const snapshot = await runJob(sim, proxyWith(upstream), name, false);
      expect(snapshot).toMatchObject({ provider: name, status: 'completed' });
      expect(seen.every((entry) => entry.url.startsWith(`${SIM}/${name}/`))).toBe(true);
    },
  );

  it('sends the placeholder key (or the one given), never the environment key', async () => {
    const { sim, seen, upstream } = simulated();
    await proxyWith(upstream)(request(`${sim.baseUrl('replicate')}/v1/predictions/abc`));
    expect(seen[0]!.authorization).toBe('Bearer simulator-placeholder-key');
    await proxyWith(upstream, { simulator: { url: SIM, apiKey: 'sim-test-key' } })(
      request(`${sim.baseUrl('replicate')}/v1/predictions/abc`),
    );
    expect(seen[1]!.authorization).toBe('Bearer sim-test-key');
    // A simulator started with `apiKeys` accepts that key.
    const keyed = createSimulator({ origin: SIM, apiKeys: { replicate: 'sim-test-key' } });
    const proxy = proxyWith(keyed.fetch, { simulator: { url: SIM, apiKey: 'sim-test-key' } });
    const created = await proxy(
      request(`${SIM}/replicate/v1/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version: 'v1', input: { prompt: 'a fox' } }),
      }),
    );
    expect(created.status).toBe(201);
  });

  it('still refuses every other loopback target, other paths and other providers', async () => {
    const { seen, upstream } = simulated();
    const proxy = proxyWith(upstream, { providers: ['fal', 'replicate'] });
    const refused = [
      'http://127.0.0.1:4011/replicate/v1/predictions/abc', // another port
      'https://127.0.0.1:4010/replicate/v1/predictions/abc', // another scheme
      'http://localhost:4010/replicate/v1/predictions/abc', // another name for it
      'http://[::1]:4010/replicate/v1/predictions/abc',
      'http://127.0.0.1/replicate/v1/predictions/abc',
      `${SIM}/kling/v1/videos/text2video/abc`, // a provider the proxy does not forward
      `${SIM}/admin`,
      `${SIM}/files/abc.mp4`, // not a provider path (videos are fetched from the simulator directly)
      `${SIM}/replicate/v1/models`, // not one of the provider's routes
    ];
    for (const target of refused) {
      const response = await proxy(request(target));
      expect(response.status, target).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden_target');
    }
    // fal's own header reaches fal only, on the simulator too.
    const viaFalHeader = await proxy(request(`${SIM}/replicate/v1/predictions/abc`, { header: 'x-fal-target-url' }));
    expect(viaFalHeader.status).toBe(403);
    expect(seen).toEqual([]);
  });

  it('is off unless given: the simulator origin is then refused like any loopback target', async () => {
    const { seen, upstream } = simulated();
    for (const simulator of [undefined, '', { url: undefined }, { url: '' }]) {
      const proxy = proxyWith(upstream, { simulator });
      const response = await proxy(request(`${SIM}/replicate/v1/predictions/abc`));
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('IP address or a local name');
    }
    expect(seen).toEqual([]);
  });

  it('takes only a bare http(s) origin', () => {
    for (const url of [
      '127.0.0.1:4010',
      'ftp://127.0.0.1',
      `${SIM}/fal`,
      `${SIM}?x=1`,
      'http://user:pw@127.0.0.1:4010',
    ]) {
      expect(() => createProxyHandler({ providers: ['fal'], simulator: url }), url).toThrow(/simulator's origin/);
    }
    expect(() => createProxyHandler({ providers: ['fal'], simulator: `${SIM}/` })).not.toThrow();
  });

  it('is refused with NODE_ENV=production unless allowInProduction', async () => {
    const { seen, upstream } = simulated();
    const target = `${SIM}/replicate/v1/predictions/abc`;
    const production = proxyWith(upstream, { env: { NODE_ENV: 'production' } });
    const refused = await production(request(target));
    expect(refused.status).toBe(500);
    expect(await refused.text()).toContain('allowInProduction');
    expect(seen).toEqual([]);

    const forced = proxyWith(upstream, {
      env: { NODE_ENV: 'production' },
      simulator: { url: SIM, allowInProduction: true },
    });
    expect((await forced(request(target))).status).toBe(404); // reached the simulator: no such prediction
    expect(seen).toHaveLength(1);
  });

  it("keeps each user's jobs their own, and sets the webhook at submit, as against a provider", async () => {
    const { sim, upstream } = simulated();
    const proxy = proxyWith(upstream, {
      authorize: (req) => ({ ownerId: req.headers.get('x-user') ?? '' }),
      webhook: { url: 'https://app.example/api/video/webhooks', token: 'shared' },
    });
    const created = await proxy(
      request(`${SIM}/fal/fal-ai/veo3`, {
        method: 'POST',
        header: 'x-fal-target-url',
        headers: { 'content-type': 'application/json', 'x-user': 'alice' },
        body: JSON.stringify({ prompt: 'a fox' }),
      }),
    );
    expect(created.status).toBe(200);
    const { request_id: id } = (await created.json()) as { request_id: string };
    expect(sim.job(id)!.webhookUrl).toBe('https://app.example/api/video/webhooks/fal');
    const status = `${SIM}/fal/fal-ai/veo3/requests/${id}/status`;
    const own = await proxy(request(status, { header: 'x-fal-target-url', headers: { 'x-user': 'alice' } }));
    expect(own.status).toBe(202);
    const other = await proxy(request(status, { header: 'x-fal-target-url', headers: { 'x-user': 'bob' } }));
    expect(other.status).toBe(404);
  });
});
