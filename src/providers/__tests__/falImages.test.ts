// fal's input images: uploaded to fal's CDN as @fal-ai/client's storage.upload does (test/fixtures/wire/fal/
// upload-initiate.json), checked against the limits before any request, and put in each model's own field.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createVideoClient } from '../../core/createVideoClient';
import type { ImageField } from '../../core/imageInput';
import { readImageHeader } from '../../core/imageHeader';
import type { SubmitRequest } from '../../core/provider';
import { createSimulator } from '../../testing/createSimulator';
import { sampleImageBytes, sampleImageFile } from '../../testing/sampleImage';
import { wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { fal } from '../fal';
import type { FalOptions } from '../fal';
import { FAL_IMAGE_LIMITS, falImageFields } from '../falStorage';
import { transportContext, failure } from './testContexts';

/** The adapter's validation as a promise: it throws at once when fal's schemas are loaded, else rejects. */
async function validated(adapter: ReturnType<typeof fal>, model: string, input: unknown): Promise<unknown> {
  return adapter.validateInput!(model, input);
}
const MODEL = 'fal-ai/kling-video/v2.1/master/image-to-video';
const PROXY = 'https://app.example/api/video/proxy';
const initiate = wireFixture('fal', 'upload-initiate');
const documented = initiate.body as { upload_url: string; file_url: string };

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') }));
afterEach(() => vi.useRealTimers());

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

/** A context whose initiate call is answered by `answer` (the documented one by default) and whose PUT by `put`. */
function storageContext(answer: unknown = documented, put = () => new Response(null, { status: 200 })) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const body = init?.body;
    sent.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof body === 'string' ? (JSON.parse(body) as unknown) : body,
    });
    if (init?.method === 'PUT') return put();
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const ctx = transportContext('fal', { fetch, random: () => 0.5, retry: { retries: 0 } });
  return { ctx, sent };
}

async function prepare(options: FalOptions, image: Blob, ctx = storageContext()) {
  const header = readImageHeader(new Uint8Array(await image.arrayBuffer()))!;
  const url = await fal(options).image!.prepare(ctx.ctx, image, { field: 'image', model: MODEL, header });
  return { url, sent: ctx.sent };
}

/** fal on the simulator, through a client (the path `generate({ prompt, image })` takes). */
function simulated(options: FalOptions = {}) {
  const sim = createSimulator({ job: { queueMs: 1000, runMs: 3000 } });
  const client = createVideoClient({
    providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false, ...options }) },
    fetch: sim.fetch,
    random: () => 0.5,
  });
  return { sim, client };
}

