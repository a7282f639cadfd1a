// `generate({ prompt, image })` on VideoGen: the file is uploaded as the docs show (POST /v1/files/upload ->
// { fileId, uploadUrl }, the bytes PUT to the pre-signed URL with no key, the file hydrated until ready, as the
// official SDK's uploadFile does) and its id goes first in `imageFileIds`.
import { wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { createVideoClient } from '../../core/createVideoClient';
import { createProxyHandler } from '../../server/createProxyHandler';
import { createSimulator } from '../../testing/createSimulator';
import { sampleImageBytes, sampleImageFile } from '../../testing/sampleImage';
import { videogen } from '../videogen';
import { VIDEOGEN_IMAGE_LIMITS } from '../videogenUpload';
import { failure, recordingFetch, settledState } from './testContexts';

const MODEL = 'generate-video-clip';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

function setup(options: Parameters<typeof videogen>[0] = {}) {
  const sim = createSimulator({ job: { queueMs: 1000, runMs: 3000 } });
  const { fetch, sent } = recordingFetch(sim.fetch);
  const adapter = videogen({ baseUrl: sim.baseUrl('videogen'), apiKey: 'vg-key', ...options });
  const client = createVideoClient({ providers: { videogen: adapter }, fetch, random: () => 0.5 });
  return { sim, sent, adapter, client };
}

/** A fetch answering VideoGen's documented examples, recording each request and its raw body. */
function documentedApi(overrides: { uploadUrl?: string; hydrated?: unknown[] } = {}) {
  const created = wireFixture('videogen', 'upload-create');
  const hydrated = wireFixture('videogen', 'result-hydrated');
  const submitted = wireFixture('videogen', 'submit');
  const answers = [...(overrides.hydrated ?? [hydrated.body])];
  const seen: Array<{ method: string; url: string; headers: Headers; body: unknown }> = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body =
      init?.body instanceof Blob ? init.body : typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body;
    seen.push({ method: init?.method ?? 'GET', url, headers: new Headers(init?.headers), body });
    const json = (status: number, value: unknown) =>
      new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
    if (url.endsWith('/v1/files/upload')) {
      const answer = created.body as Record<string, unknown>;
      return json(200, overrides.uploadUrl ? { ...answer, uploadUrl: overrides.uploadUrl } : answer);
    }
    if (init?.method === 'PUT') return new Response(null, { status: 200 });
    if (url.endsWith('/hydrate')) return json(200, answers.length > 1 ? answers.shift() : answers[0]);
    return json(submitted.http.status, submitted.body);
  }) as typeof globalThis.fetch;
  return { fetch, seen, created };
}

