// Every documented visgate example (test/fixtures/wire/visgate/) through the adapter's public path: submit and
// getStatus answered with the fixture, and the webhook through createWebhookHandler.
import type { JobSnapshot } from '../../core/jobSnapshot';
import type { ProviderContext } from '../../core/provider';
import { VideoJobError } from '../../core/videoJobError';
import { createWebhookHandler } from '../../server';
import { fixturesOf, wireFixture, type WireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { visgate } from '../visgate';
import { recordingFetch, snapshotOf, transportContext, failure } from './testContexts';

const model = 'fal-ai/veo3';
const NOW = Date.parse('2026-12-01T09:02:00Z');

/** A context whose every request is answered with the fixture's status, headers and body; nothing is retried. */
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
  return { ctx: transportContext('visgate', { fetch, retry: { retries: 0 } }, () => NOW), sent };
}

function refFor(fixture: WireFixture) {
  const body = fixture.body as Record<string, unknown>;
  const id = String(body.request_id ?? body.requestId ?? 'cbb9da31-6009-4a61-8909-935a6be36e0d');
  return { provider: 'visgate', id, model };
}

describe('visgate fixtures: submit (videos.generate with preferAsync)', () => {
  it('sends model parameters merged into the top level of the body, as the official client does (issue 10.7)', async () => {
    const fixture = wireFixture('visgate', 'submit');
    const { ctx, sent } = fixtureContext(fixture);
    const adapter = visgate();
    const input = await adapter.validateInput!(model, {
      prompt: 'Cinematic drone over Istanbul',
      duration_seconds: 5,
      aspect_ratio: '16:9',
      params: { seed: 7 },
    });

    const snapshot = await adapter.submit(ctx, { model, input });

    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('POST');
    expect(new URL(sent[0]!.url).pathname).toBe(fixture.request!.path);
    expect(sent[0]!.headers.get('prefer')).toBe('respond-async');
    expect(sent[0]!.body).toEqual(fixture.request!.body);
    expect(sent[0]!.body).not.toHaveProperty('params');
    expect(snapshot).toMatchObject({
      id: 'cbb9da31-6009-4a61-8909-935a6be36e0d',
      provider: 'visgate',
      model,
      status: 'queued',
    });
  });

  it('sends the image to animate as `image_url`, exactly as videos.generate(image_url=...) does (submit-image)', async () => {
    const fixture = wireFixture('visgate', 'submit-image');
    const { ctx, sent } = fixtureContext(fixture);
    const adapter = visgate();
    const body = fixture.request!.body as { prompt: string; duration_seconds: number; image_url: string };
    const input = await adapter.validateInput!(model, { prompt: body.prompt, duration_seconds: body.duration_seconds });

    // What the client hands the adapter for `image: 'https://...'` (a URL passes as it is; a file is uploaded first).
    const snapshot = await adapter.submit(ctx, { model, input, images: { image: body.image_url } });

    expect(sent).toHaveLength(1);
    expect(new URL(sent[0]!.url).pathname).toBe(fixture.request!.path);
    expect(sent[0]!.headers.get('prefer')).toBe('respond-async');
    expect(sent[0]!.body).toEqual(fixture.request!.body);
    expect(snapshot).toMatchObject({ id: (fixture.body as { request_id: string }).request_id, status: 'queued' });
  });

  it('refuses model parameters that would overwrite a field of the body, before any request', () => {
    const adapter = visgate();
    for (const key of ['model', 'prompt', 'webhook_url', 'callback_id', 'duration_seconds']) {
      let caught: unknown;
      try {
        adapter.validateInput!(model, { prompt: 'x', params: { [key]: 'other' } });
      } catch (error) {
        caught = error;
      }
      expect(caught, key).toBeInstanceOf(VideoJobError);
      expect(caught).toMatchObject({ kind: 'invalid_input', provider: 'visgate', field: `params.${key}` });
      expect((caught as VideoJobError).message).toContain('top-level');
    }
  });

  it('takes a finished result answered straight away (result-completed) as completed, keeping its video', async () => {
    const fixture = wireFixture('visgate', 'result-completed');
    const { ctx } = fixtureContext(fixture);
    const snapshot = await visgate().submit(ctx, { model, input: { prompt: 'x' } });
    expect(snapshot).toMatchObject({
      id: 'vid-1',
      status: 'completed',
      progress: 1,
      video: { url: 'https://vid.test/v.mp4' },
      createdAt: Date.parse('2026-01-01T00:00:00Z'),
    });
  });
});