describe('fal storage upload, as @fal-ai/client does it', () => {
  it('initiates on rest.fal.ai with the key and { content_type, file_name }, PUTs the bytes to upload_url, answers file_url', async () => {
    const image = sampleImageFile({ width: 640, height: 360 });
    const { url, sent } = await prepare({ apiKey: 'fal-key' }, image);
    expect(url).toBe(documented.file_url);
    expect(sent.map(({ method, url }) => `${method} ${url}`)).toEqual([
      `POST https://rest.fal.ai${initiate.request!.path!}`,
      `PUT ${documented.upload_url}`,
    ]);
    const [start, put] = sent as [Sent, Sent];
    // The documented request body: the File's name, the type read from its bytes.
    expect(start.body).toEqual({ content_type: 'image/png', file_name: 'sample.png' });
    expect(start.headers.get('authorization')).toBe('Key fal-key');
    expect(start.headers.get('content-type')).toBe('application/json');
    // The pre-signed URL takes the bytes without the key.
    expect(put.headers.get('authorization')).toBeNull();
    expect(put.headers.get('content-type')).toBe('image/png');
    expect(put.body).toBe(image);
  });

  it('names a Blob without a name as the SDK does (`<now>.<extension>`)', async () => {
    const { sent } = await prepare({ apiKey: 'k' }, new Blob([sampleImageBytes()], { type: '' }));
    expect(sent[0]!.body).toEqual({ content_type: 'image/png', file_name: `${Date.now()}.png` });
    expect(sent[1]!.headers.get('content-type')).toBe('image/png');
  });

  it('in a browser, initiates through the proxy (x-fal-target-url) and PUTs straight to the pre-signed URL', async () => {
    const { url, sent } = await prepare({ proxyUrl: PROXY }, sampleImageFile());
    expect(url).toBe(documented.file_url);
    expect(sent.map(({ method, url }) => `${method} ${url}`)).toEqual([
      `POST ${PROXY}`,
      `PUT ${documented.upload_url}`,
    ]);
    expect(sent[0]!.headers.get('x-fal-target-url')).toBe(
      'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3',
    );
    expect(sent[1]!.headers.get('x-fal-target-url')).toBeNull();
  });

  it('uploads to storageUrl, or to a baseUrl that is not the queue (a simulator)', async () => {
    const own = await prepare({ apiKey: 'k', storageUrl: 'https://rest.example/' }, sampleImageFile());
    expect(own.sent[0]!.url).toBe('https://rest.example/storage/upload/initiate?storage_type=fal-cdn-v3');
    const sim = await prepare({ apiKey: 'k', baseUrl: 'https://sim.local/fal' }, sampleImageFile());
    expect(sim.sent[0]!.url).toBe('https://sim.local/fal/storage/upload/initiate?storage_type=fal-cdn-v3');
    const queue = await prepare({ apiKey: 'k', baseUrl: 'https://queue.fal.run' }, sampleImageFile());
    expect(queue.sent[0]!.url).toBe('https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3');
  });

  it.each([
    ['upload_url', { ...documented, upload_url: 'http://storage.example/put?sig=1' }],
    ['file_url', { ...documented, file_url: 'javascript:alert(1)' }],
  ])('refuses a %s that is not https: before sending the file anywhere', async (field, answer) => {
    const ctx = storageContext(answer);
    const error = await failure(prepare({ apiKey: 'k' }, sampleImageFile(), ctx));
    expect(error).toMatchObject({ kind: 'invalid_response', provider: 'fal', field });
    expect(ctx.sent.filter((request) => request.method === 'PUT')).toHaveLength(0);
  });

  it('refuses an initiate answer without upload_url, naming the field', async () => {
    const error = await failure(prepare({ apiKey: 'k' }, sampleImageFile(), storageContext({ file_url: 'x' })));
    expect(error).toMatchObject({ kind: 'invalid_response', provider: 'fal', field: 'upload_url' });
  });

  it('tells a refused PUT as the pre-signed URL failing, not as a bad key', async () => {
    const ctx = storageContext(documented, () => new Response('<Error>AccessDenied</Error>', { status: 403 }));
    const error = await failure(prepare({ apiKey: 'k' }, sampleImageFile(), ctx));
    expect(error).toMatchObject({ kind: 'http', provider: 'fal', status: 403 });
    expect(error.message).toMatch(/pre-signed URL may have expired, submit again/);
  });

  it('does no multipart upload: a limit past the SDK`s 90 MiB threshold is refused', () => {
    expect(() => fal({ imageLimits: { ...FAL_IMAGE_LIMITS, maxBytes: 91 * 1024 * 1024 } })).toThrow(/multipart/);
    expect(fal().image).toMatchObject({ fields: ['image', 'endImage'], limits: FAL_IMAGE_LIMITS });
  });
});

