// Kling image-to-video from a local file (issue 16): the frames go as raw base64 inside the image2video submit
// (https://kling.ai/document-api/apiReference/model/imageToVideo), checked against the reference's limits first.
import { createVideoClient } from '../../core/createVideoClient';
import type { UploadProgress } from '../../core/imageInput';
import { createProxyHandler } from '../../server/createProxyHandler';
import { DEFAULT_PROXY_PROVIDERS } from '../../server/proxyProviders';
import { createSimulator } from '../../testing/createSimulator';
import { sampleImageBytes, sampleImageFile } from '../../testing/sampleImage';
import { wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { kling } from '../kling';
import { recordingFetch, failure } from './testContexts';

const MODEL = 'kling-v2-6';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

function setup() {
  const sim = createSimulator({ job: { queueMs: 1000, runMs: 3000 } });
  const { fetch, sent } = recordingFetch(sim.fetch);
  const adapter = kling({ baseUrl: sim.baseUrl('kling') });
  const prepare = vi.spyOn(adapter.image!, 'prepare');
  const client = createVideoClient({ providers: { kling: adapter }, fetch });
  return { sim, sent, adapter, prepare, client };
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** Byte equality without a deep-equal walk (slow on megabytes). */
function sameBytes(actual: Uint8Array | undefined, expected: Uint8Array): boolean {
  return actual !== undefined && Buffer.from(actual).equals(Buffer.from(expected));
}

/** A WebP header of the given size (VP8X), enough for the type check. */
function webp(width: number, height: number): Blob {
  const bytes = new Uint8Array(30);
  bytes.set([...'RIFF'].map((c) => c.charCodeAt(0)));
  bytes.set(
    [...'WEBPVP8X'].map((c) => c.charCodeAt(0)),
    8,
  );
  const [w, h] = [width - 1, height - 1];
  bytes.set([w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff], 24);
  return new Blob([bytes], { type: 'image/webp' });
}

describe('kling image input: what the adapter declares', () => {
  it('takes a start and an end frame within the reference’s limits', () => {
    expect(kling().image).toMatchObject({
      fields: ['image', 'endImage'],
      limits: {
        types: ['image/jpeg', 'image/png'],
        maxBytes: 10_000_000,
        minWidth: 300,
        minHeight: 300,
        minAspectRatio: 0.4,
        maxAspectRatio: 2.5,
        source: 'https://kling.ai/document-api/apiReference/model/imageToVideo',
      },
    });
  });
});

describe('kling image input: the documented request', () => {
  it('sends two files exactly as the reference’s image2video request, raw base64 without a data: prefix', async () => {
    const fixture = wireFixture('kling', 'submit-image2video-base64');
    const documented = fixture.request!.body as Record<string, string>;
    const sent: Array<{ url: string; method: string; headers: Headers; body: unknown }> = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      sent.push({ url: request.url, method: request.method, headers: request.headers, body: await request.json() });
      return Response.json(fixture.body);
    }) as typeof globalThis.fetch;
    const client = createVideoClient({ providers: { kling: kling() }, fetch });
    const { model_name, image, image_tail, ...rest } = documented;
    const start = new File([fromBase64(image!)], 'start.png', { type: 'image/png' });
    const end = new File([fromBase64(image_tail!)], 'end.png', { type: 'image/png' });

    const first = await client.submit({
      provider: 'kling',
      model: model_name!,
      input: { ...rest, image: start, endImage: end },
    });

    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.url).toBe(`https://api-singapore.klingai.com${fixture.request!.path}`);
    expect(sent[0]!.headers.get('content-type')).toBe('application/json');
    expect(sent[0]!.body).toEqual(documented);
    expect(first.ref.meta).toEqual({ endpoint: 'image2video', externalTaskId: 'order-7732' });
    // Base64 text is not worth keeping in a stored ref: there is nothing to reuse.
    expect(first.ref.uploads).toBeUndefined();
  });
});

