// defineProvider's optional hooks, the ones the built-in aigateway, videogen and visgate definitions rely on: checks
// around the input schema, the failed-job message, an error envelope on submit, the ref's createdAt from the answer,
// and mappings that send a further request (a file to sign, a status to read after a cancel).
import * as z from 'zod/mini';
import type { JobRef } from '../../core/jobSnapshot';
import { VideoJobError } from '../../core/videoJobError';
import { defineProvider } from '../defineProvider';
import { recordingFetch, rejection, snapshotOf, transportContext } from './testContexts';

const NOW = 1_700_000_000_000;
const job = z.object({ id: z.string(), state: z.string(), file: z.optional(z.string()), at: z.optional(z.string()) });
const signed = z.object({ url: z.string() });

const hooked = defineProvider({
  name: 'hooked',
  baseUrl: 'https://hooked.example/v1',
  capabilities: { webhooks: true },
  input: z.object({ prompt: z.string() }),
  validateInput(model, input, parse) {
    if (!model.startsWith('m-')) {
      throw new VideoJobError({ kind: 'invalid_input', provider: 'hooked', field: 'model', message: 'bad model' });
    }
    const parsed = parse(input);
    if (parsed.prompt === 'forbidden') {
      throw new VideoJobError({ kind: 'invalid_input', provider: 'hooked', field: 'prompt', message: 'refused' });
    }
    return parsed;
  },
  failedMessage: (reason) => `hooked gave up: ${reason}`,
  submit: {
    url: () => '/jobs',
    allowStatus: [422],
    toError: (body, httpStatus) =>
      new VideoJobError({ kind: 'http', provider: 'hooked', status: httpStatus, message: JSON.stringify(body) }),
    response: job,
    toJob: (answer, { model, now, url, webhookUrl }) => ({
      id: answer.id,
      acceptedAt: answer.at,
      urls: { status: url(`/jobs/${answer.id}`) },
      meta: { model, now: String(now), webhook: webhookUrl ?? '' },
    }),
  },
  status: {
    url: (ref) => `/jobs/${ref.id}`,
    response: job,
    async toStatus(answer, _ref, { previous, request }) {
      if (answer.state === 'failed') return { status: 'failed', error: 'out of credits' };
      if (answer.state !== 'done') return { status: 'running' };
      // A held result asks for a fresh signature, as VideoGen's hydration does.
      if (previous?.video) {
        const fresh = signed.parse(await request({ method: 'POST', url: `/files/${answer.file}/sign` }));
        return { status: 'completed', videoUrl: fresh.url };
      }
      return { status: 'completed', videoUrl: `https://cdn.hooked.example/${answer.file}.mp4` };
    },
  },
  cancel: {
    url: (ref) => `/jobs/${ref.id}/cancel`,
    async toOutcome(_answer, _httpStatus, { ref, request }) {
      const status = job.parse(await request({ url: `/jobs/${ref.id}` }));
      return status.state === 'done' ? 'already_completed' : 'cancelled';
    },
  },
});

function setup(answer: (url: string, method: string) => Response) {
  const { fetch, sent } = recordingFetch(async (input, init) => answer(String(input), init?.method ?? 'GET'));
  return { ctx: transportContext('hooked', { fetch, retry: { retries: 0 } }, () => NOW), sent };
}

const ref: JobRef = { provider: 'hooked', id: 'j1', model: 'm-1', createdAt: NOW };

describe('defineProvider hooks', () => {
  it('runs validateInput around the schema', () => {
    const adapter = hooked();
    expect(rejection(() => adapter.validateInput!('other', { prompt: 'x' }))).toMatchObject({ field: 'model' });
    expect(rejection(() => adapter.validateInput!('m-1', { prompt: 1 }))).toMatchObject({
      kind: 'invalid_input',
      field: 'prompt',
    });
    expect(rejection(() => adapter.validateInput!('m-1', { prompt: 'forbidden' })).message).toMatch(/refused$/);
    expect(adapter.validateInput!('m-1', { prompt: 'ok' })).toEqual({ prompt: 'ok' });
  });

  it('hands toJob the request and the API root, and keeps acceptedAt as the ref createdAt', async () => {
    const { ctx } = setup(() => Response.json({ id: 'j1', state: 'queued', at: '2023-11-14T22:00:00Z' }));
    const first = await hooked().submit(ctx, {
      model: 'm-1',
      input: { prompt: 'ok' },
      webhookUrl: 'https://app.example/hook',
    });
    expect(first.ref).toEqual({
      provider: 'hooked',
      id: 'j1',
      model: 'm-1',
      createdAt: Date.parse('2023-11-14T22:00:00Z'),
      urls: { status: 'https://hooked.example/v1/jobs/j1' },
      meta: { model: 'm-1', now: String(NOW), webhook: 'https://app.example/hook' },
    });
  });

  it('throws toError for an allowed error status instead of parsing the body', async () => {
    const { ctx } = setup(() => Response.json({ problem: 'prompt too long' }, { status: 422 }));
    await expect(hooked().submit(ctx, { model: 'm-1', input: { prompt: 'ok' } })).rejects.toMatchObject({
      kind: 'http',
      status: 422,
      message: expect.stringContaining('{"problem":"prompt too long"}'),
    });
  });

  it('words a failed job with failedMessage', async () => {
    const { ctx } = setup(() => Response.json({ id: 'j1', state: 'failed' }));
    const failed = snapshotOf(await hooked().getStatus(ctx, ref, {}));
    expect(failed.error).toMatchObject({ kind: 'provider_failed' });
    expect(failed.error!.message).toMatch(/hooked gave up: out of credits$/);
  });

  it('lets toStatus send a further request, routed like the others, knowing the previous snapshot', async () => {
    const { ctx, sent } = setup((url) =>
      url.endsWith('/sign')
        ? Response.json({ url: 'https://cdn.hooked.example/f1.mp4?sig=2' })
        : Response.json({ id: 'j1', state: 'done', file: 'f1' }),
    );
    const adapter = hooked({ apiKey: 'k' });
    const done = snapshotOf(await adapter.getStatus(ctx, ref, {}));
    expect(done.video?.url).toBe('https://cdn.hooked.example/f1.mp4');
    expect(sent).toHaveLength(1);

    const refreshed = snapshotOf(await adapter.getStatus(ctx, ref, { previous: done }));
    expect(refreshed.video?.url).toBe('https://cdn.hooked.example/f1.mp4?sig=2');
    expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET https://hooked.example/v1/jobs/j1',
      'GET https://hooked.example/v1/jobs/j1',
      'POST https://hooked.example/v1/files/f1/sign',
    ]);
    expect(sent[2]!.headers.get('authorization')).toBe('Bearer k');
  });

  it('lets cancel.toOutcome read the job again', async () => {
    const { ctx, sent } = setup((url, method) =>
      method === 'POST' ? new Response(null, { status: 202 }) : Response.json({ id: 'j1', state: 'done', file: 'f1' }),
    );
    await expect(hooked().cancel!(ctx, ref, {})).resolves.toBe('already_completed');
    expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST https://hooked.example/v1/jobs/j1/cancel',
      'GET https://hooked.example/v1/jobs/j1',
    ]);
  });
});
