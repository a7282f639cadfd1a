// What the simulator's fal wire format sends must have the shape of fal's documented examples
// (test/fixtures/wire/fal/): it may not say anything the docs don't.
import { expectDocumentedShape, fixturesOf } from '../../../test/fixtures/wire/wireFixtures';
import { createSimulator } from '../createSimulator';
import type { Simulator } from '../createSimulator';

interface Submitted {
  request_id: string;
  status_url: string;
  response_url: string;
  cancel_url: string;
}

async function submit(sim: Simulator): Promise<{ answer: Response; body: Submitted }> {
  const answer = await sim.fetch(`${sim.baseUrl('fal')}/fal-ai/kling-video/v2/master/text-to-video`, {
    method: 'POST',
    body: JSON.stringify({ prompt: 'a cat on a skateboard' }),
    headers: { 'content-type': 'application/json' },
  });
  return { answer, body: (await answer.clone().json()) as Submitted };
}

async function read(
  answer: Response | Promise<Response>,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await answer;
  return { status: response.status, body: await response.json(), headers: response.headers };
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-01T12:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the simulated fal queue speaks as fal documents it', () => {
  it('submit, then status queued -> running -> completed (202, 202, 200), then the video', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 4000, queuePosition: 2 } });
    const { answer, body: job } = await submit(sim);
    expect(answer.status).toBe(200);
    expectDocumentedShape(job, fixturesOf('fal', 'submit'));

    const queued = await read(sim.fetch(`${job.status_url}?logs=1`));
    expect(queued.status).toBe(202);
    expectDocumentedShape(queued.body, fixturesOf('fal', 'status', 'queued'));

    await vi.advanceTimersByTimeAsync(3000);
    const running = await read(sim.fetch(`${job.status_url}?logs=1`));
    expect(running).toMatchObject({ status: 202, body: { status: 'IN_PROGRESS' } });
    expectDocumentedShape(running.body, fixturesOf('fal', 'status', 'running'));

    await vi.advanceTimersByTimeAsync(4000);
    const completed = await read(sim.fetch(`${job.status_url}?logs=1`));
    expect(completed).toMatchObject({ status: 200, body: { status: 'COMPLETED' } });
    expectDocumentedShape(completed.body, fixturesOf('fal', 'status', 'completed'));

    const result = await read(sim.fetch(job.response_url));
    expect(result.status).toBe(200);
    expectDocumentedShape(result.body, fixturesOf('fal', 'result', 'completed'));
  });

  it('a failed request is COMPLETED, and its result fetch answers a request error with X-Fal-Error-Type', async () => {
    const sim = createSimulator({
      job: { queueMs: 0, runMs: 1000, outcome: 'failed', errorMessage: 'Video model out of memory' },
    });
    const { body: job } = await submit(sim);
    await vi.advanceTimersByTimeAsync(1000);
    const status = await read(sim.fetch(`${job.status_url}?logs=1`));
    expectDocumentedShape(status.body, fixturesOf('fal', 'status', 'completed'));

    const result = await read(sim.fetch(job.response_url));
    expect(result.status).toBe(500);
    expect(result.headers.get('x-fal-error-type')).toBe('runner_server_error');
    expect(result.body).toMatchObject({ detail: 'Video model out of memory' });
    expectDocumentedShape(result.body, fixturesOf('fal', 'result', 'failed'));
  });

  it('a cancelled request answers 499 client_cancelled on the result fetch; cancel answers 202 then 400', async () => {
    const sim = createSimulator({ job: { queueMs: 5000, runMs: 1000 } });
    const { body: job } = await submit(sim);
    const cancel = await read(sim.fetch(job.cancel_url, { method: 'PUT' }));
    expect(cancel.status).toBe(202);
    expectDocumentedShape(cancel.body, fixturesOf('fal', 'cancel', 'cancelled'));

    const status = await read(sim.fetch(`${job.status_url}?logs=1`));
    expectDocumentedShape(status.body, fixturesOf('fal', 'status', 'completed'));
    const result = await read(sim.fetch(job.response_url));
    expect(result.status).toBe(499);
    expect(result.headers.get('x-fal-error-type')).toBe('client_cancelled');
    expectDocumentedShape(result.body, fixturesOf('fal', 'result', 'cancelled'));

    const late = await read(sim.fetch(job.cancel_url, { method: 'PUT' }));
    expect(late.status).toBe(400);
    expectDocumentedShape(late.body, fixturesOf('fal', 'cancel', 'completed'));
  });

  it('the status stream sends documented status objects', async () => {
    const sim = createSimulator({ job: { queueMs: 1000, runMs: 2000 } });
    const { body: job } = await submit(sim);
    const stream = await sim.fetch(`${job.status_url}/stream?logs=1`);
    const text = stream.text();
    await vi.advanceTimersByTimeAsync(4000);
    const events = (await text)
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice('data:'.length)) as { status: string });
    expect(events.map((event) => event.status)).toContain('COMPLETED');
    const state = { IN_QUEUE: 'queued', IN_PROGRESS: 'running', COMPLETED: 'completed' } as const;
    for (const event of events) {
      expectDocumentedShape(event, fixturesOf('fal', 'status', state[event.status as keyof typeof state]));
    }
  });
});
