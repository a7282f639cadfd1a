// Every documented Replicate example (test/fixtures/wire/replicate/) through the adapter's public path: submit,
// getStatus and cancel answered with the fixture, and the signed webhook through createWebhookHandler.
import type { JobSnapshot } from '../../core/jobSnapshot';
import type { ProviderContext } from '../../core/provider';
import { VideoJobError } from '../../core/videoJobError';
import { createWebhookHandler } from '../../server';
import { standardHeaders } from '../../../test/server/providerCallbacks';
import { fixturesOf, wireFixture, type WireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { replicate } from '../replicate';
import { recordingFetch, snapshotOf, transportContext, failure } from './testContexts';

const ID = 'gm3qorzdhgbfurvjtvhg6dckhu';
const VERSION = '5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa';
const NOW = Date.parse('2023-09-08T16:20:00Z');
const ref = { provider: 'replicate', id: ID, model: VERSION };

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
  return { ctx: transportContext('replicate', { fetch, retry: { retries: 0 } }, () => NOW), sent };
}

describe('replicate fixtures: create a prediction', () => {
  it('sends the documented create body and maps the starting prediction to queued, with its URLs', async () => {
    const fixture = wireFixture('replicate', 'submit');
    const { ctx, sent } = fixtureContext(fixture);
    const adapter = replicate();
    const input = await adapter.validateInput!(VERSION, { text: 'Alice' });

    const snapshot = await adapter.submit(ctx, { model: VERSION, input });

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', body: fixture.request!.body });
    expect(new URL(sent[0]!.url).pathname).toBe(fixture.request!.path);
    expect(snapshot).toMatchObject({
      id: ID,
      provider: 'replicate',
      status: 'queued',
      createdAt: Date.parse('2023-09-08T16:19:34.765Z'),
      ref: {
        urls: {
          status: `https://api.replicate.com/v1/predictions/${ID}`,
          cancel: `https://api.replicate.com/v1/predictions/${ID}/cancel`,
        },
      },
    });
  });
});

describe('replicate fixtures: get a prediction', () => {
  const checks: Record<string, (snapshot: JobSnapshot) => void> = {
    'status-queued': (s) => expect(s).toMatchObject({ status: 'queued', logs: [] }),
    'status-running': (s) => {
      expect(s).toMatchObject({ status: 'running', progress: 0.42, startedAt: Date.parse('2023-09-08T16:19:34.779Z') });
      expect(s.logs).toHaveLength(2);
    },
    'status-completed': (s) =>
      expect(s).toMatchObject({
        status: 'completed',
        progress: 1,
        completedAt: Date.parse('2023-09-08T16:19:34.791Z'),
        // Replicate deletes API outputs an hour after the prediction ends.
        video: {
          url: 'https://replicate.delivery/xezq/abc123/output.mp4',
          expiresAt: Date.parse('2023-09-08T17:19:34.791Z'),
        },
      }),
    'status-completed-video': (s) => {
      expect(s).toMatchObject({
        status: 'completed',
        video: { url: 'https://replicate.delivery/xezq/q9p2mjvtn5rm80/tmp4y2n1v7c.mp4' },
        startedAt: Date.parse('2026-11-30T10:00:02.000Z'),
      });
      // Replicate documents no still or preview field on a prediction: none is made up.
      expect(s.thumbnail).toBeUndefined();
    },
    'status-failed': (s) => {
      expect(s.status).toBe('failed');
      expect(s.error).toMatchObject({ kind: 'provider_failed', provider: 'replicate', jobId: ID });
      expect(s.error!.message).toMatch(/text must not be empty.*submit again/);
    },
    'status-cancelled': (s) => expect(s).toMatchObject({ status: 'cancelled', cancellation: { remote: 'cancelled' } }),
    'status-aborted': (s) =>
      expect(s).toMatchObject({
        status: 'cancelled',
        cancellation: { remote: 'cancelled', message: expect.stringContaining('Cancel-After') },
      }),
  };

  it('has a check for every status fixture with a video or a state to map', () => {
    const names = fixturesOf('replicate', 'status').map((fixture) => fixture.name);
    expect(names.filter((name) => !(name in checks)).sort()).toEqual(['status-completed-text']);
  });

  it.each(Object.keys(checks))('%s maps to its documented state', async (name) => {
    const fixture = wireFixture('replicate', name);
    const { ctx, sent } = fixtureContext(fixture);
    const snapshot = snapshotOf(await replicate().getStatus(ctx, ref, {}));
    expect(new URL(sent[0]!.url).pathname).toBe(`/v1/predictions/${ID}`);
    expect(snapshot).toMatchObject({ id: ID, provider: 'replicate', status: fixture.state });
    checks[name]!(snapshot);
  });

  it("refuses the docs' text-model prediction (no video URL) as invalid_response naming the output", async () => {
    const fixture = wireFixture('replicate', 'status-completed-text');
    const error = await failure(replicate().getStatus(fixtureContext(fixture).ctx, ref, {}));
    expect(error).toMatchObject({ kind: 'invalid_response', provider: 'replicate', jobId: ID, field: 'output' });
    expect(error.message).toContain('hello Alice');
  });
});

