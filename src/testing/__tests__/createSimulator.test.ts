import { createSimulator } from '../createSimulator';
import type { Simulator } from '../createSimulator';
import { sampleVideoBytes } from '../sampleVideo';

interface Submitted {
  request_id: string;
  status_url: string;
  response_url: string;
  cancel_url: string;
  queue_position: number;
}

async function submit(sim: Simulator, model = 'fal-ai/veo3', init: RequestInit = {}): Promise<Submitted> {
  const response = await sim.fetch(`${sim.baseUrl('fal')}/${model}`, {
    method: 'POST',
    body: JSON.stringify({ prompt: 'a cat on a skateboard' }),
    headers: { 'content-type': 'application/json' },
    ...init,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Submitted;
}

async function json(response: Response | Promise<Response>): Promise<Record<string, unknown>> {
  return (await (await response).json()) as Record<string, unknown>;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createSimulator: jobs on the clock', () => {
  it('moves a job through queue, run and completion as fake time passes', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 4000, queuePosition: 2 } });
    const job = await submit(sim);
    expect(job.queue_position).toBe(2);
    expect(await json(sim.fetch(`${job.status_url}?logs=1`))).toMatchObject({ status: 'IN_QUEUE', queue_position: 2 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await json(sim.fetch(job.status_url))).toMatchObject({ status: 'IN_QUEUE', queue_position: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    const running = await json(sim.fetch(`${job.status_url}?logs=1`));
    expect(running).toMatchObject({ status: 'IN_PROGRESS' });
    expect(running.logs).toEqual([
      expect.objectContaining({ message: 'Loading fal-ai/veo3', level: 'INFO', source: 'USER' }),
    ]);
    await vi.advanceTimersByTimeAsync(4000);
    expect(await json(sim.fetch(job.status_url))).toMatchObject({
      status: 'COMPLETED',
      metrics: { inference_time: 4 },
    });
    expect(sim.job(job.request_id)).toMatchObject({ status: 'completed', progress: 1 });
  });

  it('uses a per-job spec function with the submit order', async () => {
    const sim = createSimulator({
      job: ({ index }) => ({ outcome: index === 1 ? 'failed' : 'completed', queueMs: 0, runMs: 10 }),
    });
    await submit(sim);
    await submit(sim);
    await vi.advanceTimersByTimeAsync(10);
    expect(sim.jobs().map((job) => job.status)).toEqual(['completed', 'failed']);
  });

  it('ends jobs on demand with complete() and fail()', async () => {
    const sim = createSimulator();
    const a = await submit(sim);
    const b = await submit(sim);
    expect(sim.complete(a.request_id).status).toBe('completed');
    expect(sim.fail(b.request_id, 'GPU fell over')).toMatchObject({ status: 'failed', errorMessage: 'GPU fell over' });
    expect(sim.complete(b.request_id).status).toBe('failed');
    expect(() => sim.complete('nope')).toThrow(/no job with id nope/);
  });

  it('routes the real host and the sub-path quirk: status lives under the app id', async () => {
    const sim = createSimulator();
    const response = await sim.fetch(
      'https://queue.fal.run/fal-ai/kling-video/v2/master/text-to-video?fal_webhook=https%3A%2F%2Fapp.example%2Fhook',
      {
        method: 'POST',
        body: '{"prompt":"x"}',
      },
    );
    const job = (await response.json()) as Submitted;
    expect(job.status_url).toBe(`https://queue.fal.run/fal-ai/kling-video/requests/${job.request_id}/status`);
    expect(response.headers.get('x-fal-request-id')).toBe(job.request_id);
    expect(sim.job(job.request_id)).toMatchObject({
      model: 'fal-ai/kling-video/v2/master/text-to-video',
      webhookUrl: 'https://app.example/hook',
    });
  });

  it('answers 404 for unknown paths and unknown jobs, 422 for a body that is not an object', async () => {
    const sim = createSimulator();
    expect((await sim.fetch('https://sim.local/nobody/x')).status).toBe(404);
    expect((await sim.fetch(`${sim.baseUrl('fal')}/fal-ai/veo3/requests/missing/status`)).status).toBe(404);
    const bad = await sim.fetch(`${sim.baseUrl('fal')}/fal-ai/veo3`, { method: 'POST', body: '[1]' });
    expect(bad.status).toBe(422);
  });
});