describe("fal input images: each model's own field", () => {
  // @fal-ai/client's endpoint types name every model's input fields: the built-in names must be the model's own.
  const sdkTypes = readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('@fal-ai/client')), 'types', 'endpoints.d.ts'),
    'utf8',
  );
  function inputFields(model: string): string[] | undefined {
    const entry = new RegExp(`"${model.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}": \\{\\s*input: (\\w+);`).exec(
      sdkTypes,
    );
    let type = entry?.[1];
    for (let depth = 0; type && depth < 5; depth++) {
      const start = sdkTypes.indexOf(`export type ${type} = {`);
      if (start >= 0) {
        const body = sdkTypes.slice(start, sdkTypes.indexOf('\n};', start));
        return [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((match) => match[1]!);
      }
      type = new RegExp(`export type ${type} = (\\w+);`).exec(sdkTypes)?.[1];
    }
    return undefined;
  }
  const imageModels = [
    ...sdkTypes.matchAll(/"([^"]+(?:image-to-video|first-last-frame-to-video|start-end-to-video))": \{/g),
  ]
    .map((match) => match[1]!)
    .filter((model) => inputFields(model)?.some((field) => /^(?:image|start_image|first_frame)_url$/.test(field)));

  it('covers the SDK`s image-to-video models', () => {
    expect(imageModels.length).toBeGreaterThan(80);
  });

  it.each(imageModels)('%s takes image (and endImage where it has one) under its own names', (model) => {
    const fields = inputFields(model)!;
    const names = falImageFields(model, undefined);
    expect(fields).toContain(names.image);
    const endFields = fields.filter((field) => /^(?:end_image|tail_image|last_frame)_url$/.test(field));
    if (endFields.length > 0) expect(endFields).toContain(names.endImage);
  });

  async function submitted(model: string, images: SubmitRequest['images'], options: FalOptions = {}, input = {}) {
    const sim = createSimulator();
    const ctx = transportContext('fal', { fetch: sim.fetch });
    await fal({ baseUrl: sim.baseUrl('fal'), ...options }).submit(ctx, {
      model,
      input: { prompt: 'a fox', ...input },
      ...(images ? { images } : {}),
    });
    return sim.jobs()[0]!.input as Record<string, unknown>;
  }

  const start = 'https://cdn.example/start.png';
  const end = 'https://cdn.example/end.png';

  it.each([
    ['fal-ai/kling-video/v2.1/master/image-to-video', 'image_url', 'end_image_url'],
    ['fal-ai/kling-video/v2.5-turbo/pro/image-to-video', 'image_url', 'tail_image_url'],
    ['fal-ai/kling-video/v3/pro/image-to-video', 'start_image_url', 'end_image_url'],
    ['fal-ai/veo3.1/fast/first-last-frame-to-video', 'first_frame_url', 'last_frame_url'],
  ])('%s: image -> %s, endImage -> %s', async (model, imageField, endField) => {
    expect(await submitted(model, { image: start, endImage: end })).toEqual({
      prompt: 'a fox',
      [imageField]: start,
      [endField]: end,
    });
  });

  it('renames with imageFields, for every model or per model (undefined keeps the built-in names)', async () => {
    const everywhere = await submitted(MODEL, { image: start }, { imageFields: { image: 'reference_image_url' } });
    expect(everywhere).toEqual({ prompt: 'a fox', reference_image_url: start });
    const perModel: FalOptions['imageFields'] = (model) =>
      model.startsWith('acme/') ? { image: 'frame0', endImage: 'frame1' } : undefined;
    expect(await submitted('acme/video', { image: start, endImage: end }, { imageFields: perModel })).toEqual({
      prompt: 'a fox',
      frame0: start,
      frame1: end,
    });
    expect(await submitted(MODEL, { image: start }, { imageFields: perModel })).toEqual({
      prompt: 'a fox',
      image_url: start,
    });
  });

  it('refuses an image that would overwrite the same field given in the input, before submitting', async () => {
    const sim = createSimulator();
    const ctx = transportContext('fal', { fetch: sim.fetch });
    const error = await failure(
      fal({ baseUrl: sim.baseUrl('fal') }).submit(ctx, {
        model: MODEL,
        input: { prompt: 'x', image_url: 'https://cdn.example/other.png' },
        images: { image: start },
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'fal', field: 'image_url' });
    expect(sim.requests).toHaveLength(0);
  });

  it('checks the renamed fields like the built-in ones: an https: URL (http: only on this machine)', async () => {
    const adapter = fal({ imageFields: { image: 'reference_image_url' } });
    await expect(
      validated(adapter, MODEL, { prompt: 'x', reference_image_url: 'http://cdn.example/a.png' }),
    ).rejects.toMatchObject({ kind: 'invalid_input', field: 'reference_image_url' });
    await expect(
      validated(adapter, MODEL, { prompt: 'x', image_url: 'http://127.0.0.1:4010/sim-uploads/ab' }),
    ).resolves.toEqual({ prompt: 'x', image_url: 'http://127.0.0.1:4010/sim-uploads/ab' });
  });
});

