// The simulator's Replicate wire format against the documented examples (test/fixtures/wire/replicate/): every
// answer it sends, in every state, must have the shape of Replicate's own examples.
import { expectDocumentedShape, fixturesOf } from '../../../test/fixtures/wire/wireFixtures';
import { createSimulator, type Simulator } from '../createSimulator';
import { sampleImageBytes } from '../sampleImage';
import { md5Hex } from '../wire/replicateFiles';

const VERSION = '5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-01T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

/** A create answer is "the prediction object" (reference predictions.create): the create and starting examples. */
const createExamples = () => [...fixturesOf('replicate', 'submit'), ...fixturesOf('replicate', 'status', 'queued')];

async function create(sim: Simulator, body: unknown = { version: VERSION, input: { text: 'Alice' } }) {
  return sim.fetch(`${sim.baseUrl('replicate')}/predictions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function created(sim: Simulator): Promise<string> {
  const response = await create(sim);
  expect(response.status).toBe(201);
  const body = (await response.json()) as { id: string };
  expectDocumentedShape(body, createExamples());
  return body.id;
}

async function get(sim: Simulator, id: string): Promise<Record<string, unknown>> {
  return (await (await sim.fetch(`${sim.baseUrl('replicate')}/predictions/${id}`)).json()) as Record<string, unknown>;
}

describe('the Replicate simulator speaks as Replicate documents', () => {
  it('answers a create 201 with the prediction object', async () => {
    const sim = createSimulator();
    await created(sim);
    // `input` is the model's own: the same one as the examples, so only the prediction's shape is compared.
    const byModel = await sim.fetch(`${sim.baseUrl('replicate')}/models/replicate/hello-world/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: { text: 'Alice' } }),
    });
    expect(byModel.status).toBe(201);
    expectDocumentedShape(await byModel.json(), createExamples());
  });

  it('answers GET /predictions/{id} starting, processing and succeeded like the status examples', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000, reportsProgress: true } });
    const id = await created(sim);

    const starting = await get(sim, id);
    expect(starting.status).toBe('starting');
    expectDocumentedShape(starting, fixturesOf('replicate', 'status', 'queued'));

    await vi.advanceTimersByTimeAsync(5000);
    const processing = await get(sim, id);
    expect(processing.status).toBe('processing');
    expectDocumentedShape(processing, fixturesOf('replicate', 'status', 'running'));

    await vi.advanceTimersByTimeAsync(6000);
    const succeeded = await get(sim, id);
    expect(succeeded.status).toBe('succeeded');
    expectDocumentedShape(succeeded, fixturesOf('replicate', 'status', 'completed'));
  });

  it('answers failed, canceled and aborted predictions like the examples', async () => {
    const sim = createSimulator({ job: { queueMs: 1000, runMs: 8000 } });
    const failing = await created(sim);
    // The reference's failure happens 'during processing': let it start first.
    await vi.advanceTimersByTimeAsync(2000);
    sim.fail(failing, 'text must not be empty');
    const failed = await get(sim, failing);
    expect(failed).toMatchObject({ status: 'failed', error: 'text must not be empty' });
    expectDocumentedShape(failed, fixturesOf('replicate', 'status', 'failed'));

    const cancelling = await created(sim);
    await vi.advanceTimersByTimeAsync(2000);
    const cancel = await sim.fetch(`${sim.baseUrl('replicate')}/predictions/${cancelling}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    const cancelAnswer = (await cancel.json()) as Record<string, unknown>;
    expect(cancelAnswer.status).toBe('canceled');
    expectDocumentedShape(cancelAnswer, fixturesOf('replicate', 'cancel'));
    expectDocumentedShape(await get(sim, cancelling), fixturesOf('replicate', 'status', 'cancelled'));

    const late = createSimulator({ job: { queueMs: 60_000, runMs: 8000 } });
    const deadline = await late.fetch(`${late.baseUrl('replicate')}/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cancel-after': '5s' },
      body: JSON.stringify({ version: VERSION, input: { text: 'Alice' } }),
    });
    const { id: abortedId } = (await deadline.json()) as { id: string };
    await vi.advanceTimersByTimeAsync(6000);
    const aborted = await get(late, abortedId);
    expect(aborted.status).toBe('aborted');
    expectDocumentedShape(aborted, fixturesOf('replicate', 'status', 'cancelled'));
  });

  it('answers errors as problem details: unauthenticated, refused input, throttled, unknown prediction', async () => {
    const sim = createSimulator({ apiKeys: { replicate: 'r8_test' } });
    const bodies: Array<[number, unknown]> = [];
    const keep = async (response: Response) => void bodies.push([response.status, await response.json()]);
    const auth = { authorization: 'Bearer r8_test', 'content-type': 'application/json' };
    const url = `${sim.baseUrl('replicate')}/predictions`;

    await keep(await create(sim));
    await keep(await sim.fetch(url, { method: 'POST', headers: auth, body: JSON.stringify({ version: VERSION }) }));
    sim.failNext({ status: 429, retryAfter: 1 });
    await keep(
      await sim.fetch(url, { method: 'POST', headers: auth, body: JSON.stringify({ version: VERSION, input: {} }) }),
    );
    await keep(await sim.fetch(`${url}/nope`, { headers: auth }));

    expect(bodies.map(([status]) => status)).toEqual([401, 422, 429, 404]);
    // Held to the example of the same status where there is one (429 has its own documented body), else to all.
    for (const [status, body] of bodies) {
      const same = fixturesOf('replicate', 'error').filter((fixture) => fixture.http.status === status);
      expectDocumentedShape(body, same.length > 0 ? same : fixturesOf('replicate', 'error'));
    }
  });

  it('answers POST /files 201 with the file resource, whose urls.get a create may name', async () => {
    const sim = createSimulator();
    const bytes = sampleImageBytes({ width: 32, height: 32 });
    const form = new FormData();
    form.append('content', new Blob([bytes], { type: 'image/webp' }), 'photo.webp');
    form.append('metadata', new Blob([JSON.stringify({ customer_reference_id: '123' })], { type: 'application/json' }));
    const response = await sim.fetch(`${sim.baseUrl('replicate')}/v1/files`, { method: 'POST', body: form });
    expect(response.status).toBe(201);
    const file = (await response.json()) as Record<string, unknown> & { urls: { get: string } };
    expectDocumentedShape(file, fixturesOf('replicate', 'upload'));
    const { createHash } = await import('node:crypto');
    expect(file).toMatchObject({
      name: 'photo.webp',
      content_type: 'image/webp',
      size: bytes.length,
      metadata: { customer_reference_id: '123' },
      checksums: {
        md5: createHash('md5').update(bytes).digest('hex'),
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
      expires_at: '2026-12-02T09:00:00.000Z',
    });
    expect(file.etag).toBe(md5Hex(bytes));
    expect(sim.uploads()[0]).toMatchObject({
      provider: 'replicate',
      contentType: 'image/webp',
      fileName: 'photo.webp',
    });

    const created = await create(sim, { version: VERSION, input: { image: file.urls.get } });
    expect(created.status).toBe(201);
  });

  it('refuses a file upload without content (400) and a create naming an unknown file (422) as problem details', async () => {
    const sim = createSimulator();
    const form = new FormData();
    form.append('metadata', '{}');
    const empty = await sim.fetch(`${sim.baseUrl('replicate')}/v1/files`, { method: 'POST', body: form });
    expect(empty.status).toBe(400);
    const unknown = await create(sim, {
      version: VERSION,
      input: { image: `${sim.baseUrl('replicate')}/v1/files/nope` },
    });
    expect(unknown.status).toBe(422);
    for (const response of [empty, unknown])
      expectDocumentedShape(await response.json(), fixturesOf('replicate', 'error'));
    expect(sim.jobs()).toHaveLength(0);
  });
});
