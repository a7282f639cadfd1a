// Every documented Kling example (test/fixtures/wire/kling/) through the adapter's public path: submit and getStatus
// answered with the fixture (over the real transport, so retries are what the client would do), and the callbacks
// through createWebhookHandler.
import type { JobSnapshot } from '../../core/jobSnapshot';
import type { ProviderContext } from '../../core/provider';
import { VideoJobError } from '../../core/videoJobError';
import { createWebhookHandler } from '../../server';
import { standardHeaders } from '../../../test/server/providerCallbacks';
import { fixturesOf, loadWireFixtures, wireFixture, type WireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { kling, type KlingInput } from '../kling';
import { recordingFetch, snapshotOf, transportContext, failure } from './testContexts';

const NOW = Date.parse('2026-12-01T09:02:00Z');
const TASK_ID = '860243937658191891';

/**
 * A context whose every request is answered with the fixture's status and body, over the real transport with its
 * default of 3 retries (backoff shortened to 1 ms), so a test sees how often a request would really be sent.
 */
function fixtureContext(fixture: WireFixture): {
  ctx: ProviderContext;
  sent: ReturnType<typeof recordingFetch>['sent'];
} {
  const answer: typeof fetch = async () =>
    new Response(JSON.stringify(fixture.body), {
      status: fixture.http.status,
      headers: { 'content-type': 'application/json', ...fixture.http.headers },
    });
  const { fetch, sent } = recordingFetch(answer);
  return { ctx: transportContext('kling', { fetch, retry: { baseDelayMs: 1, maxDelayMs: 1 } }, () => NOW), sent };
}

/** The submit the fixture's documented request stands for: `model_name` is the job model, `callback_url` the webhook. */
function submitOf(fixture: WireFixture) {
  const { model_name, callback_url, ...input } = fixture.request!.body as Record<string, unknown>;
  return {
    model: String(model_name),
    input: input as KlingInput,
    ...(typeof callback_url === 'string' ? { webhookUrl: callback_url } : {}),
  };
}

const ref = { provider: 'kling', id: TASK_ID, model: 'kling-v2-6', meta: { endpoint: 'text2video' } };

describe('kling fixtures: submit', () => {
  it.each(['submit', 'submit-image2video', 'submit-image2video-base64'])(
    '%s: sends the documented request body unchanged and maps the answer to a queued job',
    async (name) => {
      const fixture = wireFixture('kling', name);
      const { ctx, sent } = fixtureContext(fixture);
      const adapter = kling();
      const request = submitOf(fixture);
      const input = await adapter.validateInput!(request.model, request.input);

      const snapshot = await adapter.submit(ctx, { ...request, input });

      expect(sent).toHaveLength(1);
      expect(sent[0]!.method).toBe('POST');
      expect(new URL(sent[0]!.url).pathname).toBe(fixture.request!.path);
      expect(sent[0]!.body).toEqual(fixture.request!.body);
      const data = (fixture.body as { data: { task_id: string; created_at: number } }).data;
      expect(snapshot).toMatchObject({
        status: 'queued',
        ref: { provider: 'kling', id: data.task_id, model: request.model, createdAt: data.created_at },
      });
      expect(snapshot.ref.meta).toMatchObject({ externalTaskId: request.input.external_task_id });
    },
  );
});

describe('kling fixtures: status (GET /v1/videos/text2video/{id})', () => {
  it.each([
    ['status-submitted', 'queued'],
    ['status-processing', 'running'],
  ] as const)('%s maps to %s', async (name, status) => {
    const { ctx, sent } = fixtureContext(wireFixture('kling', name));
    const snapshot = snapshotOf(await kling().getStatus(ctx, ref, {}));
    expect(new URL(sent[0]!.url).pathname).toBe(wireFixture('kling', name).request!.path);
    expect(snapshot.status).toBe(status);
    expect(snapshot.video).toBeUndefined();
    expect(snapshot.error).toBeUndefined();
  });

  it('status-succeed: a completed job with the video URL and its duration', async () => {
    const fixture = wireFixture('kling', 'status-succeed');
    const video = (fixture.body as { data: { task_result: { videos: { url: string }[] } } }).data.task_result
      .videos[0]!;
    const snapshot = snapshotOf(await kling().getStatus(fixtureContext(fixture).ctx, ref, {}));
    expect(snapshot).toMatchObject({
      status: 'completed',
      progress: 1,
      video: { url: video.url, contentType: 'video/mp4', durationSeconds: 5.1 },
      completedAt: 1764576095000,
    });
  });

  it("status-failed: a failed job carrying Kling's task_status_msg", async () => {
    const fixture = wireFixture('kling', 'status-failed');
    const snapshot = snapshotOf(await kling().getStatus(fixtureContext(fixture).ctx, ref, {}));
    expect(snapshot.status).toBe('failed');
    expect(snapshot.error).toMatchObject({ kind: 'provider_failed', provider: 'kling', jobId: TASK_ID });
    expect(snapshot.error?.message).toContain('Failure to pass the risk control system');
  });

  it('maps every status fixture to the state it documents', async () => {
    for (const fixture of fixturesOf('kling', 'status')) {
      const snapshot = snapshotOf(await kling().getStatus(fixtureContext(fixture).ctx, ref, {}));
      expect(snapshot.status, fixture.name).toBe(fixture.state);
    }
  });
});

describe('kling fixtures: error answers (issue 10.4: read code and message, never resend a paid submit for an account error)', () => {
  const submit = (ctx: ProviderContext) => kling().submit(ctx, { model: 'kling-v2-6', input: { prompt: 'a cat' } });

  it('429 with code 1102 (resource pack depleted) is sent once and says what Kling said', async () => {
    const { ctx, sent } = fixtureContext(wireFixture('kling', 'error-429-1102'));
    const error = await failure(submit(ctx));
    expect(sent).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'http', provider: 'kling', status: 429, code: '1102', retryable: false });
    expect(error.message).toContain('Resource pack depleted or expired');
    expect(error.message).toMatch(/buy a resource pack|post-payment/);
  });

  it('429 with code 1102 on a status poll is not repeated either', async () => {
    const { ctx, sent } = fixtureContext(wireFixture('kling', 'error-429-1102'));
    const error = await failure(kling().getStatus(ctx, ref, {}));
    expect(sent).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'http', code: '1102', jobId: TASK_ID });
  });

  it.each(['error-429-1302', 'error-429-1303'])(
    '%s is a rate limit: the submit is retried with backoff, then reported with the code',
    async (name) => {
      const fixture = wireFixture('kling', name);
      const { ctx, sent } = fixtureContext(fixture);
      const error = await failure(submit(ctx));
      expect(sent).toHaveLength(4);
      expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true });
      expect(error.code).toBe(String((fixture.body as { code: number }).code));
      expect(error.message).toContain((fixture.body as { message: string }).message);
    },
  );

  it('401 with code 1000 is an auth error naming the code', async () => {
    const { ctx, sent } = fixtureContext(wireFixture('kling', 'error-401-1000'));
    const error = await failure(submit(ctx));
    expect(sent).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'auth', status: 401, code: '1000' });
    expect(error.message).toContain('Authentication failed');
    expect(error.message).toContain('token');
  });

  it('400 with code 1201 says which parameter Kling refused', async () => {
    const { ctx, sent } = fixtureContext(wireFixture('kling', 'error-400-1201'));
    const error = await failure(submit(ctx));
    expect(sent).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'http', status: 400, code: '1201', retryable: false });
    expect(error.message).toContain('duration value 7 is invalid for model kling-v2-6');
  });

  it('500 with code 5000: a submit is not resent (a task may exist), a status poll is asked again', async () => {
    const fixture = wireFixture('kling', 'error-500-5000');
    const first = fixtureContext(fixture);
    const submitError = await failure(submit(first.ctx));
    expect(first.sent).toHaveLength(1);
    expect(submitError).toMatchObject({ kind: 'http', status: 500, code: '5000' });
    expect(submitError.message).toContain('Server internal error');
    expect(submitError.message).toContain('external_task_id');

    const second = fixtureContext(fixture);
    const statusError = await failure(kling().getStatus(second.ctx, ref, {}));
    expect(second.sent).toHaveLength(4);
    expect(statusError).toMatchObject({ kind: 'http', code: '5000', jobId: TASK_ID, retryable: true });
  });

  it('every error fixture becomes a VideoJobError carrying its Kling code and message', async () => {
    for (const fixture of fixturesOf('kling', 'error')) {
      const body = fixture.body as { code: number; message: string };
      const error = await failure(submit(fixtureContext(fixture).ctx));
      expect(error.code, fixture.name).toBe(String(body.code));
      expect(error.status, fixture.name).toBe(fixture.http.status);
      expect(error.message, fixture.name).toContain(body.message);
    }
  });
});

