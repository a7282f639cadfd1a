// Every documented VideoGen example (test/fixtures/wire/videogen/) run through the adapter's public path: status,
// submit and cancel answers through `getStatus` / `submit` / `cancel`, webhook deliveries through
// `createWebhookHandler`, refresh through the client. Each test names the fixture it reads.
import { createVideoClient } from '../../core/createVideoClient';
import type { JobRef, JobSnapshot } from '../../core/jobSnapshot';
import { VideoJobError } from '../../core/videoJobError';
import { createWebhookHandler } from '../../server/createWebhookHandler';
import { loadWireFixtures, wireFixture, type WireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { standardHeaders } from '../../../test/server/providerCallbacks';
import { videogen } from '../videogen';
import { snapshotOf, transportContext } from './testContexts';

const PROVIDER = 'videogen';
const fixture = (name: string) => wireFixture(PROVIDER, name);
const EXECUTION = fixture('submit').body as { toolExecutionId: string };
const REF: JobRef = { provider: PROVIDER, id: EXECUTION.toolExecutionId, model: 'generate-video-clip' };
/** When the documented examples were signed: their URLs expire at 1745413200 (one hour later). */
const SIGNED_AT = 1_745_409_600_000;
const FRESH = SIGNED_AT + 60_000;
const EXPIRED = 1_745_413_200_000 + 60_000;

type Json = Record<string, unknown>;
interface File {
  fileId: string;
  downloadSource: { url: string; expiresAt: number; width?: number; height?: number } | null;
}

function body(name: string): Json {
  return structuredClone(fixture(name).body) as Json;
}

function downloadOf(name: string): NonNullable<File['downloadSource']> {
  const answer = body(name);
  const file = (answer.results ? (answer.results as Array<{ file: File }>)[0]!.file : answer) as unknown as File;
  return file.downloadSource!;
}

interface Sent {
  method: string;
  path: string;
  authorization: string | null;
}

/**
 * A fetch that answers each `METHOD /path` with a fixture's status and body (or a plain body), records what was
 * asked, and answers 404 in VideoGen's error shape for anything else.
 */
function fixtureFetch(routes: Record<string, WireFixture | { status: number; body: unknown }>) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    sent.push({ method, path: url.pathname, authorization: new Headers(init?.headers).get('authorization') });
    const route = routes[`${method} ${url.pathname}`];
    if (!route)
      return Response.json({ message: `no route ${method} ${url.pathname}`, code: 'not_found' }, { status: 404 });
    const status = 'http' in route ? route.http.status : route.status;
    return new Response(JSON.stringify(route.body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, sent };
}

function contextFor(routes: Parameters<typeof fixtureFetch>[0], now = FRESH) {
  const { fetch, sent } = fixtureFetch(routes);
  return { ctx: transportContext(PROVIDER, { fetch, retry: { retries: 0 } }, () => now), sent };
}

const STATUS_PATH = `/v1/tools/executions/${REF.id}`;
const CANCEL_PATH = `${STATUS_PATH}/cancel`;
const fileIdOf = (name: string) => (body(name).results as Array<{ fileId: string }>)[0]!.fileId;
const HYDRATE_PATH = `/v1/files/${fileIdOf('status-completed')}/hydrate`;
const FILE_PATH = `/v1/files/${fileIdOf('status-completed')}`;

async function statusOf(
  name: string,
  extra: Parameters<typeof fixtureFetch>[0] = {},
  now = FRESH,
): Promise<{ snapshot: JobSnapshot; sent: Sent[] }> {
  const { ctx, sent } = contextFor({ [`GET ${STATUS_PATH}`]: fixture(name), ...extra }, now);
  const snapshot = snapshotOf(await videogen({ apiKey: 'vg-key' }).getStatus(ctx, REF, {}));
  return { snapshot, sent };
}

async function rejectionOf(promise: Promise<unknown>): Promise<VideoJobError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VideoJobError);
  return error as VideoJobError;
}

