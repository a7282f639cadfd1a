// Every documented example of the OpenAI-style videos API (OpenAI's reference and SDK types, OpenRouter's API
// reference; test/fixtures/wire/openai/) run through the adapter's public path and the webhook handler.
import type { JobSnapshot } from '../../core/jobSnapshot';
import { VideoJobError } from '../../core/videoJobError';
import { createWebhookHandler } from '../../server/createWebhookHandler';
import { WEBHOOK_FORMATS } from '../../server/webhookFormats';
import { fixturesOf, loadWireFixtures, wireFixture, type WireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { standardHeaders } from '../../../test/server/providerCallbacks';
import { openaiVideos, type OpenAIVideosOptions } from '../openaiVideos';
import { recordingFetch, snapshotOf, transportContext } from './testContexts';

/** A gateway serving OpenAI's `/v1/videos` shape (OpenAI's own host is shut down). */
const GATEWAY = 'https://gateway.example.com/v1';
const OPENROUTER = 'https://openrouter.ai/api/v1';
const SECRET = 'whsec_' + Buffer.from('openai-fixture-webhook-secret-32b').toString('base64');

const all = loadWireFixtures('openai');
const isOpenRouter = (fixture: WireFixture) => fixture.name.startsWith('openrouter-');
/** The guide's multipart create (`submit-input-reference`): sent from a File, in openaiVideos.image.test.ts. */
const isMultipart = (fixture: WireFixture) =>
  typeof fixture.request?.body === 'object' && fixture.request.body !== null && 'files' in fixture.request.body;
const openaiOnes = all.filter((fixture) => !isOpenRouter(fixture));
const openrouterOnes = all.filter(isOpenRouter);

/** A fetch answering every request with `fixtures` in turn (the last one repeats), recording what was sent. */
function answering(...fixtures: WireFixture[]) {
  const queue = [...fixtures];
  const inner: typeof fetch = async () => {
    const fixture = queue.length > 1 ? queue.shift()! : queue[0]!;
    return new Response(JSON.stringify(fixture.body), {
      status: fixture.http.status,
      headers: { 'content-type': 'application/json', ...fixture.http.headers },
    });
  };
  return recordingFetch(inner);
}

function setup(options: Partial<OpenAIVideosOptions>, ...fixtures: WireFixture[]) {
  const { fetch, sent } = answering(...fixtures);
  const ctx = transportContext(options.name ?? 'openai', {
    fetch,
    retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const adapter = openaiVideos({ baseUrl: GATEWAY, ...options });
  return { ctx, sent, adapter };
}

async function rejectionOf(promise: Promise<unknown>): Promise<VideoJobError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VideoJobError);
  return error as VideoJobError;
}

const statusOf = (fixture: WireFixture) => fixture.state ?? 'queued';

describe('openaiVideos against OpenAI’s documented video objects', () => {
  it('has the examples it is held to', () => {
    expect(openaiOnes.map((fixture) => fixture.name)).toEqual(
      expect.arrayContaining(['submit', 'status-queued', 'status-running', 'status-completed', 'status-failed']),
    );
    expect(openrouterOnes.length).toBeGreaterThan(0);
  });

  it.each(fixturesOf('openai', 'submit').filter((f) => !isOpenRouter(f) && !isMultipart(f)))(
    'submit $name: sends the documented fields and reads the queued video',
    async (fixture) => {
      const { ctx, sent, adapter } = setup({}, fixture);
      const request = fixture.request!.body as { model: string } & Record<string, unknown>;
      const { model, ...rest } = request;
      const input = await adapter.validateInput!(model, rest);
      const snapshot = await adapter.submit(ctx, { model, input });
      const body = fixture.body as { id: string; created_at: number };
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ method: 'POST', url: `${GATEWAY}/videos`, body: request });
      expect(snapshot).toMatchObject({ status: 'queued', provider: 'openai', id: body.id, model });
      expect(snapshot.ref.urls?.status).toBe(`${GATEWAY}/videos/${body.id}`);
      expect(snapshot.createdAt).toBe(body.created_at * 1000);
    },
  );

  it.each(fixturesOf('openai', 'status').filter((f) => !isOpenRouter(f)))('status $name -> $state', async (fixture) => {
    const { ctx, sent, adapter } = setup({}, fixture);
    const body = fixture.body as {
      id: string;
      progress: number;
      completed_at?: number | null;
      expires_at?: number | null;
      error?: { code: string; message: string } | null;
    };
    const ref = { provider: 'openai', id: body.id, model: 'sora-2' };
    const snapshot = snapshotOf(await adapter.getStatus(ctx, ref, {}));
    expect(sent[0]).toMatchObject({ method: 'GET', url: `${GATEWAY}/videos/${body.id}` });
    expect(snapshot.status).toBe(statusOf(fixture));
    if (fixture.state === 'running') expect(snapshot.progress).toBeCloseTo(body.progress / 100);
    if (fixture.state === 'completed') {
      expect(snapshot.video).toEqual({
        url: `${GATEWAY}/videos/${body.id}/content`,
        contentType: 'video/mp4',
        width: 1280,
        height: 720,
        durationSeconds: 8,
        expiresAt: body.expires_at! * 1000,
      });
      expect(snapshot.completedAt).toBe(body.completed_at! * 1000);
    }
    if (fixture.state === 'failed') {
      expect(snapshot.error).toMatchObject({ kind: 'provider_failed', provider: 'openai', code: body.error!.code });
      expect(snapshot.error?.message).toContain(body.error!.message);
      expect(snapshot.error?.message).toMatch(/change the prompt or settings and submit again/);
    }
  });

  it('error-401: auth, with OpenAI’s message and what to check', async () => {
    const fixture = wireFixture('openai', 'error-401-invalid-api-key');
    const { ctx, sent, adapter } = setup({}, fixture);
    const error = await rejectionOf(adapter.submit(ctx, { model: 'sora-2', input: { prompt: 'x' } }));
    expect(error).toMatchObject({ kind: 'auth', provider: 'openai', status: 401, retryable: false });
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).toMatch(/check the API key/);
    expect(sent).toHaveLength(1);
  });

  it('error-429 rate limit: retried after Retry-After (the create was not taken)', async () => {
    const { ctx, sent, adapter } = setup(
      {},
      wireFixture('openai', 'error-429-rate-limit'),
      wireFixture('openai', 'submit'),
    );
    vi.useFakeTimers();
    try {
      const pending = adapter.submit(ctx, { model: 'sora-2', input: { prompt: 'x' } });
      await vi.advanceTimersByTimeAsync(2000);
      expect(await pending).toMatchObject({ status: 'queued', id: 'video_123' });
    } finally {
      vi.useRealTimers();
    }
    expect(sent).toHaveLength(2);
  });

  it('error-429 insufficient_quota: a billing stop, sent once, not reported as a rate limit', async () => {
    const fixture = wireFixture('openai', 'error-429-insufficient-quota');
    const { ctx, sent, adapter } = setup({}, fixture, wireFixture('openai', 'submit'));
    const error = await rejectionOf(
      adapter.submit(ctx, { model: 'sora-2', input: { prompt: 'x' }, idempotencyKey: 'job-1' }),
    );
    expect(error).toMatchObject({
      kind: 'http',
      provider: 'openai',
      status: 429,
      code: 'insufficient_quota',
      retryable: false,
    });
    expect(error.message).toContain('You exceeded your current quota');
    expect(error.message).toMatch(/add credits or raise the spend limit/);
    expect(sent).toHaveLength(1);
  });
});