describe('kling fixtures: callbacks through createWebhookHandler', () => {
  const SECRET = 'whsec_' + Buffer.from('kling-webhook-test-secret-32-bytes').toString('base64');

  function setup(verification: 'shared-secret' | 'standard-webhooks', secret: string, now = NOW) {
    const updates: JobSnapshot[] = [];
    const errors: unknown[] = [];
    const handler = createWebhookHandler({
      providers: { kling: kling() },
      secrets: { kling: secret },
      verification: { kling: verification },
      onJobUpdate: (snapshot) => void updates.push(snapshot),
      onError: (error) => void errors.push(error),
      now: () => now,
    });
    return { handler, updates, errors };
  }

  function post(fixture: WireFixture, headers: Record<string, string> = {}, query = '') {
    return new Request(`https://app.example/api/video/webhooks/kling${query}`, {
      method: 'POST',
      headers: { ...fixture.http.headers, ...headers },
      body: JSON.stringify(fixture.body),
    });
  }

  it.each([
    ['webhook-succeed', 'completed'],
    ['webhook-failed', 'failed'],
  ] as const)('%s (bare task object, shared token) becomes a %s snapshot', async (name, status) => {
    const fixture = wireFixture('kling', name);
    const { handler, updates } = setup('shared-secret', 'kling-token');
    const response = await handler(post(fixture, {}, '?token=kling-token'));
    expect(response.status).toBe(200);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ status, ref: { provider: 'kling', id: TASK_ID } });
    if (status === 'completed') {
      expect(updates[0]!.video?.url).toBe(
        (fixture.body as { task_result: { videos: { url: string }[] } }).task_result.videos[0]!.url,
      );
    } else {
      expect(updates[0]!.error?.message).toContain('Failure to pass the risk control system');
    }
  });

  it.each(['webhook-succeed', 'webhook-failed'])(
    '%s signed as Kling signs (Standard Webhooks headers) is accepted with the whsec_ secret',
    async (name) => {
      const fixture = wireFixture('kling', name);
      const { handler, updates } = setup('standard-webhooks', SECRET);
      const headers = standardHeaders(SECRET, '8674665223082153551', JSON.stringify(fixture.body), new Date(NOW));
      expect((await handler(post(fixture, headers))).status).toBe(200);
      expect(updates[0]).toMatchObject({ status: fixture.state, ref: { id: TASK_ID } });
      const forged = setup('standard-webhooks', SECRET);
      const tampered = { ...headers, 'webhook-signature': 'v1,K5oZfzeVuQvI4x1jrjAgMlkpJDoe1JhVmAbjR6eKeTM=' };
      expect((await forged.handler(post(fixture, tampered))).status).toBe(401);
      expect(forged.updates).toHaveLength(0);
    },
  );

  it("verifies Kling's documented signature test vector and answers the newer API's body 2xx without an update", async () => {
    const fixture = wireFixture('kling', 'webhook-signature-example');
    const { handler, updates, errors } = setup(
      'standard-webhooks',
      'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI=',
      1781080794 * 1000,
    );
    const response = await handler(post(fixture));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: true, ignored: true });
    expect(updates).toHaveLength(0);
    expect(errors).toHaveLength(0);
  });

  it("answers the console's test callback 200 (Kling expects it) without inventing a job", async () => {
    const fixture = wireFixture('kling', 'webhook-test-delivery');
    const { handler, updates } = setup('shared-secret', 'kling-token');
    const response = await handler(post(fixture, {}, '?token=kling-token'));
    expect(response.status).toBe(200);
    expect(updates).toHaveLength(0);
  });
});

