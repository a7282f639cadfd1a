import type { JobSnapshot } from '../../core/jobSnapshot';
import { UNCHANGED } from '../../core/provider';
import type { ProviderContext } from '../../core/provider';
import { createTransport } from '../../core/transport';
import type { TransportOptions } from '../../core/transport';
import { VideoJobError } from '../../core/videoJobError';
import { createSimulator } from '../../testing/createSimulator';
import type { SimulatorOptions } from '../../testing/createSimulator';
import { fal } from '../fal';
import type { FalOptions } from '../fal';
import { settledState } from './testContexts';

/** The adapter's validation as a promise: it throws at once when fal's schemas are loaded, else rejects. */
async function validated(adapter: ReturnType<typeof fal>, model: string, input: unknown): Promise<unknown> {
  return adapter.validateInput!(model, input);
}
const MODEL = 'fal-ai/kling-video/v2/master/text-to-video';
const INPUT = { prompt: 'a red fox running through snow', duration: '5' };

function setup(simOptions: SimulatorOptions = {}, falOptions: FalOptions = {}, transport: TransportOptions = {}) {
  const sim = createSimulator({ job: { queueMs: 2000, runMs: 6000, queuePosition: 3 }, ...simOptions });
  const fetch = transport.fetch ?? sim.fetch;
  const http = createTransport({ random: () => 0.5, ...transport, fetch });
  const ctx: ProviderContext = { request: (req) => http.request({ provider: 'fal', ...req }), now: () => Date.now() };
  const adapter = fal({ baseUrl: sim.baseUrl('fal'), fetch, ...falOptions });
  return { sim, ctx, adapter };
}