describe('videogen: an input image', () => {
  it('creates the upload, PUTs the bytes to the documented uploadUrl without the key, hydrates it, sends its id', async () => {
    const api = documentedApi();
    const client = createVideoClient({ providers: { videogen: videogen({ apiKey: 'vg-key' }) }, fetch: api.fetch });
    const image = sampleImageFile({ width: 320, height: 180 });

    const job = await client.submit({
      provider: 'videogen',
      model: MODEL,
      input: { prompt: 'the lake ripples', image },
    });

    const [create, put, hydrate, submit] = api.seen;
    const documented = api.created;
    expect(create).toMatchObject({ method: 'POST', url: 'https://api.videogen.io/v1/files/upload' });
    // The documented body (displayName, type IMAGE), kept temporary: it only feeds this job.
    expect(create!.body).toEqual({
      ...(documented.request!.body as object),
      displayName: 'sample.png',
      isTemporary: true,
    });
    expect(create!.headers.get('authorization')).toBe('Bearer vg-key');
    const uploadUrl = (documented.body as { uploadUrl: string }).uploadUrl;
    expect(put).toMatchObject({ method: 'PUT', url: uploadUrl });
    expect(put!.headers.has('authorization')).toBe(false);
    expect(put!.body).toBe(image);
    expect(hydrate).toMatchObject({
      method: 'POST',
      url: `https://api.videogen.io/v1/files/${documentedFileId()}/hydrate`,
    });
    expect(submit).toMatchObject({ url: 'https://api.videogen.io/v1/tools/generate-video-clip' });
    expect(submit!.body).toEqual({ prompt: 'the lake ripples', imageFileIds: [documentedFileId()] });
    expect(job.ref.uploads).toEqual({ image: documentedFileId() });
  });

  it('waits, as the SDK does, until VideoGen has processed the file before submitting', async () => {
    const pending = { fileId: documentedFileId(), type: 'IMAGE', downloadSource: null, previewSource: null };
    const api = documentedApi({ hydrated: [pending, pending, wireFixture('videogen', 'result-hydrated').body] });
    const client = createVideoClient({ providers: { videogen: videogen() }, fetch: api.fetch });

    const state = settledState(
      client.submit({ provider: 'videogen', model: MODEL, input: { image: sampleImageFile() } }),
    );
    await vi.advanceTimersByTimeAsync(3000);
    expect(state.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);

    expect(state.error).toBeUndefined();
    expect(api.seen.filter((entry) => entry.url.endsWith('/hydrate'))).toHaveLength(3);
    // An image with no prompt is a valid generate-video-clip ("Optional when reference media is provided").
    expect(api.seen.at(-1)!.body).toEqual({ imageFileIds: [documentedFileId()] });
  });

  it('fails with a typed error when VideoGen cannot process the file', async () => {
    const failed = { fileId: documentedFileId(), downloadSource: { status: 'failed' }, previewSource: null };
    const api = documentedApi({ hydrated: [failed] });
    const client = createVideoClient({ providers: { videogen: videogen() }, fetch: api.fetch });
    const error = await failure(
      client.submit({ provider: 'videogen', model: MODEL, input: { prompt: 'a', image: sampleImageFile() } }),
    );
    expect(error).toMatchObject({ kind: 'provider_failed', provider: 'videogen', field: 'image' });
    expect(error.message).toContain('could not process the uploaded image');
    expect(api.seen.some((entry) => entry.url.includes('/v1/tools/'))).toBe(false);
  });

  it('refuses an upload URL that is not https: before sending a byte', async () => {
    const api = documentedApi({ uploadUrl: 'http://storage.example/upload/1' });
    const client = createVideoClient({ providers: { videogen: videogen() }, fetch: api.fetch });
    const error = await failure(
      client.submit({ provider: 'videogen', model: MODEL, input: { prompt: 'a', image: sampleImageFile() } }),
    );
    expect(error).toMatchObject({ kind: 'invalid_response', provider: 'videogen', field: 'uploadUrl' });
    expect(api.seen.map((entry) => entry.method)).toEqual(['POST']);
  });

  it('runs on the simulator: uploaded, submitted with its id, completed; the same File is not uploaded again', async () => {
    const { client, sim, sent } = setup();
    const image = sampleImageFile({ width: 640, height: 360 });
    const progress: Array<[number, number]> = [];

    const first = await client.submit({
      provider: 'videogen',
      model: MODEL,
      input: { prompt: 'the lake ripples', image },
      onUploadProgress: ({ loaded, total }) => progress.push([loaded, total]),
    });
    const done = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await done).status).toBe('completed');

    const [upload] = sim.uploads();
    expect(upload).toMatchObject({ provider: 'videogen', status: 'stored', contentType: 'image/png' });
    expect(Buffer.from(upload!.bytes).equals(sampleImageBytes({ width: 640, height: 360 }))).toBe(true);
    const fileId = `vg_file_${upload!.id}`;
    expect(sim.job(first.id)!.input).toEqual({ prompt: 'the lake ripples', imageFileIds: [fileId] });
    expect(first.ref.uploads).toEqual({ image: fileId });
    expect(progress.at(-1)).toEqual([image.size, image.size]);
    // The bytes went to the pre-signed URL, with no key.
    const put = sent.find((entry) => entry.method === 'PUT')!;
    expect(put.url).toMatch(/^https:\/\/sim\.local\/sim-uploads\/[a-z0-9]+\?token=/);
    expect(put.headers.has('authorization')).toBe(false);

    const uploadsBefore = sim.count({ endpoint: 'upload' });
    const second = await client.submit({ provider: 'videogen', model: MODEL, input: { prompt: 'again', image } });
    expect(sim.count({ endpoint: 'upload' })).toBe(uploadsBefore);
    expect(sim.uploads()).toHaveLength(1);
    expect(sim.job(second.id)!.input).toMatchObject({ imageFileIds: [fileId] });
  });

  it.each([
    [
      'too big',
      () => new Blob([new Uint8Array(VIDEOGEN_IMAGE_LIMITS.maxBytes + 1)], { type: 'image/png' }),
      /over videogen's limit of 50 MB/,
    ],
    ['not an image VideoGen reads', () => new Blob(['GIF89a......'], { type: 'image/gif' }), /takes PNG, JPEG or WEBP/],
    ['a URL (VideoGen reads only its own uploads)', () => 'https://cdn.example/a.png', /not URLs/],
  ])('refuses an image that is %s before any request', async (_case, image, message) => {
    const { client, sim } = setup();
    const error = await failure(
      client.submit({ provider: 'videogen', model: MODEL, input: { prompt: 'a', image: image() } }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'videogen', field: 'image' });
    expect(error.message).toMatch(message);
    expect(sim.requests).toHaveLength(0);
  });

  it('takes no end frame (VideoGen documents none) and says so before any request', async () => {
    const { client, sim } = setup();
    const error = await failure(
      client.submit({
        provider: 'videogen',
        model: MODEL,
        input: { prompt: 'a', image: sampleImageFile(), endImage: sampleImageFile() },
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'endImage' });
    expect(sim.requests).toHaveLength(0);
  });

  it('reports a refused PUT as the pre-signed URL failing, not the API key, and submits nothing', async () => {
    const { client, sim } = setup();
    sim.failNext({ status: 403, match: /\/sim-uploads\// });
    const error = await failure(
      client.submit({ provider: 'videogen', model: MODEL, input: { prompt: 'a', image: sampleImageFile() } }),
    );
    expect(error).toMatchObject({ kind: 'http', status: 403, provider: 'videogen', field: 'image' });
    expect(error.message).toContain('pre-signed upload URL expired or was already used');
    expect(sim.jobs()).toHaveLength(0);
    // Nothing is remembered: the next submit uploads afresh, and goes through.
    const job = await client.submit({
      provider: 'videogen',
      model: MODEL,
      input: { prompt: 'a', image: sampleImageFile() },
    });
    expect(sim.job(job.id)).toBeDefined();
  });

  it('asks again for an upload URL whose create got a 500 (a repeat only leaves a pending file behind)', async () => {
    const { client, sim } = setup();
    sim.failNext({ status: 500, match: /\/v1\/files\/upload$/ });
    const pending = settledState(
      client.submit({ provider: 'videogen', model: MODEL, input: { prompt: 'a', image: sampleImageFile() } }),
    );
    await vi.advanceTimersByTimeAsync(2000);
    expect(pending.error).toBeUndefined();
    expect(sim.jobs()).toHaveLength(1);
    expect(sim.count({ endpoint: 'upload', method: 'POST', status: 500 })).toBe(1);
  });

  it('stops the upload when the submit is aborted, and starts no job', async () => {
    const { client, sim } = setup();
    sim.failNext({ latencyMs: 10_000, match: /\/sim-uploads\// });
    const controller = new AbortController();
    const state = settledState(
      client.submit({
        provider: 'videogen',
        model: MODEL,
        input: { prompt: 'a', image: sampleImageFile() },
        signal: controller.signal,
      }),
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(sim.requests.at(-1)!.method).toBe('PUT');
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.error).toMatchObject({ kind: 'cancelled' });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sim.jobs()).toHaveLength(0);
    expect(sim.uploads()[0]!.status).toBe('pending');
  });

  it('goes through createProxyHandler({ simulator }): create and hydrate via the proxy, the PUT straight to storage', async () => {
    const SIM = 'http://127.0.0.1:4010';
    const PROXY = 'https://app.example/api/video/proxy';
    const sim = createSimulator({ origin: SIM, job: { queueMs: 1000, runMs: 3000 } });
    const proxy = createProxyHandler({ providers: ['videogen'], simulator: SIM, fetch: sim.fetch, env: {} });
    const direct: string[] = [];
    const page = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.url.startsWith(PROXY)) return proxy(request);
      direct.push(`${request.method} ${request.url}`);
      return sim.fetch(request);
    }) as typeof fetch;
    const client = createVideoClient({
      providers: { videogen: videogen({ proxyUrl: PROXY, baseUrl: sim.baseUrl('videogen') }) },
      fetch: page,
    });

    const job = await client.submit({
      provider: 'videogen',
      model: MODEL,
      input: { prompt: 'a', image: sampleImageFile() },
    });
    const done = client.wait(job.ref);
    await vi.advanceTimersByTimeAsync(10_000);

    expect((await done).status).toBe('completed');
    expect(direct).toEqual([expect.stringMatching(/^PUT http:\/\/127\.0\.0\.1:4010\/sim-uploads\/[a-z0-9]+\?token=/)]);
    const proxied = sim.requests.filter((entry) => entry.endpoint === 'upload' && entry.method === 'POST');
    expect(proxied.map((entry) => new URL(entry.url).pathname)).toEqual([
      '/videogen/v1/files/upload',
      expect.stringMatching(/^\/videogen\/v1\/files\/vg_file_[a-z0-9]+\/hydrate$/),
    ]);
    expect(sim.job(job.id)!.input).toMatchObject({ imageFileIds: [`vg_file_${sim.uploads()[0]!.id}`] });
  });
});

function documentedFileId(): string {
  return (wireFixture('videogen', 'upload-create').body as { fileId: string }).fileId;
}
