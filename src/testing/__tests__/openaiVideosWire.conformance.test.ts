// What the simulator's OpenAI-style wire sends, in each state, against the documented examples
// (test/fixtures/wire/openai/: OpenAI's reference and SDK types; OpenRouter's API reference, files `openrouter-*`).
import {
  expectDocumentedShape,
  fixturesOf,
  type FixtureKind,
  type FixtureState,
} from '../../../test/fixtures/wire/wireFixtures';
import { wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { createSimulator, type Simulator } from '../createSimulator';
import { sampleImageBytes } from '../sampleImage';
import { createOpenaiVideosWire } from '../wire/openaiVideos';

type Shape = 'openai' | 'openrouter';

/** The documented examples of one shape: OpenRouter's live in the same folder, prefixed `openrouter-`. */
function documented(shape: Shape, kind: FixtureKind, state?: FixtureState) {
  const found = fixturesOf('openai', kind, state).filter(
    (fixture) => fixture.name.startsWith('openrouter-') === (shape === 'openrouter'),
  );
  expect(found.length, `${shape} ${kind} ${state ?? ''} examples`).toBeGreaterThan(0);
  return found;
}

function simulator(shape: Shape, outcome: 'completed' | 'failed' = 'completed'): Simulator {
  return createSimulator({
    job: { outcome, queueMs: 2000, runMs: 8000, errorMessage: 'Your request was blocked by our moderation system.' },
    ...(shape === 'openrouter' ? { wireFormats: [createOpenaiVideosWire({ shape: 'openrouter' })] } : {}),
  });
}

const BODIES: Record<Shape, Record<string, unknown>> = {
  openai: { model: 'sora-2', prompt: 'A calico cat playing a piano on stage', seconds: '8', size: '1280x720' },
  openrouter: { model: 'google/veo-3.1', prompt: 'A golden retriever on a beach', duration: 8, aspect_ratio: '16:9' },
};

async function submit(sim: Simulator, shape: Shape): Promise<{ status: number; body: { id: string } }> {
  const response = await sim.fetch(`${sim.baseUrl(shape)}/videos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
    body: JSON.stringify(BODIES[shape]),
  });
  return { status: response.status, body: (await response.json()) as { id: string } };
}

async function status(sim: Simulator, shape: Shape, id: string): Promise<{ status: number; body: unknown }> {
  const response = await sim.fetch(`${sim.baseUrl(shape)}/videos/${id}`, { headers: { authorization: 'Bearer test' } });
  return { status: response.status, body: await response.json() };
}

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-01T12:00:00Z') }));
afterEach(() => vi.useRealTimers());

describe.each(['openai', 'openrouter'] as const)('the %s-shaped videos wire says only what the docs say', (shape) => {
  it('submit', async () => {
    const sim = simulator(shape);
    const submitted = await submit(sim, shape);
    const examples = documented(shape, 'submit');
    expect(submitted.status).toBe(examples[0]!.http.status);
    expectDocumentedShape(submitted.body, examples);
  });

  it('status: queued, running, completed', async () => {
    const sim = simulator(shape);
    const { body } = await submit(sim, shape);
    const queued = await status(sim, shape, body.id);
    expect(queued.status).toBe(200);
    expectDocumentedShape(queued.body, documented(shape, 'status', 'queued'));
    await vi.advanceTimersByTimeAsync(5000);
    expectDocumentedShape((await status(sim, shape, body.id)).body, documented(shape, 'status', 'running'));
    await vi.advanceTimersByTimeAsync(6000);
    const done = await status(sim, shape, body.id);
    expect(done.body).toMatchObject({ status: 'completed' });
    expectDocumentedShape(done.body, documented(shape, 'status', 'completed'));
  });

  it('status: failed', async () => {
    const sim = simulator(shape, 'failed');
    const { body } = await submit(sim, shape);
    await vi.advanceTimersByTimeAsync(11_000);
    const failed = await status(sim, shape, body.id);
    expect(failed.body).toMatchObject({ status: 'failed' });
    expectDocumentedShape(failed.body, documented(shape, 'status', 'failed'));
  });

  it('error: an unknown video', async () => {
    const sim = simulator(shape);
    const missing = await status(sim, shape, 'video_does_not_exist');
    expect(missing.status).toBe(404);
    expectDocumentedShape(missing.body, documented(shape, 'error'));
  });
});

describe('the openai-shaped videos wire takes the guide’s multipart create', () => {
  /** The guide's request (test/fixtures/wire/openai/submit-input-reference.json) with `file` as input_reference. */
  async function create(sim: Simulator, file: File, size?: string) {
    const { fields } = wireFixture('openai', 'submit-input-reference').request!.body as {
      fields: Record<string, string>;
    };
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...fields, ...(size ? { size } : {}) })) form.append(name, value);
    form.append('input_reference', file);
    const response = await sim.fetch(`${sim.baseUrl('openai')}/videos`, {
      method: 'POST',
      headers: { authorization: 'Bearer test' },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const png = (width: number, height: number, type = 'image/png') =>
    new File([sampleImageBytes({ width, height })], 'frame.png', { type });

  it('answers it like the documented example and keeps the file as an upload', async () => {
    const sim = simulator('openai');
    const file = png(1280, 720);
    const answer = await create(sim, file);
    const fixture = wireFixture('openai', 'submit-input-reference');
    expect(answer.status).toBe(fixture.http.status);
    expect(answer.body).toMatchObject({ status: 'queued', model: 'sora-2-pro', size: '1280x720', seconds: '8' });
    expectDocumentedShape(answer.body, documented('openai', 'submit'));
    const [upload] = sim.uploads();
    expect(upload).toMatchObject({ provider: 'openai', contentType: 'image/png', fileName: 'frame.png' });
    expect(upload!.bytes.length).toBe(file.size);
    expect(sim.job(answer.body.id as string)!.input).toMatchObject({ input_reference: upload!.url, size: '1280x720' });
  });

  it.each([
    ['typed image/gif', () => png(1280, 720, 'image/gif'), /unsupported mimetype \('image\/gif'\)/],
    [
      'typed application/octet-stream',
      () => png(1280, 720, ''),
      /unsupported mimetype \('application\/octet-stream'\)/,
    ],
    ['not an image', () => new File(['hello'], 'a.png', { type: 'image/png' }), /could not be read as an image/],
    ['not the requested size', () => png(720, 1280), /^Inpaint image must match the requested width and height$/],
  ])('refuses a file %s with 400 in OpenAI’s error shape, and creates nothing', async (_what, file, message) => {
    const sim = simulator('openai');
    const answer = await create(sim, file());
    expect(answer.status).toBe(400);
    expect((answer.body.error as { message: string }).message).toMatch(message);
    expectDocumentedShape(answer.body, documented('openai', 'error'));
    expect(sim.jobs()).toEqual([]);
    expect(sim.uploads()).toEqual([]);
  });
});