describe('visgate fixtures: GET /requests/{id}', () => {
  const expected: Record<string, (snapshot: JobSnapshot, fixture: WireFixture) => void> = {
    queued: (snapshot) => expect(snapshot.video).toBeUndefined(),
    running: (snapshot) => expect(snapshot.video).toBeUndefined(),
    completed: (snapshot) => {
      expect(snapshot.video?.url).toMatch(/^https:\/\/.+\.mp4$/);
      expect(snapshot.progress).toBe(1);
    },
    failed: (snapshot) => {
      expect(snapshot.error).toBeInstanceOf(VideoJobError);
      expect(snapshot.error).toMatchObject({ kind: 'provider_failed', provider: 'visgate', jobId: snapshot.id });
      expect(snapshot.error!.message).toMatch(/submit again/);
    },
  };

  it.each(fixturesOf('visgate', 'status').map((fixture) => [fixture.name, fixture] as const))(
    '%s maps to its documented state',
    async (_name, fixture) => {
      const { ctx, sent } = fixtureContext(fixture);
      const ref = refFor(fixture);
      const snapshot = snapshotOf(await visgate().getStatus(ctx, ref, {}));
      expect(new URL(sent[0]!.url).pathname).toBe(`/api/v1/requests/${ref.id}`);
      expect(snapshot).toMatchObject({ id: ref.id, provider: 'visgate', status: fixture.state });
      expected[fixture.state!]!(snapshot, fixture);
    },
  );

  it('reads the video URL and the timestamps of each completed shape', async () => {
    const urls = await Promise.all(
      ['status-completed', 'status-completed-seed', 'status-completed-result'].map(async (name) => {
        const fixture = wireFixture('visgate', name);
        const snapshot = snapshotOf(await visgate().getStatus(fixtureContext(fixture).ctx, refFor(fixture), {}));
        return [snapshot.video?.url, snapshot.createdAt] as const;
      }),
    );
    expect(urls).toEqual([
      ['https://storage.example/v.mp4', Date.parse('2026-12-01T09:00:00Z')],
      [
        'https://v3b.fal.media/files/b/0a8f3e3e/3vcnqEJn51c6bA0pr7Ep2_47bd93f5d7cd48399a379937f0443dcf.mp4',
        Date.parse('2026-12-01T09:00:00Z'),
      ],
      [
        'https://v3b.fal.media/files/b/0a8f3e3e/3vcnqEJn51c6bA0pr7Ep2_47bd93f5d7cd48399a379937f0443dcf.mp4',
        Date.parse('2026-12-01T09:00:00Z'),
      ],
    ]);
  });

  it("says visgate's reason for each failed shape", async () => {
    const messages = await Promise.all(
      ['status-failed', 'status-failed-error'].map(async (name) => {
        const fixture = wireFixture('visgate', name);
        const snapshot = snapshotOf(await visgate().getStatus(fixtureContext(fixture).ctx, refFor(fixture), {}));
        return snapshot.error!.message;
      }),
    );
    expect(messages[0]).toContain('Provider rejected the prompt: content policy violation');
    expect(messages[1]).toContain('Fal timed out');
  });
});

describe('visgate fixtures: the webhook (the completed result and your callbackId)', () => {
  it.each(fixturesOf('visgate', 'webhook').map((fixture) => [fixture.name, fixture] as const))(
    '%s becomes the snapshot the status endpoint would give, with the callbackId',
    async (_name, fixture) => {
      const updates: JobSnapshot[] = [];
      const errors: unknown[] = [];
      const handler = createWebhookHandler({
        providers: { visgate: visgate() },
        secrets: { visgate: 'shared-token' },
        env: {},
        now: () => NOW,
        onJobUpdate: (snapshot) => void updates.push(snapshot),
        onError: (error) => void errors.push(error),
      });
      const response = await handler(
        new Request('https://app.example/api/video/webhooks/visgate?token=shared-token', {
          method: 'POST',
          headers: fixture.http.headers,
          body: JSON.stringify(fixture.body),
        }),
      );
      expect(response.status, JSON.stringify(errors)).toBe(200);
      const body = fixture.body as Record<string, unknown>;
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({
        provider: 'visgate',
        id: body.request_id,
        model: body.model,
        status: fixture.state,
        video: { url: body.output_url },
        ref: { meta: { callbackId: body.callback_id } },
      });
    },
  );
});

describe('visgate fixtures: error answers (the error envelope)', () => {
  const expectations: Record<string, Partial<VideoJobError> & { says: RegExp }> = {
    'error-400': { kind: 'http', status: 400, code: 'BAD_REQUEST', says: /"Invalid param".*check the input/ },
    'error-401': { kind: 'auth', status: 401, says: /Invalid or missing API key.*API key/ },
    'error-404-model': {
      kind: 'http',
      status: 404,
      code: 'MODEL_NOT_FOUND',
      says: /fal-ai\/unknown' is not supported.*choose a model/,
    },
    'error-422-validation': {
      kind: 'http',
      status: 422,
      code: 'VALIDATION_ERROR',
      field: 'prompt',
      says: /"Invalid prompt".*`prompt`/,
    },
    'error-429': {
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 30_000,
      says: /Rate limit exceeded.*retry after 30 s/,
    },
    'error-502-provider': {
      kind: 'provider_failed',
      status: 502,
      code: 'PROVIDER_FAILURE',
      says: /fal.*"Fal timed out".*submit again/,
    },
  };

  it('has an expectation for every error fixture', () => {
    expect(
      fixturesOf('visgate', 'error')
        .map((fixture) => fixture.name)
        .sort(),
    ).toEqual(Object.keys(expectations).sort());
  });

  it.each(fixturesOf('visgate', 'error').map((fixture) => [fixture.name, fixture] as const))(
    '%s on submit becomes a typed error saying what visgate said and what to do',
    async (name, fixture) => {
      const { ctx, sent } = fixtureContext(fixture);
      const error = await failure(visgate().submit(ctx, { model, input: { prompt: 'x' } }));
      const { says, ...fields } = expectations[name]!;
      expect(error).toMatchObject({ provider: 'visgate', ...fields });
      expect(error.message).toMatch(says);
      // A refused submit is never sent again: it could start (and bill) a second video.
      expect(sent).toHaveLength(1);
    },
  );

  it('names the job on an error answer to a status poll', async () => {
    const fixture = wireFixture('visgate', 'error-401');
    const error = await failure(visgate().getStatus(fixtureContext(fixture).ctx, refFor(fixture), {}));
    expect(error).toMatchObject({ kind: 'auth', provider: 'visgate', jobId: 'cbb9da31-6009-4a61-8909-935a6be36e0d' });
  });
});
