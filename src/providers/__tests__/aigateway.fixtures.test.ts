// Every documented AI gateway example (test/fixtures/wire/aigateway/) through the adapter's public path: job records
// through getStatus / submit / cancel, error answers as typed VideoJobErrors, and webhook deliveries, signed exactly
// as https://aigateway.sh/docs/webhooks says, through createWebhookHandler.
import { createHmac } from 'node:crypto';
import type { JobSnapshot } from '../../core/jobSnapshot';
import { UNCHANGED, type ProviderContext } from '../../core/provider';
import { VideoJobError } from '../../core/videoJobError';
import { createWebhookHandler } from '../../server';
import { loadWireFixtures, wireFixture, type WireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { aigateway } from '../aigateway';
import { snapshotOf, transportContext } from './testContexts';

const PROVIDER = 'aigateway';
const NOW = 1_764_590_500_000;
const REF = { provider: PROVIDER, id: 'job_01HQE7Z3M4P8', model: 'google/veo-3.1-fast' };
/** A dashboard endpoint's signing secret, used as the docs' sample uses it (`createHmac('sha256', secret)`). */
const SECRET = 'aig_whsec_test_3f9c2b7e';

/** A context whose every request is answered with the fixture's status, headers and body. */
function fixtureContext(fixture: WireFixture, seen: string[] = []): ProviderContext {
  const fetch: typeof globalThis.fetch = async (input, init) => {
    seen.push(`${init?.method ?? 'GET'} ${String(input)}`);
    const empty = fixture.http.status === 304 || fixture.http.status === 204;
    return new Response(empty ? null : JSON.stringify(fixture.body), {
      status: fixture.http.status,
      headers: { 'content-type': 'application/json', ...fixture.http.headers },
    });
  };
  return transportContext(PROVIDER, { fetch, retry: { retries: 0 } }, () => NOW);
}

async function failure(run: () => Promise<unknown>): Promise<VideoJobError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VideoJobError);
  return error as VideoJobError;
}

const adapter = aigateway();
const MEDIA_URL = 'https://media.aigateway.sh/v1/files/jobs/job_01HQE7Z3M4P8/video.mp4';
const DAY_MS = 24 * 60 * 60 * 1000;

/** What each status fixture must map to. */
const STATUS: Record<string, (snapshot: JobSnapshot) => void> = {
  'status-queued': (s) => expect(s).toMatchObject({ status: 'queued', id: REF.id }),
  'status-running': (s) => expect(s).toMatchObject({ status: 'running' }),
  'status-running-sdk': (s) => expect(s).toMatchObject({ status: 'running' }),
  'status-completed': (s) => {
    expect(s).toMatchObject({ status: 'completed', id: REF.id, progress: 1, video: { url: MEDIA_URL } });
    // Signed for 24 h (https://aigateway.sh/docs/async-jobs); the URL carries no expiry, so 24 h from now.
    expect(s.video!.expiresAt).toBe(NOW + DAY_MS);
  },
  'status-completed-sdk': (s) => expect(s).toMatchObject({ status: 'completed', video: { url: 'https://r2/x.mp4' } }),
  'status-failed': (s) => {
    expect(s).toMatchObject({ status: 'failed', error: { kind: 'provider_failed', code: 'content_policy_violation' } });
    expect(s.error!.message).toContain("The prompt was blocked by the provider's safety filter");
    expect(s.video).toBeUndefined();
  },
  'status-failed-sdk': (s) => {
    expect(s).toMatchObject({
      status: 'failed',
      error: { kind: 'provider_failed', provider: PROVIDER, jobId: REF.id },
    });
    expect(s.error!.message).toContain('Upstream provider rejected the prompt');
  },
  'status-cancelled': (s) => expect(s).toMatchObject({ status: 'cancelled' }),
};

