import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator } from '../../testing';
import { createProxyHandler } from '../createProxyHandler';

const FAL_KEY = 'fal-secret-key-123:abc';
const env = { FAL_KEY, OPENAI_API_KEY: 'sk-openai-secret', KLING_API_KEY: 'kling-token' };

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: string;
  redirect: RequestRedirect | undefined;
}

/** An upstream that records what reached it and answers `respond`. */
function fakeUpstream(respond: (seen: Seen) => Response = () => Response.json({ ok: true })) {
  const seen: Seen[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const entry: Seen = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: init?.body ? new TextDecoder().decode(init.body as Uint8Array) : '',
      redirect: init?.redirect,
    };
    seen.push(entry);
    return respond(entry);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, seen, calls: fetch };
}

function proxyRequest(target: string, init: RequestInit & { header?: string } = {}): Request {
  const { header = 'x-video-jobs-target-url', ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set(header, target);
  return new Request('https://app.example/api/video/proxy', { method: 'GET', ...rest, headers });
}

describe('createProxyHandler: allow-list', () => {
  const upstream = fakeUpstream();
  const proxy = createProxyHandler({ providers: ['fal', 'openai', 'kling'], env, fetch: upstream.fetch });
  beforeEach(() => upstream.seen.splice(0));

  it('forwards an allow-listed fal submit with the key from the environment', async () => {
    const response = await proxy(
      proxyRequest('https://queue.fal.run/fal-ai/veo3?fal_webhook=https%3A%2F%2Fapp.example%2Fhook', {
        method: 'POST',
        header: 'x-fal-target-url',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a cat' }),
      }),
    );
    expect(response.status).toBe(200);
    expect(upstream.seen).toHaveLength(1);
    const [sent] = upstream.seen;
    expect(sent!.url).toBe('https://queue.fal.run/fal-ai/veo3?fal_webhook=https%3A%2F%2Fapp.example%2Fhook');
    expect(sent!.method).toBe('POST');
    expect(sent!.headers.get('authorization')).toBe(`Key ${FAL_KEY}`);
    expect(sent!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(sent!.body)).toEqual({ prompt: 'a cat' });
    expect(sent!.redirect).toBe('manual');
  });

  it('uses a bearer token for the other providers', async () => {
    await proxy(proxyRequest('https://api.openai.com/v1/videos/video_123'));
    expect(upstream.seen[0]!.headers.get('authorization')).toBe('Bearer sk-openai-secret');
  });

  it('refuses methods and paths the provider does not use', async () => {
    const cases: Array<[string, string]> = [
      ['DELETE', 'https://queue.fal.run/fal-ai/veo3/requests/abc'],
      ['GET', 'https://api.klingai.com/v1/videos/text2video'], // listing every task of the account
      ['POST', 'https://api.openai.com/v1/files'],
      ['GET', 'https://api.openai.com/v1/models'],
      ['POST', 'https://queue.fal.run/fal-ai/veo3/requests/abc/status'],
    ];
    for (const [method, target] of cases) {
      const response = await proxy(proxyRequest(target, { method, ...(method === 'GET' ? {} : { body: '{}' }) }));
      expect(response.status, `${method} ${target}`).toBe(403);
    }
    expect((await proxy(proxyRequest('https://queue.fal.run/fal-ai/veo3', { method: 'PATCH' }))).status).toBe(405);
    expect(upstream.seen).toHaveLength(0);
  });

  it("sends fal's own header only to fal", async () => {
    const response = await proxy(
      proxyRequest('https://api.openai.com/v1/videos/video_1', { header: 'x-fal-target-url' }),
    );
    expect(response.status).toBe(403);
    expect(upstream.seen).toHaveLength(0);
  });

  it('answers 400 when the target header is missing', async () => {
    const response = await proxy(new Request('https://app.example/api/video/proxy'));
    expect(response.status).toBe(400);
  });

  it('answers 500 naming the variable when the key is not configured', async () => {
    const bare = createProxyHandler({ providers: ['replicate'], env: {}, fetch: upstream.fetch });
    const response = await bare(proxyRequest('https://api.replicate.com/v1/predictions/p1'));
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body.error.code).toBe('missing_key');
    expect(body.error.message).toContain('REPLICATE_API_TOKEN');
    expect(upstream.seen).toHaveLength(0);
  });

  it('refuses to build a proxy for an unknown provider without hosts and routes', () => {
    expect(() => createProxyHandler({ providers: ['acme'], env })).toThrow(/acme.*hosts.*routes/);
    expect(() => createProxyHandler({ providers: [], env })).toThrow(/at least one provider/);
  });
});