async function statusAfter(
  { ctx, adapter }: ReturnType<typeof setup>,
  ref: JobSnapshot['ref'],
  ms: number,
  previous?: JobSnapshot,
): Promise<JobSnapshot> {
  await vi.advanceTimersByTimeAsync(ms);
  const snapshot = await adapter.getStatus(ctx, ref, previous ? { previous } : {});
  if (snapshot === UNCHANGED) throw new Error('unexpected 304');
  return snapshot;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('fal adapter against the simulator', () => {
  it('declares what fal can do', () => {
    expect(fal().capabilities).toEqual({
      cancel: true,
      progress: false,
      queuePosition: true,
      webhooks: true,
      streaming: true,
    });
    expect(fal({ streaming: false }).streamStatus).toBeUndefined();
    expect(fal().name).toBe('fal');
  });

  it('follows a job from the queue to a playable video', async () => {
    const env = setup();
    const { sim, ctx, adapter } = env;
    const submitted = await adapter.submit(ctx, { model: MODEL, input: INPUT });
    expect(submitted).toMatchObject({ provider: 'fal', model: MODEL, status: 'queued', queuePosition: 3 });
    const { ref } = submitted;
    // The quirk: status/result/cancel live under the app id, without the model's sub-path.
    expect(ref.urls?.status).toBe(`https://sim.local/fal/fal-ai/kling-video/requests/${ref.id}/status`);
    expect(ref.urls?.stream).toBe(`https://sim.local/fal/fal-ai/kling-video/requests/${ref.id}/status/stream`);

    const queued = await statusAfter(env, ref, 1000);
    expect(queued).toMatchObject({ status: 'queued', queuePosition: 1 });

    const running = await statusAfter(env, ref, 2000, queued);
    expect(running).toMatchObject({ status: 'running', logs: ['Loading fal-ai/kling-video/v2/master/text-to-video'] });
    expect(running.progress).toBeUndefined();

    const later = await statusAfter(env, ref, 2000, running);
    expect(later.logs).toEqual([running.logs[0], 'Generating frames: 25%', 'Generating frames: 50%']);
    expect(later.startedAt).toBe(running.startedAt);

    const done = await statusAfter(env, ref, 4000, later);
    expect(done).toMatchObject({
      status: 'completed',
      progress: 1,
      video: { url: `https://sim.local/files/${ref.id}.mp4`, contentType: 'video/mp4', fileName: `${ref.id}.mp4` },
    });
    expect(done.video?.fileSize).toBeGreaterThan(1000);
    expect(done.logs.at(-1)).toBe('Encoding video: done');
    expect(sim.count({ endpoint: 'status' })).toBe(4);
    expect(sim.count({ endpoint: 'result' })).toBe(1);
    expect(sim.requests.find((entry) => entry.endpoint === 'status')?.url).toContain('?logs=1');
    const file = await sim.fetch(done.video!.url);
    expect(file.headers.get('content-type')).toBe('video/mp4');
  });

  it('passes the webhook URL as fal_webhook and asks for no logs when told', async () => {
    const env = setup({}, { logs: false });
    const snapshot = await env.adapter.submit(env.ctx, {
      model: 'fal-ai/veo3',
      input: INPUT,
      webhookUrl: 'https://app.example/hooks/fal?x=1',
    });
    expect(env.sim.job(snapshot.id)?.webhookUrl).toBe('https://app.example/hooks/fal?x=1');
    const running = await statusAfter(env, snapshot.ref, 3000);
    expect(running.logs).toEqual([]);
    expect(env.sim.requests.at(-1)?.url).toContain('logs=0');
  });

  it('surfaces the provider reason when a run fails', async () => {
    const env = setup({
      job: { queueMs: 0, runMs: 1000, outcome: 'failed', errorMessage: 'Prompt flagged by the safety checker' },
    });
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    const failed = await statusAfter(env, ref, 1000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBeInstanceOf(VideoJobError);
    expect(failed.error).toMatchObject({
      kind: 'provider_failed',
      provider: 'fal',
      jobId: ref.id,
      code: 'runner_server_error',
    });
    expect(failed.error?.message).toContain('Prompt flagged by the safety checker');
    // fal's status only says COMPLETED: the failure is read from the result fetch (500 runner_server_error).
    expect(env.sim.count({ endpoint: 'result' })).toBe(1);
  });

  it('reads a failure from the result fetch: an error body after COMPLETED', async () => {
    const env = setup({ job: { queueMs: 0, runMs: 1000 } });
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    env.sim.failNext({ status: 422, message: 'duration must be 5 or 10', match: /\/requests\/[^/]+$/ });
    const failed = await statusAfter(env, ref, 1000);
    expect(failed).toMatchObject({ status: 'failed', error: { kind: 'provider_failed', status: 422 } });
    expect(failed.error?.message).toContain('duration must be 5 or 10');
  });

  it('cancels a queued job', async () => {
    const env = setup();
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    await vi.advanceTimersByTimeAsync(500);
    expect(await env.adapter.cancel!(env.ctx, ref, {})).toBe('requested');
    expect(env.sim.job(ref.id)?.status).toBe('cancelled');
    const after = await statusAfter(env, ref, 100);
    expect(after).toMatchObject({ status: 'cancelled', cancellation: { remote: 'cancelled' } });
    // COMPLETED, then the result fetch answers 499 client_cancelled.
    expect(env.sim.count({ endpoint: 'result' })).toBe(1);
  });

  it('keeps the result when cancel races completion (400 ALREADY_COMPLETED)', async () => {
    const env = setup({ job: { queueMs: 0, runMs: 1000 } });
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await env.adapter.cancel!(env.ctx, ref, {})).toBe('already_completed');
    const final = await statusAfter(env, ref, 0);
    expect(final.status).toBe('completed');
    expect(final.video?.url).toMatch(/\.mp4$/);
  });

  it('waits out a 429 storm exactly as long as Retry-After says', async () => {
    const env = setup();
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    env.sim.failNext({ status: 429, retryAfter: 2, match: /\/status$/ }, 3);
    const pending = settledState(env.adapter.getStatus(env.ctx, ref, {}));
    await vi.advanceTimersByTimeAsync(5999);
    expect(pending.done).toBe(false);
    expect(env.sim.count({ endpoint: 'status' })).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(pending.done).toBe(true);
    expect(pending.value).toMatchObject({ status: 'running' });
    expect(env.sim.count({ endpoint: 'status', status: 429 })).toBe(3);
  });

  it('retries a malformed JSON answer and reports one that stays malformed', async () => {
    const env = setup();
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    env.sim.failNext({ malformed: true, match: /\/status$/ });
    const retried = settledState(env.adapter.getStatus(env.ctx, ref, {}));
    await vi.advanceTimersByTimeAsync(1000);
    expect(retried.value).toMatchObject({ status: 'queued' });

    env.sim.setFaults({ malformedRate: 1 });
    const broken = settledState(env.adapter.getStatus(env.ctx, ref, {}));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(broken.error).toMatchObject({ kind: 'invalid_response', provider: 'fal', jobId: ref.id });
  });

  it('names the field when the status answer drifts from the documented shape', async () => {
    const sim = createSimulator();
    const drift = (mutate: (body: Record<string, unknown>) => void): typeof fetch =>
      (async (input: RequestInfo | URL, init?: RequestInit) => {
        const response = await sim.fetch(input, init);
        if (!String(input).includes('/status')) return response;
        const body = (await response.json()) as Record<string, unknown>;
        mutate(body);
        return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
      }) as typeof fetch;

    const env = setup({}, {}, { fetch: drift((body) => (body.queue_position = 'third')) });
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    await expect(env.adapter.getStatus(env.ctx, ref, {})).rejects.toMatchObject({
      kind: 'invalid_response',
      field: 'queue_position',
    });

    const unknown = setup({}, {}, { fetch: drift((body) => (body.status = 'PAUSED')) });
    const error = await unknown.adapter.getStatus(unknown.ctx, ref, {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_response', field: 'status' });
    expect((error as Error).message).toContain('"PAUSED"');

    const logs = setup({}, {}, { fetch: drift((body) => (body.logs = [{ message: 7 }])) });
    await expect(logs.adapter.getStatus(logs.ctx, ref, {})).rejects.toMatchObject({ field: 'logs[0].message' });
  });

  it('names the field when the result drifts, and refuses a non-http video URL', async () => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 0 } });
    const resultAs = (body: unknown): typeof fetch =>
      (async (input: RequestInfo | URL, init?: RequestInit) =>
        /\/requests\/[^/]+$/.test(new URL(String(input)).pathname)
          ? new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
          : sim.fetch(input, init)) as typeof fetch;
    const missing = setup(
      {},
      { baseUrl: sim.baseUrl('fal') },
      { fetch: resultAs({ video: { content_type: 'video/mp4' } }) },
    );
    const { ref } = await missing.adapter.submit(missing.ctx, { model: MODEL, input: INPUT });
    await expect(missing.adapter.getStatus(missing.ctx, ref, {})).rejects.toMatchObject({
      kind: 'invalid_response',
      field: 'video.url',
    });

    const hostile = setup(
      {},
      { baseUrl: sim.baseUrl('fal') },
      { fetch: resultAs({ video: { url: 'javascript:alert(1)' } }) },
    );
    await expect(hostile.adapter.getStatus(hostile.ctx, ref, {})).rejects.toMatchObject({
      kind: 'invalid_response',
      field: 'video.url',
    });

    const plural = setup(
      {},
      { baseUrl: sim.baseUrl('fal') },
      { fetch: resultAs({ videos: [{ url: 'https://cdn.example/v.mp4' }] }) },
    );
    expect(await plural.adapter.getStatus(plural.ctx, ref, {})).toMatchObject({
      status: 'completed',
      video: { url: 'https://cdn.example/v.mp4' },
    });
  });

  it('gives up on a request that gets no answer in time', async () => {
    const env = setup({ faults: { latencyMs: 40_000 } }, {}, { requestTimeoutMs: 10_000, retry: { retries: 0 } });
    const pending = settledState(env.adapter.submit(env.ctx, { model: MODEL, input: INPUT }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pending.error).toMatchObject({ kind: 'timeout', provider: 'fal' });
  });

  it('stops at once when the caller aborts mid-request', async () => {
    const env = setup();
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    env.sim.setFaults({ latencyMs: 5000 });
    const controller = new AbortController();
    const pending = settledState(env.adapter.getStatus(env.ctx, ref, { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(pending.error).toMatchObject({ kind: 'cancelled' });
    expect(env.sim.requests.at(-1)).toMatchObject({ endpoint: 'status', status: 0 });
  });

  it('returns UNCHANGED on 304', async () => {
    const env = setup({ faults: { notModifiedWithinMs: 3000 } });
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    await env.adapter.getStatus(env.ctx, ref, {});
    expect(await env.adapter.getStatus(env.ctx, ref, {})).toBe(UNCHANGED);
  });
});

describe('fal adapter credentials', () => {
  it('sends Authorization: Key only when a key is configured', async () => {
    const seen: Headers[] = [];
    const sim = createSimulator({ apiKeys: { fal: 'fal-secret' } });
    const spy = ((input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers));
      return sim.fetch(input, init);
    }) as typeof fetch;
    const keyed = setup({}, { apiKey: 'fal-secret', baseUrl: sim.baseUrl('fal') }, { fetch: spy });
    await keyed.adapter.submit(keyed.ctx, { model: MODEL, input: INPUT });
    expect(seen[0]?.get('authorization')).toBe('Key fal-secret');

    const anonymous = setup({}, { baseUrl: sim.baseUrl('fal') }, { fetch: spy });
    const error = await anonymous.adapter
      .submit(anonymous.ctx, { model: MODEL, input: INPUT })
      .catch((caught: unknown) => caught);
    expect(seen[1]?.has('authorization')).toBe(false);
    expect(error).toMatchObject({ kind: 'auth', status: 401, provider: 'fal' });
  });

  it('sends every request to the proxy with the real URL in x-fal-target-url', async () => {
    const seen: { url: string; headers: Headers; method: string }[] = [];
    const sim = createSimulator({ job: { queueMs: 0, runMs: 0 } });
    // A stand-in for the app's proxy route: it forwards to the target, as @fal-ai/server-proxy does.
    const proxy = ((input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      seen.push({ url: String(input), headers, method: init?.method ?? 'GET' });
      return sim.fetch(input, init);
    }) as typeof fetch;
    const env = setup(
      {},
      { proxyUrl: '/api/fal/proxy', baseUrl: 'https://queue.fal.run' },
      { fetch: (input, init) => proxy(new URL(String(input), 'https://app.example').href, init) },
    );
    const { ref } = await env.adapter.submit(env.ctx, {
      model: MODEL,
      input: INPUT,
      webhookUrl: 'https://app.example/hook',
    });
    const done = await env.adapter.getStatus(env.ctx, ref, {});
    expect(done).toMatchObject({ status: 'completed' });
    await env.adapter.cancel!(env.ctx, ref, {});
    expect(seen.map((request) => request.url)).toEqual(Array(4).fill('https://app.example/api/fal/proxy'));
    expect(seen.map((request) => request.headers.get('x-fal-target-url'))).toEqual([
      `https://queue.fal.run/${MODEL}?fal_webhook=${encodeURIComponent('https://app.example/hook')}`,
      `https://queue.fal.run/fal-ai/kling-video/requests/${ref.id}/status?logs=1`,
      `https://queue.fal.run/fal-ai/kling-video/requests/${ref.id}`,
      `https://queue.fal.run/fal-ai/kling-video/requests/${ref.id}/cancel`,
    ]);
    expect(seen.every((request) => !request.headers.has('authorization'))).toBe(true);
    expect(seen.map((request) => request.method)).toEqual(['POST', 'GET', 'GET', 'PUT']);
  });
});

describe('fal input validation', () => {
  it('accepts a plain input and rejects bad fields before any request', async () => {
    const adapter = fal();
    await expect(
      validated(adapter, MODEL, { prompt: 'x', image_url: 'https://cdn.example/a.png', seed: 3 }),
    ).resolves.toEqual({ prompt: 'x', image_url: 'https://cdn.example/a.png', seed: 3 });
    await expect(validated(adapter, MODEL, { prompt: 42 })).rejects.toMatchObject({
      kind: 'invalid_input',
      field: 'prompt',
    });
    await expect(
      validated(adapter, MODEL, { prompt: 'x', image_url: 'http://cdn.example/a.png' }),
    ).rejects.toMatchObject({ kind: 'invalid_input', field: 'image_url' });
    await expect(validated(adapter, MODEL, { prompt: 'x', start_image_url: '/local/a.png' })).rejects.toMatchObject({
      field: 'start_image_url',
    });
    await expect(validated(adapter, 'veo3', { prompt: 'x' })).rejects.toMatchObject({ field: 'model' });
    // Once its schemas are loaded (above), the validation answers at once: no Promise, so the submit waits on nothing.
    expect(adapter.validateInput!(MODEL, { prompt: 'x' })).toEqual({ prompt: 'x' });
    expect(() => adapter.validateInput!(MODEL, { prompt: 42 })).toThrow(expect.objectContaining({ field: 'prompt' }));
  });
});

describe('fal status stream', () => {
  async function collect(iterable: AsyncIterable<JobSnapshot>, into: JobSnapshot[]) {
    for await (const snapshot of iterable) into.push(snapshot);
  }

  it('follows the job over SSE until it ends, with no polling and no repeated log lines', async () => {
    const env = setup({ streamIntervalMs: 100 });
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    const seen: JobSnapshot[] = [];
    const done = settledState(collect(env.adapter.streamStatus!(env.ctx, ref, {}), seen));
    await vi.advanceTimersByTimeAsync(8200);
    expect(done).toMatchObject({ done: true });
    expect(done.error).toBeUndefined();
    expect(seen.map((snapshot) => snapshot.status)).toEqual([
      'queued',
      'queued',
      'queued',
      'queued',
      'running',
      'running',
      'running',
      'running',
      'completed',
    ]);
    expect(seen.slice(0, 4).map((snapshot) => snapshot.queuePosition)).toEqual([3, 2, 1, 0]);
    const last = seen.at(-1)!;
    expect(last.logs).toEqual([
      `Loading ${MODEL}`,
      'Generating frames: 25%',
      'Generating frames: 50%',
      'Generating frames: 75%',
      'Encoding video: done',
    ]);
    expect(last.video?.url).toBe(`https://sim.local/files/${ref.id}.mp4`);
    expect(new Set(seen.filter((s) => s.status === 'running').map((s) => s.startedAt)).size).toBe(1);
    expect(env.sim.count({ endpoint: 'stream' })).toBe(1);
    expect(env.sim.count({ endpoint: 'status' })).toBe(0);
  });

  it('does not repeat the lines a poll already saw', async () => {
    const env = setup({ streamIntervalMs: 100 });
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    const polled = await statusAfter(env, ref, 4000);
    expect(polled.logs).toHaveLength(2);
    const seen: JobSnapshot[] = [];
    const done = settledState(collect(env.adapter.streamStatus!(env.ctx, ref, { previous: polled }), seen));
    await vi.advanceTimersByTimeAsync(5000);
    expect(done.done).toBe(true);
    expect(seen.at(-1)?.logs).toHaveLength(5);
  });

  it('throws a retryable error when the stream closes before the job ends, so the client polls', async () => {
    const sim = createSimulator();
    const early = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!String(input).includes('/stream')) return sim.fetch(input, init);
      return new Response('data: {"status":"IN_QUEUE","queue_position":0}\n\n', {
        headers: { 'content-type': 'text/event-stream' },
      });
    }) as typeof fetch;
    const env = setup({}, { baseUrl: sim.baseUrl('fal') }, { fetch: early });
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    const seen: JobSnapshot[] = [];
    const error = await collect(env.adapter.streamStatus!(env.ctx, ref, {}), seen).catch((caught: unknown) => caught);
    expect(seen.map((snapshot) => snapshot.status)).toEqual(['queued']);
    expect(error).toMatchObject({ kind: 'network', retryable: true, jobId: ref.id });
  });

  it('reports a refused stream and stops when aborted', async () => {
    const env = setup({ apiKeys: { fal: 'k' } }, { apiKey: 'k' });
    const { ref } = await env.adapter.submit(env.ctx, { model: MODEL, input: INPUT });
    const anonymous = fal({ baseUrl: env.sim.baseUrl('fal'), fetch: env.sim.fetch });
    await expect(collect(anonymous.streamStatus!(env.ctx, ref, {}), [])).rejects.toMatchObject({
      kind: 'auth',
      status: 401,
    });

    const controller = new AbortController();
    const seen: JobSnapshot[] = [];
    const done = settledState(collect(env.adapter.streamStatus!(env.ctx, ref, { signal: controller.signal }), seen));
    await vi.advanceTimersByTimeAsync(500);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(done.error).toMatchObject({ kind: 'cancelled' });
  });
});

describe('fal run time', () => {
  it("takes the run time from fal's metrics.inference_time, not from when our polls saw the run", async () => {
    const setupResult = setup();
    const { ctx, adapter, sim } = setupResult;
    const first = await adapter.submit(ctx, { model: MODEL, input: INPUT });
    // Seen running only late in the run, then completed 30 s after its end: the polls span 31 s of a 6 s run.
    const running = await statusAfter(setupResult, first.ref, 7000);
    expect(running.status).toBe('running');
    const done = await statusAfter(setupResult, first.ref, 30_000, running);
    const job = sim.job(first.ref.id)!;
    expect(done.status).toBe('completed');
    expect(done.completedAt! - done.startedAt!).toBe(job.endedAt! - job.startedAt!);
  });
});