/** What each error fixture must become: kind, HTTP status and the gateway's own words in the message. */
const ERRORS: Record<string, { kind: VideoJobError['kind']; said: string; retryAfterMs?: number }> = {
  'error-401-invalid-key': { kind: 'auth', said: 'Missing, malformed, or revoked API key' },
  'error-429-rate-limited': { kind: 'rate_limited', said: 'Rate limit exceeded', retryAfterMs: 7000 },
  'error-404-model-not-found': { kind: 'not_found', said: 'Model not found' },
  'error-402-budget-exceeded': { kind: 'http', said: 'Monthly spend cap reached' },
};

const fixtures = loadWireFixtures(PROVIDER);

describe('aigateway: every documented example through the adapter', () => {
  it('has an expectation for every fixture, so none is skipped', () => {
    const covered = new Set([
      ...Object.keys(STATUS),
      ...Object.keys(ERRORS),
      'status-not-modified',
      'submit',
      'submit-music',
      'submit-image',
      'cancel',
      'webhook-completed',
      'webhook-failed',
      'webhook-completed-job-record',
    ]);
    expect(fixtures.map((f) => f.name).filter((name) => !covered.has(name))).toEqual([]);
  });

  it.each(fixtures.filter((f) => f.kind === 'status' && f.http.status === 200).map((f) => [f.name, f] as const))(
    '%s maps to the documented state',
    async (name, fixture) => {
      const seen: string[] = [];
      const snapshot = snapshotOf(await adapter.getStatus(fixtureContext(fixture, seen), REF, {}));
      expect(seen).toEqual([`GET https://api.aigateway.sh/v1/jobs/${REF.id}`]);
      expect(snapshot.status).toBe(fixture.state);
      STATUS[name]!(snapshot);
    },
  );

  it('status-not-modified: a 304 to a fast poll leaves the job as it was', async () => {
    expect(await adapter.getStatus(fixtureContext(wireFixture(PROVIDER, 'status-not-modified')), REF, {})).toBe(
      UNCHANGED,
    );
  });

  it.each(['submit', 'submit-music'])('%s: the 202 job record becomes a queued job with its id', async (name) => {
    const fixture = wireFixture(PROVIDER, name);
    const request = fixture.request!.body as Record<string, unknown>;
    const seen: string[] = [];
    const snapshot = await adapter.submit(fixtureContext(fixture, seen), {
      model: String(request.model),
      input: {
        prompt: String(request.prompt),
        ...(fixture.request!.path === '/v1/audio/music' ? { media: 'music' } : {}),
      },
    });
    expect(seen).toEqual([`POST https://api.aigateway.sh${fixture.request!.path}`]);
    const id = (fixture.body as { id: string }).id;
    expect(snapshot).toMatchObject({ status: 'queued', id, ref: { id, model: request.model } });
    expect(snapshot.ref.urls).toEqual({
      status: `https://api.aigateway.sh/v1/jobs/${id}`,
      cancel: `https://api.aigateway.sh/v1/jobs/${id}/cancel`,
    });
  });

  it('submit-image: the start frame goes in `image_url`, the body exactly as the SDK sends it', async () => {
    const fixture = wireFixture(PROVIDER, 'submit-image');
    const request = fixture.request!.body as { model: string; prompt: string; image_url: string };
    const sent: unknown[] = [];
    const fetch: typeof globalThis.fetch = async (_input, init) => {
      sent.push(JSON.parse(String(init?.body)));
      return new Response(JSON.stringify(fixture.body), { status: fixture.http.status });
    };
    const ctx = transportContext(PROVIDER, { fetch, retry: { retries: 0 } }, () => NOW);
    const input = await adapter.validateInput!(request.model, { prompt: request.prompt });

    // What the client hands the adapter for `image: 'https://...'` (a URL passes as it is; a file is uploaded first).
    const snapshot = await adapter.submit(ctx, { model: request.model, input, images: { image: request.image_url } });

    expect(sent).toEqual([request]);
    expect(snapshot).toMatchObject({ status: 'queued', id: (fixture.body as { id: string }).id });
  });

  it('submit: an answer with no job id is an invalid_response naming `id`, not a job without an id', async () => {
    const fixture = { ...wireFixture(PROVIDER, 'submit'), body: { status: 'queued', object: 'job' } };
    const error = await failure(() => adapter.submit(fixtureContext(fixture), { model: 'm', input: { prompt: 'a' } }));
    expect(error).toMatchObject({ kind: 'invalid_response', provider: PROVIDER, field: 'id' });
  });

  it('cancel: the cancelled job record confirms the cancel', async () => {
    const seen: string[] = [];
    expect(await adapter.cancel!(fixtureContext(wireFixture(PROVIDER, 'cancel'), seen), REF, {})).toBe('cancelled');
    expect(seen).toEqual([`POST https://api.aigateway.sh/v1/jobs/${REF.id}/cancel`]);
  });

  it.each(fixtures.filter((f) => f.kind === 'error').map((f) => [f.name, f] as const))(
    '%s becomes a typed error with what the gateway said',
    async (name, fixture) => {
      const expected = ERRORS[name]!;
      const error =
        fixture.request?.method === 'GET'
          ? await failure(() => adapter.getStatus(fixtureContext(fixture), REF, {}))
          : await failure(() =>
              adapter.submit(fixtureContext(fixture), { model: 'google/veo-3.1-fast', input: { prompt: 'a' } }),
            );
      expect(error).toMatchObject({ kind: expected.kind, provider: PROVIDER, status: fixture.http.status });
      if (fixture.request?.method === 'GET') expect(error.jobId).toBe(REF.id);
      expect(error.message).toContain(expected.said);
      if (expected.retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(expected.retryAfterMs);
    },
  );
});

// --- webhooks ---------------------------------------------------------------------------------------------------

/** The docs' own verification sample, run backwards: hex HMAC-SHA256 of `${timestamp}.${raw body}`. */
function aigSign(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

function timestampOf(fixture: WireFixture): number {
  return Number(fixture.http.headers!['aig-timestamp']);
}

function webhookSetup(
  options: { secrets?: Record<string, string>; env?: Record<string, string | undefined>; now?: number } = {},
) {
  const updates: Array<{ snapshot: JobSnapshot; deliveryId: string }> = [];
  const errors: Array<{ error: unknown; status: number }> = [];
  const fetched: string[] = [];
  let clock = options.now ?? 0;
  const handler = createWebhookHandler({
    providers: { aigateway: aigateway() },
    ...(options.secrets ? { secrets: options.secrets } : {}),
    env: options.env ?? {},
    now: () => clock,
    // Only a completed event without its result URL makes the adapter fetch the job record.
    fetch: (async (input: RequestInfo | URL) => {
      fetched.push(String(input));
      return Response.json(wireFixture(PROVIDER, 'status-completed').body);
    }) as typeof fetch,
    onJobUpdate: (snapshot, context) => void updates.push({ snapshot, deliveryId: context.deliveryId }),
    onError: (error, context) => void errors.push({ error, status: context.status }),
  });
  const post = (body: string, headers: Record<string, string>) =>
    handler(
      new Request('https://app.example/api/video/webhooks/aigateway', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      }),
    );
  return {
    updates,
    errors,
    fetched,
    post,
    setNow(ms: number) {
      clock = ms;
    },
  };
}

/** Posts a fixture's body signed with `secret` at its documented timestamp, the clock `lateS` seconds later. */
async function deliverFixture(fixture: WireFixture, { secret = SECRET, lateS = 20, body = '' } = {}) {
  const ts = timestampOf(fixture);
  const env = webhookSetup({ secrets: { aigateway: SECRET }, now: (ts + lateS) * 1000 });
  const raw = body || JSON.stringify(fixture.body);
  const response = await env.post(raw, { 'aig-timestamp': String(ts), 'aig-signature': aigSign(secret, ts, raw) });
  return { env, response, raw, ts };
}

describe('aigateway webhooks: the documented events, signed as the docs say', () => {
  it('webhook-completed: job.completed -> completed with the result_url, keyed by data.job_id, not the evt_ id', async () => {
    const fixture = wireFixture(PROVIDER, 'webhook-completed');
    const { env, response } = await deliverFixture(fixture);
    expect(response.status, JSON.stringify(env.errors)).toBe(200);
    expect(await response.json()).toEqual({ received: true, id: 'job_01HQE7Z3M4P8', status: 'completed' });
    expect(env.updates).toHaveLength(1);
    const [{ snapshot, deliveryId }] = env.updates as [(typeof env.updates)[0]];
    expect(snapshot).toMatchObject({
      provider: PROVIDER,
      id: 'job_01HQE7Z3M4P8',
      model: 'openai/sora-2',
      status: 'completed',
      video: { url: MEDIA_URL },
    });
    // De-duplicated by the event id the docs give each delivery.
    expect(deliveryId).toBe('aigateway:evt_01HQE7YRG3KXW9');
    expect(env.fetched).toEqual([]);
  });

  it('webhook-failed: job.failed -> failed with the reason and code', async () => {
    const fixture = wireFixture(PROVIDER, 'webhook-failed');
    const { env, response } = await deliverFixture(fixture);
    expect(response.status, JSON.stringify(env.errors)).toBe(200);
    const [{ snapshot }] = env.updates as [(typeof env.updates)[0]];
    expect(snapshot).toMatchObject({
      id: 'job_01HQE7Z3M4P8',
      status: 'failed',
      error: {
        kind: 'provider_failed',
        provider: PROVIDER,
        jobId: 'job_01HQE7Z3M4P8',
        code: 'content_policy_violation',
      },
    });
    expect(snapshot.error!.message).toContain("The prompt was blocked by the provider's safety filter");
    expect(snapshot.video).toBeUndefined();
  });

  it("webhook-completed-job-record: the job record POSTed to a job webhook_url, signed the SDKs' way", async () => {
    const fixture = wireFixture(PROVIDER, 'webhook-completed-job-record');
    const ts = 1_764_590_400;
    const env = webhookSetup({ secrets: { aigateway: SECRET }, now: ts * 1000 + 5000 });
    const raw = JSON.stringify(fixture.body);
    const response = await env.post(raw, { 'x-gateway-signature': `t=${ts},v1=${aigSign(SECRET, ts, raw)}` });
    expect(response.status, JSON.stringify(env.errors)).toBe(200);
    expect(env.updates[0]!.snapshot).toMatchObject({
      id: 'job_01HQE7Z3M4P8',
      status: 'completed',
      video: { url: MEDIA_URL },
    });
  });

  it('a redelivered event (same evt_ id) is acknowledged without a second update', async () => {
    const fixture = wireFixture(PROVIDER, 'webhook-completed');
    const ts = timestampOf(fixture);
    const env = webhookSetup({ secrets: { aigateway: SECRET }, now: (ts + 10) * 1000 });
    const raw = JSON.stringify(fixture.body);
    const headers = { 'aig-timestamp': String(ts), 'aig-signature': aigSign(SECRET, ts, raw) };
    expect((await env.post(raw, headers)).status).toBe(200);
    const again = await env.post(raw, headers);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(env.updates).toHaveLength(1);
  });

  it('a job.completed event without result_url reads the job record from the gateway instead of failing', async () => {
    const fixture = wireFixture(PROVIDER, 'webhook-completed');
    const event = fixture.body as { data: Record<string, unknown> };
    const body = JSON.stringify({ ...event, data: { ...event.data, result_url: undefined } });
    const { env, response } = await deliverFixture(fixture, { body });
    expect(response.status, JSON.stringify(env.errors)).toBe(200);
    expect(env.fetched).toEqual(['https://api.aigateway.sh/v1/jobs/job_01HQE7Z3M4P8']);
    expect(env.updates[0]!.snapshot).toMatchObject({ status: 'completed', video: { url: MEDIA_URL } });
  });

  it('acknowledges events that are not job updates (usage.threshold, balance.low...) without an update', async () => {
    const fixture = wireFixture(PROVIDER, 'webhook-completed');
    const body = JSON.stringify({
      id: 'evt_01HQE7YRG3KXWB',
      type: 'balance.low',
      created: timestampOf(fixture),
      data: {},
    });
    const { env, response } = await deliverFixture(fixture, { body });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: true, ignored: true });
    expect(env.updates).toHaveLength(0);
  });
});