describe('createProxyHandler: headers and pass-through', () => {
  it("strips cookies and the browser's auth headers, and never echoes the key", async () => {
    const upstream = fakeUpstream(
      (seen) =>
        new Response(JSON.stringify({ detail: `Invalid key: ${seen.headers.get('authorization')}` }), {
          status: 401,
          headers: { 'content-type': 'application/json', 'x-debug-auth': seen.headers.get('authorization')! },
        }),
    );
    const proxy = createProxyHandler({ providers: ['fal'], env, fetch: upstream.fetch });
    const response = await proxy(
      proxyRequest('https://queue.fal.run/fal-ai/veo3/requests/r1/status', {
        headers: {
          cookie: 'session=browser-session',
          authorization: 'Bearer browser-token',
          'x-api-key': 'browser-key',
          'proxy-authorization': 'Basic x',
          'if-none-match': '"v1"',
          'x-forwarded-for': '10.0.0.1',
        },
      }),
    );
    const sent = upstream.seen[0]!.headers;
    expect(sent.get('cookie')).toBeNull();
    expect(sent.get('x-api-key')).toBeNull();
    expect(sent.get('proxy-authorization')).toBeNull();
    expect(sent.get('x-forwarded-for')).toBeNull();
    expect(sent.get('x-video-jobs-target-url')).toBeNull();
    expect(sent.get('authorization')).toBe(`Key ${FAL_KEY}`);
    expect(sent.get('if-none-match')).toBe('"v1"');

    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).not.toContain(FAL_KEY);
    expect(text).toContain('[redacted]');
    expect(response.headers.get('x-debug-auth')).not.toContain(FAL_KEY);
  });

  it("forwards Replicate's Prefer: wait and Cancel-After, and Cancel-After to no one else", async () => {
    const upstream = fakeUpstream(() => Response.json({ id: 'p1', status: 'starting' }, { status: 201 }));
    const proxy = createProxyHandler({
      providers: ['replicate', 'openai'],
      env: { ...env, REPLICATE_API_TOKEN: 'r8_token' },
      fetch: upstream.fetch,
    });
    const headers = { 'content-type': 'application/json', prefer: 'wait=5', 'cancel-after': '10m' };
    const submit = (target: string) =>
      proxy(proxyRequest(target, { method: 'POST', headers, body: '{"input":{"prompt":"x"}}' }));
    expect((await submit('https://api.replicate.com/v1/models/acme/video/predictions')).status).toBe(201);
    await submit('https://api.openai.com/v1/videos');
    const [toReplicate, toOpenai] = upstream.seen;
    expect(toReplicate!.headers.get('prefer')).toBe('wait=5');
    expect(toReplicate!.headers.get('cancel-after')).toBe('10m');
    expect(toReplicate!.headers.get('authorization')).toBe('Bearer r8_token');
    expect(toOpenai!.headers.get('cancel-after')).toBeNull();
  });

  it('passes 304, 429 with Retry-After, and error bodies through unchanged', async () => {
    const answers = [
      new Response(null, { status: 304, headers: { etag: '"v7"', 'cache-control': 'no-cache' } }),
      new Response(JSON.stringify({ detail: 'slow down' }), {
        status: 429,
        headers: { 'retry-after': '17', 'content-type': 'application/json', 'set-cookie': 'upstream=1' },
      }),
      new Response('<html>bad gateway</html>', {
        status: 503,
        headers: { 'content-type': 'text/html', 'retry-after': '5' },
      }),
      new Response(JSON.stringify({ detail: [{ loc: ['body', 'prompt'], msg: 'field required' }] }), {
        status: 422,
        headers: { 'content-type': 'application/json' },
      }),
    ];
    const upstream = fakeUpstream(() => answers.shift()!);
    const proxy = createProxyHandler({
      providers: ['aigateway'],
      env: { AIGATEWAY_API_KEY: 'k' },
      fetch: upstream.fetch,
    });
    const status = () => proxy(proxyRequest('https://api.aigateway.sh/v1/jobs/job_1'));

    const notModified = await status();
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe('"v7"');
    expect(await notModified.text()).toBe('');

    const limited = await status();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('17');
    expect(limited.headers.get('set-cookie')).toBeNull();
    expect(await limited.json()).toEqual({ detail: 'slow down' });

    const unavailable = await status();
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('5');
    expect(await unavailable.text()).toBe('<html>bad gateway</html>');

    const invalid = await status();
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toEqual({ detail: [{ loc: ['body', 'prompt'], msg: 'field required' }] });
  });

  it('streams event streams and video bytes through without buffering them', async () => {
    let pull: ReadableStreamDefaultController<Uint8Array> | undefined;
    const body = new ReadableStream<Uint8Array>({ start: (controller) => void (pull = controller) });
    const upstream = fakeUpstream(() => new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    const proxy = createProxyHandler({ providers: ['fal'], env, fetch: upstream.fetch });
    const response = await proxy(proxyRequest('https://queue.fal.run/fal-ai/veo3/requests/r1/status/stream'));
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    pull!.enqueue(new TextEncoder().encode('data: {"status":"IN_QUEUE"}\n\n'));
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('IN_QUEUE');
    pull!.close();
    expect((await reader.read()).done).toBe(true);
  });

  it('refuses bodies over the limit with 413, by Content-Length or while streaming', async () => {
    const upstream = fakeUpstream();
    const proxy = createProxyHandler({ providers: ['fal'], env, fetch: upstream.fetch, maxBodyBytes: 1024 });
    const declared = await proxy(
      proxyRequest('https://queue.fal.run/fal-ai/veo3', {
        method: 'POST',
        body: 'x'.repeat(2048),
        headers: { 'content-length': '2048' },
      }),
    );
    expect(declared.status).toBe(413);
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(512));
      },
    });
    const streamed = await proxy(
      proxyRequest('https://queue.fal.run/fal-ai/veo3', {
        method: 'POST',
        body: chunked,
        duplex: 'half',
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    const fits = await proxy(
      proxyRequest('https://queue.fal.run/fal-ai/veo3', { method: 'POST', body: 'x'.repeat(1024) }),
    );
    expect(fits.status).toBe(200);
    expect(upstream.seen).toHaveLength(1);
  });
});

