import { createVideoClient } from '../../core/createVideoClient';
import type { JobSnapshot } from '../../core/jobSnapshot';
import { openaiVideos } from '../../providers/openaiVideos';
import { createSimulator, sampleVideoBytes } from '../../testing';
import { createOpenaiVideosWire } from '../../testing/wire/openaiVideos';
import { createProxyHandler, type ProxyHandlerOptions } from '../createProxyHandler';
import type { ProxyProviderConfig } from '../proxyProviders';

const START = Date.UTC(2026, 10, 23, 12, 0, 0);
const PROXY = 'https://app.example/api/video';
const OPENAI_KEY = 'sk-openai-secret';
const OPENROUTER_KEY = 'sk-or-secret';
const TARGET_PARAM = 'x-video-jobs-target-url';

/** The custom entry the `providers` JSDoc documents for OpenRouter's OpenAI-style `/api/v1/videos`. */
const OPENROUTER: ProxyProviderConfig = {
  hosts: ['openrouter.ai'],
  envKey: 'OPENROUTER_API_KEY',
  routes: [
    { method: 'POST', path: /^\/api\/v1\/videos$/, submit: true },
    { method: 'GET', path: /^\/api\/v1\/videos\/(?<id>[\w-]+)$/ },
    { method: 'GET', path: /^\/api\/v1\/videos\/(?<id>[\w-]+)\/content$/, media: true },
  ],
  webhookField: { body: 'callback_url' },
};

beforeEach(() => vi.useFakeTimers({ now: START }));
afterEach(() => vi.useRealTimers());

/**
 * A browser-side client whose adapter works in proxy mode, wired to the proxy handler, which forwards to the
 * simulator with the server's key: the whole path a page takes, in process.
 */
function browserThroughProxy(extra: Partial<ProxyHandlerOptions> = {}) {
  const sim = createSimulator({
    apiKeys: { openai: OPENAI_KEY, openrouter: OPENROUTER_KEY },
    wireFormats: [createOpenaiVideosWire({ shape: 'openrouter' })],
  });
  const proxy = createProxyHandler({
    providers: { openai: true, openrouter: OPENROUTER },
    env: { OPENAI_API_KEY: OPENAI_KEY, OPENROUTER_API_KEY: OPENROUTER_KEY },
    fetch: sim.fetch,
    ...extra,
  });
  const client = createVideoClient({
    providers: {
      // The simulator answers for OpenAI's host (the proxy's built-in openai target), standing in for a live gateway.
      openai: openaiVideos({ baseUrl: 'https://api.openai.com/v1', proxyUrl: PROXY }),
      openrouter: openaiVideos({ name: 'openrouter', baseUrl: 'https://openrouter.ai/api/v1', proxyUrl: PROXY }),
    },
    fetch: (input, init) => proxy(new Request(input, init)),
  });
  async function finished(provider: 'openai' | 'openrouter', model: string): Promise<JobSnapshot> {
    const first = await client.submit({ provider, model, input: { prompt: 'a cat on a skateboard' } });
    const done = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(30_000);
    return done;
  }
  return { sim, proxy, client, finished };
}

/** What a `<video src>` sends: a plain GET (or HEAD), no custom headers, maybe a Range. */
function mediaRequest(url: string, init: RequestInit = {}): Request {
  return new Request(url, init);
}