describe('aigateway webhooks: forged, stale and unsigned deliveries are refused', () => {
  const fixture = wireFixture(PROVIDER, 'webhook-completed');

  it('refuses a signature made with another secret (401)', async () => {
    const { env, response } = await deliverFixture(fixture, { secret: 'someone-elses-secret' });
    expect(response.status).toBe(401);
    expect(env.updates).toHaveLength(0);
  });

  it('refuses a tampered body: a result_url swapped after signing (401)', async () => {
    const ts = timestampOf(fixture);
    const env = webhookSetup({ secrets: { aigateway: SECRET }, now: (ts + 10) * 1000 });
    const raw = JSON.stringify(fixture.body);
    const forged = raw.replace(MEDIA_URL, 'https://evil.example/video.mp4');
    const response = await env.post(forged, { 'aig-timestamp': String(ts), 'aig-signature': aigSign(SECRET, ts, raw) });
    expect(response.status).toBe(401);
    expect(env.updates).toHaveLength(0);
  });

  it('refuses a signed timestamp moved to pass the replay window (401)', async () => {
    const ts = timestampOf(fixture);
    const env = webhookSetup({ secrets: { aigateway: SECRET }, now: (ts + 3600) * 1000 });
    const raw = JSON.stringify(fixture.body);
    const response = await env.post(raw, {
      'aig-timestamp': String(ts + 3600),
      'aig-signature': aigSign(SECRET, ts, raw),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'bad_signature' } });
  });

  it('refuses a genuine delivery older than 5 minutes as stale (401), and accepts one just inside', async () => {
    const late = await deliverFixture(fixture, { lateS: 301 });
    expect(late.response.status).toBe(401);
    expect(await late.response.json()).toMatchObject({ error: { code: 'stale_timestamp' } });
    expect(late.env.updates).toHaveLength(0);
    const inTime = await deliverFixture(fixture, { lateS: 299 });
    expect(inTime.response.status).toBe(200);
  });

  it.each([
    ['no signature headers', () => ({})],
    ['only aig-signature', (ts: number, raw: string) => ({ 'aig-signature': aigSign(SECRET, ts, raw) })],
    ['only aig-timestamp', (ts: number) => ({ 'aig-timestamp': String(ts) })],
    [
      'Standard Webhooks headers',
      (ts: number) => ({ 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': 'v1,AAAA' }),
    ],
    ['a signature that is not hex', (ts: number) => ({ 'aig-timestamp': String(ts), 'aig-signature': 'not-hex!' })],
    [
      'a timestamp that is not unix seconds',
      (ts: number, raw: string) => ({ 'aig-timestamp': 'yesterday', 'aig-signature': aigSign(SECRET, ts, raw) }),
    ],
  ] as Array<[string, (ts: number, raw: string) => Record<string, string>]>)(
    'refuses %s (401)',
    async (_what, headers) => {
      const ts = timestampOf(fixture);
      const env = webhookSetup({ secrets: { aigateway: SECRET }, now: (ts + 10) * 1000 });
      const raw = JSON.stringify(fixture.body);
      const response = await env.post(raw, headers(ts, raw));
      expect(response.status).toBe(401);
      expect(env.updates).toHaveLength(0);
    },
  );

  it('reads the secret at the first delivery, from AIGATEWAY_WEBHOOK_SECRET, not when the handler is built', async () => {
    const ts = timestampOf(fixture);
    const variables: Record<string, string | undefined> = {};
    const env = webhookSetup({ env: variables, now: (ts + 10) * 1000 });
    const raw = JSON.stringify(fixture.body);
    const headers = { 'aig-timestamp': String(ts), 'aig-signature': aigSign(SECRET, ts, raw) };
    // No secret yet: the gateway is asked to deliver again later, and the app is told what to set.
    expect((await env.post(raw, headers)).status).toBe(503);
    expect(String(env.errors[0]!.error)).toMatch(/AIGATEWAY_WEBHOOK_SECRET/);
    variables.AIGATEWAY_WEBHOOK_SECRET = `old-secret ${SECRET}`;
    expect((await env.post(raw, headers)).status).toBe(200);
    expect(env.updates).toHaveLength(1);
  });
});