describe('replicate fixtures: cancel a prediction', () => {
  it.each(fixturesOf('replicate', 'cancel').map((fixture) => [fixture.name, fixture] as const))(
    '%s: the canceled prediction in the answer confirms the cancel',
    async (_name, fixture) => {
      const { ctx, sent } = fixtureContext(fixture);
      await expect(replicate().cancel!(ctx, ref, {})).resolves.toBe('cancelled');
      expect(sent[0]!.method).toBe('POST');
      expect(new URL(sent[0]!.url).pathname).toBe(fixture.request!.path);
    },
  );
});

describe('replicate fixtures: the webhook (the prediction, Standard Webhooks signed)', () => {
  const secret = 'whsec_' + Buffer.from('replicate-fixture-webhook-secret!').toString('base64');

  it.each(fixturesOf('replicate', 'webhook').map((fixture) => [fixture.name, fixture] as const))(
    '%s becomes the snapshot the prediction describes',
    async (_name, fixture) => {
      const updates: JobSnapshot[] = [];
      const errors: unknown[] = [];
      const at = new Date();
      const handler = createWebhookHandler({
        providers: { replicate: replicate() },
        secrets: { replicate: secret },
        env: {},
        onJobUpdate: (snapshot) => void updates.push(snapshot),
        onError: (error) => void errors.push(error),
      });
      const body = JSON.stringify(fixture.body);
      const headers = {
        ...fixture.http.headers,
        ...standardHeaders(secret, fixture.http.headers!['webhook-id']!, body, at),
      };
      const post = (signed: Record<string, string>) =>
        handler(
          new Request('https://app.example/api/video/webhooks/replicate', { method: 'POST', headers: signed, body }),
        );

      const response = await post(headers);
      expect(response.status, JSON.stringify(errors)).toBe(200);
      expect(updates).toHaveLength(1);
      expect(updates[0]).toMatchObject({
        provider: 'replicate',
        id: ID,
        model: 'replicate/hello-world',
        status: fixture.state,
        video: { url: 'https://replicate.delivery/xezq/abc123/output.mp4' },
      });

      // The same delivery with a signature for another body is refused, and nothing is published.
      const forged = await post({
        ...headers,
        'webhook-signature': standardHeaders(secret, 'x', '{}', at)['webhook-signature'],
      });
      expect(forged.status).toBe(401);
      expect(updates).toHaveLength(1);
    },
  );
});

describe('replicate fixtures: error answers (problem details: title, detail, status)', () => {
  const expectations: Record<string, Partial<VideoJobError> & { says: RegExp }> = {
    'error-401': { kind: 'auth', status: 401, says: /You did not pass an authentication token.*API key/ },
    'error-422-version': {
      kind: 'http',
      status: 422,
      says: /Invalid version or not permitted.*The specified version does not exist.*model/,
    },
    'error-429': {
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 1000,
      says: /Request was throttled\. Expected available in 1 second\..*retry after 1 s/,
    },
  };

  it('has an expectation for every error fixture', () => {
    expect(
      fixturesOf('replicate', 'error')
        .map((fixture) => fixture.name)
        .sort(),
    ).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.keys(expectations))('%s on create becomes a typed error saying what Replicate said', async (name) => {
    const fixture = wireFixture('replicate', name);
    const { ctx, sent } = fixtureContext(fixture);
    const error = await failure(replicate().submit(ctx, { model: VERSION, input: { text: 'Alice' } }));
    const { says, ...fields } = expectations[name]!;
    expect(error).toMatchObject({ provider: 'replicate', ...fields });
    expect(error.message).toMatch(says);
    expect(sent).toHaveLength(1);
  });

  it('names the job on an error answer to a poll', async () => {
    const error = await failure(
      replicate().getStatus(fixtureContext(wireFixture('replicate', 'error-401')).ctx, ref, {}),
    );
    expect(error).toMatchObject({ kind: 'auth', provider: 'replicate', jobId: ID });
  });
});
