// The simulator's visgate wire format against the documented examples (test/fixtures/wire/visgate/): every answer
// it sends, in every state, must have the shape of visgate's own examples.
import { expectDocumentedShape, fixturesOf, wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { createSimulator, type Simulator } from '../createSimulator';
import { createVisgateWire } from '../wire/visgate';

const model = 'fal-ai/veo3';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-01T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

async function submit(sim: Simulator, body: unknown, preferAsync = true, provider = 'visgate'): Promise<Response> {
  return sim.fetch(`${sim.baseUrl(provider)}/videos/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(preferAsync ? { prefer: 'respond-async' } : {}) },
    body: JSON.stringify(body),
  });
}

async function submitted(sim: Simulator, provider = 'visgate'): Promise<string> {
  const response = await submit(sim, wireFixture('visgate', 'submit').request!.body, true, provider);
  const body = (await response.json()) as Record<string, unknown>;
  return String(body.request_id ?? body.requestId);
}

async function status(sim: Simulator, id: string, provider = 'visgate'): Promise<{ status: number; body: unknown }> {
  const response = await sim.fetch(`${sim.baseUrl(provider)}/requests/${encodeURIComponent(id)}`);
  return { status: response.status, body: await response.json() };
}

describe('the visgate simulator speaks as visgate documents', () => {
  it('answers an async submit (Prefer: respond-async, model parameters at the top level) 202 like submit.json', async () => {
    const sim = createSimulator();
    const response = await submit(sim, wireFixture('visgate', 'submit').request!.body);
    expect(response.status).toBe(wireFixture('visgate', 'submit').http.status);
    expectDocumentedShape(await response.json(), fixturesOf('visgate', 'submit'));
  });

  it('takes the image to animate (`image_url`) like submit-image.json, and refuses one it could not download (422)', async () => {
    const sim = createSimulator();
    const fixture = wireFixture('visgate', 'submit-image');
    const accepted = await submit(sim, fixture.request!.body);
    expect(accepted.status).toBe(fixture.http.status);
    expectDocumentedShape(await accepted.json(), fixturesOf('visgate', 'submit'));
    expect(sim.jobs()[0]!.input).toMatchObject({
      image_url: (fixture.request!.body as { image_url: string }).image_url,
    });

    for (const bad of ['http://files.example/a.png', 'not a url', 42, `${sim.origin}/sim-uploads/nosuchfile`]) {
      const refused = await submit(sim, { model, prompt: 'x', image_url: bad });
      expect(refused.status, String(bad)).toBe(422);
      const body = await refused.json();
      expect(body).toMatchObject({ error: 'VALIDATION_ERROR', details: { field: 'image_url' } });
      expectDocumentedShape(body, fixturesOf('visgate', 'error'));
    }
    expect(sim.jobs()).toHaveLength(1);
  });

  it('answers GET /requests/{id} pending, processing and completed like the status examples', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
    const id = await submitted(sim);

    const queued = await status(sim, id);
    expect(queued.body).toMatchObject({ status: 'pending' });
    expectDocumentedShape(queued.body, fixturesOf('visgate', 'status', 'queued'));

    await vi.advanceTimersByTimeAsync(3000);
    const running = await status(sim, id);
    expect(running.body).toMatchObject({ status: 'processing' });
    expectDocumentedShape(running.body, fixturesOf('visgate', 'status', 'running'));

    await vi.advanceTimersByTimeAsync(8000);
    const completed = await status(sim, id);
    expect(completed).toMatchObject({ status: 200, body: { status: 'completed' } });
    expectDocumentedShape(completed.body, fixturesOf('visgate', 'status', 'completed'));
  });

  it('answers a failed request like the failed examples', async () => {
    const sim = createSimulator();
    const id = await submitted(sim);
    sim.fail(id, 'Provider rejected the prompt');
    const failed = await status(sim, id);
    expect(failed.body).toMatchObject({ status: 'failed', error_message: 'Provider rejected the prompt' });
    expectDocumentedShape(failed.body, fixturesOf('visgate', 'status', 'failed'));
  });

  it('answers a synchronous submit (no Prefer) with the finished result, like result-completed.json', async () => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 4000 } });
    const pending = submit(sim, { model, prompt: 'ocean waves' }, false);
    await vi.advanceTimersByTimeAsync(5000);
    const response = await pending;
    expect(response.status).toBe(200);
    expectDocumentedShape(await response.json(), fixturesOf('visgate', 'result', 'completed'));
  });

  it('answers a synchronous submit whose job fails with the provider error envelope', async () => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 4000, outcome: 'failed', errorMessage: 'Fal timed out' } });
    const pending = submit(sim, { model, prompt: 'ocean waves' }, false);
    await vi.advanceTimersByTimeAsync(5000);
    const response = await pending;
    expect(response.status).toBe(502);
    expectDocumentedShape(await response.json(), fixturesOf('visgate', 'error'));
  });

  it('answers errors in the documented envelope: validation, unknown request, auth, rate limit, server error', async () => {
    const sim = createSimulator({ apiKeys: { visgate: 'vg-test' } });
    const bodies: Array<[number, unknown]> = [];
    const keep = async (response: Response) => void bodies.push([response.status, await response.json()]);

    await keep(await submit(sim, { model, prompt: 'x' }));
    const keyed = { authorization: 'Bearer vg-test', 'content-type': 'application/json', prefer: 'respond-async' };
    const url = `${sim.baseUrl('visgate')}/videos/generate`;
    await keep(await sim.fetch(url, { method: 'POST', headers: keyed, body: JSON.stringify({ model }) }));
    await keep(
      await sim.fetch(`${sim.baseUrl('visgate')}/requests/nope`, { headers: { authorization: 'Bearer vg-test' } }),
    );
    sim.failNext({ status: 429, retryAfter: 30 });
    await keep(await sim.fetch(url, { method: 'POST', headers: keyed, body: JSON.stringify({ model, prompt: 'x' }) }));
    sim.failNext({ status: 500 });
    await keep(await sim.fetch(url, { method: 'POST', headers: keyed, body: JSON.stringify({ model, prompt: 'x' }) }));

    expect(bodies.map(([code]) => code)).toEqual([401, 422, 404, 429, 500]);
    for (const [, body] of bodies) expectDocumentedShape(body, fixturesOf('visgate', 'error'));
  });

  it("keeps its seed (camelCase) shape to the async guide's Request Status Properties", async () => {
    const sim = createSimulator({
      job: { queueMs: 0, runMs: 1000 },
      wireFormats: [createVisgateWire({ provider: 'visgate-seed', shape: 'seed' })],
    });
    const id = await submitted(sim, 'visgate-seed');
    await vi.advanceTimersByTimeAsync(2000);
    const completed = await status(sim, id, 'visgate-seed');
    expectDocumentedShape(completed.body, wireFixture('visgate', 'status-completed-seed'));
  });
});