describe('createSimulator: cancel', () => {
  it('cancels a queued job and a running one; a finished job answers ALREADY_COMPLETED', async () => {
    const sim = createSimulator({ job: { queueMs: 1000, runMs: 1000 } });
    const queued = await submit(sim);
    const cancel = await sim.fetch(queued.cancel_url, { method: 'PUT' });
    expect(cancel.status).toBe(202);
    expect(await cancel.json()).toEqual({ status: 'CANCELLATION_REQUESTED' });
    expect(sim.job(queued.request_id)?.status).toBe('cancelled');
    // fal's status only says COMPLETED; the result fetch says how it ended (request-errors: 499 client_cancelled).
    expect(await json(sim.fetch(queued.status_url))).toMatchObject({ status: 'COMPLETED' });
    const ended = await sim.fetch(queued.response_url);
    expect(ended.status).toBe(499);
    expect(await ended.json()).toMatchObject({ error_type: 'client_cancelled' });

    const running = await submit(sim);
    await vi.advanceTimersByTimeAsync(1500);
    expect((await sim.fetch(running.cancel_url, { method: 'PUT' })).status).toBe(202);
    expect(sim.job(running.request_id)).toMatchObject({ status: 'cancelled', startedAt: expect.any(Number) });

    const finished = await submit(sim);
    await vi.advanceTimersByTimeAsync(2000);
    const late = await sim.fetch(finished.cancel_url, { method: 'PUT' });
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual({ status: 'ALREADY_COMPLETED' });
    expect(sim.job(finished.request_id)?.status).toBe('completed');
  });
});

describe('createSimulator: faults', () => {
  it('answers 500 and 429 with Retry-After at the configured rates', async () => {
    const sim = createSimulator({ faults: { serverErrorRate: 1 } });
    const response = await sim.fetch(`${sim.baseUrl('fal')}/fal-ai/veo3`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ detail: 'Internal server error (simulated)' });
    sim.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });
    const limited = await sim.fetch(`${sim.baseUrl('fal')}/fal-ai/veo3`, { method: 'POST', body: '{}' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(sim.requests.map((entry) => entry.fault)).toEqual(['server_error', 'rate_limited']);
    expect(sim.jobs()).toHaveLength(0);
  });

  it('repeats the same random faults for the same seed', async () => {
    const statuses = async (seed: number) => {
      const sim = createSimulator({ seed, faults: { serverErrorRate: 0.5 } });
      const out: number[] = [];
      for (let i = 0; i < 20; i++)
        out.push((await sim.fetch(`${sim.baseUrl('fal')}/fal-ai/veo3`, { method: 'POST', body: '{}' })).status);
      return out;
    };
    const first = await statuses(42);
    expect(await statuses(42)).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await statuses(7)).not.toEqual(first);
  });

  it('drops connections: fetch rejects with a TypeError', async () => {
    const sim = createSimulator({ faults: { dropRate: 1 } });
    await expect(sim.fetch(`${sim.baseUrl('fal')}/fal-ai/veo3`, { method: 'POST', body: '{}' })).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(sim.requests[0]).toMatchObject({ status: 0, fault: 'drop', endpoint: 'submit' });
  });

  it('cuts JSON bodies short', async () => {
    const sim = createSimulator({ faults: { malformedRate: 1 } });
    const response = await sim.fetch(`${sim.baseUrl('fal')}/fal-ai/veo3`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('delays answers by timer time and rejects like fetch when the signal aborts', async () => {
    const sim = createSimulator({ faults: { latencyMs: 5000 } });
    let settled = false;
    const slow = sim.fetch(`${sim.baseUrl('fal')}/fal-ai/veo3`, { method: 'POST', body: '{}' }).then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await slow).status).toBe(200);

    const controller = new AbortController();
    const aborted = sim.fetch(`${sim.baseUrl('fal')}/fal-ai/veo3`, {
      method: 'POST',
      body: '{}',
      signal: controller.signal,
    });
    const assertion = expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    await assertion;
    expect(sim.jobs()).toHaveLength(1);
  });

  it('answers 304 to status polls faster than notModifiedWithinMs', async () => {
    const sim = createSimulator({ faults: { notModifiedWithinMs: 3000 } });
    const job = await submit(sim);
    // fal answers 202 while a request is queued or running (https://fal.ai/docs/api-reference/inference-api).
    expect((await sim.fetch(job.status_url)).status).toBe(202);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await sim.fetch(job.status_url)).status).toBe(304);
    await vi.advanceTimersByTimeAsync(2000);
    expect((await sim.fetch(job.status_url)).status).toBe(202);
    expect(sim.count({ endpoint: 'status', status: 304 })).toBe(1);
  });

  it('applies failNext to the next matching requests only, before random faults', async () => {
    const sim = createSimulator();
    const job = await submit(sim);
    sim.failNext({ status: 503, match: /\/status$/ }, 2);
    sim.failNext({ status: 429, retryAfter: 3 });
    const limited = await sim.fetch(job.response_url);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await sim.fetch(job.status_url)).status).toBe(503);
    expect((await sim.fetch(job.status_url)).status).toBe(503);
    expect((await sim.fetch(job.status_url)).status).toBe(202);
    sim.failNext({ drop: true });
    await expect(sim.fetch(job.status_url)).rejects.toThrow(TypeError);
    sim.failNext({ malformed: true });
    await expect((await sim.fetch(job.status_url)).json()).rejects.toThrow(SyntaxError);
  });

  it('answers 401 when a provider key is configured and the request lacks it', async () => {
    const sim = createSimulator({ apiKeys: { fal: 'secret' } });
    const url = `${sim.baseUrl('fal')}/fal-ai/veo3`;
    expect((await sim.fetch(url, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await sim.fetch(url, { method: 'POST', body: '{}', headers: { authorization: 'Key wrong' } })).status).toBe(
      401,
    );
    expect(
      (await sim.fetch(url, { method: 'POST', body: '{}', headers: { authorization: 'Key secret' } })).status,
    ).toBe(200);
  });

  it('follows a proxy target header to the real endpoint', async () => {
    const sim = createSimulator();
    const response = await sim.fetch('https://app.example/api/fal/proxy', {
      method: 'POST',
      body: '{}',
      headers: { 'x-fal-target-url': `${sim.baseUrl('fal')}/fal-ai/veo3` },
    });
    expect(response.status).toBe(200);
    expect(sim.requests[0]).toMatchObject({
      proxied: true,
      endpoint: 'submit',
      url: 'https://sim.local/fal/fal-ai/veo3',
    });
  });
});