describe('issue 10 point 8: no default endpoint, and no blind repeat of a create', () => {
  it('refuses to send anything without a baseUrl, naming baseUrl and the shutdown', async () => {
    const fixture = wireFixture('openai', 'submit');
    const { ctx, sent } = setup({}, fixture);
    const adapter = openaiVideos({ baseUrl: undefined });
    const request = fixture.request!.body as { model: string; prompt: string };

    const error = await rejectionOf(
      Promise.resolve().then(() => adapter.submit(ctx, { model: request.model, input: { prompt: request.prompt } })),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'openai', field: 'baseUrl', retryable: false });
    expect(error.message).toMatch(/shut down on 2026-09-24/);
    expect(error.message).toMatch(/nothing was sent/);
    expect(() => adapter.validateInput!(request.model, { prompt: request.prompt })).toThrow(/baseUrl is not set/);
    const status = await rejectionOf(
      Promise.resolve().then(() =>
        adapter.getStatus(ctx, { provider: 'openai', id: 'video_123', model: 'sora-2' }, {}),
      ),
    );
    expect(status).toMatchObject({ kind: 'invalid_input', field: 'baseUrl', jobId: 'video_123' });
    expect(sent).toHaveLength(0);
  });

  it('gives a JavaScript call without options the same error at first use, not a TypeError', () => {
    const untyped = openaiVideos as unknown as () => ReturnType<typeof openaiVideos>;
    const adapter = untyped();
    expect(adapter.name).toBe('openai');
    expect(() => adapter.validateInput!('sora-2', { prompt: 'x' })).toThrow(VideoJobError);
    expect(() => adapter.validateInput!('sora-2', { prompt: 'x' })).toThrow(/baseUrl is not set/);
  });

  it('refuses a baseUrl that is not an absolute http(s) URL', () => {
    const adapter = openaiVideos({ baseUrl: 'openrouter.ai/api/v1' });
    expect(() => adapter.validateInput!('sora-2', { prompt: 'x' })).toThrow(/must be an absolute http\(s\) URL/);
  });

  it('does not repeat a create that got a 503, even with an Idempotency-Key, unless the target documents it', async () => {
    const overloaded = wireFixture('openai', 'error-503-overloaded');
    const queued = wireFixture('openai', 'submit');
    const request = { model: 'sora-2', input: { prompt: 'x' }, idempotencyKey: 'job-7' };

    // Even pointed at OpenAI's old host, nothing assumes de-duplication any more.
    const plain = setup({ baseUrl: 'https://api.openai.com/v1' }, overloaded, queued);
    const error = await rejectionOf(plain.adapter.submit(plain.ctx, request));
    expect(error).toMatchObject({ kind: 'http', status: 503, provider: 'openai' });
    expect(error.message).toContain('The engine is currently overloaded');
    expect(plain.sent).toHaveLength(1);
    expect(plain.sent[0]!.headers.get('idempotency-key')).toBe('job-7');

    const optedIn = setup({ idempotentSubmit: true }, overloaded, queued);
    await expect(optedIn.adapter.submit(optedIn.ctx, request)).resolves.toMatchObject({ status: 'queued' });
    expect(optedIn.sent.map((entry) => entry.headers.get('idempotency-key'))).toEqual(['job-7', 'job-7']);

    // Without a key there is nothing to de-duplicate by: never repeated.
    const keyless = setup({ idempotentSubmit: true }, overloaded, queued);
    await rejectionOf(keyless.adapter.submit(keyless.ctx, { model: 'sora-2', input: { prompt: 'x' } }));
    expect(keyless.sent).toHaveLength(1);
  });
});

