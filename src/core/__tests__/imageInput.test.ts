import { fal } from '../../providers/fal';
import { createSimulator } from '../../testing';
import { sampleImageBytes, sampleImageFile } from '../../testing/sampleImage';
import { createVideoClient } from '../createVideoClient';
import { GenerationObserver } from '../generationObserver';
import { readImageHeader } from '../imageHeader';
import type { ImageLimits, PrepareImageRequest, ProviderImageSupport } from '../imageInput';
import type { ProviderAdapter, ProviderContext, SubmitRequest } from '../provider';
import { VideoJobError } from '../videoJobError';

vi.mock('react', () => ({}));

const MODEL = 'fal-ai/kling-video/v2/master/image-to-video';
const LIMITS: ImageLimits = {
  types: ['image/png', 'image/jpeg'],
  maxBytes: 2_000_000,
  minWidth: 300,
  minHeight: 300,
  maxAspectRatio: 2.5,
  minAspectRatio: 0.4,
  source: 'https://example.com/limits',
};

/** fal on the simulator, with an image support whose upload the test drives. */
function setup(prepare: ProviderImageSupport['prepare'], limits: ImageLimits = LIMITS) {
  const sim = createSimulator();
  const base = fal({ baseUrl: sim.baseUrl('fal'), streaming: false });
  const submitted: SubmitRequest<Record<string, unknown>>[] = [];
  const adapter: ProviderAdapter = {
    ...base,
    image: { fields: ['image', 'endImage'], limits, prepare },
    submit(ctx: ProviderContext, request: SubmitRequest<Record<string, unknown>>) {
      submitted.push(request);
      const { image, endImage } = request.images ?? {};
      return base.submit(ctx, {
        ...request,
        input: { ...request.input, image_url: image, ...(endImage ? { tail_image_url: endImage } : {}) },
      });
    },
  };
  const client = createVideoClient({ providers: { fal: adapter }, fetch: sim.fetch, random: () => 0.5 });
  return { sim, client, submitted };
}

const uploaded = (name: string) => `https://cdn.example/${name}.png`;