describe('createProxyHandler: the target in the query, for a <video> (OpenAI content through the simulator)', () => {
  it('plays the MP4 end to end: adapter in proxy mode -> proxy -> simulator, with the server key', async () => {
    const { sim, proxy, finished } = browserThroughProxy();
    const job = await finished('openai', 'sora-2');
    expect(job.status).toBe('completed');
    const url = new URL(job.video!.url);
    expect(`${url.origin}${url.pathname}`).toBe(PROXY);
    expect(url.searchParams.get(TARGET_PARAM)).toBe(`https://api.openai.com/v1/videos/${job.id}/content`);
    expect(job.video!.url).not.toContain(OPENAI_KEY);

    const response = await proxy(mediaRequest(job.video!.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes).toEqual(sampleVideoBytes());
    expect(response.headers.get('content-length')).toBe(String(bytes.byteLength));
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('ftyp');
    // The simulator refuses requests without the key: the bytes came with the server's.
    const file = sim.requests.filter((entry) => entry.endpoint === 'file');
    expect(file).toHaveLength(1);
    expect(file[0]).toMatchObject({ provider: 'openai', status: 200 });
  });

  it('forwards Range and passes back 206, Content-Range, Accept-Ranges and Content-Length', async () => {
    const { proxy, finished } = browserThroughProxy();
    const job = await finished('openai', 'sora-2');
    const total = sampleVideoBytes().byteLength;

    const first = await proxy(mediaRequest(job.video!.url, { headers: { range: 'bytes=0-99' } }));
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${total}`);
    expect(first.headers.get('accept-ranges')).toBe('bytes');
    expect(first.headers.get('content-length')).toBe('100');
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(sampleVideoBytes().subarray(0, 100));

    const tail = await proxy(mediaRequest(job.video!.url, { headers: { range: `bytes=${total - 10}-` } }));
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${total - 10}-${total - 1}/${total}`);
    expect((await tail.arrayBuffer()).byteLength).toBe(10);

    const beyond = await proxy(mediaRequest(job.video!.url, { headers: { range: `bytes=${total + 5}-` } }));
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${total}`);
  });

  it('answers HEAD on a media route with the size and no body', async () => {
    const { sim, proxy, finished } = browserThroughProxy();
    const job = await finished('openai', 'sora-2');
    const response = await proxy(mediaRequest(job.video!.url, { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(sampleVideoBytes().byteLength));
    expect(response.body).toBeNull();
    expect(sim.requests.at(-1)).toMatchObject({ method: 'HEAD', endpoint: 'file' });
  });

  it('takes the query only on GET/HEAD of a media route, with the same allow-list checks', async () => {
    const { sim, proxy, finished } = browserThroughProxy();
    const job = await finished('openai', 'sora-2');
    const before = sim.requests.length;
    const viaQuery = (target: string, init: RequestInit = {}) =>
      proxy(mediaRequest(`${PROXY}?${TARGET_PARAM}=${encodeURIComponent(target)}`, init));

    const cases: Array<[string, Response, number]> = [
      ['a status route', await viaQuery(`https://api.openai.com/v1/videos/${job.id}`), 403],
      ['another host', await viaQuery('https://evil.example/v1/videos/x/content'), 403],
      ['the metadata address', await viaQuery('http://169.254.169.254/latest/meta-data/'), 403],
      ['a look-alike host', await viaQuery(`https://api.openai.com.evil.example/v1/videos/${job.id}/content`), 403],
      ['a dot-dot path', await viaQuery(`https://api.openai.com/v1/files/../videos/${job.id}/content`), 403],
      ['an encoded slash', await viaQuery(`https://api.openai.com/v1/videos/a%2f..%2fb/content`), 403],
      ['a POST', await viaQuery('https://api.openai.com/v1/videos', { method: 'POST', body: '{}' }), 400],
      ['a DELETE', await viaQuery(`https://api.openai.com/v1/videos/${job.id}`, { method: 'DELETE' }), 400],
    ];
    for (const [what, response, status] of cases) {
      expect(response.status, what).toBe(status);
      expect((await response.json()).error.code, what).toBe('forbidden_target');
    }
    expect(sim.requests.length).toBe(before);
  });

  it('lets the header win over the query, and sends Range only to media routes', async () => {
    const seen: Request[] = [];
    const proxy = createProxyHandler({
      providers: ['openai'],
      env: { OPENAI_API_KEY: OPENAI_KEY },
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        seen.push(new Request(input, init));
        return Response.json({ id: 'video_1', status: 'queued' });
      }) as typeof fetch,
    });
    const statusUrl = 'https://api.openai.com/v1/videos/video_1';
    await proxy(
      new Request(`${PROXY}?${TARGET_PARAM}=${encodeURIComponent(`${statusUrl}/content`)}`, {
        headers: { [TARGET_PARAM]: statusUrl, range: 'bytes=0-' },
      }),
    );
    expect(seen[0]!.url).toBe(statusUrl);
    expect(seen[0]!.headers.get('range')).toBeNull();
    expect(seen[0]!.headers.get('authorization')).toBe(`Bearer ${OPENAI_KEY}`);
  });

  it("serves a user's own video to their <video> only: another user's gets 404", async () => {
    const { sim, proxy, finished } = browserThroughProxy({
      authorize: (request) => ({ ownerId: request.headers.get('cookie')?.replace('user=', '') ?? 'anonymous' }),
    });
    // The page's requests carry no cookie in this harness: the job belongs to "anonymous".
    const job = await finished('openai', 'sora-2');
    const mine = await proxy(mediaRequest(job.video!.url));
    expect(mine.status).toBe(200);
    await mine.arrayBuffer();
    const theirs = await proxy(mediaRequest(job.video!.url, { headers: { cookie: 'user=mallory' } }));
    expect(theirs.status).toBe(404);
    expect(sim.count({ endpoint: 'file' })).toBe(1);
  });
});