/** Which test reads each fixture: a new fixture without a test fails here. */
const COVERED: Record<string, string> = {
  submit: 'submit',
  'status-queued': 'status',
  'status-running': 'status',
  'status-completed': 'status',
  'status-completed-unhydrated': 'hydration',
  'status-failed': 'status',
  'status-cancelled': 'status',
  'result-hydrated': 'hydration',
  'result-hydrated-video': 'hydration',
  'result-unhydrated': 'hydration',
  cancel: 'cancel',
  'webhook-completed': 'webhook',
  'webhook-failed': 'webhook',
  'webhook-cancelled': 'webhook',
  'error-401-invalid-api-key': 'error',
  'error-400-invalid-parameters': 'error',
  'error-400-invalid-id': 'error',
  'error-429-rate-limited': 'error',
  // An input image's upload: videogen.image.test.ts runs it through the adapter.
  'upload-create': 'upload',
};

describe('videogen: the documented examples through the adapter', () => {
  it('has a test for every fixture in test/fixtures/wire/videogen/', () => {
    expect(
      loadWireFixtures(PROVIDER)
        .map((entry) => entry.name)
        .sort(),
    ).toEqual(Object.keys(COVERED).sort());
  });

  describe('status answers (GET /v1/tools/executions/{id})', () => {
    it('status-queued: pending is queued', async () => {
      const { snapshot } = await statusOf('status-queued');
      expect(snapshot).toMatchObject({ status: 'queued', provider: PROVIDER, id: REF.id });
      expect(snapshot.video).toBeUndefined();
    });

    it('status-running: running, with progressPercentage as progress', async () => {
      const { snapshot } = await statusOf('status-running');
      expect(snapshot.status).toBe('running');
      expect(snapshot.progress).toBeCloseTo(0.425, 5);
    });

    it('status-completed: the hydrated file in results is the video, with no further request', async () => {
      const { snapshot, sent } = await statusOf('status-completed');
      const download = downloadOf('status-completed');
      expect(snapshot).toMatchObject({
        status: 'completed',
        progress: 1,
        video: {
          url: download.url,
          expiresAt: download.expiresAt * 1000,
          width: 1920,
          height: 1080,
          durationSeconds: 5,
          contentType: 'video/mp4',
        },
      });
      expect(sent.map((entry) => entry.path)).toEqual([STATUS_PATH]);
    });

    it('status-completed after its signed URL expired: hydrates the file for a fresh URL', async () => {
      const { snapshot, sent } = await statusOf(
        'status-completed',
        { [`POST ${HYDRATE_PATH}`]: fixture('result-hydrated-video') },
        EXPIRED,
      );
      expect(snapshot.status).toBe('completed');
      expect(snapshot.video?.url).toBe(downloadOf('result-hydrated-video').url);
      expect(sent.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
        `GET ${STATUS_PATH}`,
        `POST ${HYDRATE_PATH}`,
      ]);
      expect(sent[1]!.authorization).toBe('Bearer vg-key');
    });

    it("status-failed: failed with VideoGen's message and code", async () => {
      const { snapshot } = await statusOf('status-failed');
      expect(snapshot.status).toBe('failed');
      expect(snapshot.error).toBeInstanceOf(VideoJobError);
      expect(snapshot.error).toMatchObject({
        kind: 'provider_failed',
        provider: PROVIDER,
        jobId: REF.id,
        code: 'generation_failed',
      });
      expect(snapshot.error!.message).toContain('The prompt was rejected by the content policy.');
      expect(snapshot.logs.join(' ')).toContain('attempt 2');
    });

    it('status-cancelled: cancelled, without a video', async () => {
      const { snapshot } = await statusOf('status-cancelled');
      expect(snapshot.status).toBe('cancelled');
      expect(snapshot.video).toBeUndefined();
      expect(snapshot.error).toBeUndefined();
    });
  });

  // thumbnailSource: "Each source includes" status, url, expiresAt, width, height
  // (https://docs.videogen.io/file-hydration); results only exist once the execution has succeeded.
  describe('thumbnailSource is the job thumbnail (issue 15)', () => {
    function thumbnailSourceOf(name: string) {
      const answer = body(name);
      const file = (answer.results ? (answer.results as Array<{ file: Json }>)[0]!.file : answer) as Json;
      return file.thumbnailSource as { url: string; expiresAt: number; width: number; height: number };
    }

    it('status-completed: the file in results carries the thumbnail', async () => {
      const { snapshot } = await statusOf('status-completed');
      const source = thumbnailSourceOf('status-completed');
      expect(snapshot.thumbnail).toEqual({
        url: source.url,
        expiresAt: source.expiresAt * 1000,
        width: 256,
        height: 144,
      });
    });

    it('status-queued and status-running carry no results, so no thumbnail', async () => {
      expect((await statusOf('status-queued')).snapshot.thumbnail).toBeUndefined();
      expect((await statusOf('status-running')).snapshot.thumbnail).toBeUndefined();
    });

    it('status-completed-unhydrated + result-hydrated-video: the hydrated thumbnail', async () => {
      const { snapshot } = await statusOf('status-completed-unhydrated', {
        [`POST ${HYDRATE_PATH}`]: fixture('result-hydrated-video'),
      });
      expect(snapshot.thumbnail?.url).toBe(thumbnailSourceOf('result-hydrated-video').url);
    });

    it('result-unhydrated (thumbnailSource null): still preparing, no thumbnail', async () => {
      const { snapshot } = await statusOf('status-completed-unhydrated', {
        [`POST ${HYDRATE_PATH}`]: fixture('result-unhydrated'),
      });
      expect(snapshot.status).toBe('running');
      expect(snapshot.thumbnail).toBeUndefined();
    });

    it('a thumbnail signed while the download is still pending shows before the video', async () => {
      const hydrated = body('result-hydrated-video');
      hydrated.downloadSource = { status: 'pending', url: null };
      const { snapshot } = await statusOf('status-completed-unhydrated', {
        [`POST ${HYDRATE_PATH}`]: { status: 200, body: hydrated },
      });
      expect(snapshot.status).toBe('running');
      expect(snapshot.video).toBeUndefined();
      expect(snapshot.thumbnail?.url).toBe(thumbnailSourceOf('result-hydrated-video').url);
    });

    it('an expired, pending or non-web thumbnail is left out', async () => {
      for (const source of [
        { status: 'pending', url: null },
        { status: 'ready', url: 'javascript:alert(1)' },
        { ...thumbnailSourceOf('result-hydrated-video'), expiresAt: 1 },
      ]) {
        const hydrated = body('result-hydrated-video');
        hydrated.thumbnailSource = source;
        const { snapshot } = await statusOf('status-completed-unhydrated', {
          [`POST ${HYDRATE_PATH}`]: { status: 200, body: hydrated },
        });
        expect(snapshot.status).toBe('completed');
        expect(snapshot.thumbnail).toBeUndefined();
      }
    });
  });

  describe('a result with no usable URL is hydrated (POST /v1/files/{fileId}/hydrate)', () => {
    it('status-completed-unhydrated + result-hydrated-video: completed with the hydrated URL (issue 10, point 2)', async () => {
      // Before the fix the adapter asked GET /v1/files/{id}, which answers `downloadSource: null` until hydrated,
      // and reported the job running at 99 % until it timed out.
      const { snapshot, sent } = await statusOf('status-completed-unhydrated', {
        [`GET ${FILE_PATH}`]: fixture('result-unhydrated'),
        [`POST ${HYDRATE_PATH}`]: fixture('result-hydrated-video'),
      });
      const download = downloadOf('result-hydrated-video');
      expect(snapshot).toMatchObject({
        status: 'completed',
        progress: 1,
        video: { url: download.url, expiresAt: download.expiresAt * 1000, width: 1920, height: 1080 },
      });
      expect(sent.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
        `GET ${STATUS_PATH}`,
        `POST ${HYDRATE_PATH}`,
      ]);
    });

    it('result-hydrated (the guide example) is read the same way', async () => {
      const { snapshot } = await statusOf('status-completed-unhydrated', {
        [`POST ${HYDRATE_PATH}`]: fixture('result-hydrated'),
      });
      expect(snapshot.status).toBe('completed');
      expect(snapshot.video).toMatchObject({ url: downloadOf('result-hydrated').url, width: 1024, height: 1024 });
    });

    it('result-unhydrated as the hydrate answer: the file is still being prepared, so the job is not done yet', async () => {
      const { snapshot } = await statusOf('status-completed-unhydrated', {
        [`POST ${HYDRATE_PATH}`]: fixture('result-unhydrated'),
      });
      expect(snapshot.status).toBe('running');
      expect(snapshot.video).toBeUndefined();
      expect(snapshot.logs.join(' ')).toContain('preparing');
    });

    it('a failed hydration is a typed error naming the job, and the next poll tries again', async () => {
      const error = await rejectionOf(
        statusOf('status-completed-unhydrated', {
          [`POST ${HYDRATE_PATH}`]: fixture('error-401-invalid-api-key'),
        }),
      );
      expect(error).toMatchObject({ kind: 'auth', provider: PROVIDER, jobId: REF.id, status: 401 });
      expect(error.message).toContain('check the API key');
    });
  });

  describe('submit (POST /v1/tools/{tool})', () => {
    it('submit: 202 { toolExecutionId } is a queued job with that id', async () => {
      const submit = fixture('submit');
      const { ctx, sent } = contextFor({ [`POST ${submit.request!.path}`]: submit });
      const snapshot = await videogen().submit(ctx, {
        model: 'generate-video-clip',
        input: submit.request!.body as { prompt: string },
      });
      expect(snapshot).toMatchObject({
        status: 'queued',
        id: REF.id,
        provider: PROVIDER,
        model: 'generate-video-clip',
      });
      expect(sent.map((entry) => `${entry.method} ${entry.path}`)).toEqual([`POST ${submit.request!.path}`]);
    });
  });

  describe('cancel (POST /v1/tools/executions/{id}/cancel)', () => {
    // The answer is `{ toolExecutionId }` only; how the execution ended is read from the status endpoint.
    it.each([
      ['status-cancelled', 'cancelled'],
      ['status-completed', 'already_completed'],
      ['status-failed', 'already_completed'],
      ['status-running', 'requested'],
    ] as const)('cancel, then %s: %s', async (statusName, outcome) => {
      const { ctx, sent } = contextFor({
        [`POST ${CANCEL_PATH}`]: fixture('cancel'),
        [`GET ${STATUS_PATH}`]: fixture(statusName),
      });
      await expect(videogen().cancel!(ctx, REF, {})).resolves.toBe(outcome);
      expect(sent.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
        `POST ${CANCEL_PATH}`,
        `GET ${STATUS_PATH}`,
      ]);
    });

    it('a cancel answered 400 invalid_id is an error, not "already completed"', async () => {
      const { ctx } = contextFor({ [`POST ${CANCEL_PATH}`]: fixture('error-400-invalid-id') });
      const error = await rejectionOf(videogen().cancel!(ctx, REF, {}));
      expect(error).toMatchObject({ kind: 'http', status: 400, provider: PROVIDER, jobId: REF.id });
      expect(error.message).toContain('Invalid tool execution id');
    });
  });

  describe('error answers ({ message, code })', () => {
    async function submitAnswered(name: string) {
      const answer = fixture(name);
      const { ctx } = contextFor({ 'POST /v1/tools/generate-video-clip': answer });
      return rejectionOf(videogen().submit(ctx, { model: 'generate-video-clip', input: { prompt: 'a' } }));
    }

    it('error-401-invalid-api-key: auth, saying what VideoGen said and what to check', async () => {
      const error = await submitAnswered('error-401-invalid-api-key');
      expect(error).toMatchObject({ kind: 'auth', provider: PROVIDER, status: 401 });
      expect(error.message).toContain('API key is invalid or has been revoked.');
      expect(error.message).toContain('check the API key');
    });

    it('error-400-invalid-parameters: not retried, names the parameter problem', async () => {
      const error = await submitAnswered('error-400-invalid-parameters');
      expect(error).toMatchObject({ kind: 'http', provider: PROVIDER, status: 400, retryable: false });
      expect(error.message).toContain('prompt is required');
      expect(error.message).toContain('check the request input');
    });

    it('error-400-invalid-id: a status request for a malformed id names the job', async () => {
      const answer = fixture('error-400-invalid-id');
      const ref = { ...REF, id: 'exec_123' };
      const { ctx } = contextFor({ [`GET ${answer.request!.path}`]: answer });
      const error = await rejectionOf(videogen().getStatus(ctx, ref, {}));
      expect(error).toMatchObject({ kind: 'http', provider: PROVIDER, jobId: 'exec_123', status: 400 });
      expect(error.message).toContain('Invalid tool execution id: exec_123');
    });

    it('error-429-rate-limited: rate_limited, naming the job and telling to slow down', async () => {
      const { ctx } = contextFor({ [`GET ${STATUS_PATH}`]: fixture('error-429-rate-limited') });
      const error = await rejectionOf(videogen().getStatus(ctx, REF, {}));
      expect(error).toMatchObject({ kind: 'rate_limited', provider: PROVIDER, jobId: REF.id, status: 429 });
      expect(error.message).toContain('Rate limit exceeded');
      expect(error.message).toContain('slow down and retry later');
    });
  });

  describe('refresh(ref) of a finished job whose signed URL expired', () => {
    it('hydrates the file and replaces the held URL (issue 10, point 2)', async () => {
      let now = FRESH;
      const { fetch, sent } = fixtureFetch({
        [`GET ${STATUS_PATH}`]: fixture('status-completed'),
        [`GET ${FILE_PATH}`]: fixture('result-unhydrated'),
        [`POST ${HYDRATE_PATH}`]: fixture('result-hydrated-video'),
      });
      const client = createVideoClient({ providers: { videogen: videogen() }, fetch, now: () => now });
      const held = await client.getStatus(REF);
      expect(held.video?.url).toBe(downloadOf('status-completed').url);

      now = EXPIRED;
      const fresh = await client.refresh(REF);

      expect(fresh.status).toBe('completed');
      expect(fresh.video?.url).toBe(downloadOf('result-hydrated-video').url);
      expect(fresh.video?.expiresAt).toBe(downloadOf('result-hydrated-video').expiresAt * 1000);
      expect(sent.at(-1)).toMatchObject({ method: 'POST', path: HYDRATE_PATH });
    });

    it('hydrates even before expiresAt: a refresh asks for fresh URLs', async () => {
      const { fetch, sent } = fixtureFetch({
        [`GET ${STATUS_PATH}`]: fixture('status-completed'),
        [`POST ${HYDRATE_PATH}`]: fixture('result-hydrated-video'),
      });
      const client = createVideoClient({ providers: { videogen: videogen() }, fetch, now: () => FRESH });
      await client.getStatus(REF);
      const fresh = await client.refresh(REF);
      expect(fresh.video?.url).toBe(downloadOf('result-hydrated-video').url);
      expect(sent.filter((entry) => entry.path === HYDRATE_PATH)).toHaveLength(1);
    });
  });
});