describe('readImageHeader', () => {
  it('reads a PNG made by sampleImageBytes', () => {
    expect(readImageHeader(sampleImageBytes({ width: 640, height: 360 }))).toEqual({
      type: 'image/png',
      width: 640,
      height: 360,
    });
  });

  it('reads a baseline JPEG after its APP0 segment', () => {
    // SOI, APP0 (JFIF, 16 bytes), SOF0 with height 480 and width 720.
    const jpeg = new Uint8Array([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
      0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0xd0, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01,
    ]);
    expect(readImageHeader(jpeg)).toEqual({ type: 'image/jpeg', width: 720, height: 480 });
  });

  it('reads the three WebP forms (lossy, lossless, extended)', () => {
    const riff = (chunk: string, body: number[]) =>
      new Uint8Array(
        [...'RIFF']
          .map((c) => c.charCodeAt(0))
          .concat(
            [0, 0, 0, 0],
            [...`WEBP${chunk}`].map((c) => c.charCodeAt(0)),
            body,
          ),
      );
    // VP8: 4 bytes chunk size, 3 bytes frame tag, start code 9d 01 2a, then 14-bit width and height.
    const lossy = riff('VP8 ', [0, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]);
    expect(readImageHeader(lossy)).toEqual({ type: 'image/webp', width: 640, height: 360 });
    // VP8L: signature 0x2f, then (width-1) in 14 bits and (height-1) in the next 14.
    const bits = 639 | (359 << 14);
    const lossless = riff('VP8L', [
      0,
      0,
      0,
      0,
      0x2f,
      bits & 0xff,
      (bits >> 8) & 0xff,
      (bits >> 16) & 0xff,
      bits >>> 24,
    ]);
    expect(readImageHeader(lossless)).toEqual({ type: 'image/webp', width: 640, height: 360 });
    // VP8X: flags and reserved (8 bytes after the size), then width-1 and height-1 in 24 bits each.
    const extended = riff('VP8X', [0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x02, 0x00, 0x67, 0x01, 0x00]);
    expect(readImageHeader(extended)).toEqual({ type: 'image/webp', width: 640, height: 360 });
  });

  it('refuses what is not a PNG, JPEG or WebP, whatever it is called', () => {
    expect(readImageHeader(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(readImageHeader(new TextEncoder().encode('GIF89a....'))).toBeUndefined();
    expect(readImageHeader(new Uint8Array(0))).toBeUndefined();
    // A PNG signature cut before its IHDR chunk.
    expect(readImageHeader(sampleImageBytes().slice(0, 20))).toBeUndefined();
  });
});

describe('client.submit with an input image', () => {
  it('uploads the file once, passes its URL to the adapter and keeps it in the ref', async () => {
    const prepare = vi.fn(async () => uploaded('a'));
    const { client, submitted, sim } = setup(prepare);
    const image = sampleImageFile({ width: 640, height: 360 });
    const progress: number[] = [];
    const first = await client.submit({
      provider: 'fal',
      model: MODEL,
      input: { prompt: 'the fox turns', image },
      onUploadProgress: ({ loaded, total }) => progress.push(loaded / total),
    });
    expect(prepare).toHaveBeenCalledTimes(1);
    const request = prepare.mock.calls[0] as unknown as [ProviderContext, Blob, PrepareImageRequest];
    expect(request[1]).toBe(image);
    expect(request[2]).toMatchObject({ field: 'image', model: MODEL, header: { type: 'image/png', width: 640 } });
    expect(submitted[0]!.images).toEqual({ image: uploaded('a') });
    expect(submitted[0]!.input).toEqual({ prompt: 'the fox turns' });
    expect(sim.jobs()[0]!.input).toMatchObject({ image_url: uploaded('a') });
    expect(first.ref.uploads).toEqual({ image: uploaded('a') });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);

    // The same File again (a retry, "run again"): no second upload.
    const second = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'again', image } });
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(second.ref.uploads).toEqual({ image: uploaded('a') });
    // The ref keeps its uploads through polls (adapters rebuild refs from the provider's answers).
    const polled = await client.getStatus(second.ref);
    expect(polled.ref.uploads).toEqual({ image: uploaded('a') });
  });

  it('passes https: URLs on without an upload, and decodes data: URLs into files', async () => {
    const prepare = vi.fn(async (_ctx: ProviderContext, blob: Blob) => uploaded(`from-${blob.size}`));
    const { client, submitted } = setup(prepare);
    const bytes = sampleImageBytes({ width: 400, height: 400 });
    const dataUrl = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
    await client.submit({
      provider: 'fal',
      model: MODEL,
      input: { prompt: 'p', image: 'https://images.example/start.jpg', endImage: dataUrl },
    });
    expect(prepare).toHaveBeenCalledTimes(1);
    expect((prepare.mock.calls[0]![1] as Blob).size).toBe(bytes.length);
    expect(submitted[0]!.images).toEqual({
      image: 'https://images.example/start.jpg',
      endImage: uploaded(`from-${bytes.length}`),
    });
  });

  it.each([
    [
      'too big',
      () => sampleImageFile({ width: 1000, height: 1000 }),
      /is 3 MB, over fal's limit of 2 MB; use a smaller image/,
    ],
    [
      'too small',
      () => sampleImageFile({ width: 200, height: 400 }),
      /is 200x400; fal needs a width of at least 300 px/,
    ],
    ['too wide', () => sampleImageFile({ width: 1000, height: 300 }), /a width \/ height ratio of at most 2.5:1/],
    [
      'an SVG named .png',
      () => new Blob(['<svg xmlns="http://www.w3.org/2000/svg"/>'], { type: 'image/png' }),
      /not an image fal can read \(declared image\/png\); fal takes PNG or JPEG/,
    ],
    [
      'a WebP where only PNG and JPEG are taken',
      () => new Blob([webpBytes()], { type: 'image/webp' }),
      /is a WEBP .*fal takes PNG or JPEG/,
    ],
    ['a javascript: URL', () => 'javascript:alert(1)', /must be a File or Blob, an https: URL or a data: URL/],
    [
      'an http: URL to another host',
      () => 'http://images.example/a.png',
      /must be a File or Blob, an https: URL or a data: URL/,
    ],
    ['a number', () => 42, /must be a File or Blob/],
  ])('refuses %s before any request, naming the limit', async (_name, image, message) => {
    const prepare = vi.fn(async () => uploaded('x'));
    const { client, sim } = setup(prepare);
    const error = await client
      .submit({ provider: 'fal', model: MODEL, input: { prompt: 'p', image: image() } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VideoJobError);
    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'fal', field: 'image' });
    expect((error as VideoJobError).message).toMatch(message);
    // A broken limit names the page documenting it in a field of its own, not in the sentence people read; an input
    // that is not an image at all (a URL of the wrong kind, a number) breaks no documented limit.
    const brokeALimit = typeof image() !== 'string' && typeof image() !== 'number';
    expect((error as VideoJobError).docsUrl).toBe(brokeALimit ? 'https://example.com/limits' : undefined);
    expect((error as VideoJobError).message).not.toContain('https://example.com/limits');
    expect(prepare).not.toHaveBeenCalled();
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses an image on a provider without image support, and a field it does not take', async () => {
    const sim = createSimulator();
    // An adapter that declares no image support (a custom API of the app's own).
    const plain = createVideoClient({
      providers: { fal: { ...fal({ baseUrl: sim.baseUrl('fal') }), image: undefined } },
      fetch: sim.fetch,
    });
    await expect(
      plain.submit({ provider: 'fal', model: MODEL, input: { prompt: 'p', image: sampleImageFile() } }),
    ).rejects.toMatchObject({
      kind: 'invalid_input',
      field: 'image',
      message: expect.stringMatching(/takes no image input/),
    });
    const { client } = setup(async () => uploaded('x'));
    const startOnly = createVideoClient({
      providers: {
        fal: { ...client.getProvider('fal'), image: { fields: ['image'], limits: LIMITS, prepare: async () => 'u' } },
      },
      fetch: sim.fetch,
    });
    await expect(
      startOnly.submit({ provider: 'fal', model: MODEL, input: { prompt: 'p', endImage: sampleImageFile() } }),
    ).rejects.toMatchObject({
      kind: 'invalid_input',
      field: 'endImage',
      message: expect.stringMatching(/takes no end frame/),
    });
    expect(sim.requests).toHaveLength(0);
  });

  it('takes raw base64 (no data: prefix, as Kling documents its image field) as the image bytes', async () => {
    const prepare = vi.fn(async (_ctx: ProviderContext, blob: Blob) => uploaded(`b64-${blob.size}`));
    const { client } = setup(prepare);
    const bytes = sampleImageBytes({ width: 400, height: 400 });
    await client.submit({
      provider: 'fal',
      model: MODEL,
      input: { prompt: 'p', image: Buffer.from(bytes).toString('base64') },
    });
    const blob = prepare.mock.calls[0]![1] as Blob;
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
    // Base64 that is not an image is refused like any file that is not one.
    await expect(
      client.submit({
        provider: 'fal',
        model: MODEL,
        input: { prompt: 'p', image: Buffer.from('x'.repeat(200)).toString('base64') },
      }),
    ).rejects.toMatchObject({ kind: 'invalid_input', field: 'image' });
  });

  it("an inline provider's bytes are reported as its submit sends them, not while prepare encodes", async () => {
    const sim = createSimulator();
    const base = fal({ baseUrl: sim.baseUrl('fal'), streaming: false });
    const inline: ProviderAdapter = {
      ...base,
      image: {
        fields: ['image'],
        limits: LIMITS,
        inline: true,
        async prepare(_ctx, blob, request) {
          request.onProgress?.({ loaded: blob.size, total: blob.size }); // encoding: not shown
          return blob;
        },
      },
      async submit(ctx, request) {
        // The multipart body is the file plus the other fields: 1000 bytes in all, sent in two halves.
        request.onUploadProgress?.({ loaded: 500, total: 1000 });
        request.onUploadProgress?.({ loaded: 1000, total: 1000 });
        return base.submit(ctx, {
          ...request,
          images: undefined,
          input: { ...(request.input as object), image_url: 'https://x.example/a.png' },
        });
      },
    };
    const client = createVideoClient({ providers: { fal: inline }, fetch: sim.fetch });
    const image = sampleImageFile({ width: 640, height: 360 });
    const progress: Array<[number, number]> = [];
    await client.submit({
      provider: 'fal',
      model: MODEL,
      input: { prompt: 'p', image },
      onUploadProgress: ({ loaded, total }) => progress.push([loaded, total]),
    });
    expect(progress).toEqual([
      [0, image.size],
      [Math.round(image.size / 2), image.size],
      [image.size, image.size],
    ]);
  });

  it('a failed upload rejects typed, submits nothing, and the next submit uploads again', async () => {
    let fail = true;
    const prepare = vi.fn(async () => {
      if (fail) throw new VideoJobError({ kind: 'http', status: 500, message: 'the storage answered 500' });
      return uploaded('b');
    });
    const { client, sim } = setup(prepare);
    const image = sampleImageFile({ width: 640, height: 360 });
    await expect(client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'p', image } })).rejects.toMatchObject(
      {
        kind: 'http',
        provider: 'fal',
      },
    );
    expect(sim.count({ endpoint: 'submit' })).toBe(0);
    fail = false;
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'p', image } });
    expect(prepare).toHaveBeenCalledTimes(2);
    expect(first.ref.uploads).toEqual({ image: uploaded('b') });
  });

  it('an abort during the upload rejects with the signal reason and submits nothing', async () => {
    const prepare = vi.fn(
      (_ctx: ProviderContext, _blob: Blob, request: PrepareImageRequest) =>
        new Promise<string>((_resolve, reject) => {
          request.signal?.addEventListener('abort', () => reject(request.signal!.reason));
        }),
    );
    const { client, sim } = setup(prepare);
    const controller = new AbortController();
    const pending = client.submit({
      provider: 'fal',
      model: MODEL,
      input: { prompt: 'p', image: sampleImageFile({ width: 640, height: 360 }) },
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(prepare).toHaveBeenCalled());
    controller.abort(new VideoJobError({ kind: 'cancelled', message: 'stop' }));
    await expect(pending).rejects.toMatchObject({ kind: 'cancelled' });
    expect(sim.count({ endpoint: 'submit' })).toBe(0);
  });
});

