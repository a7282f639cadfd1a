// Every documented fal example (test/fixtures/wire/fal/) through the adapter's public path: submit, getStatus (status
// then result fetch), cancel, and callbacks through createWebhookHandler. The answers are the fixtures, never the
// simulator, so this pins the adapter to fal's docs.
import type { JobSnapshot } from '../../core/jobSnapshot';
import { VideoJobError } from '../../core/videoJobError';
import { createWebhookHandler } from '../../server';
import { FAL_JWKS_URL } from '../../server/falWebhookSignature';
import { createFalSigner, jwksFetch } from '../../../test/server/providerCallbacks';
import { fixturesOf, wireFixture, type WireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { fal } from '../fal';
import { snapshotOf, transportContext } from './testContexts';

const MODEL = 'fal-ai/kling-video/v2/master/text-to-video';
const ID = '80e732af-660e-45cd-bd63-580e4f2a94cc';
const ROOT = `https://queue.fal.run/fal-ai/kling-video/requests/${ID}`;
const REF = {
  provider: 'fal',
  id: ID,
  model: MODEL,
  createdAt: 0,
  urls: { status: `${ROOT}/status`, result: ROOT, cancel: `${ROOT}/cancel`, stream: `${ROOT}/status/stream` },
};

type Answer = WireFixture | { status: number; body: string; headers?: Record<string, string> };

/** A fal context whose requests are answered by fixtures, picked by URL; every request is recorded. */
function fixtureContext(route: (url: string, method: string) => Answer) {
  const calls: Array<{ url: string; method: string }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    calls.push({ url, method });
    const answer = route(url, method);
    if ('kind' in answer)
      return new Response(JSON.stringify(answer.body), {
        status: answer.http.status,
        headers: { 'content-type': 'application/json', ...answer.http.headers },
      });
    return new Response(answer.body, { status: answer.status, headers: answer.headers ?? {} });
  };
  const ctx = transportContext('fal', { fetch, random: () => 0.5, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
  return { ctx, calls };
}

/** Status answered by `status`, the result fetch by `result`. */
function polled(status: Answer, result?: Answer) {
  return fixtureContext((url) => {
    if (url.includes('/status')) return status;
    if (!result) throw new Error(`unexpected request ${url}`);
    return result;
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<VideoJobError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(VideoJobError);
  return error as VideoJobError;
}

describe('fal fixtures: submit', () => {
  it.each(fixturesOf('fal', 'submit').map((f) => [f.name, f] as const))(
    '%s -> a queued job',
    async (_name, fixture) => {
      const model = fixture.request!.path!.replace(/^\/|\?.*$/g, '');
      const { ctx, calls } = fixtureContext(() => fixture);
      const snapshot = await fal().submit(ctx, { model, input: { prompt: 'a cat' } });
      const body = fixture.body as { request_id: string; status_url?: string; queue_position?: number };
      expect(snapshot).toMatchObject({ provider: 'fal', id: body.request_id, status: 'queued' });
      expect(snapshot.queuePosition).toBe(body.queue_position);
      // The URLs fal hands back are used as they are; without them they are rebuilt under the app id.
      const appRoot = `https://queue.fal.run/${model.split('/').slice(0, 2).join('/')}/requests/${body.request_id}`;
      expect(snapshot.ref.urls?.status).toBe(body.status_url ?? `${appRoot}/status`);
      expect(calls).toEqual([{ url: `https://queue.fal.run/${model}`, method: 'POST' }]);
    },
  );
});

describe('fal fixtures: status', () => {
  it.each(fixturesOf('fal', 'status', 'queued').map((f) => [f.name, f] as const))(
    '%s -> queued with its position',
    async (_name, fixture) => {
      const snapshot = snapshotOf(await fal().getStatus(polled(fixture).ctx, REF, {}));
      expect(snapshot).toMatchObject({
        status: 'queued',
        queuePosition: (fixture.body as { queue_position: number }).queue_position,
      });
    },
  );

  it.each(fixturesOf('fal', 'status', 'running').map((f) => [f.name, f] as const))(
    '%s -> running with the log lines',
    async (_name, fixture) => {
      const snapshot = snapshotOf(await fal().getStatus(polled(fixture).ctx, REF, {}));
      const logs = (fixture.body as { logs: Array<{ message: string }> }).logs.map((line) => line.message);
      expect(snapshot).toMatchObject({ status: 'running', logs });
      expect(snapshot.startedAt).toBeDefined();
    },
  );

  it.each(fixturesOf('fal', 'status', 'completed').map((f) => [f.name, f] as const))(
    '%s + result-completed -> the video, mapped',
    async (_name, fixture) => {
      const { ctx, calls } = polled(fixture, wireFixture('fal', 'result-completed'));
      const snapshot = snapshotOf(await fal().getStatus(ctx, REF, {}));
      expect(snapshot).toMatchObject({
        status: 'completed',
        progress: 1,
        video: {
          url: 'https://v3b.fal.media/files/b/0a8d04e2/idOb9V-Q9ujlggPSKqsfS_output.mp4',
          contentType: 'video/mp4',
          fileName: 'output.mp4',
          fileSize: 13096952,
        },
      });
      // The documented result holds `video` only: no thumbnail is made up.
      expect(snapshot.thumbnail).toBeUndefined();
      expect(calls.map((call) => call.url)).toEqual([`${ROOT}/status?logs=1`, ROOT]);
    },
  );

  it("a status endpoint's 503 is a hiccup: retried, then thrown retryable, never a failed job", async () => {
    const { ctx, calls } = polled(wireFixture('fal', 'result-failed-unavailable'));
    const error = await rejectionOf(fal().getStatus(ctx, REF, {}));
    expect(error).toMatchObject({ kind: 'http', provider: 'fal', jobId: ID, status: 503, retryable: true });
    expect(calls.length).toBe(4);
  });

  it('an unauthorised status poll is an auth error naming the key', async () => {
    const error = await rejectionOf(fal().getStatus(polled(wireFixture('fal', 'error-401')).ctx, REF, {}));
    expect(error).toMatchObject({ kind: 'auth', provider: 'fal', jobId: ID, status: 401 });
    expect(error.message).toMatch(/API key/);
  });
});

describe('fal fixtures: the result fetch of a request that ended badly', () => {
  const completed = wireFixture('fal', 'status-completed');

  it.each(fixturesOf('fal', 'result', 'failed').map((f) => [f.name, f] as const))(
    '%s -> failed with fal reason, asked once',
    async (_name, fixture) => {
      const { ctx, calls } = polled(completed, fixture);
      const snapshot = snapshotOf(await fal().getStatus(ctx, REF, {}));
      expect(snapshot.status).toBe('failed');
      const body = fixture.body as { detail: string | Array<{ msg: string; type: string }>; error_type?: string };
      const reason = typeof body.detail === 'string' ? body.detail : body.detail[0]!.msg;
      const code = body.error_type ?? (Array.isArray(body.detail) ? body.detail[0]!.type : undefined);
      expect(snapshot.error).toBeInstanceOf(VideoJobError);
      expect(snapshot.error).toMatchObject({
        kind: 'provider_failed',
        provider: 'fal',
        jobId: ID,
        status: fixture.http.status,
        code,
      });
      expect(snapshot.error!.message).toContain(reason);
      expect(snapshot.error!.message).toMatch(/submit it again|change the input/);
      // A documented failure is the job's end: the transport does not repeat it.
      expect(calls.filter((call) => call.url === ROOT)).toHaveLength(1);
    },
  );

  it('result-cancelled (499 client_cancelled) -> cancelled', async () => {
    const { ctx } = polled(completed, wireFixture('fal', 'result-cancelled'));
    const snapshot = snapshotOf(await fal().getStatus(ctx, REF, {}));
    expect(snapshot).toMatchObject({ status: 'cancelled', cancellation: { remote: 'cancelled' } });
    expect(snapshot.error).toBeUndefined();
  });

  it("a gateway's 502 without fal's error type is a hiccup: thrown retryable, the job is asked again", async () => {
    const { ctx } = polled(completed, { status: 502, body: '<html>502 Bad Gateway</html>', headers: {} });
    const error = await rejectionOf(fal().getStatus(ctx, REF, {}));
    expect(error).toMatchObject({ provider: 'fal', jobId: ID, retryable: true });
    const json = polled(completed, { status: 503, body: '{"detail":"Service Unavailable"}' });
    const again = await rejectionOf(fal().getStatus(json.ctx, REF, {}));
    expect(again).toMatchObject({ kind: 'http', provider: 'fal', jobId: ID, status: 503, retryable: true });
    expect(again.message).toMatch(/asked again/);
  });
});

describe('fal fixtures: cancel', () => {
  it('cancel (202 CANCELLATION_REQUESTED) -> requested: the next status decides', async () => {
    const { ctx, calls } = fixtureContext(() => wireFixture('fal', 'cancel'));
    expect(await fal().cancel!(ctx, REF, {})).toBe('requested');
    expect(calls).toEqual([{ url: `${ROOT}/cancel`, method: 'PUT' }]);
  });

  it('cancel-already-completed (400 ALREADY_COMPLETED) -> already_completed: the result is kept', async () => {
    const { ctx } = fixtureContext(() => wireFixture('fal', 'cancel-already-completed'));
    expect(await fal().cancel!(ctx, REF, {})).toBe('already_completed');
  });
});

describe('fal fixtures: errors', () => {
  it('error-401 on submit -> auth, sent once', async () => {
    const fixture = wireFixture('fal', 'error-401');
    const { ctx, calls } = fixtureContext(() => fixture);
    const error = await rejectionOf(fal().submit(ctx, { model: MODEL, input: { prompt: 'a cat' } }));
    expect(error).toMatchObject({ kind: 'auth', provider: 'fal', status: 401 });
    expect(error.message).toContain('No user found for Key ID and Secret');
    expect(calls).toHaveLength(1);
  });
});

describe('fal fixtures: webhooks through createWebhookHandler', () => {
  async function deliver(fixture: WireFixture, fetchFn?: typeof fetch) {
    const signer = await createFalSigner();
    const keys = jwksFetch(() => signer.jwks);
    const updates: JobSnapshot[] = [];
    const handler = createWebhookHandler({
      providers: { fal: fal() },
      onJobUpdate: (snapshot) => void updates.push(snapshot),
      falJwks: { fetch: keys.fetch },
      env: {},
      ...(fetchFn ? { fetch: fetchFn } : {}),
    });
    const body = JSON.stringify(fixture.body);
    const headers = await signer.headers(body, { requestId: (fixture.body as { request_id: string }).request_id });
    const response = await handler(
      new Request(`https://app.example/api/video/webhooks?provider=fal&model=${MODEL}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      }),
    );
    return { response, updates, keys };
  }

  it('webhook-completed -> completed with the video, keys from the JWKS URL fal documents', async () => {
    const { response, updates, keys } = await deliver(wireFixture('fal', 'webhook-completed'));
    expect(response.status).toBe(200);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      status: 'completed',
      id: '123e4567-e89b-12d3-a456-426614174000',
      video: { url: 'https://v3b.fal.media/files/b/0a8d04e2/idOb9V-Q9ujlggPSKqsfS_output.mp4', fileSize: 13096952 },
    });
    expect(keys.calls).toEqual(['https://rest.fal.ai/.well-known/jwks.json']);
    expect(FAL_JWKS_URL).toBe('https://rest.fal.ai/.well-known/jwks.json');
  });

  it("webhook-failed -> failed with payload.detail's message, not the generic error text", async () => {
    const { response, updates } = await deliver(wireFixture('fal', 'webhook-failed'));
    expect(response.status).toBe(200);
    expect(updates[0]).toMatchObject({ status: 'failed' });
    expect(updates[0]!.error).toMatchObject({
      kind: 'provider_failed',
      provider: 'fal',
      jobId: '123e4567-e89b-12d3-a456-426614174000',
      code: 'value_error.missing',
      status: 422,
    });
    expect(updates[0]!.error!.message).toContain('prompt: field required');
  });

  it('webhook-payload-error (payload null) -> the result is fetched from fal, then completed', async () => {
    const requested: string[] = [];
    const fetchFn = (async (input: RequestInfo | URL) => {
      requested.push(String(input));
      const result = wireFixture('fal', 'result-completed');
      return Response.json(result.body, { status: result.http.status });
    }) as typeof fetch;
    const { response, updates } = await deliver(wireFixture('fal', 'webhook-payload-error'), fetchFn);
    expect(response.status).toBe(200);
    expect(updates[0]).toMatchObject({ status: 'completed', video: { contentType: 'video/mp4' } });
    expect(requested).toEqual([
      'https://queue.fal.run/fal-ai/kling-video/requests/123e4567-e89b-12d3-a456-426614174000',
    ]);
  });
});