describe('createSimulator: counts and log', () => {
  it('counts requests per provider, endpoint and method, and resets', async () => {
    const sim = createSimulator();
    const job = await submit(sim);
    await sim.fetch(job.status_url);
    await sim.fetch(job.status_url);
    await sim.fetch(job.cancel_url, { method: 'PUT' });
    expect(sim.count()).toBe(4);
    expect(sim.count({ provider: 'fal', endpoint: 'status' })).toBe(2);
    expect(sim.count({ method: 'put' })).toBe(1);
    expect(sim.count({ jobId: job.request_id })).toBe(3);
    expect(sim.requests[1]).toMatchObject({
      method: 'GET',
      provider: 'fal',
      endpoint: 'status',
      status: 202,
      jobId: job.request_id,
      at: Date.now(),
    });
    sim.reset();
    expect(sim.count()).toBe(0);
    expect(sim.jobs()).toEqual([]);
  });
});

describe('createSimulator: the finished video file', () => {
  it('serves the sample MP4 with range support once the job completed', async () => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 100 } });
    const job = await submit(sim);
    const fileUrl = `${sim.origin}/files/${job.request_id}.mp4`;
    expect((await sim.fetch(fileUrl)).status).toBe(404);
    await vi.advanceTimersByTimeAsync(100);
    const result = await json(sim.fetch(job.response_url));
    expect(result.video).toEqual({
      url: fileUrl,
      content_type: 'video/mp4',
      file_name: `${job.request_id}.mp4`,
      file_size: sampleVideoBytes().length,
    });

    const whole = await sim.fetch(fileUrl);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(sampleVideoBytes());

    const part = await sim.fetch(fileUrl, { headers: { range: 'bytes=4-11' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 4-11/${sampleVideoBytes().length}`);
    expect(new TextDecoder().decode(await part.arrayBuffer())).toBe('ftypisom');

    const tail = await sim.fetch(fileUrl, { headers: { range: 'bytes=-10' } });
    expect((await tail.arrayBuffer()).byteLength).toBe(10);
    expect((await sim.fetch(fileUrl, { headers: { range: 'bytes=999999-' } })).status).toBe(416);
    expect(sim.count({ endpoint: 'file' })).toBe(5);
  });

  it('uses a custom videoUrl when given', async () => {
    const sim = createSimulator({
      job: { queueMs: 0, runMs: 0 },
      videoUrl: (job) => `https://cdn.example/${job.id}.mp4`,
    });
    const job = await submit(sim);
    expect(await json(sim.fetch(job.response_url))).toMatchObject({
      video: { url: `https://cdn.example/${job.request_id}.mp4` },
    });
  });
});

describe('createSimulator: status stream', () => {
  it('sends one event per change with only new log lines, and closes after COMPLETED', async () => {
    const sim = createSimulator({ job: { queueMs: 1000, runMs: 2000, queuePosition: 1 } });
    const job = await submit(sim);
    const response = await sim.fetch(`${job.status_url}/stream?logs=1`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = response.text();
    await vi.advanceTimersByTimeAsync(3500);
    const events = (await text)
      .split('\n\n')
      .filter(Boolean)
      .map(
        (frame) => JSON.parse(frame.replace(/^data: /, '')) as { status: string; logs?: { message: string }[] | null },
      );
    expect(events.map((event) => event.status)).toEqual([
      'IN_QUEUE',
      'IN_QUEUE',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'COMPLETED',
    ]);
    const lines = events.flatMap((event) => (event.logs ?? []).map((line) => line.message));
    expect(lines).toEqual([
      'Loading fal-ai/veo3',
      'Generating frames: 25%',
      'Generating frames: 50%',
      'Generating frames: 75%',
      'Encoding video: done',
    ]);
    expect(sim.count({ endpoint: 'stream' })).toBe(1);
  });

  it('errors the stream when the request is aborted', async () => {
    const sim = createSimulator();
    const job = await submit(sim);
    const controller = new AbortController();
    const response = await sim.fetch(`${job.status_url}/stream`, { signal: controller.signal });
    const reading = response.text();
    controller.abort();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
  });
});
