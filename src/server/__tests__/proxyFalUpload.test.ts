// fal's input image upload in a browser: the initiate call (the only one that needs the key) goes through the proxy
// like every fal request, to fal's REST host and nowhere else on it; the bytes go straight to the pre-signed URL.
import { createVideoClient } from '../../core/createVideoClient';
import { fal } from '../../providers/fal';
import { createSimulator } from '../../testing';
import { sampleImageFile } from '../../testing/sampleImage';
import { wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { createProxyHandler } from '../createProxyHandler';

const SIM = 'http://127.0.0.1:4010';
const PROXY = 'https://app.example/api/video/proxy';
const FAL_KEY = 'fal-real-key-123:abcdef';
const INITIATE = 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3';
const MODEL = 'fal-ai/kling-video/v2.1/master/image-to-video';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') }));
afterEach(() => vi.useRealTimers());

/** The browser's requests: to the proxy route, or (a pre-signed upload) straight to the storage. */
function browser(proxy: (request: Request) => Promise<Response>, storage: typeof fetch) {
  const direct: string[] = [];
  const page = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith(PROXY)) return proxy(request);
    if (!new URL(request.url).pathname.startsWith('/sim-uploads/')) throw new Error(`the page reached ${request.url}`);
    direct.push(`${request.method} ${request.url}`);
    return storage(input, init);
  }) as typeof fetch;
  return { page, direct };
}

function initiateRequest(target: string, init: RequestInit = {}): Request {
  return new Request(PROXY, {
    method: 'POST',
    body: JSON.stringify({ content_type: 'image/png', file_name: 'sample.png' }),
    ...init,
    headers: { 'content-type': 'application/json', 'x-fal-target-url': target, ...init.headers },
  });
}

describe('fal image upload through the proxy', () => {
  it.each([
    ['left on its real hosts', {}],
    ['on sim.baseUrl', { baseUrl: `${SIM}/fal` }],
  ])('with the simulator, an adapter %s uploads and the job completes', async (_where, at) => {
    const sim = createSimulator({ origin: SIM, job: { queueMs: 1000, runMs: 3000 } });
    const upstream: Array<{ url: string; authorization: string | null }> = [];
    const proxy = createProxyHandler({
      providers: ['fal'],
      simulator: SIM,
      env: { FAL_KEY },
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        upstream.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
        return sim.fetch(input, init);
      }) as typeof fetch,
    });
    const { page, direct } = browser(proxy, sim.fetch);
    const client = createVideoClient({
      providers: { fal: fal({ proxyUrl: PROXY, streaming: false, ...at }) },
      fetch: page,
    });
    const job = await client.submit({
      provider: 'fal',
      model: MODEL,
      input: { prompt: 'a fox', image: sampleImageFile() },
    });
    const [upload] = sim.uploads();
    expect(upload).toMatchObject({ provider: 'fal', status: 'stored' });
    expect(upstream[0]).toEqual({
      url: `${SIM}/fal/storage/upload/initiate?storage_type=fal-cdn-v3`,
      authorization: 'Key simulator-placeholder-key',
    });
    // Only the bytes skip the proxy: they go to the pre-signed URL, without a key.
    expect(direct).toHaveLength(1);
    expect(direct[0]!.startsWith(`PUT ${upload!.url}?token=`)).toBe(true);
    expect(sim.jobs()[0]!.input).toEqual({ prompt: 'a fox', image_url: upload!.url });
    const done = client.wait(job.ref);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(done).resolves.toMatchObject({ status: 'completed' });
  });

  it('forwards the initiate call to rest.fal.ai with the fal key and relays fal`s answer', async () => {
    const answer = wireFixture('fal', 'upload-initiate');
    const forwarded: Array<{ url: string; authorization: string | null; body: string }> = [];
    const proxy = createProxyHandler({
      providers: ['fal'],
      env: { FAL_KEY },
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        forwarded.push({
          url: String(input),
          authorization: new Headers(init?.headers).get('authorization'),
          body: new TextDecoder().decode(init?.body as Uint8Array),
        });
        return new Response(JSON.stringify(answer.body), { headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    });
    const response = await proxy(initiateRequest(INITIATE));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(answer.body);
    expect(forwarded).toEqual([
      {
        url: INITIATE,
        authorization: `Key ${FAL_KEY}`,
        body: JSON.stringify({ content_type: 'image/png', file_name: 'sample.png' }),
      },
    ]);
  });

  it.each([
    [
      'a storage host not on the allow-list',
      'https://rest.alpha.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3',
      'POST',
    ],
    ['a look-alike host', 'https://rest.fal.ai.evil.example/storage/upload/initiate', 'POST'],
    ['the pre-signed storage itself', 'https://v3.fal.media/files/upload/rabbit/YYbm6L.png?signature=x', 'PUT'],
    ['a queue path on the REST host', 'https://rest.fal.ai/fal-ai/veo3', 'POST'],
    ['another REST API', 'https://rest.fal.ai/keys/create', 'POST'],
    [
      'a multipart upload (not used)',
      'https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3',
      'POST',
    ],
    ['the initiate path read', INITIATE, 'GET'],
  ])('refuses %s', async (_what, target, method) => {
    const forwarded: string[] = [];
    const proxy = createProxyHandler({
      providers: ['fal'],
      env: { FAL_KEY },
      fetch: (async (input: RequestInfo | URL) => {
        forwarded.push(String(input));
        return new Response('{}');
      }) as typeof fetch,
    });
    const response = await proxy(initiateRequest(target, method === 'GET' ? { method, body: null } : { method }));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden_target');
    expect(forwarded).toEqual([]);
  });

  it('keeps the queue routes off the REST host and the initiate route off the queue host`s other paths', async () => {
    const forwarded: string[] = [];
    const proxy = createProxyHandler({
      providers: ['fal'],
      env: { FAL_KEY },
      fetch: (async (input: RequestInfo | URL) => {
        forwarded.push(String(input));
        return new Response(JSON.stringify({ request_id: 'r1' }), { headers: { 'content-type': 'application/json' } });
      }) as typeof fetch,
    });
    const status = await proxy(
      new Request(PROXY, { headers: { 'x-fal-target-url': 'https://rest.fal.ai/fal-ai/veo3/requests/r1/status' } }),
    );
    expect(status.status).toBe(403);
    const submit = await proxy(initiateRequest('https://queue.fal.run/fal-ai/veo3'));
    expect(submit.status).toBe(200);
    expect(forwarded).toEqual(['https://queue.fal.run/fal-ai/veo3']);
  });
});
