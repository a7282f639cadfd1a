// The simulator's VideoGen wire format, held to the documented examples in test/fixtures/wire/videogen/: every
// answer it sends, in every state, must have the shape of a documented example of the same kind (and state).
import { expectDocumentedShape, fixturesOf, wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { createSimulator, type Simulator } from '../createSimulator';
import { sampleImageBytes } from '../sampleImage';

const PROVIDER = 'videogen';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-01T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

type Json = Record<string, unknown>;

async function call(sim: Simulator, path: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
  const response = await sim.fetch(`${sim.baseUrl(PROVIDER)}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function submit(sim: Simulator, body: unknown = { prompt: 'A mountain at sunrise' }) {
  return call(sim, '/v1/tools/generate-video-clip', { method: 'POST', body: JSON.stringify(body) });
}

async function submitted(sim: Simulator): Promise<string> {
  const answer = await submit(sim);
  return String(answer.body.toolExecutionId);
}

const status = (sim: Simulator, id: string) => call(sim, `/v1/tools/executions/${id}`);

function fileIdIn(body: Json): string {
  return String((body.results as Array<{ fileId: string }>)[0]!.fileId);
}

describe('the simulated VideoGen API says only what the docs say', () => {
  it('submit: 202 { toolExecutionId }', async () => {
    const sim = createSimulator();
    const answer = await submit(sim);
    expect(answer.status).toBe(202);
    expectDocumentedShape(answer.body, fixturesOf(PROVIDER, 'submit'));
  });

  it.each([
    ['queued', 500, 'pending'],
    ['running', 5000, 'running'],
    ['completed', 11_000, 'succeeded'],
  ] as const)('status while %s', async (state, after, word) => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
    const id = await submitted(sim);
    await vi.advanceTimersByTimeAsync(after);
    const answer = await status(sim, id);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe(word);
    expectDocumentedShape(answer.body, fixturesOf(PROVIDER, 'status', state));
  });

  it('status of a failed execution carries the ApiError', async () => {
    const sim = createSimulator();
    const id = await submitted(sim);
    sim.fail(id, 'The prompt was rejected');
    const answer = await status(sim, id);
    expect(answer.body).toMatchObject({ status: 'failed', error: { message: 'The prompt was rejected' } });
    expectDocumentedShape(answer.body, fixturesOf(PROVIDER, 'status', 'failed'));
  });

  it('cancel: 202 { toolExecutionId }, then the status is cancelled', async () => {
    const sim = createSimulator({ job: { queueMs: 60_000 } });
    const id = await submitted(sim);
    const answer = await call(sim, `/v1/tools/executions/${id}/cancel`, { method: 'POST' });
    expect(answer.status).toBe(202);
    expectDocumentedShape(answer.body, fixturesOf(PROVIDER, 'cancel'));
    const after = await status(sim, id);
    expect(after.body.status).toBe('cancelled');
    expectDocumentedShape(after.body, fixturesOf(PROVIDER, 'status', 'cancelled'));
  });

  it('cancel of an execution that already ended is acknowledged the same way, and it stays succeeded', async () => {
    const sim = createSimulator();
    const id = await submitted(sim);
    sim.complete(id);
    const answer = await call(sim, `/v1/tools/executions/${id}/cancel`, { method: 'POST' });
    expectDocumentedShape(answer.body, fixturesOf(PROVIDER, 'cancel'));
    expect((await status(sim, id)).body.status).toBe('succeeded');
  });

  it('a fresh execution carries its hydrated file; later the file has no sources until it is hydrated', async () => {
    const sim = createSimulator();
    const id = await submitted(sim);
    sim.complete(id);
    const fresh = await status(sim, id);
    const file = (fresh.body.results as Array<{ file: { downloadSource: { url: string } | null } }>)[0]!.file;
    expect(file.downloadSource?.url).toMatch(/^https?:\/\//);

    await vi.advanceTimersByTimeAsync(7 * 60 * 60 * 1000);
    const later = await status(sim, id);
    expect((later.body.results as Array<{ file: { downloadSource: unknown } }>)[0]!.file.downloadSource).toBeNull();
    expectDocumentedShape(later.body, fixturesOf(PROVIDER, 'status', 'completed'));

    const fileId = fileIdIn(later.body);
    const got = await call(sim, `/v1/files/${fileId}`);
    expect(got.status).toBe(200);
    expect(got.body.downloadSource).toBeNull();
    expectDocumentedShape(got.body, fixturesOf(PROVIDER, 'result', 'completed'));

    const hydrated = await call(sim, `/v1/files/${fileId}/hydrate`, { method: 'POST' });
    expect(hydrated.status).toBe(200);
    const source = hydrated.body.downloadSource as { status: string; url: string; expiresAt: number };
    expect(source.status).toBe('ready');
    expect(source.expiresAt * 1000).toBeGreaterThan(Date.now());
    expect((await sim.fetch(source.url)).status).toBe(200);
    expectDocumentedShape(hydrated.body, fixturesOf(PROVIDER, 'result', 'completed'));
  });

  it('errors answer { message, code }', async () => {
    const sim = createSimulator({ apiKeys: { videogen: 'vg-key' } });
    const unauthorized = await submit(sim);
    expect(unauthorized.status).toBe(401);
    expectDocumentedShape(unauthorized.body, fixturesOf(PROVIDER, 'error'));

    const keyed = { authorization: 'Bearer vg-key' };
    const invalid = await call(sim, '/v1/tools/generate-video-clip', {
      method: 'POST',
      body: JSON.stringify({}),
      headers: keyed,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('invalid_parameters');
    expectDocumentedShape(invalid.body, fixturesOf(PROVIDER, 'error'));

    sim.failNext({ status: 429, retryAfter: 3 });
    const limited = await call(sim, '/v1/tools/executions/vg_exec_x', { headers: keyed });
    expect(limited.status).toBe(429);
    expectDocumentedShape(limited.body, fixturesOf(PROVIDER, 'error'));

    const unknown = await call(sim, '/v1/tools/executions/vg_exec_unknown', { headers: keyed });
    expect(unknown.status).toBe(404);
    expectDocumentedShape(unknown.body, fixturesOf(PROVIDER, 'error'));
  });

  it('file upload: 200 { fileId, uploadUrl }, one PUT of the bytes, then a hydrated IMAGE file a submit may name', async () => {
    const sim = createSimulator();
    const created = await call(sim, '/v1/files/upload', {
      method: 'POST',
      body: JSON.stringify(wireFixture(PROVIDER, 'upload-create').request!.body),
    });
    expect(created.status).toBe(200);
    expectDocumentedShape(created.body, fixturesOf(PROVIDER, 'upload'));
    const fileId = String(created.body.fileId);
    expect(fileId).toMatch(/^vg_file_/);

    // Before its bytes arrive the file has no sources, and no job may use it.
    const early = await call(sim, `/v1/files/${fileId}/hydrate`, { method: 'POST' });
    expect(early.body.downloadSource).toBeNull();
    const tooSoon = await submit(sim, { prompt: 'a', imageFileIds: [fileId] });
    expect(tooSoon.status).toBe(400);
    expectDocumentedShape(tooSoon.body, fixturesOf(PROVIDER, 'error'));

    const bytes = sampleImageBytes({ width: 64, height: 48 });
    const put = await sim.fetch(String(created.body.uploadUrl), {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': 'image/png' },
    });
    expect(put.status).toBe(200);
    const again = await sim.fetch(String(created.body.uploadUrl), { method: 'PUT', body: bytes });
    expect(again.status).toBe(403);

    const hydrated = await call(sim, `/v1/files/${fileId}/hydrate`, { method: 'POST' });
    expect(hydrated.status).toBe(200);
    expect(hydrated.body).toMatchObject({ fileId, type: 'IMAGE', displayName: 'My photo' });
    expect(hydrated.body.downloadSource).toMatchObject({ status: 'ready', width: 64, height: 48 });
    expectDocumentedShape(hydrated.body, wireFixture(PROVIDER, 'result-hydrated'));
    const source = hydrated.body.downloadSource as { url: string };
    expect(new Uint8Array(await (await sim.fetch(source.url)).arrayBuffer())).toHaveLength(bytes.length);

    const accepted = await submit(sim, { prompt: 'a', imageFileIds: [fileId] });
    expect(accepted.status).toBe(202);
    expect(sim.job(String(accepted.body.toolExecutionId))!.input).toMatchObject({ imageFileIds: [fileId] });
  });

  it('file upload errors: no displayName (400), an unknown or malformed file id in a submit (404, 400)', async () => {
    const sim = createSimulator();
    const nameless = await call(sim, '/v1/files/upload', { method: 'POST', body: JSON.stringify({ type: 'IMAGE' }) });
    expect(nameless).toMatchObject({ status: 400, body: { code: 'invalid_parameters' } });
    const unknown = await submit(sim, { prompt: 'a', imageFileIds: ['vg_file_doesnotexist'] });
    expect(unknown.status).toBe(404);
    const malformed = await submit(sim, { prompt: 'a', imageFileIds: ['file_1'] });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'invalid_id' } });
    for (const answer of [nameless, unknown, malformed])
      expectDocumentedShape(answer.body, fixturesOf(PROVIDER, 'error'));
    expect(sim.jobs()).toHaveLength(0);
  });
});