describe('openaiVideos against OpenRouter’s documented job records', () => {
  const options = { name: 'openrouter', baseUrl: OPENROUTER, sizes: false, seconds: false } as const;

  it('openrouter-submit: 202 pending -> queued, following its polling_url', async () => {
    const fixture = wireFixture('openai', 'openrouter-submit');
    const { ctx, sent, adapter } = setup({ ...options, webhookField: 'callback_url' }, fixture);
    const { model, ...input } = fixture.request!.body as { model: string } & Record<string, unknown>;
    const snapshot = await adapter.submit(ctx, {
      model,
      input: await adapter.validateInput!(model, input),
      webhookUrl: 'https://app.example.com/hook',
    });
    expect(sent[0]).toMatchObject({
      url: `${OPENROUTER}/videos`,
      body: { ...(fixture.request!.body as object), callback_url: 'https://app.example.com/hook' },
    });
    expect(snapshot).toMatchObject({ status: 'queued', provider: 'openrouter', id: 'job-abc123' });
    expect(snapshot.ref.urls?.status).toBe('https://openrouter.ai/api/v1/videos/job-abc123');
  });

  it.each(fixturesOf('openai', 'status').filter(isOpenRouter))('status $name -> $state', async (fixture) => {
    const { ctx, adapter } = setup(options, fixture);
    const body = fixture.body as { id: string; status: string; error?: string; unsigned_urls?: string[] };
    const snapshot = snapshotOf(await adapter.getStatus(ctx, { provider: 'openrouter', id: body.id, model: 'm' }, {}));
    expect(snapshot.status).toBe(statusOf(fixture));
    if (fixture.state === 'completed') {
      expect(snapshot.video).toMatchObject({ url: body.unsigned_urls![0], contentType: 'video/mp4' });
    }
    if (fixture.state === 'failed') {
      expect(snapshot.error).toMatchObject({ kind: 'provider_failed', provider: 'openrouter', jobId: body.id });
      expect(snapshot.error?.message).toContain(body.error ?? 'expired');
    }
    if (fixture.state === 'cancelled') expect(snapshot.cancellation).toEqual({ remote: 'cancelled' });
  });

  it.each([
    ['openrouter-error-401', 'auth'],
    ['openrouter-error-404', 'not_found'],
  ] as const)('%s -> %s with OpenRouter’s message', async (name, kind) => {
    const fixture = wireFixture('openai', name);
    const { ctx, adapter } = setup(options, fixture);
    const error = await rejectionOf(
      adapter.getStatus(ctx, { provider: 'openrouter', id: 'job-abc123', model: 'm' }, {}),
    );
    expect(error).toMatchObject({ kind, provider: 'openrouter', jobId: 'job-abc123', status: fixture.http.status });
    expect(error.message).toContain((fixture.body as { error: { message: string } }).error.message);
  });
});

