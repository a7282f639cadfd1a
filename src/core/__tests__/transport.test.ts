import { createTransport, parseRetryAfter, type HttpRequest } from '../transport';
import { VideoJobError } from '../videoJobError';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

type Reply = Response | Error | 'hang' | (() => Response);

/** A scripted `fetch`: answers in order (the last one repeats), logging the time of every call. */
function scriptedFetch(...replies: Reply[]) {
  const calls: Array<{ at: number; method: string; url: string; signal: AbortSignal }> = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const signal = init.signal!;
    calls.push({ at: Date.now(), method: init.method ?? 'GET', url: String(input), signal });
    const reply = replies[Math.min(calls.length - 1, replies.length - 1)]!;
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => {
        const onAbort = () => reject(signal.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
        if (signal.aborted) onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? reply() : reply.clone();
  }) as typeof globalThis.fetch;
  return { fetch, calls, gaps: () => calls.slice(1).map((call, i) => call.at - calls[i]!.at) };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const status = (id = 'abc123'): HttpRequest => ({
  method: 'GET',
  url: `https://queue.fal.run/fal-ai/veo3/requests/${id}/status`,
  provider: 'fal',
  jobId: id,
});
const submit: HttpRequest = {
  method: 'POST',
  url: 'https://queue.fal.run/fal-ai/veo3',
  provider: 'fal',
  body: { prompt: 'a cat' },
};

/** Runs a request to completion while fake time advances; resolves with its outcome. */
async function run<T>(promise: Promise<T>, ms = 120_000) {
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: error as VideoJobError }),
  );
  await vi.advanceTimersByTimeAsync(ms);
  return outcome;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('transport: retries of idempotent requests', () => {
  it('retries a network error and returns the answer', async () => {
    const server = scriptedFetch(new TypeError('fetch failed'), json({ status: 'IN_QUEUE' }));
    const transport = createTransport({ fetch: server.fetch, random: () => 0.5 });
    const result = await run(transport.request(status()));
    expect(result).toMatchObject({
      ok: true,
      value: { status: 200, data: { status: 'IN_QUEUE' }, notModified: false },
    });
    expect(server.calls).toHaveLength(2);
    expect(server.gaps()).toEqual([500]);
  });

  it('gives up after the configured retries with a network error naming the path', async () => {
    const server = scriptedFetch(new TypeError('fetch failed'));
    const transport = createTransport({ fetch: server.fetch, random: () => 0.5 });
    const result = await run(transport.request(status()));
    expect(server.calls).toHaveLength(4);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({
      kind: 'network',
      retryable: true,
      provider: 'fal',
      jobId: 'abc123',
    });
    expect(!result.ok && result.error.message).toMatch(
      /^fal job abc123: GET \/fal-ai\/veo3\/requests\/abc123\/status failed before an answer \(fetch failed\)/,
    );
  });

  it.each([500, 502, 503, 504, 520])('retries %i with exponential, jittered backoff', async (code) => {
    const server = scriptedFetch(json({}, code), json({}, code), json({}, code), json({ ok: 1 }));
    const transport = createTransport({ fetch: server.fetch, random: () => 0.5 });
    expect(await run(transport.request(status()))).toMatchObject({ ok: true, value: { data: { ok: 1 } } });
    expect(server.gaps()).toEqual([500, 1000, 2000]);
  });

  it('reports a 500 that outlasts the retries as retryable, so a watch asks again later', async () => {
    const server = scriptedFetch(json({ detail: 'oops' }, 500));
    const transport = createTransport({ fetch: server.fetch, random: () => 0.5 });
    const result = await run(transport.request(status()));
    expect(server.calls).toHaveLength(4);
    expect(!result.ok && result.error).toMatchObject({ kind: 'http', status: 500, retryable: true });
    expect(!result.ok && result.error.message).toMatch(/answered 500: "oops"; the provider had an internal error/);
  });

  it.each([501, 505])('does not retry %i: the request itself cannot work', async (code) => {
    const server = scriptedFetch(json({}, code), json({ ok: 1 }));
    const transport = createTransport({ fetch: server.fetch });
    const result = await run(transport.request(status()));
    expect(server.calls).toHaveLength(1);
    expect(!result.ok && result.error).toMatchObject({ kind: 'http', status: code, retryable: false });
  });

  it('keeps the jitter within +/-20 % of each backoff step', async () => {
    for (const random of [0, 0.999]) {
      const server = scriptedFetch(json({}, 503), json({}, 503), json({ ok: 1 }));
      const transport = createTransport({ fetch: server.fetch, random: () => random });
      await run(transport.request(status()));
      const [first, second] = server.gaps();
      expect(first).toBeGreaterThanOrEqual(400);
      expect(first).toBeLessThanOrEqual(600);
      expect(second).toBeGreaterThanOrEqual(800);
      expect(second).toBeLessThanOrEqual(1200);
    }
  });

  it('obeys Retry-After in seconds exactly', async () => {
    const server = scriptedFetch(json({}, 503, { 'retry-after': '3' }), json({ ok: 1 }));
    const transport = createTransport({ fetch: server.fetch, random: () => 0 });
    await run(transport.request(status()));
    expect(server.gaps()).toEqual([3000]);
  });

  it('obeys Retry-After as an HTTP date exactly', async () => {
    const server = scriptedFetch(
      () => json({}, 429, { 'retry-after': new Date(Date.now() + 5000).toUTCString() }),
      json({ ok: 1 }),
    );
    const transport = createTransport({ fetch: server.fetch, random: () => 0 });
    expect(await run(transport.request(status()))).toMatchObject({ ok: true });
    expect(server.gaps()).toEqual([5000]);
  });

  it('hands a Retry-After longer than it waits itself to the caller as rate_limited', async () => {
    const server = scriptedFetch(json({ detail: 'slow down' }, 429, { 'retry-after': '120' }));
    const transport = createTransport({ fetch: server.fetch });
    const result = await run(transport.request(status()));
    expect(server.calls).toHaveLength(1);
    expect(!result.ok && result.error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 120_000, status: 429 });
    expect(!result.ok && result.error.message).toMatch(/rate limited \(429\): "slow down"; retry after 120 s/);
  });
});