describe('GenerationObserver with an input image', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports uploading with byte progress, then submitting, then the job', async () => {
    let progress: PrepareImageRequest['onProgress'];
    let finish: (url: string) => void = () => undefined;
    const prepare = vi.fn(
      (_ctx: ProviderContext, _blob: Blob, request: PrepareImageRequest) =>
        new Promise<string>((resolve) => {
          progress = request.onProgress;
          finish = resolve;
        }),
    );
    const { client } = setup(prepare);
    const observer = new GenerationObserver(client, { provider: 'fal', model: MODEL });
    const seen: string[] = [];
    observer.subscribe((state) =>
      seen.push(`${state.status}${state.upload ? ` ${Math.round(state.upload.progress * 100)}` : ''}`),
    );
    const image = sampleImageFile({ width: 640, height: 360 });
    const done = observer.generate({ prompt: 'p', image });
    await vi.waitFor(() => expect(prepare).toHaveBeenCalled());
    expect(observer.getSnapshot()).toMatchObject({
      status: 'uploading',
      isUploading: true,
      isSubmitting: true,
      isActive: true,
    });
    progress!({ loaded: image.size * 0.4, total: image.size });
    expect(observer.getSnapshot().upload).toEqual({ loaded: image.size * 0.4, total: image.size, progress: 0.4 });
    finish(uploaded('c'));
    await vi.advanceTimersByTimeAsync(30_000);
    const final = await done;
    expect(final.status).toBe('completed');
    expect(seen).toContain('uploading 0');
    expect(seen).toContain('uploading 40');
    expect(seen.lastIndexOf('submitting')).toBeGreaterThan(seen.indexOf('uploading 40'));
    expect(observer.getSnapshot()).toMatchObject({ status: 'completed', upload: undefined, isUploading: false });
    expect(observer.getSnapshot().ref?.uploads).toEqual({ image: uploaded('c') });
  });

  it('counts the elapsed time while the file uploads, before the job has an id', async () => {
    let finish: (url: string) => void = () => undefined;
    const { client } = setup(() => new Promise<string>((resolve) => (finish = resolve)));
    const observer = new GenerationObserver(client, { provider: 'fal', model: MODEL });
    observer.subscribe(() => undefined);
    const done = observer.generate({ prompt: 'p', image: sampleImageFile({ width: 640, height: 360 }) });
    await vi.waitFor(() => expect(observer.getSnapshot().status).toBe('uploading'));
    expect(observer.getSnapshot().elapsedMs).toBeLessThan(1000); // read once: it ticks from now on
    await vi.advanceTimersByTimeAsync(3000);
    expect(observer.getSnapshot().status).toBe('uploading');
    expect(observer.getSnapshot().elapsedMs).toBeGreaterThanOrEqual(3000);
    finish(uploaded('d'));
    await vi.advanceTimersByTimeAsync(30_000);
    await done;
  });

  it('cancel during the upload aborts it, submits nothing and goes back to idle without an error', async () => {
    const prepare = vi.fn(
      (_ctx: ProviderContext, _blob: Blob, request: PrepareImageRequest) =>
        new Promise<string>((_resolve, reject) => {
          request.onProgress?.({ loaded: 10, total: 100 });
          request.signal?.addEventListener('abort', () => reject(request.signal!.reason));
        }),
    );
    const { client, sim } = setup(prepare);
    const observer = new GenerationObserver(client, { provider: 'fal', model: MODEL });
    observer.subscribe(() => undefined);
    const done = observer.generate({ prompt: 'p', image: sampleImageFile({ width: 640, height: 360 }) });
    await vi.waitFor(() => expect(observer.getSnapshot().status).toBe('uploading'));
    await expect(observer.cancel()).resolves.toBeUndefined();
    await expect(done).rejects.toMatchObject({ kind: 'cancelled', provider: 'fal' });
    expect(observer.getSnapshot()).toMatchObject({ status: 'idle', error: undefined, isActive: false });
    expect(sim.count({ endpoint: 'submit' })).toBe(0);
  });

  it('an input image the provider refuses leaves a failed state naming the limit, with nothing sent', async () => {
    const { client, sim } = setup(async () => uploaded('x'));
    const observer = new GenerationObserver(client, { provider: 'fal', model: MODEL });
    observer.subscribe(() => undefined);
    await expect(
      observer.generate({ prompt: 'p', image: sampleImageFile({ width: 100, height: 100 }) }),
    ).rejects.toMatchObject({
      kind: 'invalid_input',
    });
    expect(observer.getSnapshot()).toMatchObject({
      status: 'failed',
      error: { kind: 'invalid_input', field: 'image' },
    });
    expect(sim.requests).toHaveLength(0);
  });
});

function webpBytes(): Uint8Array<ArrayBuffer> {
  const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
  return new Uint8Array([
    ...ascii('RIFF'),
    0,
    0,
    0,
    0,
    ...ascii('WEBPVP8X'),
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x7f,
    0x02,
    0x00,
    0x67,
    0x01,
    0x00,
  ]);
}