describe('webhooks through createWebhookHandler', () => {
  async function deliver(
    fixture: WireFixture,
    options: { baseUrl: string | undefined; answers: WireFixture[]; provider?: 'openai' | 'openrouter' },
  ) {
    const provider = options.provider ?? 'openai';
    const updates: JobSnapshot[] = [];
    const errors: unknown[] = [];
    const { fetch, sent } = answering(...options.answers);
    const handler = createWebhookHandler({
      providers: { [provider]: openaiVideos({ name: provider, baseUrl: options.baseUrl, apiKey: 'sk-test' }) },
      secrets: { openai: SECRET },
      ...(provider === 'openrouter'
        ? { formats: { openrouter: WEBHOOK_FORMATS.openai! }, verification: { openrouter: 'none' as const } }
        : {}),
      fetch,
      env: {},
      onJobUpdate: (snapshot) => void updates.push(snapshot),
      onError: (error) => void errors.push(error),
    });
    const text = JSON.stringify(fixture.body);
    const headers =
      provider === 'openai'
        ? standardHeaders(SECRET, fixture.http.headers!['webhook-id']!, text)
        : { 'x-openrouter-idempotency-key': fixture.http.headers!['x-openrouter-idempotency-key']! };
    const response = await handler(
      new Request(`https://app.example.com/api/video/webhooks/${provider}`, {
        method: 'POST',
        body: text,
        headers: { 'content-type': 'application/json', ...headers },
      }),
    );
    return { response, updates, errors, sent };
  }

  it.each(fixturesOf('openai', 'webhook').filter((f) => !isOpenRouter(f)))(
    '$name: the event names the video, which is read from the gateway -> $state',
    async (fixture) => {
      const videoId = (fixture.body as { data: { id: string } }).data.id;
      const { response, updates, errors, sent } = await deliver(fixture, {
        baseUrl: GATEWAY,
        answers: [wireFixture('openai', `status-${fixture.state}`)],
      });
      expect(response.status, JSON.stringify(errors)).toBe(200);
      expect(sent.map((entry) => entry.url)).toEqual([`${GATEWAY}/videos/${videoId}`]);
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({ provider: 'openai', id: videoId, status: fixture.state });
      if (fixture.state === 'completed') expect(updates[0]!.video?.url).toBe(`${GATEWAY}/videos/${videoId}/content`);
      if (fixture.state === 'failed') expect(updates[0]!.error?.message).toContain('blocked by our moderation system');
    },
  );

  it('without a baseUrl the event is answered 503 (delivered again later) and nothing is fetched', async () => {
    const { response, updates, errors, sent } = await deliver(wireFixture('openai', 'webhook-completed'), {
      baseUrl: undefined,
      answers: [wireFixture('openai', 'status-completed')],
    });
    expect(response.status).toBe(503);
    expect(sent).toHaveLength(0);
    expect(updates).toHaveLength(0);
    expect(errors[0]).toMatchObject({ kind: 'invalid_input', field: 'baseUrl' });
  });

  it.each(openrouterOnes.filter((f) => f.kind === 'webhook'))(
    '$name: the job record in data is read as it is, without a fetch -> $state',
    async (fixture) => {
      const data = (fixture.body as { data: { id: string; unsigned_urls?: string[]; error?: string } }).data;
      const { response, updates, errors, sent } = await deliver(fixture, {
        baseUrl: OPENROUTER,
        answers: [wireFixture('openai', 'openrouter-error-404')],
        provider: 'openrouter',
      });
      expect(response.status, JSON.stringify(errors)).toBe(200);
      expect(sent).toHaveLength(0);
      expect(updates[0]).toMatchObject({ provider: 'openrouter', id: data.id, status: fixture.state });
      if (fixture.state === 'completed') expect(updates[0]!.video?.url).toBe(data.unsigned_urls![0]);
      if (fixture.state === 'failed') expect(updates[0]!.error?.message).toContain(data.error);
    },
  );
});
