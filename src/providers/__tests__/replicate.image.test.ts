// `generate({ prompt, image, endImage })` on Replicate, as the official client handles a File input
// (replicate-javascript lib/util.js, fileEncodingStrategy): uploaded to the files API (POST /v1/files, multipart
// `content`) and its `urls.get` put in the model's field, or inlined as a data: URI (at most 10 MB) when the upload
// gets no answer or a 5xx, or when asked to.
import { wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { createVideoClient } from '../../core/createVideoClient';
import { createProxyHandler } from '../../server/createProxyHandler';
import { createSimulator } from '../../testing/createSimulator';
import { sampleImageBytes, sampleImageFile } from '../../testing/sampleImage';
import { replicate } from '../replicate';
import { MAX_DATA_URI_BYTES, REPLICATE_IMAGE_LIMITS } from '../replicateFiles';
import { failure, settledState } from './testContexts';

const MODEL = 'bytedance/seedance-2.0';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

function setup(options: Parameters<typeof replicate>[0] = {}) {
  const sim = createSimulator({ job: { queueMs: 1000, runMs: 3000 } });
  const adapter = replicate({ baseUrl: sim.baseUrl('replicate'), ...options });
  const client = createVideoClient({ providers: { replicate: adapter }, fetch: sim.fetch, random: () => 0.5 });
  return { sim, client };
}

const input = (sim: ReturnType<typeof createSimulator>, id: string) => sim.job(id)!.input as Record<string, unknown>;

/** What the bytes of a `data:` URI decode to. */
function decoded(uri: unknown): Uint8Array {
  const [, data = ''] = String(uri).split(',');
  return Uint8Array.from(atob(data), (char) => char.charCodeAt(0));
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('replicate: an input image', () => {
  it('uploads the documented multipart form and puts the answer`s urls.get in the model`s `image` field', async () => {
    const documented = wireFixture('replicate', 'upload-file');
    const created = wireFixture('replicate', 'submit');
    const seen: Array<{ url: string; headers: Headers; body: BodyInit | null | undefined }> = [];
    const fetch = (async (url: RequestInfo | URL, init?: RequestInit) => {
      seen.push({ url: String(url), headers: new Headers(init?.headers), body: init?.body });
      const answer = String(url).endsWith('/files') ? documented : created;
      return new Response(JSON.stringify(answer.body), { status: answer.http.status });
    }) as typeof globalThis.fetch;
    const client = createVideoClient({ providers: { replicate: replicate({ apiKey: 'r8_key' }) }, fetch });
    const image = new File([sampleImageBytes({ width: 96, height: 96 })], 'photo.png', { type: 'image/png' });

    const job = await client.submit({ provider: 'replicate', model: MODEL, input: { prompt: 'a wave', image } });

    const [upload, submit] = seen;
    expect(upload!.url).toBe('https://api.replicate.com/v1/files');
    expect(upload!.headers.get('authorization')).toBe('Bearer r8_key');
    // As `curl -F 'content=@photo.png;type=image/png;filename=photo.png'`: one `content` part, its name and type.
    const form = await new Response(upload!.body, {
      headers: { 'content-type': upload!.headers.get('content-type')! },
    }).formData();
    const content = form.get('content') as File;
    expect(content.name).toBe('photo.png');
    expect(content.type).toBe('image/png');
    expect(same(new Uint8Array(await content.arrayBuffer()), sampleImageBytes({ width: 96, height: 96 }))).toBe(true);
    const fileUrl = (documented.body as { urls: { get: string } }).urls.get;
    expect(JSON.parse(String(submit!.body))).toMatchObject({ input: { prompt: 'a wave', image: fileUrl } });
    expect(job.ref.uploads).toEqual({ image: fileUrl });
  });

  it('runs on the simulator: start and end frame uploaded, in image / last_frame_image, and the job completes', async () => {
    const { sim, client } = setup();
    const start = sampleImageFile({ width: 320, height: 180 });
    const end = sampleImageFile({ width: 320, height: 180 });

    const job = await client.submit({
      provider: 'replicate',
      model: MODEL,
      input: { prompt: 'dusk', image: start, endImage: end },
    });
    const done = client.wait(job.ref);
    await vi.advanceTimersByTimeAsync(10_000);

    expect((await done).status).toBe('completed');
    const files = sim.uploads();
    expect(files).toHaveLength(2);
    const root = sim.baseUrl('replicate');
    expect(input(sim, job.id)).toEqual({
      prompt: 'dusk',
      image: `${root}/files/${files[0]!.id}`,
      last_frame_image: `${root}/files/${files[1]!.id}`,
    });
    expect(job.ref.uploads).toEqual({
      image: `${root}/files/${files[0]!.id}`,
      endImage: `${root}/files/${files[1]!.id}`,
    });
    expect(files[0]).toMatchObject({ provider: 'replicate', contentType: 'image/png', fileName: 'sample.png' });

    // The same File again: no second upload.
    const again = await client.submit({
      provider: 'replicate',
      model: MODEL,
      input: { prompt: 'again', image: start },
    });
    expect(sim.count({ endpoint: 'upload' })).toBe(2);
    expect(input(sim, again.id).image).toBe(`${root}/files/${files[0]!.id}`);
  });

  it('renames the fields per model (imageFields), keeping the default for the ones not given', async () => {
    const { sim, client } = setup({
      imageFields: (model) => (model.startsWith('kwaivgi/') ? { image: 'start_image', endImage: 'end_image' } : {}),
    });
    const kling = await client.submit({
      provider: 'replicate',
      model: 'kwaivgi/kling-o1',
      input: { prompt: 'a', image: sampleImageFile(), endImage: sampleImageFile() },
    });
    expect(Object.keys(input(sim, kling.id)).sort()).toEqual(['end_image', 'prompt', 'start_image']);
    const seedance = await client.submit({
      provider: 'replicate',
      model: MODEL,
      input: { prompt: 'a', image: sampleImageFile() },
    });
    expect(Object.keys(input(sim, seedance.id)).sort()).toEqual(['image', 'prompt']);
  });

  it("inlines a data: URI with fileEncodingStrategy 'data-uri', and sends nothing to the files API", async () => {
    const { sim, client } = setup({ fileEncodingStrategy: 'data-uri' });
    const job = await client.submit({
      provider: 'replicate',
      model: MODEL,
      input: { prompt: 'a', image: sampleImageFile({ width: 64, height: 64 }) },
    });
    const image = input(sim, job.id).image;
    expect(String(image)).toMatch(/^data:image\/png;base64,/);
    expect(same(decoded(image), sampleImageBytes({ width: 64, height: 64 }))).toBe(true);
    expect(sim.count({ endpoint: 'upload' })).toBe(0);
    // Base64 is not kept in the ref.
    expect(job.ref.uploads).toBeUndefined();
  });

  it('falls back to a data: URI when the files API keeps answering 503, as the official client does', async () => {
    const { sim, client } = setup();
    sim.failNext({ status: 503, match: /\/files$/ }, 4);
    const pending = settledState(
      client.submit({ provider: 'replicate', model: MODEL, input: { prompt: 'a', image: sampleImageFile() } }),
    );
    await vi.advanceTimersByTimeAsync(30_000);
    expect(pending.error).toBeUndefined();
    expect(sim.count({ endpoint: 'upload', status: 503 })).toBe(4);
    expect(String(input(sim, pending.value!.id).image)).toMatch(/^data:image\/png;base64,/);
  });

  it.each([
    ['default', 401, 'auth'],
    ['upload', 500, 'http'],
  ] as const)(
    "with '%s', a %s from the files API fails the submit (%s) and starts nothing",
    async (strategy, status, kind) => {
      const { sim, client } = setup({ fileEncodingStrategy: strategy });
      sim.failNext({ status, match: /\/files$/ }, 4);
      const pending = settledState(
        client.submit({ provider: 'replicate', model: MODEL, input: { prompt: 'a', image: sampleImageFile() } }),
      );
      await vi.advanceTimersByTimeAsync(30_000);
      expect(pending.error).toMatchObject({ kind, status, provider: 'replicate' });
      expect(sim.count({ endpoint: 'submit' })).toBe(0);
    },
  );

  it.each([
    [
      'too big for the files API',
      {},
      () => new Blob([new Uint8Array(REPLICATE_IMAGE_LIMITS.maxBytes + 1)]),
      /over replicate's limit of 104.9 MB/,
    ],
    [
      'too big to inline',
      { fileEncodingStrategy: 'data-uri' as const },
      () => new Blob([sampleImageBytes(), new Uint8Array(MAX_DATA_URI_BYTES)], { type: 'image/png' }),
      /over the 10 MB/,
    ],
    [
      'not an image',
      {},
      () => new Blob(['<svg xmlns="http://www.w3.org/2000/svg"/>'], { type: 'image/svg+xml' }),
      /takes PNG, JPEG or WEBP/,
    ],
  ])('refuses an image that is %s before any request', async (_case, options, image, message) => {
    const { sim, client } = setup(options);
    const error = await failure(
      client.submit({ provider: 'replicate', model: MODEL, input: { prompt: 'a', image: image() } }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'replicate', field: 'image' });
    expect(error.message).toMatch(message);
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses an image given twice (as `image` and in its field) and starts nothing', async () => {
    const { sim, client } = setup();
    const error = await failure(
      client.submit({
        provider: 'replicate',
        model: MODEL,
        input: {
          prompt: 'a',
          image: sampleImageFile(),
          last_frame_image: 'https://cdn.example/b.png',
          endImage: sampleImageFile(),
        },
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'endImage' });
    expect(error.message).toContain('`last_frame_image`');
    expect(sim.count({ endpoint: 'submit' })).toBe(0);
  });

  it('stops the upload when the submit is aborted, and starts no job', async () => {
    const { sim, client } = setup();
    sim.failNext({ latencyMs: 10_000, match: /\/files$/ });
    const controller = new AbortController();
    const pending = settledState(
      client.submit({
        provider: 'replicate',
        model: MODEL,
        input: { prompt: 'a', image: sampleImageFile() },
        signal: controller.signal,
      }),
    );
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(pending.error).toMatchObject({ kind: 'cancelled' });
    expect(sim.jobs()).toHaveLength(0);
    expect(sim.uploads()).toHaveLength(0);
  });

  it('refuses a file URL that is not https: as an invalid answer', async () => {
    const fetch = (async (url: RequestInfo | URL) =>
      String(url).endsWith('/files')
        ? new Response(JSON.stringify({ id: 'f1', urls: { get: 'http://files.example/f1' } }), { status: 201 })
        : new Response('{}', { status: 500 })) as typeof globalThis.fetch;
    const client = createVideoClient({
      providers: { replicate: replicate({ fileEncodingStrategy: 'upload' }) },
      fetch,
    });
    await expect(
      client.submit({ provider: 'replicate', model: MODEL, input: { prompt: 'a', image: sampleImageFile() } }),
    ).rejects.toMatchObject({ kind: 'invalid_response', field: 'urls.get' });
  });

  it('goes through createProxyHandler({ simulator }): the multipart upload, then the prediction', async () => {
    const SIM = 'http://127.0.0.1:4010';
    const PROXY = 'https://app.example/api/video/proxy';
    const sim = createSimulator({ origin: SIM, job: { queueMs: 1000, runMs: 3000 } });
    const proxy = createProxyHandler({ providers: ['replicate'], simulator: SIM, fetch: sim.fetch, env: {} });
    const page = (async (url: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(url, init);
      if (!request.url.startsWith(PROXY)) throw new Error(`the page reached ${request.url} directly`);
      return proxy(request);
    }) as typeof fetch;
    const client = createVideoClient({
      providers: { replicate: replicate({ proxyUrl: PROXY, baseUrl: sim.baseUrl('replicate') }) },
      fetch: page,
    });
    // Larger than the proxy's default 4 MiB body: the files route carries up to 100 MiB.
    const image = sampleImageFile({ width: 1400, height: 1100 });
    expect(image.size).toBeGreaterThan(4 * 1024 * 1024);

    const job = await client.submit({ provider: 'replicate', model: MODEL, input: { prompt: 'a', image } });
    const done = client.wait(job.ref);
    await vi.advanceTimersByTimeAsync(10_000);

    expect((await done).status).toBe('completed');
    const [file] = sim.uploads();
    expect(file!.bytes).toHaveLength(image.size);
    expect(input(sim, job.id).image).toBe(`${SIM}/replicate/files/${file!.id}`);
  });
});