describe('kling image input: limits, refused before any request', () => {
  it.each([
    ['a file over 10 MB', () => new Blob([new Uint8Array(10_000_001)], { type: 'image/png' }), /10 MB/],
    ['a WebP', () => webp(640, 360), /a WEBP.*JPEG or PNG/],
    ['a text file called .png', () => new File(['hello'], 'frame.png', { type: 'image/png' }), /not an image/],
    ['299 px wide', () => sampleImageFile({ width: 299, height: 400 }), /width of at least 300 px/],
    ['299 px high', () => sampleImageFile({ width: 400, height: 299 }), /height of at least 300 px/],
    ['narrower than 1:2.5', () => sampleImageFile({ width: 300, height: 751 }), /ratio of at least 1:2\.5/],
    ['wider than 2.5:1', () => sampleImageFile({ width: 751, height: 300 }), /ratio of at most 2\.5:1/],
  ])('%s', async (_what, image, message) => {
    const { client, sim, prepare } = setup();
    const error = await failure(
      client.submit({ provider: 'kling', model: MODEL, input: { prompt: 'a', image: image() } }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'kling', field: 'image' });
    expect(error.message).toMatch(message);
    expect(error.docsUrl).toBe('https://kling.ai/document-api/apiReference/model/imageToVideo');
    expect(prepare).not.toHaveBeenCalled();
    expect(sim.requests).toHaveLength(0);
  });

  it('takes exactly 1:2.5 and 2.5:1, and 300 px sides', async () => {
    const { client, sim } = setup();
    for (const [width, height] of [
      [300, 750],
      [750, 300],
      [300, 300],
    ] as const) {
      await client.submit({ provider: 'kling', model: MODEL, input: { image: sampleImageFile({ width, height }) } });
    }
    expect(sim.count({ endpoint: 'submit', status: 200 })).toBe(3);
  });

  it('refuses an end frame outside pro mode, and an end frame given twice, naming the field', async () => {
    const { client, sim } = setup();
    const end = sampleImageFile({ width: 640, height: 360 });
    const std = await failure(
      client.submit({ provider: 'kling', model: MODEL, input: { prompt: 'a', endImage: end } }),
    );
    expect(std).toMatchObject({ kind: 'invalid_input', field: 'endImage' });
    expect(std.message).toContain("mode: 'pro'");
    const twice = await failure(
      client.submit({
        provider: 'kling',
        model: MODEL,
        input: { prompt: 'a', mode: 'pro', endImage: end, image_tail: 'https://cdn.example/end.png' },
      }),
    );
    expect(twice).toMatchObject({ kind: 'invalid_input', field: 'endImage' });
    expect(twice.message).toContain('image_tail');
    expect(sim.requests).toHaveLength(0);
  });

  it('needs no prompt with a frame (image2video), but one without (text2video)', async () => {
    const { client, sim } = setup();
    const first = await client.submit({
      provider: 'kling',
      model: MODEL,
      input: { image: sampleImageFile({ width: 640, height: 360 }) },
    });
    expect(first.ref.meta?.endpoint).toBe('image2video');
    const none = await failure(client.submit({ provider: 'kling', model: MODEL, input: {} }));
    expect(none).toMatchObject({ kind: 'invalid_input', field: 'prompt' });
    expect(sim.count({ endpoint: 'submit' })).toBe(1);
  });
});

describe('kling image input: encoding, failures and reuse', () => {
  it('reports the bytes as the submit sends them (encoding is not sending), and sends the file’s bytes', async () => {
    const { client, sim } = setup();
    const file = sampleImageFile({ width: 1280, height: 720 });
    const progress: UploadProgress[] = [];
    const first = await client.submit({
      provider: 'kling',
      model: MODEL,
      input: { prompt: 'The sea comes alive', image: file },
      onUploadProgress: (update) => progress.push(update),
    });
    // The frame travels inside the submit (inline): 0 before it goes, then the submit's share sent stands for the
    // file's (at once outside a browser's XMLHttpRequest). No report while it is only being encoded.
    expect(progress.every((update) => update.total === file.size)).toBe(true);
    expect(progress[0]).toEqual({ loaded: 0, total: file.size });
    expect(progress.at(-1)).toEqual({ loaded: file.size, total: file.size });
    expect(progress.filter((update) => update.loaded > 0 && update.loaded < file.size)).toHaveLength(0);
    const [upload] = sim.uploads();
    expect(upload).toMatchObject({ provider: 'kling', contentType: 'image/png' });
    expect(sameBytes(upload!.bytes, new Uint8Array(await file.arrayBuffer()))).toBe(true);
    expect(sim.job(first.id)!.input).toMatchObject({ image: upload!.url, prompt: 'The sea comes alive' });
  });

  it('stops encoding when aborted, and sends nothing', async () => {
    const { client, sim, prepare } = setup();
    const controller = new AbortController();
    // The encoding's own steps, as prepare reports them (the submit reports Kling's bytes as it sends them).
    const encoded: number[] = [];
    const real = kling().image!.prepare;
    prepare.mockImplementation((ctx, blob, request) =>
      real(ctx, blob, {
        ...request,
        onProgress: (update) => {
          request.onProgress?.(update);
          if (update.loaded === 0) return;
          encoded.push(update.loaded);
          controller.abort();
        },
      }),
    );
    const error = await failure(
      client.submit({
        provider: 'kling',
        model: MODEL,
        input: { image: sampleImageFile({ width: 1280, height: 720 }) },
        signal: controller.signal,
      }),
    );
    expect(error.kind).toBe('cancelled');
    // The first of four 768 KB steps, and no other.
    expect(encoded).toEqual([3 * 256 * 1024]);
    expect(sim.requests).toHaveLength(0);
  });

  it('a failed submit (500) is sent once and typed; the next submit of the same File is not encoded again', async () => {
    const { client, sim, prepare } = setup();
    const file = sampleImageFile({ width: 640, height: 360 });
    sim.failNext({ status: 500 });
    const error = await failure(client.submit({ provider: 'kling', model: MODEL, input: { image: file } }));
    expect(error).toMatchObject({ provider: 'kling', status: 500, code: '5000' });
    expect(sim.count({ endpoint: 'submit' })).toBe(1);

    const first = await client.submit({ provider: 'kling', model: MODEL, input: { image: file } });
    const second = await client.submit({ provider: 'kling', model: MODEL, input: { prompt: 'again', image: file } });
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(sim.count({ endpoint: 'submit', status: 200 })).toBe(2);
    const bytes = new Uint8Array(await file.arrayBuffer());
    for (const job of [first, second]) {
      const upload = sim.uploads().find((stored) => stored.url === (sim.job(job.id)!.input as { image: string }).image);
      expect(sameBytes(upload?.bytes, bytes)).toBe(true);
    }
  });

  it('a 400 for a bad image comes back as Kling’s 1201, typed', async () => {
    const { client } = setup();
    // Kling's own `image_tail` field takes raw base64 as it is (no client check): the simulator reads it as Kling would.
    const tooSmall = base64Of(sampleImageBytes({ width: 200, height: 200 }));
    const error = await failure(
      client.submit({ provider: 'kling', model: MODEL, input: { image_tail: tooSmall, mode: 'pro' } }),
    );
    expect(error).toMatchObject({ provider: 'kling', status: 400, code: '1201' });
    expect(error.message).toContain('image_tail is 200x200px');
  });

  it('passes an https: URL as it is, and the ref keeps it', async () => {
    const { client, sim, prepare } = setup();
    const url = 'https://cdn.example/frames/start.png';
    const first = await client.submit({ provider: 'kling', model: MODEL, input: { image: url } });
    expect(prepare).not.toHaveBeenCalled();
    expect(sim.job(first.id)!.input).toMatchObject({ image: url });
    expect(first.ref.uploads).toEqual({ image: url });
  });
});