describe('transport: submits (POST) are never retried blindly', () => {
  it('retries a 429 on POST, but only after Retry-After', async () => {
    const server = scriptedFetch(json({}, 429, { 'retry-after': '2' }), json({ request_id: 'abc123' }));
    const transport = createTransport({ fetch: server.fetch });
    expect(await run(transport.request(submit))).toMatchObject({ ok: true, value: { data: { request_id: 'abc123' } } });
    expect(server.calls.map((c) => c.method)).toEqual(['POST', 'POST']);
    expect(server.gaps()).toEqual([2000]);
  });

  it.each([500, 502, 503, 504])('does not retry a submit answered %i', async (code) => {
    const server = scriptedFetch(json({ error: 'busy' }, code), json({ request_id: 'dup' }));
    const transport = createTransport({ fetch: server.fetch });
    const result = await run(transport.request(submit));
    expect(server.calls).toHaveLength(1);
    expect(!result.ok && result.error).toMatchObject({ kind: 'http', status: code, provider: 'fal' });
    // A 500 may have created the job: the caller must not be told a blind resubmit is safe.
    if (code === 500) expect(!result.ok && result.error.retryable).toBe(false);
  });

  it('does not retry a submit whose connection dropped, nor one with an unreadable answer', async () => {
    for (const reply of [new TypeError('socket hang up'), new Response('<html>oops', { status: 200 })]) {
      const server = scriptedFetch(reply, json({ request_id: 'dup' }));
      const transport = createTransport({ fetch: server.fetch });
      const result = await run(transport.request(submit));
      expect(server.calls).toHaveLength(1);
      expect(result.ok).toBe(false);
    }
  });

  it('retries a POST that says it is idempotent (an idempotency key was sent)', async () => {
    const server = scriptedFetch(json({}, 503), json({ request_id: 'abc123' }));
    const transport = createTransport({ fetch: server.fetch, random: () => 0.5 });
    expect(await run(transport.request({ ...submit, idempotent: true }))).toMatchObject({ ok: true });
    expect(server.calls).toHaveLength(2);
  });
});