describe('kling fixtures: durations per model (issue 10.5)', () => {
  const adapter = kling();

  it.each([
    ['kling-v3', '3'],
    ['kling-v3', 15],
    ['kling-v3', '8'],
    ['kling-v2-6', '10'],
    ['kling-v2-5-turbo', 5],
    ['kling-v1-6', '5'],
  ] as const)('%s accepts %j, sent as a string', (model, duration) => {
    expect(adapter.validateInput!(model, { prompt: 'a cat', duration })).toMatchObject({ duration: String(duration) });
  });

  it.each([
    ['kling-v2-6', '7'],
    ['kling-v2-5-turbo', 15],
    ['kling-v2-1-master', '3'],
    ['kling-v3', '16'],
    ['kling-v3', 2],
  ] as const)('%s refuses %j as invalid_input naming what the model takes', (model, duration) => {
    let caught: unknown;
    try {
      adapter.validateInput!(model, { prompt: 'a cat', duration });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(VideoJobError);
    expect(caught).toMatchObject({ kind: 'invalid_input', provider: 'kling', field: 'duration' });
    expect((caught as VideoJobError).message).toContain('nothing was sent');
  });

  it('names the durations a v2 model takes', () => {
    expect(() => adapter.validateInput!('kling-v2-6', { prompt: 'a cat', duration: 12 })).toThrow(/5 or 10/);
  });

  it('accepts the documented kling-v3 multi-shot request (custom shots, empty prompt) and image as raw base64', async () => {
    const multiShot = {
      prompt: '',
      multi_shot: true,
      shot_type: 'customize',
      multi_prompt: [
        { index: 1, prompt: 'Two friends talking under a streetlight at night.', duration: '7' },
        { index: 2, prompt: 'A sunset over mountains, small figure walking away.', duration: '8' },
      ],
      duration: '15',
      mode: 'pro',
      sound: 'on',
      aspect_ratio: '9:16',
    };
    expect(adapter.validateInput!('kling-v3', multiShot)).toMatchObject({ duration: '15', shot_type: 'customize' });
    // Without custom shots a prompt is needed unless there is a frame, which the client takes out of the input before
    // validateInput runs (`image`, `endImage`): the submit refuses it, before any request.
    const intelligence = await adapter.validateInput!('kling-v3', { ...multiShot, shot_type: 'intelligence' });
    const { ctx, sent } = fixtureContext(wireFixture('kling', 'submit'));
    const refused = await failure(adapter.submit(ctx, { model: 'kling-v3', input: intelligence }));
    expect(refused).toMatchObject({ kind: 'invalid_input', field: 'prompt' });
    expect(sent).toHaveLength(0);
    const base64 =
      'iVBORw0KGgoAAAANSUhEUgAAAAUAAAAFCAYAAACNbyblAAAAHElEQVQI12P4//8/w38GIAXDIBKE0DHxgljNBAAO9TXL0Y4OHwAAAABJRU5ErkJggg==';
    expect(adapter.validateInput!('kling-v2-6', { image: base64 })).toMatchObject({ image: base64 });
    expect(() => adapter.validateInput!('kling-v2-6', { image: `data:image/png;base64,${base64}` })).toThrow(
      /without a `data:/,
    );
  });
});

describe('the kling corpus', () => {
  it('is fully exercised above', () => {
    expect(loadWireFixtures('kling').map((fixture) => fixture.name)).toEqual([
      'error-400-1201',
      'error-401-1000',
      'error-429-1102',
      'error-429-1302',
      'error-429-1303',
      'error-500-5000',
      'status-failed',
      'status-processing',
      'status-submitted',
      'status-succeed',
      'submit-image2video-base64',
      'submit-image2video',
      'submit',
      'webhook-failed',
      'webhook-signature-example',
      'webhook-succeed',
      'webhook-test-delivery',
    ]);
  });
});