describe('kling image input end to end', () => {
  it('createVideoClient + kling + the simulator: a job from a local file completes', async () => {
    const { client, sim } = setup();
    const job = await client.submit({
      provider: 'kling',
      model: MODEL,
      input: { prompt: 'The lighthouse beam sweeps', image: sampleImageFile() },
    });
    const done = client.wait(job.ref);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await done).toMatchObject({ status: 'completed', provider: 'kling' });
    expect(sim.uploads()).toHaveLength(1);
  });

  const SIM = 'http://127.0.0.1:4010';
  const PROXY = 'https://app.example/api/video/proxy';

  function proxied() {
    const sim = createSimulator({ origin: SIM, job: { queueMs: 1000, runMs: 3000 } });
    const proxy = createProxyHandler({
      providers: ['kling'],
      simulator: SIM,
      fetch: sim.fetch,
      env: { KLING_API_KEY: 'kling-real-key-123456' },
    });
    const page = (async (input: RequestInfo | URL, init?: RequestInit) =>
      proxy(new Request(input, init))) as typeof fetch;
    return { sim, proxy, page };
  }

  it('through createProxyHandler({ simulator }): the frames ride in the submit and the job completes', async () => {
    const { sim, page } = proxied();
    const client = createVideoClient({ providers: { kling: kling({ proxyUrl: PROXY }) }, fetch: page });
    const file = sampleImageFile({ width: 640, height: 360 });
    const job = await client.submit({
      provider: 'kling',
      model: MODEL,
      input: { prompt: 'a', mode: 'pro', image: file, endImage: file },
    });
    const done = client.wait(job.ref);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await done).toMatchObject({ status: 'completed' });
    expect(sim.requests[0]).toMatchObject({ endpoint: 'submit', url: `${SIM}/kling/v1/videos/image2video` });
    expect(sim.uploads()).toHaveLength(2);
  });

  it('the proxy takes an image2video body as big as two 10 MB frames, and refuses one byte more', async () => {
    const { sim, proxy } = proxied();
    const route = DEFAULT_PROXY_PROVIDERS.kling!.routes.find((r) => r.path.test('/v1/videos/image2video'));
    const limit = route!.maxBodyBytes!;
    const frame = 'A'.repeat(Math.ceil(10_000_000 / 3) * 4);
    const body = JSON.stringify({ model_name: MODEL, mode: 'pro', image: frame, image_tail: frame });
    expect(body.length).toBeLessThan(limit);
    const send = (text: string) =>
      proxy(
        new Request(PROXY, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-video-jobs-target-url': `${SIM}/kling/v1/videos/image2video`,
          },
          body: text,
        }),
      );
    // Forwarded: the simulator reads the (blank) frames and answers Kling's 1201.
    const forwarded = await send(body);
    expect(forwarded.status).toBe(400);
    expect(await forwarded.json()).toMatchObject({ code: 1201 });
    expect(sim.count({ endpoint: 'submit' })).toBe(1);
    const refused = await send(body + ' '.repeat(limit - body.length + 1));
    expect(refused.status).toBe(413);
    expect(sim.count({ endpoint: 'submit' })).toBe(1);
  });
});