describe('transport: answers that end the request at once', () => {
  it('turns 304 into notModified without a body', async () => {
    const server = scriptedFetch(new Response(null, { status: 304 }));
    const transport = createTransport({ fetch: server.fetch });
    expect(await run(transport.request(status()))).toMatchObject({
      ok: true,
      value: { status: 304, notModified: true, data: undefined },
    });
  });

  it.each([
    [401, 'auth', /refused the credentials \(401\): "Invalid key"; check the API key configured on the server proxy/],
    [403, 'auth', /refused the credentials \(403\): "Invalid key"; check the API key/],
    [
      404,
      'not_found',
      /does not know this job \(404\): "Invalid key"; it may have expired, been deleted or belong to another account/,
    ],
  ])('fails %i at once (%s) with a clear message', async (code, kind, message) => {
    const server = scriptedFetch(json({ detail: 'Invalid key' }, code));
    const transport = createTransport({ fetch: server.fetch });
    const result = await run(transport.request(status()));
    expect(server.calls).toHaveLength(1);
    expect(!result.ok && result.error).toMatchObject({ kind, status: code, retryable: false, jobId: 'abc123' });
    expect(!result.ok && result.error.message).toMatch(message);
  });

  it('reports malformed JSON as invalid_response (retried for polls, then thrown)', async () => {
    const server = scriptedFetch(new Response('<html>502 Bad Gateway</html>', { status: 200 }));
    const transport = createTransport({ fetch: server.fetch, random: () => 0.5 });
    const result = await run(transport.request(status()));
    expect(server.calls).toHaveLength(4);
    expect(!result.ok && result.error).toMatchObject({ kind: 'invalid_response', status: 200 });
    expect(!result.ok && result.error.message).toMatch(/a body that is not JSON \("<html>502 Bad Gateway<\/html>"\)/);
  });

  it('returns statuses the caller allows instead of throwing', async () => {
    const server = scriptedFetch(json({ detail: 'already completed' }, 400));
    const transport = createTransport({ fetch: server.fetch });
    const result = await run(transport.request({ ...status(), method: 'PUT', allowStatus: [400] }));
    expect(result).toMatchObject({ ok: true, value: { status: 400, data: { detail: 'already completed' } } });
  });
});

describe('transport: abort and time limits', () => {
  it('rejects at once when aborted mid-request, aborting the fetch', async () => {
    const server = scriptedFetch('hang');
    const transport = createTransport({ fetch: server.fetch });
    const controller = new AbortController();
    const pending = run(transport.request({ ...status(), signal: controller.signal }), 0);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    const result = await pending;
    expect(!result.ok && result.error).toBeInstanceOf(VideoJobError);
    expect(!result.ok && result.error.kind).toBe('cancelled');
    expect(server.calls[0]!.signal.aborted).toBe(true);
    expect(server.calls).toHaveLength(1);
  });

  it('rejects at once when aborted during a backoff, without another attempt', async () => {
    const server = scriptedFetch(json({}, 503), json({ ok: 1 }));
    const transport = createTransport({ fetch: server.fetch, random: () => 0.5 });
    const controller = new AbortController();
    const pending = run(transport.request({ ...status(), signal: controller.signal }), 0);
    await vi.advanceTimersByTimeAsync(200); // inside the 500 ms backoff
    controller.abort(new VideoJobError({ kind: 'cancelled', message: 'user left' }));
    await vi.advanceTimersByTimeAsync(5000);
    const result = await pending;
    expect(!result.ok && result.error.message).toBe('user left');
    expect(server.calls).toHaveLength(1);
  });

  it('rejects before any attempt when already aborted', async () => {
    const server = scriptedFetch(json({ ok: 1 }));
    const transport = createTransport({ fetch: server.fetch });
    const result = await run(transport.request({ ...status(), signal: AbortSignal.abort() }));
    expect(!result.ok && result.error.kind).toBe('cancelled');
    expect(server.calls).toHaveLength(0);
  });

  it('times out a silent attempt and retries it, then reports timeout', async () => {
    const server = scriptedFetch('hang');
    const transport = createTransport({ fetch: server.fetch, requestTimeoutMs: 1000, random: () => 0.5 });
    const result = await run(transport.request(status()));
    expect(server.calls).toHaveLength(4);
    expect(server.calls.every((call) => call.signal.aborted)).toBe(true);
    expect(!result.ok && result.error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(!result.ok && result.error.message).toMatch(/got no answer within 1 s/);
  });

  it('uses the global fetch at call time when none is given', async () => {
    const transport = createTransport();
    const server = scriptedFetch(json({ late: true }));
    vi.stubGlobal('fetch', server.fetch);
    try {
      expect(await run(transport.request(status()))).toMatchObject({ ok: true, value: { data: { late: true } } });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('7', T0)).toBe(7000);
    expect(parseRetryAfter('1.5', T0)).toBe(1500);
    expect(parseRetryAfter(new Date(T0 + 30_000).toUTCString(), T0)).toBe(30_000);
    expect(parseRetryAfter(new Date(T0 - 30_000).toUTCString(), T0)).toBe(0);
    expect(parseRetryAfter('soon', T0)).toBeUndefined();
    expect(parseRetryAfter(null, T0)).toBeUndefined();
  });
});