describe('fal input images through the client, on the simulator', () => {
  it('uploads the file, submits its URL and the job completes; the ref keeps the URL', async () => {
    const { sim, client } = simulated();
    const image = sampleImageFile({ width: 640, height: 360 });
    const job = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox', image } });
    const [upload] = sim.uploads();
    expect(upload).toMatchObject({
      provider: 'fal',
      status: 'stored',
      contentType: 'image/png',
      fileName: 'sample.png',
    });
    expect(Buffer.from(upload!.bytes).equals(Buffer.from(await image.arrayBuffer()))).toBe(true);
    expect(sim.jobs()[0]!.input).toEqual({ prompt: 'a fox', image_url: upload!.url });
    expect(job.ref.uploads).toEqual({ image: upload!.url });
    expect(sim.requests.map((entry) => `${entry.method} ${entry.endpoint}`)).toEqual([
      'POST upload',
      'PUT upload',
      'POST submit',
    ]);
    const done = client.wait(job.ref);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(done).resolves.toMatchObject({ status: 'completed' });
  });

  it('uploads a file once: a second job with the same File reuses its URL', async () => {
    const { sim, client } = simulated();
    const image = sampleImageFile();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a', image } });
    const second = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'b', image } });
    expect(sim.requests.filter((entry) => entry.endpoint === 'upload')).toHaveLength(2);
    expect(sim.uploads()).toHaveLength(1);
    expect(second.ref.uploads).toEqual(first.ref.uploads);
    expect(sim.jobs().map((job) => (job.input as { image_url: string }).image_url)).toEqual([
      sim.uploads()[0]!.url,
      sim.uploads()[0]!.url,
    ]);
  });

  it('uploads a start and an end frame to their own fields', async () => {
    const { sim, client } = simulated();
    await client.submit({
      provider: 'fal',
      model: 'fal-ai/kling-video/v2.5-turbo/pro/image-to-video',
      input: { prompt: 'a', image: sampleImageFile(), endImage: sampleImageFile({ width: 600 }) },
    });
    const [start, end] = sim.uploads();
    expect(sim.jobs()[0]!.input).toEqual({ prompt: 'a', image_url: start!.url, tail_image_url: end!.url });
  });

  it('passes an https: URL on without uploading it', async () => {
    const { sim, client } = simulated();
    const job = await client.submit({
      provider: 'fal',
      model: MODEL,
      input: { prompt: 'a', image: 'https://cdn.example/frame.png' },
    });
    expect(sim.requests.map((entry) => entry.endpoint)).toEqual(['submit']);
    expect(sim.jobs()[0]!.input).toEqual({ prompt: 'a', image_url: 'https://cdn.example/frame.png' });
    // The core keeps a URL image in the ref too (a resumed job knows what it started from).
    expect(job.ref.uploads).toEqual({ image: 'https://cdn.example/frame.png' });
  });

  it.each([
    [
      'too big',
      () => new File([sampleImageBytes(), new Uint8Array(10_000_000)], 'big.png', { type: 'image/png' }),
      /10 MB/,
    ],
    ['not an image fal takes', () => new File(['GIF89a'], 'a.gif', { type: 'image/gif' }), /JPEG, PNG or WEBP/],
    ['too small', () => sampleImageFile({ width: 299, height: 400 }), /width of at least 300 px/],
    ['too wide', () => sampleImageFile({ width: 1300, height: 500 }), /ratio of at most 2.5:1/],
  ])('refuses an image %s before any request', async (_what, make, message) => {
    const { sim, client } = simulated();
    const error = await failure(
      client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a', image: make() } }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'fal', field: 'image' });
    expect(error.message).toMatch(message);
    expect(error.docsUrl).toContain('kling-video-o1-standard-image-to-video');
    expect(sim.requests).toHaveLength(0);
  });

  it('fails with a typed error when the storage refuses the PUT, submits nothing, and uploads again next time', async () => {
    const { sim, client } = simulated();
    const image = sampleImageFile();
    sim.failNext({ status: 403, match: /\/sim-uploads\// });
    const error = await failure(client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a', image } }));
    expect(error).toMatchObject({ kind: 'http', provider: 'fal', status: 403 });
    expect(sim.jobs()).toHaveLength(0);
    // A failed upload is not remembered: the next submit asks for a new pre-signed URL.
    await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a', image } });
    expect(sim.requests.filter((entry) => entry.method === 'POST' && entry.endpoint === 'upload')).toHaveLength(2);
    expect(sim.jobs()).toHaveLength(1);
  });

  it('retries a PUT answered 500 (the bytes are sent again to the same URL)', async () => {
    const { sim, client } = simulated();
    sim.failNext({ status: 500, match: /\/sim-uploads\// });
    const submitted = client.submit({
      provider: 'fal',
      model: MODEL,
      input: { prompt: 'a', image: sampleImageFile() },
    });
    await vi.advanceTimersByTimeAsync(2000);
    await expect(submitted).resolves.toMatchObject({ status: 'queued' });
    expect(sim.requests.filter((entry) => entry.method === 'PUT').map((entry) => entry.status)).toEqual([500, 200]);
  });

  it('fails with the storage`s refusal when initiating is refused (401 from fal)', async () => {
    const sim = createSimulator({ apiKeys: { fal: 'right' } });
    const client = createVideoClient({
      providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), apiKey: 'wrong' }) },
      fetch: sim.fetch,
    });
    const error = await failure(
      client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a', image: sampleImageFile() } }),
    );
    expect(error).toMatchObject({ kind: 'auth', provider: 'fal', status: 401 });
    expect(sim.requests.map((entry) => `${entry.method} ${entry.endpoint}`)).toEqual(['POST upload']);
  });

  it('stops the upload when the submit is aborted, and creates no job', async () => {
    const { sim, client } = simulated();
    sim.failNext({ latencyMs: 5000, match: /\/sim-uploads\// });
    const controller = new AbortController();
    const submitted = failure(
      client.submit({
        provider: 'fal',
        model: MODEL,
        input: { prompt: 'a', image: sampleImageFile() },
        signal: controller.signal,
      }),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(sim.requests.map((entry) => `${entry.method} ${entry.endpoint}`)).toEqual(['POST upload', 'PUT upload']);
    controller.abort();
    const error = await submitted;
    expect(error).toMatchObject({ kind: 'cancelled' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sim.jobs()).toHaveLength(0);
    expect(sim.uploads()[0]!.status).toBe('pending');
  });

  it('reports the upload`s bytes as they go out', async () => {
    const { client } = simulated();
    const image = sampleImageFile();
    const seen: Array<{ loaded: number; total: number }> = [];
    await client.submit({
      provider: 'fal',
      model: MODEL,
      input: { prompt: 'a', image },
      onUploadProgress: (progress) => seen.push(progress),
    });
    expect(seen[0]).toEqual({ loaded: 0, total: image.size });
    expect(seen.at(-1)).toEqual({ loaded: image.size, total: image.size });
  });
});

describe('fal input image fields', () => {
  it.each<[ImageField, string]>([
    ['image', 'image_url'],
    ['endImage', 'end_image_url'],
  ])('%s defaults to %s for a model the SDK does not type', (field, name) => {
    expect(falImageFields('acme/new-model', undefined)[field]).toBe(name);
  });
});
