// What the simulator's fal wire format sends must have the shape of fal's documented examples
// (test/fixtures/wire/fal/): it may not say anything the docs don't.
import { expectDocumentedShape, fixturesOf, wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { createSimulator } from '../createSimulator';
import type { Simulator } from '../createSimulator';
import { sampleImageBytes } from '../sampleImage';

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

describe("the simulated fal storage takes uploads as @fal-ai/client's storage.upload sends them", () => {
  const initiate = wireFixture('fal', 'upload-initiate');

  async function initiated(sim: Simulator, root: string) {
    const answer = await sim.fetch(`${root}${initiate.request!.path!}`, {
      method: 'POST',
      body: JSON.stringify(initiate.request!.body),
      headers: { 'content-type': 'application/json', authorization: 'Key sim' },
    });
    return read(answer);
  }

  it.each([
    ['on fal`s REST host', 'https://rest.fal.ai'],
    ['under the simulator`s fal root', 'https://sim.local/fal'],
  ])('initiate %s answers { upload_url, file_url }; the PUT stores the bytes file_url serves', async (_where, root) => {
    const sim = createSimulator();
    const { status, body } = await initiated(sim, root);
    expect(status).toBe(200);
    expectDocumentedShape(body, initiate);
    const { upload_url: uploadUrl, file_url: fileUrl } = body as { upload_url: string; file_url: string };
    const bytes = sampleImageBytes({ width: 320, height: 320 });
    const put = await sim.fetch(uploadUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png' } });
    expect(put.status).toBe(200);
    const served = await sim.fetch(fileUrl);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    expect(sim.uploads()).toMatchObject([{ provider: 'fal', fileName: 'image.png', status: 'stored' }]);
  });

  it('needs the key like the rest of fal, and both documented fields', async () => {
    const sim = createSimulator({ apiKeys: { fal: 'right' } });
    expect((await initiated(sim, 'https://rest.fal.ai')).status).toBe(401);
    const open = createSimulator();
    const missing = await open.fetch('https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', {
      method: 'POST',
      body: JSON.stringify({ content_type: 'image/png' }),
    });
    expect(await read(missing)).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'file_name'] }] } });
  });

  it('serves nothing else on the REST host', async () => {
    const sim = createSimulator();
    const queuePath = await sim.fetch('https://rest.fal.ai/fal-ai/veo3', { method: 'POST', body: '{}' });
    expect(queuePath.status).toBe(404);
    expect(sim.jobs()).toHaveLength(0);
  });

  it('a submit naming an upload that holds no file is refused 422, one that holds it is queued', async () => {
    const sim = createSimulator();
    const { body } = await initiated(sim, sim.baseUrl('fal'));
    const { upload_url: uploadUrl, file_url: fileUrl } = body as { upload_url: string; file_url: string };
    const model = `${sim.baseUrl('fal')}/fal-ai/kling-video/v2.1/master/image-to-video`;
    const early = await sim.fetch(model, { method: 'POST', body: JSON.stringify({ prompt: 'a', image_url: fileUrl }) });
    expect(await read(early)).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body', 'image_url'], type: 'file_download_error' }] },
    });
    await sim.fetch(uploadUrl, { method: 'PUT', body: sampleImageBytes(), headers: { 'content-type': 'image/png' } });
    const late = await sim.fetch(model, { method: 'POST', body: JSON.stringify({ prompt: 'a', image_url: fileUrl }) });
    expect(late.status).toBe(200);
    expect(sim.jobs()[0]!.input).toEqual({ prompt: 'a', image_url: fileUrl });
  });
});