describe('videogen: the documented webhook deliveries through createWebhookHandler', () => {
  const SECRET = 'whsec_' + Buffer.from('videogen-fixture-test-secret-32b').toString('base64');

  function setup(routes: Parameters<typeof fixtureFetch>[0] = {}) {
    const { fetch, sent } = fixtureFetch(routes);
    const updates: JobSnapshot[] = [];
    const errors: unknown[] = [];
    const handler = createWebhookHandler({
      providers: { videogen: videogen({ apiKey: 'vg-key' }) },
      secrets: { videogen: SECRET },
      fetch,
      now: () => FRESH,
      env: {},
      onJobUpdate: (snapshot) => void updates.push(snapshot),
      onError: (error) => void errors.push(error),
    });
    /** Delivers `payload` with the fixture's headers, webhook-timestamp and webhook-signature computed here. */
    async function deliver(delivery: WireFixture, payload: unknown = delivery.body): Promise<Response> {
      const text = JSON.stringify(payload);
      const headers = {
        ...delivery.http.headers,
        ...standardHeaders(SECRET, delivery.http.headers!['webhook-id']!, text, new Date(SIGNED_AT)),
      };
      return handler(
        new Request('https://app.example/api/video/webhooks/videogen', { method: 'POST', body: text, headers }),
      );
    }
    return { handler, deliver, updates, errors, sent };
  }

  it('webhook-completed: tool_execution.succeeded is completed with the hydrated file, asking VideoGen nothing (issue 10, point 1)', async () => {
    const env = setup();
    const delivery = fixture('webhook-completed');
    const response = await env.deliver(delivery);
    expect(response.status, JSON.stringify(env.errors.map(String))).toBe(delivery.http.status);
    expect(await response.json()).toEqual({ received: true, id: REF.id, status: 'completed' });
    const download = downloadOf('webhook-completed');
    expect(env.updates).toHaveLength(1);
    expect(env.updates[0]).toMatchObject({
      provider: PROVIDER,
      id: REF.id,
      status: 'completed',
      model: 'generate-image',
      video: { url: download.url, expiresAt: download.expiresAt * 1000 },
      thumbnail: { url: expect.stringContaining('thumbnail.jpg?token=w1') },
    });
    expect(env.sent).toEqual([]);
  });

  it('webhook-completed whose file has no download URL: completed through hydration', async () => {
    const env = setup({ [`POST ${HYDRATE_PATH}`]: fixture('result-hydrated-video') });
    const delivery = fixture('webhook-completed');
    const payload = body('webhook-completed') as { results: Array<{ file: Json }> };
    payload.results[0]!.file.downloadSource = null;
    const response = await env.deliver(delivery, payload);
    expect(response.status, JSON.stringify(env.errors.map(String))).toBe(200);
    expect(env.updates[0]).toMatchObject({
      status: 'completed',
      video: { url: downloadOf('result-hydrated-video').url },
    });
    expect(env.sent).toEqual([{ method: 'POST', path: HYDRATE_PATH, authorization: 'Bearer vg-key' }]);
  });

  it("webhook-failed: tool_execution.failed is failed with VideoGen's reason (issue 10, point 1)", async () => {
    const env = setup();
    const response = await env.deliver(fixture('webhook-failed'));
    expect(response.status, JSON.stringify(env.errors.map(String))).toBe(200);
    expect(env.updates).toHaveLength(1);
    const [update] = env.updates;
    expect(update).toMatchObject({ id: REF.id, status: 'failed', model: 'generate-video-clip' });
    expect(update!.video).toBeUndefined();
    expect(update!.error).toMatchObject({ kind: 'provider_failed', code: 'generation_failed', jobId: REF.id });
    expect(update!.error!.message).toContain('The prompt was rejected by the content policy.');
  });

  it('webhook-cancelled: tool_execution.cancelled is cancelled (issue 10, point 1)', async () => {
    const env = setup();
    const response = await env.deliver(fixture('webhook-cancelled'));
    expect(response.status, JSON.stringify(env.errors.map(String))).toBe(200);
    expect(env.updates).toHaveLength(1);
    expect(env.updates[0]).toMatchObject({ id: REF.id, status: 'cancelled' });
    expect(env.updates[0]!.video).toBeUndefined();
  });

  it('acknowledges file events without making them job updates', async () => {
    const env = setup();
    const delivery = fixture('webhook-cancelled');
    const response = await env.deliver(delivery, {
      event: 'file.upload.completed',
      fileId: 'vg_file_upload',
      occurredAt: 1745409600,
      file: { fileId: 'vg_file_upload' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, ignored: true });
    expect(env.updates).toHaveLength(0);
  });

  it('refuses a tool_execution event it does not know (400), naming the event', async () => {
    const env = setup();
    const delivery = fixture('webhook-cancelled');
    const response = await env.deliver(delivery, { ...body('webhook-cancelled'), event: 'tool_execution.paused' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('tool_execution.paused');
    expect(env.updates).toHaveLength(0);
  });

  it('refuses a delivery whose signature does not match (401)', async () => {
    const env = setup();
    const delivery = fixture('webhook-failed');
    const signed = JSON.stringify(body('webhook-failed'));
    const sent = JSON.stringify({ ...body('webhook-failed'), toolExecutionId: 'vg_exec_other' });
    const response = await env.handler(
      new Request('https://app.example/api/video/webhooks/videogen', {
        method: 'POST',
        body: sent,
        headers: { ...delivery.http.headers, ...standardHeaders(SECRET, 'msg_x', signed, new Date(SIGNED_AT)) },
      }),
    );
    expect(response.status).toBe(401);
    expect(env.updates).toHaveLength(0);
  });
});