describe('createProxyHandler: redirects (real loopback servers)', () => {
  let server: Server;
  let origin: string;
  let internalHits = 0;
  let internal: Server;
  let internalOrigin: string;

  beforeAll(async () => {
    internal = createServer((_req, res) => {
      internalHits++;
      res.end('internal secret');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    internalOrigin = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
    server = createServer((req, res) => {
      res.writeHead(req.url?.includes('temporary') ? 307 : 302, { location: `${internalOrigin}/admin` });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => internal.close(resolve));
  });

  it('does not follow a redirect to an internal address: 502, Location not passed on', async () => {
    const proxy = createProxyHandler({
      providers: {
        acme: { hosts: [origin], routes: [{ method: 'GET', path: /^\/v1\/jobs\/(?<id>\w+)$/ }], envKey: 'ACME' },
      },
      env: { ACME: 'acme-key' },
    });
    for (const path of ['/v1/jobs/redirect', '/v1/jobs/temporary']) {
      const response = await proxy(proxyRequest(`${origin}${path}`));
      expect(response.status).toBe(502);
      expect(response.headers.get('location')).toBeNull();
      expect((await response.json()).error.code).toBe('upstream_redirect');
    }
    expect(internalHits).toBe(0);
  });

  it('reaches an http: loopback origin only when that exact origin is allow-listed', async () => {
    const proxy = createProxyHandler({
      providers: {
        acme: { hosts: ['api.acme.example'], routes: [{ method: 'GET', path: /^\/admin$/ }], envKey: 'ACME' },
      },
      env: { ACME: 'acme-key' },
    });
    const response = await proxy(proxyRequest(`${internalOrigin}/admin`));
    expect(response.status).toBe(403);
    expect(internalHits).toBe(0);
  });
});

describe('createProxyHandler: authorize and owners (simulated fal)', () => {
  function setup(extra: Partial<Parameters<typeof createProxyHandler>[0]> = {}) {
    const sim = createSimulator({ apiKeys: { fal: FAL_KEY } });
    const proxy = createProxyHandler({
      providers: ['fal'],
      env,
      fetch: sim.fetch,
      authorize: (request) => {
        const user = request.headers.get('x-user');
        if (!user) return new Response('sign in first', { status: 401 });
        if (user === 'banned') return false;
        if (user === 'greedy') return new Response('too many', { status: 429, headers: { 'retry-after': '60' } });
        return { ownerId: user };
      },
      ...extra,
    });
    const as = (user: string | undefined, target: string, init: RequestInit = {}) =>
      proxy(
        proxyRequest(target, {
          header: 'x-fal-target-url',
          ...init,
          headers: { ...(user ? { 'x-user': user } : {}), 'content-type': 'application/json' },
        }),
      );
    return { sim, as };
  }

  it("answers the app's own 401/403/429 without calling the provider", async () => {
    const { sim, as } = setup();
    const submit = { method: 'POST', body: JSON.stringify({ prompt: 'x' }) };
    expect((await as(undefined, 'https://queue.fal.run/fal-ai/veo3', submit)).status).toBe(401);
    expect((await as('banned', 'https://queue.fal.run/fal-ai/veo3', submit)).status).toBe(403);
    const limited = await as('greedy', 'https://queue.fal.run/fal-ai/veo3', submit);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(sim.requests).toHaveLength(0);
  });

  it("lets each user reach only the jobs they created; another's job id is a 404", async () => {
    const { sim, as } = setup();
    const submitted = await as('alice', 'https://queue.fal.run/fal-ai/veo3', {
      method: 'POST',
      body: JSON.stringify({ prompt: 'a cat' }),
    });
    expect(submitted.status).toBe(200);
    const { request_id: id } = await submitted.json();
    expect(typeof id).toBe('string');

    const statusUrl = `https://queue.fal.run/fal-ai/veo3/requests/${id}/status`;
    expect((await as('alice', statusUrl)).status).toBe(202); // fal: 202 while queued
    const stolen = await as('mallory', statusUrl);
    expect(stolen.status).toBe(404);
    const cancel = await as('mallory', `https://queue.fal.run/fal-ai/veo3/requests/${id}/cancel`, { method: 'PUT' });
    expect(cancel.status).toBe(404);
    expect(sim.job(id)!.status).not.toBe('cancelled');

    const unknown = await as('alice', 'https://queue.fal.run/fal-ai/veo3/requests/not-recorded/status');
    expect(unknown.status).toBe(404);
    expect(sim.count({ endpoint: 'status' })).toBe(1);
    expect(sim.count({ endpoint: 'cancel' })).toBe(0);
  });

  it('lets signed-in users reach unrecorded jobs with unknownJobs: allow', async () => {
    const { sim, as } = setup({ unknownJobs: 'allow' });
    const submitted = await as('alice', 'https://queue.fal.run/fal-ai/veo3', {
      method: 'POST',
      body: '{"prompt":"x"}',
    });
    const { request_id: id } = await submitted.json();
    expect((await as('mallory', `https://queue.fal.run/fal-ai/veo3/requests/${id}/status`)).status).toBe(404);
    const unrecorded = await as('alice', 'https://queue.fal.run/fal-ai/veo3/requests/other-id/status');
    expect(unrecorded.status).toBe(404); // the simulator does not know it either, but the proxy let it through
    expect(sim.count({ endpoint: 'status' })).toBe(1);
  });
});

describe('createProxyHandler: webhook set on the server', () => {
  const webhook = { url: 'https://app.example/api/video/webhooks/', token: 'shared-token' };

  it("replaces fal's fal_webhook query with the server's", async () => {
    const sim = createSimulator();
    const proxy = createProxyHandler({ providers: ['fal'], env, fetch: sim.fetch, webhook });
    const response = await proxy(
      proxyRequest('https://queue.fal.run/fal-ai/veo3?fal_webhook=https%3A%2F%2Fevil.example%2Fsteal', {
        method: 'POST',
        header: 'x-fal-target-url',
        headers: { 'content-type': 'application/json' },
        body: '{"prompt":"x"}',
      }),
    );
    const { request_id: id } = await response.json();
    expect(sim.job(id)!.webhookUrl).toBe('https://app.example/api/video/webhooks/fal');
  });

  it('sets the body field with the shared-secret token where the provider needs one', async () => {
    const upstream = fakeUpstream(() => Response.json({ code: 0, data: { task_id: 't1' } }));
    const proxy = createProxyHandler({
      providers: ['kling', 'replicate', 'openai'],
      env: { ...env, REPLICATE_API_TOKEN: 'r' },
      fetch: upstream.fetch,
      webhook,
    });
    const submit = (target: string, body: unknown) =>
      proxy(
        proxyRequest(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    await submit('https://api-singapore.klingai.com/v1/videos/text2video', {
      prompt: 'x',
      callback_url: 'https://evil.example',
    });
    await submit('https://api.replicate.com/v1/predictions', { version: 'v', input: {} });
    await submit('https://api.openai.com/v1/videos', { prompt: 'x' });
    const [klingBody, replicateBody, openaiBody] = upstream.seen.map((seen) => JSON.parse(seen.body));
    expect(klingBody).toEqual({
      prompt: 'x',
      callback_url: 'https://app.example/api/video/webhooks/kling?token=shared-token',
    });
    expect(replicateBody.webhook).toBe('https://app.example/api/video/webhooks/replicate');
    expect(openaiBody).toEqual({ prompt: 'x' }); // account-level webhooks: nothing to set per job
    const notJson = await proxy(
      proxyRequest('https://api.replicate.com/v1/predictions', { method: 'POST', body: 'nope' }),
    );
    expect(notJson.status).toBe(400);
  });
});
