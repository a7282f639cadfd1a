// The simulator's Kling wire format against the documented examples (test/fixtures/wire/kling/): every answer it
// sends, in every state, must have the shape of Kling's own examples.
import { expectDocumentedShape, fixturesOf, wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { createSimulator, type Simulator } from '../createSimulator';
import { sampleImageBytes } from '../sampleImage';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-01T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

async function post(sim: Simulator, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await sim.fetch(`${sim.baseUrl('kling')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Submits the documented text-to-video request (with an `external_task_id`, as the status examples show one). */
async function submitted(sim: Simulator): Promise<string> {
  const fixture = wireFixture('kling', 'submit');
  const answer = await post(sim, fixture.request!.path!, fixture.request!.body);
  return (answer.body as { data: { task_id: string } }).data.task_id;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

async function status(sim: Simulator, id: string): Promise<{ status: number; body: unknown }> {
  const response = await sim.fetch(`${sim.baseUrl('kling')}/v1/videos/text2video/${encodeURIComponent(id)}`);
  return { status: response.status, body: await response.json() };
}

describe('the Kling simulator speaks as Kling documents', () => {
  it.each(['submit', 'submit-image2video', 'submit-image2video-base64'])(
    'answers the documented request of %s like the example',
    async (name) => {
      const sim = createSimulator();
      const fixture = wireFixture('kling', name);
      const answer = await post(sim, fixture.request!.path!, fixture.request!.body);
      expect(answer.status).toBe(fixture.http.status);
      expect(answer.body).toMatchObject({ code: 0, data: { task_status: 'submitted' } });
      expectDocumentedShape(answer.body, fixturesOf('kling', 'submit'));
    },
  );

  it('decodes Base64 frames and keeps them as uploads, the job naming them by URL', async () => {
    const sim = createSimulator();
    const fixture = wireFixture('kling', 'submit-image2video-base64');
    const sent = fixture.request!.body as { image: string; image_tail: string };
    const answer = await post(sim, fixture.request!.path!, sent);
    const id = (answer.body as { data: { task_id: string } }).data.task_id;
    const [start, end] = sim.uploads();
    expect(start).toMatchObject({ provider: 'kling', contentType: 'image/png', status: 'stored' });
    expect(btoa(String.fromCharCode(...start!.bytes))).toBe(sent.image);
    expect(btoa(String.fromCharCode(...end!.bytes))).toBe(sent.image_tail);
    expect(sim.job(id)!.input).toMatchObject({ image: start!.url, image_tail: end!.url, mode: 'pro' });
  });

  it.each([
    ['a data: prefix', (b64: string) => `data:image/png;base64,${b64}`, /without a prefix/],
    ['text that is not Base64', () => 'not base64 at all!', /neither a reachable URL nor valid Base64/],
    ['an http: URL', () => 'http://example.com/a.png', /neither a reachable URL/],
    ['a 299 px wide image', () => base64(sampleImageBytes({ width: 299, height: 400 })), /at least 300px/],
    ['a 1:2.6 image', () => base64(sampleImageBytes({ width: 300, height: 780 })), /between 1:2.5 and 2.5:1/],
    ['bytes that are no image', () => base64(new Uint8Array(300)), /\.jpg \/ \.jpeg \/ \.png/],
    ['over 10 MB', () => base64(new Uint8Array(10_000_002)), /10MB/],
  ])('answers a frame that is %s with 400 / 1201 naming it, and keeps nothing', async (_what, frame, message) => {
    const sim = createSimulator();
    const fixture = wireFixture('kling', 'submit-image2video-base64');
    const body = fixture.request!.body as { image: string };
    const answer = await post(sim, fixture.request!.path!, { ...body, image: frame(body.image) });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 1201 });
    expect((answer.body as { message: string }).message).toMatch(/^image /);
    expect((answer.body as { message: string }).message).toMatch(message);
    expectDocumentedShape(answer.body, fixturesOf('kling', 'error'));
    expect(sim.uploads()).toEqual([]);
    expect(sim.jobs()).toEqual([]);
  });

  it('answers GET /v1/videos/text2video/{id} submitted, processing and succeed like the status examples', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
    const id = await submitted(sim);

    const queued = await status(sim, id);
    expect(queued.body).toMatchObject({ data: { task_status: 'submitted' } });
    expectDocumentedShape(queued.body, fixturesOf('kling', 'status', 'queued'));

    await vi.advanceTimersByTimeAsync(3000);
    const running = await status(sim, id);
    expect(running.body).toMatchObject({ data: { task_status: 'processing' } });
    expectDocumentedShape(running.body, fixturesOf('kling', 'status', 'running'));

    await vi.advanceTimersByTimeAsync(8000);
    const done = await status(sim, id);
    expect(done.body).toMatchObject({ data: { task_status: 'succeed' } });
    expectDocumentedShape(done.body, fixturesOf('kling', 'status', 'completed'));
  });

  it('answers a failed task like the failed example, with the reason in task_status_msg', async () => {
    const sim = createSimulator();
    const id = await submitted(sim);
    sim.fail(id, 'Failure to pass the risk control system');
    const failed = await status(sim, id);
    expect(failed.body).toMatchObject({
      data: { task_status: 'failed', task_status_msg: 'Failure to pass the risk control system' },
    });
    expectDocumentedShape(failed.body, fixturesOf('kling', 'status', 'failed'));
  });

  it('answers errors as { code, message, request_id } with the documented HTTP status and code', async () => {
    const sim = createSimulator();
    const fixture = wireFixture('kling', 'submit');
    const errors = fixturesOf('kling', 'error');

    // 401 answers 1001 ("Authorization is empty"), one of the documented 1000-1004.
    for (const [fault, code] of [
      [{ status: 429 }, 1302],
      [{ status: 500 }, 5000],
      [{ status: 401 }, 1001],
    ] as const) {
      sim.failNext(fault);
      const answer = await post(sim, fixture.request!.path!, fixture.request!.body);
      expect(answer.status).toBe(fault.status);
      expect(answer.body).toMatchObject({ code });
      expectDocumentedShape(answer.body, errors);
    }

    const invalid = await post(sim, fixture.request!.path!, { model_name: 'kling-v2-6' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ code: 1201 });
    expectDocumentedShape(invalid.body, errors);

    const unknown = await status(sim, 'no-such-task');
    expect(unknown.status).toBe(404);
    expectDocumentedShape(unknown.body, errors);
  });
});
