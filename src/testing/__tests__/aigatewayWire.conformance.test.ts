// The simulator's AI gateway wire format against the documented examples (test/fixtures/wire/aigateway/): every
// answer it sends, in every state, must have the shape of the gateway's own examples.
import { expectDocumentedShape, fixturesOf, wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { createSimulator, type Simulator } from '../createSimulator';

const PROVIDER = 'aigateway';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-01T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

async function submit(sim: Simulator, name = 'submit'): Promise<Response> {
  const fixture = wireFixture(PROVIDER, name);
  return sim.fetch(`${sim.baseUrl(PROVIDER)}${fixture.request!.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fixture.request!.body),
  });
}

async function submitted(sim: Simulator): Promise<string> {
  return ((await (await submit(sim)).json()) as { id: string }).id;
}

async function status(sim: Simulator, id: string): Promise<{ status: number; body: unknown }> {
  const response = await sim.fetch(`${sim.baseUrl(PROVIDER)}/v1/jobs/${encodeURIComponent(id)}`);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

describe('the aigateway simulator speaks as the gateway documents', () => {
  it.each(['submit', 'submit-music', 'submit-image'])(
    'answers %s 202 with the job record of the docs',
    async (name) => {
      const sim = createSimulator();
      const response = await submit(sim, name);
      expect(response.status).toBe(202);
      const body = await response.json();
      expect(body).toMatchObject({ status: 'queued', object: 'job', id: expect.stringMatching(/^job_/) });
      expectDocumentedShape(body, fixturesOf(PROVIDER, 'submit'));
    },
  );

  it('answers GET /v1/jobs/{id} queued, running and completed like the status examples', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
    const id = await submitted(sim);

    const queued = await status(sim, id);
    expect(queued).toMatchObject({ status: 200, body: { status: 'queued' } });
    expectDocumentedShape(queued.body, fixturesOf(PROVIDER, 'status', 'queued'));

    await vi.advanceTimersByTimeAsync(4000);
    const running = await status(sim, id);
    expect(running).toMatchObject({ status: 200, body: { status: 'running' } });
    expectDocumentedShape(running.body, fixturesOf(PROVIDER, 'status', 'running'));

    await vi.advanceTimersByTimeAsync(10_000);
    const completed = await status(sim, id);
    expect(completed).toMatchObject({ status: 200, body: { status: 'completed' } });
    expectDocumentedShape(completed.body, fixturesOf(PROVIDER, 'status', 'completed'));
  });

  it('answers a poll sooner than 3 s after the last one 304 Not Modified, without a body', async () => {
    const sim = createSimulator();
    const id = await submitted(sim);
    await status(sim, id);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await status(sim, id)).toEqual({
      status: wireFixture(PROVIDER, 'status-not-modified').http.status,
      body: null,
    });
  });

  it('answers a failed job like the failed examples, with error.code and error.message', async () => {
    const sim = createSimulator();
    const id = await submitted(sim);
    sim.fail(id, 'Flagged by the safety checker');
    const failed = await status(sim, id);
    expect(failed.body).toMatchObject({ status: 'failed', error: { message: 'Flagged by the safety checker' } });
    expectDocumentedShape(failed.body, fixturesOf(PROVIDER, 'status', 'failed'));
  });

  it('answers the cancel like cancel.json, and the cancelled job like status-cancelled.json', async () => {
    const sim = createSimulator();
    const id = await submitted(sim);
    const cancel = await sim.fetch(`${sim.baseUrl(PROVIDER)}/v1/jobs/${id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    const answer = await cancel.json();
    expect(answer).toMatchObject({ status: 'cancelled' });
    expectDocumentedShape(answer, fixturesOf(PROVIDER, 'cancel'));

    await vi.advanceTimersByTimeAsync(4000);
    const cancelled = await status(sim, id);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expectDocumentedShape(cancelled.body, fixturesOf(PROVIDER, 'status', 'cancelled'));
  });

  it('answers errors (unknown job, bad key, a cancel too late, a bad submit) in the documented envelope', async () => {
    const sim = createSimulator({ apiKeys: { aigateway: 'sk-aig-test' } });
    const errors = fixturesOf(PROVIDER, 'error');
    const auth = { authorization: 'Bearer sk-aig-test' };

    const unauthorized = await sim.fetch(`${sim.baseUrl(PROVIDER)}/v1/jobs/job_1`);
    expect(unauthorized.status).toBe(401);
    const refused = await unauthorized.json();
    expect(refused).toMatchObject({ error: { type: 'invalid_key', code: 401 } });
    expectDocumentedShape(refused, errors);

    const unknown = await sim.fetch(`${sim.baseUrl(PROVIDER)}/v1/jobs/job_nope`, { headers: auth });
    expect(unknown.status).toBe(404);
    expectDocumentedShape(await unknown.json(), errors);

    const badSubmit = await sim.fetch(`${sim.baseUrl(PROVIDER)}/v1/videos/generations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'google/veo-3.1-fast' }),
    });
    expect(badSubmit.status).toBe(400);
    expectDocumentedShape(await badSubmit.json(), errors);

    const created = await sim.fetch(`${sim.baseUrl(PROVIDER)}/v1/videos/generations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(wireFixture(PROVIDER, 'submit').request!.body),
    });
    const { id } = (await created.json()) as { id: string };
    sim.complete(id);
    const late = await sim.fetch(`${sim.baseUrl(PROVIDER)}/v1/jobs/${id}/cancel`, { method: 'POST', headers: auth });
    expect(late.status).toBe(409);
    expectDocumentedShape(await late.json(), errors);
  });

  it('keeps the start frame (`image_url`) in the job input, and refuses one it could not download (400)', async () => {
    const sim = createSimulator();
    await submit(sim, 'submit-image');
    expect(sim.jobs()[0]!.input).toMatchObject({
      image_url: (wireFixture(PROVIDER, 'submit-image').request!.body as { image_url: string }).image_url,
    });

    const post = (image_url: unknown) =>
      sim.fetch(`${sim.baseUrl(PROVIDER)}/v1/videos/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'google/veo-3.1-fast', prompt: 'a fox', image_url }),
      });
    for (const bad of ['http://files.example/a.png', 'not a url', 42, `${sim.origin}/sim-uploads/nosuchfile`]) {
      const refused = await post(bad);
      expect(refused.status, String(bad)).toBe(400);
      const body = await refused.json();
      expect(body).toMatchObject({ error: { type: 'invalid_request', message: expect.stringContaining('image_url') } });
      expectDocumentedShape(body, fixturesOf(PROVIDER, 'error'));
    }
    expect(sim.jobs()).toHaveLength(1);
  });

  it('answers a rate limit 429 rate_limited with Retry-After, like error-429-rate-limited.json', async () => {
    const sim = createSimulator();
    sim.failNext({ status: 429 });
    const response = await submit(sim);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = await response.json();
    expect(body).toMatchObject({ error: { type: 'rate_limited', code: 429 } });
    expectDocumentedShape(body, wireFixture(PROVIDER, 'error-429-rate-limited'));
  });
});