describe('createProxyHandler: an OpenRouter-style custom provider', () => {
  it('follows a job and plays its content through the custom allow-list entry', async () => {
    const { sim, proxy, finished } = browserThroughProxy();
    const job = await finished('openrouter', 'google/veo-3.1');
    expect(job.status).toBe('completed');
    const target = new URL(new URL(job.video!.url).searchParams.get(TARGET_PARAM)!);
    expect(target.origin).toBe('https://openrouter.ai');
    expect(target.pathname).toBe(`/api/v1/videos/${job.id}/content`);

    const response = await proxy(mediaRequest(job.video!.url, { headers: { range: 'bytes=0-9' } }));
    expect(response.status).toBe(206);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(sampleVideoBytes().subarray(0, 10));
    expect(sim.count({ provider: 'openrouter', endpoint: 'submit' })).toBe(1);
    expect(sim.count({ provider: 'openrouter', endpoint: 'status' })).toBeGreaterThan(0);
    expect(sim.count({ provider: 'openrouter', endpoint: 'file' })).toBe(1);
    expect(sim.requests.filter((entry) => entry.status === 401)).toHaveLength(0);
  });

  it('refuses what the entry does not list', async () => {
    const { sim, proxy } = browserThroughProxy();
    const header = (target: string, init: RequestInit = {}) =>
      proxy(new Request(PROXY, { ...init, headers: { [TARGET_PARAM]: target } }));
    const refused = [
      await header('https://openrouter.ai/api/v1/credits'),
      await header('https://openrouter.ai/api/v1/chat/completions', { method: 'POST', body: '{}' }),
      await header('https://openrouter.ai/api/v1/videos/abc', { method: 'DELETE' }),
      await header('https://openrouter.ai/v1/videos', { method: 'POST', body: '{}' }),
      await header('http://openrouter.ai/api/v1/videos', { method: 'POST', body: '{}' }),
    ];
    for (const response of refused) expect(response.status).toBe(403);
    expect(sim.requests).toHaveLength(0);
  });

  it('sets the server webhook in the body field the entry names', async () => {
    const { sim, proxy } = browserThroughProxy({ webhook: { url: 'https://app.example/api/video/webhooks' } });
    const response = await proxy(
      new Request(PROXY, {
        method: 'POST',
        headers: { [TARGET_PARAM]: 'https://openrouter.ai/api/v1/videos', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'google/veo-3.1', prompt: 'x', callback_url: 'https://evil.example/' }),
      }),
    );
    expect(response.status).toBe(202);
    const { id } = await response.json();
    expect(sim.job(id)!.webhookUrl).toBe('https://app.example/api/video/webhooks/openrouter');
  });
});
