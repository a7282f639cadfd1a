// Attacks through fal's JWKS endpoint: failing, hanging or answering garbage, while forged deliveries pour in.
// Fetches stay bounded per minute whatever the traffic, nothing hangs, and held keys keep serving.
import { fal } from '../../src/providers/fal';
import { createWebhookHandler } from '../../src/server/createWebhookHandler';
import { createFalSigner } from '../server/providerCallbacks';

const START = Date.parse('2026-12-01T10:00:00Z');

function post(body: string, headers: Record<string, string>) {
  return new Request('https://app.example/api/video/webhooks/fal', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A JWKS endpoint whose behaviour the test switches: ok, failing (500), hanging, or garbage. */
function jwksEndpoint(jwks: () => unknown) {
  const state = { mode: 'ok' as 'ok' | 'fail' | 'hang' | 'garbage', calls: 0 };
  const fetchFn = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    state.calls++;
    if (state.mode === 'fail') return new Response('upstream down', { status: 500 });
    if (state.mode === 'garbage')
      return new Response('{"keys":[{"kty":"OKP","crv":"Ed25519","x":42}, null]', { status: 200 });
    if (state.mode === 'hang') {
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
      );
    }
    return Response.json(jwks());
  }) as typeof fetch;
  return { state, fetch: fetchFn };
}

async function setup(options: { timeoutMs?: number } = {}) {
  const signer = await createFalSigner();
  const endpoint = jwksEndpoint(() => signer.jwks);
  const handler = createWebhookHandler({
    providers: { fal: fal() },
    falJwks: { fetch: endpoint.fetch, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) },
    env: {},
    onError: () => {},
  });
  const forger = await createFalSigner();
  const forged = async (i: number) => {
    const body = `{"request_id":"forged-${i}","status":"OK","payload":{}}`;
    return handler(post(body, await forger.headers(body, { requestId: `forged-${i}` })));
  };
  const genuine = async (id: string) => {
    const body = `{"request_id":"${id}","status":"ERROR","error":"boom"}`;
    return handler(post(body, await signer.headers(body, { requestId: id })));
  };
  return { endpoint, forged, genuine };
}

describe("fal's JWKS endpoint under attack", () => {
  beforeEach(() => vi.useFakeTimers({ now: START, toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it.each(['fail', 'garbage'] as const)(
    'while it is %s, 30 forged deliveries make a bounded number of fetches and get 503',
    async (mode) => {
      const { endpoint, forged } = await setup();
      endpoint.state.mode = mode;
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await forged(i)).status);
      expect(new Set(statuses)).toEqual(new Set([503]));
      // The first delivery tries both documented URLs; the back-off holds every other one off.
      expect(endpoint.state.calls).toBeLessThanOrEqual(2);
      // A minute later: one more attempt, not thirty.
      vi.setSystemTime(START + 60_000);
      for (let i = 30; i < 60; i++) await forged(i);
      expect(endpoint.state.calls).toBeLessThanOrEqual(4);
    },
  );

  it('a hanging endpoint times out: deliveries answer 503 instead of hanging, and later ones do not wait on it', async () => {
    vi.useRealTimers();
    const { endpoint, forged } = await setup({ timeoutMs: 200 });
    endpoint.state.mode = 'hang';
    const started = Date.now();
    const first = await forged(0);
    expect(first.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
    const again = Date.now();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => forged(i + 1)));
    expect(results.every((response) => response.status === 503)).toBe(true);
    expect(Date.now() - again).toBeLessThan(500);
    expect(endpoint.state.calls).toBeLessThanOrEqual(2);
  });

  it('keeps verifying genuine deliveries with the keys it holds while the endpoint is down', async () => {
    const { endpoint, forged, genuine } = await setup();
    expect((await genuine('warm')).status).toBe(200);
    expect(endpoint.state.calls).toBe(1);
    endpoint.state.mode = 'fail';
    // Forged signatures ask for a rotation check at most once per 5 minutes, then are refused.
    for (let i = 0; i < 20; i++) expect((await forged(i)).status).toBe(401);
    expect(endpoint.state.calls).toBe(1);
    // Past the 24 h cache the held keys still serve while the refresh fails.
    vi.setSystemTime(START + 25 * 60 * 60 * 1000);
    expect((await genuine('late')).status).toBe(200);
    for (let i = 20; i < 40; i++) expect((await forged(i)).status).toBe(401);
    expect(endpoint.state.calls).toBeLessThanOrEqual(4);
  });
});
