import { z } from 'zod/mini';
import { createVideoClient } from '../../core/createVideoClient';
import type { ProviderContext } from '../../core/provider';
import { VideoJobError } from '../../core/videoJobError';
import { createSimulator } from '../../testing/createSimulator';
import { defineProvider } from '../defineProvider';
import { acmeWire, describeAcmeContract } from './acmeWire';
import { jsonContext, recordingFetch, transportContext } from './testContexts';

// --- The README example: a made-up "Acme Video" API wired in with its own schemas and status words. ---

const generation = z.object({
  generation_id: z.string(),
  state: z.enum(['waiting', 'working', 'done', 'error', 'cancelled']),
  position: z.optional(z.number()),
  percent: z.optional(z.number()),
  result_url: z.optional(z.string()),
  failure_reason: z.optional(z.string()),
});
const STATES = {
  waiting: 'queued',
  working: 'running',
  done: 'completed',
  error: 'failed',
  cancelled: 'cancelled',
} as const;
const toStatus = (g: z.infer<typeof generation>) => ({
  status: STATES[g.state],
  queuePosition: g.position,
  progress: g.percent === undefined ? undefined : g.percent / 100,
  videoUrl: g.result_url,
  error: g.failure_reason,
});

export const acme = defineProvider({
  name: 'acme',
  baseUrl: 'https://api.acme.video/v1',
  capabilities: { progress: true, queuePosition: true, webhooks: true },
  input: z.object({ prompt: z.string().check(z.minLength(1)), duration: z.optional(z.number().check(z.lte(10))) }),
  submit: {
    url: () => '/generations',
    body: (model, input, { webhookUrl }) => ({ model, ...input, callback_url: webhookUrl }),
    response: generation,
    toJob: (g) => ({ id: g.generation_id, ...toStatus(g) }),
  },
  status: { url: (job) => `/generations/${job.id}`, response: generation, toStatus },
  cancel: {
    url: (job) => `/generations/${job.id}/cancel`,
    allowStatus: [409], // Acme answers 409 when the generation already finished
    toOutcome: (_answer, httpStatus) => (httpStatus === 409 ? 'already_completed' : 'cancelled'),
  },
});

// The simulated Acme API the example runs against: ./acmeWire.ts.

describeAcmeContract('defineProvider (Acme example)', acme);

describe('defineProvider', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('runs the README example end to end: queue position, progress, webhook, video', async () => {
    const sim = createSimulator({ wireFormats: [acmeWire], job: { queuePosition: 4 } });
    const client = createVideoClient({ providers: { acme: acme({ apiKey: 'acme-key' }) }, fetch: sim.fetch });
    const seen: string[] = [];

    const first = await client.submit({
      provider: 'acme',
      model: 'acme-video-2',
      input: { prompt: 'A paper boat', duration: 5 },
      webhookUrl: 'https://app.example.com/hooks/acme',
    });
    const waiting = client.wait(first.ref, {
      onUpdate: (s) => seen.push(`${s.status}:${s.queuePosition ?? ''}:${s.progress ?? ''}`),
    });
    for (let i = 0; i < 30; i++) await vi.advanceTimersByTimeAsync(1000);
    const done = await waiting;

    expect(first).toMatchObject({ status: 'queued', queuePosition: 4, provider: 'acme' });
    expect(sim.requests[0]!.url).toBe('https://api.acme.video/v1/generations');
    expect(sim.job(first.id)?.webhookUrl).toBe('https://app.example.com/hooks/acme');
    expect(done.status).toBe('completed');
    expect(done.video?.url).toBe(`https://api.acme.video/files/${first.id}.mp4`);
    expect(seen.some((entry) => entry.startsWith('running:') && entry !== 'running::')).toBe(true);
    expect(seen.at(-1)).toBe('completed::1');
  });

  it('validates input with the given schema before any request', async () => {
    const sim = createSimulator({ wireFormats: [acmeWire] });
    const client = createVideoClient({ providers: { acme: acme() }, fetch: sim.fetch });
    const error = await client
      .submit({ provider: 'acme', model: 'acme-video-2', input: { prompt: 'x', duration: 30 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VideoJobError);
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'duration' });
    expect(sim.requests).toHaveLength(0);
  });

  function canned(answer: unknown): ProviderContext {
    return jsonContext('acme', () => answer, { now: Date.now });
  }
  const ref = { provider: 'acme', id: 'g1', model: 'acme-video-2' };

  it('turns an unknown status word into invalid_response through the schema, naming the field', async () => {
    const error = await acme()
      .getStatus(canned({ generation_id: 'g1', state: 'teleporting' }), ref, {})
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_response', field: 'state', jobId: 'g1' });
  });

  it('refuses a completed job without a video URL, and a mapping to a status the library does not have', async () => {
    await expect(acme().getStatus(canned({ generation_id: 'g1', state: 'done' }), ref, {})).rejects.toMatchObject({
      kind: 'invalid_response',
      field: 'videoUrl',
    });
    const odd = defineProvider({
      name: 'odd',
      submit: {
        url: () => 'https://odd.example/jobs',
        response: z.object({ id: z.string() }),
        toJob: (a) => ({ id: a.id }),
      },
      status: {
        url: (job) => `https://odd.example/jobs/${job.id}`,
        response: z.object({ s: z.string() }),
        toStatus: (a) => ({ status: a.s as 'queued' }),
      },
    });
    await expect(odd().getStatus(canned({ s: 'paused' }), ref, {})).rejects.toMatchObject({
      kind: 'invalid_response',
      field: 'status',
    });
  });

  it('without a cancel definition, reports unsupported; without declared webhooks, refuses a webhook URL', async () => {
    const plain = defineProvider({
      name: 'plain',
      submit: {
        url: () => 'https://plain.example/jobs',
        response: z.object({ id: z.string() }),
        toJob: (a) => ({ id: a.id }),
      },
      status: {
        url: (job) => `https://plain.example/jobs/${job.id}`,
        response: z.object({ done: z.boolean(), url: z.optional(z.string()) }),
        toStatus: (a) => ({ status: a.done ? 'completed' : 'running', videoUrl: a.url }),
      },
    })();
    expect(plain.capabilities).toEqual({
      cancel: false,
      progress: false,
      queuePosition: false,
      webhooks: false,
      streaming: false,
    });
    expect(plain.cancel).toBeUndefined();
    await expect(
      plain.submit(canned({ id: 'j1' }), { model: 'm', input: {}, webhookUrl: 'https://app.example.com/hook' }),
    ).rejects.toMatchObject({ kind: 'invalid_input', field: 'webhookUrl' });
    const first = await plain.submit(canned({ id: 'j1' }), { model: 'm', input: {} });
    expect(first).toMatchObject({ id: 'j1', status: 'queued' });
  });

  it('sends the key with the definition auth header, or goes through the proxy', async () => {
    const { fetch, sent } = recordingFetch(async () => Response.json({ generation_id: 'g1', state: 'waiting' }));
    const ctx = transportContext('acme', { fetch }, Date.now);
    await acme({ apiKey: 'k1' }).getStatus(ctx, ref, {});
    await acme({ proxyUrl: '/api/video' }).getStatus(ctx, ref, {});
    expect(sent[0]).toMatchObject({ url: 'https://api.acme.video/v1/generations/g1' });
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer k1');
    expect(sent[1]!.url).toBe('/api/video');
    expect(sent[1]!.headers.get('x-video-jobs-target-url')).toBe('https://api.acme.video/v1/generations/g1');
    expect(sent[1]!.headers.get('authorization')).toBeNull();
  });
});
