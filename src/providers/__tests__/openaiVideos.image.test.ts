// OpenAI-style /v1/videos image-to-video from a local file (issue 16): the first frame is the create request's own
// multipart `input_reference` part (https://developers.openai.com/api/docs/guides/video-generation#use-image-references),
// as the SDK's `videos.create` sends it; it must be exactly the video's `size`.
import { createVideoClient } from '../../core/createVideoClient';
import type { HttpRequest } from '../../core/transport';
import type { ProviderContext } from '../../core/provider';
import { createProxyHandler } from '../../server/createProxyHandler';
import { DEFAULT_PROXY_PROVIDERS } from '../../server/proxyProviders';
import { createSimulator } from '../../testing/createSimulator';
import { sampleImageFile } from '../../testing/sampleImage';
import { wireFixture } from '../../../test/fixtures/wire/wireFixtures';
import { openaiVideos, type OpenAIVideosOptions } from '../openaiVideos';
import { failure } from './testContexts';

const GATEWAY = 'https://gateway.example.com/v1';
const GUIDE = 'https://developers.openai.com/api/docs/guides/video-generation#use-image-references';

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

/** The first bytes of a baseline JPEG of the given size (SOI, SOF0): what the size checks read. */
function jpeg(width: number, height: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(64);
  bytes.set([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03]);
  return bytes;
}

/** Byte equality without a deep-equal walk (slow on megabytes). */
async function sameBytes(actual: Blob | Uint8Array | undefined, expected: Blob): Promise<boolean> {
  if (actual === undefined) return false;
  const bytes = actual instanceof Uint8Array ? actual : new Uint8Array(await actual.arrayBuffer());
  return Buffer.from(bytes).equals(Buffer.from(await expected.arrayBuffer()));
}

/** A fetch that records each request's init (the form itself) and answers `answer`. */
function capturing(answer: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) {
  const sent: Array<{ url: string; init: RequestInit }> = [];
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({ url: String(input), init: init ?? {} });
    return answer(input, init);
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

function setup(options: Partial<OpenAIVideosOptions> = {}) {
  const sim = createSimulator({ job: { queueMs: 1000, runMs: 3000 } });
  const { fetch, sent } = capturing(sim.fetch);
  const adapter = openaiVideos({ baseUrl: sim.baseUrl('openai'), ...options });
  const prepare = vi.spyOn(adapter.image!, 'prepare');
  const client = createVideoClient({ providers: { openai: adapter }, fetch });
  return { sim, sent, adapter, prepare, client };
}

describe('openaiVideos image input: what the adapter declares', () => {
  it('takes a start image of the guide’s types, up to 15 MiB, and refuses an end frame', async () => {
    expect(openaiVideos({ baseUrl: GATEWAY }).image).toMatchObject({
      fields: ['image'],
      limits: { types: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 15 * 1024 * 1024, source: GUIDE },
    });
    const { client, sim } = setup();
    const error = await failure(
      client.submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'a', endImage: sampleImageFile() } }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'endImage' });
    expect(sim.requests).toHaveLength(0);
  });
});

describe('openaiVideos image input: the documented request', () => {
  it('sends the guide’s multipart create: text fields as strings, the file as input_reference with its name and type', async () => {
    const fixture = wireFixture('openai', 'submit-input-reference');
    const documented = fixture.request!.body as {
      fields: Record<string, string>;
      files: { input_reference: { fileName: string; type: string } };
    };
    const { fetch, sent } = capturing(async () => Response.json(fixture.body));
    const client = createVideoClient({ providers: { openai: openaiVideos({ baseUrl: GATEWAY }) }, fetch });
    const { model, prompt, size, seconds } = documented.fields;
    const { fileName, type } = documented.files.input_reference;
    const file = new File([jpeg(1280, 720)], fileName, { type });

    const first = await client.submit({
      provider: 'openai',
      model: model!,
      input: { prompt, size, seconds: Number(seconds), image: file },
    });

    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(`${GATEWAY}${fixture.request!.path!.replace(/^\/v1/, '')}`);
    expect(sent[0]!.init.method).toBe('POST');
    const form = sent[0]!.init.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    // No content-type of our own: the runtime writes multipart/form-data with the form's boundary.
    expect(new Headers(sent[0]!.init.headers).has('content-type')).toBe(false);
    expect(new Set(form.keys())).toEqual(new Set([...Object.keys(documented.fields), 'input_reference']));
    for (const [name, value] of Object.entries(documented.fields)) expect(form.get(name), name).toBe(value);
    const part = form.get('input_reference') as File;
    expect(part).toMatchObject({ name: fileName, type });
    expect(await sameBytes(part, file)).toBe(true);
    // As it goes on the wire.
    const wire = new Request(sent[0]!.url, { method: 'POST', body: form });
    expect(wire.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const text = await wire.text();
    expect(text).toContain(`Content-Disposition: form-data; name="input_reference"; filename="${fileName}"`);
    expect(text).toContain(`Content-Type: ${type}`);
    expect(first).toMatchObject({ status: 'queued', id: (fixture.body as { id: string }).id });
    // Bytes sent in the create leave nothing to reuse: no upload id, no URL.
    expect(first.ref.uploads).toBeUndefined();
  });

  it('hands the form to the transport with the submit’s upload progress callback', async () => {
    const requests: Array<Omit<HttpRequest, 'provider'>> = [];
    const ctx: ProviderContext = {
      now: () => Date.now(),
      request: async (request) => {
        requests.push(request);
        return {
          status: 200,
          headers: new Headers(),
          notModified: false,
          data: wireFixture('openai', 'submit-input-reference').body as never,
        };
      },
    };
    const adapter = openaiVideos({ baseUrl: GATEWAY });
    const onUploadProgress = vi.fn();
    const file = sampleImageFile({ width: 720, height: 1280 });
    const image = await adapter.image!.prepare(ctx, file, {
      field: 'image',
      model: 'sora-2',
      header: { type: 'image/png', width: 720, height: 1280 },
    });
    // Nothing is uploaded first: the file itself (typed and named) is what the submit carries.
    expect(requests).toHaveLength(0);
    expect(image).toBe(file);
    await adapter.submit(ctx, { model: 'sora-2', input: { prompt: 'a' }, images: { image }, onUploadProgress });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: `${GATEWAY}/videos`, onUploadProgress });
    expect(requests[0]!.rawBody).toBeInstanceOf(FormData);
    expect(requests[0]!.body).toBeUndefined();
  });

  it('writes other fields as the SDK does (object -> key[name], array -> key[]), and refuses null naming it', async () => {
    const { client, sent, sim } = setup({ sizes: false });
    const image = sampleImageFile({ width: 720, height: 1280 });
    await client.submit({
      provider: 'openai',
      model: 'sora-2',
      input: { prompt: 'a', seconds: 4, extra: { style: 'noir', n: 2 }, tags: ['x', true], image },
    });
    const form = sent[0]!.init.body as FormData;
    expect([...form.entries()].filter(([, value]) => typeof value === 'string')).toEqual([
      ['model', 'sora-2'],
      ['prompt', 'a'],
      ['seconds', '4'],
      ['extra[style]', 'noir'],
      ['extra[n]', '2'],
      ['tags[]', 'x'],
      ['tags[]', 'true'],
    ]);
    const error = await failure(
      client.submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'a', user: null, image } }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'user' });
    expect(sim.count({ endpoint: 'submit' })).toBe(1);
  });

  it('types and names a Blob that came without them (OpenAI refuses an octet-stream part)', async () => {
    const adapter = openaiVideos({ baseUrl: GATEWAY });
    const bare = new Blob([jpeg(1280, 720)]);
    const prepared = (await adapter.image!.prepare({} as ProviderContext, bare, {
      field: 'image',
      model: 'sora-2',
      header: { type: 'image/jpeg', width: 1280, height: 720 },
    })) as File;
    expect(prepared).toMatchObject({ name: 'input_reference.jpg', type: 'image/jpeg', size: bare.size });
  });
});

describe('openaiVideos image input: limits, refused before any request', () => {
  it.each([
    ['a file over 15 MiB', () => new Blob([new Uint8Array(15 * 1024 * 1024 + 1)], { type: 'image/png' }), /15\.7 MB/],
    ['bytes that are no image', () => new File(['GIF89a'], 'a.gif', { type: 'image/gif' }), /not an image/],
  ])('%s', async (_what, image, message) => {
    const { client, sim, prepare } = setup();
    const error = await failure(
      client.submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'a', image: image() } }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'openai', field: 'image' });
    expect(error.message).toMatch(message);
    expect(prepare).not.toHaveBeenCalled();
    expect(sim.requests).toHaveLength(0);
  });

  it('an image that is not exactly the size (OpenAI’s default 720x1280 when none is given)', async () => {
    const { client, sim } = setup();
    const landscape = sampleImageFile({ width: 1280, height: 720 });
    const unsized = await failure(
      client.submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'a', image: landscape } }),
    );
    expect(unsized).toMatchObject({ kind: 'invalid_input', field: 'image' });
    expect(unsized.message).toContain("is 1280x720, but the video's size is 720x1280");
    expect(unsized.message).toContain("or pass size: '1280x720'");
    expect(unsized.message).toContain(GUIDE);
    const odd = await failure(
      client.submit({
        provider: 'openai',
        model: 'sora-2',
        input: { prompt: 'a', size: '1280x720', image: sampleImageFile({ width: 1000, height: 720 }) },
      }),
    );
    expect(odd.message).toContain("is 1000x720, but the video's size is 1280x720");
    expect(odd.message).not.toContain('or pass size');
    expect(sim.requests).toHaveLength(0);
    await client.submit({
      provider: 'openai',
      model: 'sora-2',
      input: { prompt: 'a', size: '1280x720', image: landscape },
    });
    expect(sim.count({ endpoint: 'submit', status: 200 })).toBe(1);
  });

  it('with `sizes: false` (a gateway’s own sizes) the size is the gateway’s business: OpenAI’s 400 comes back typed', async () => {
    const { client, sim } = setup({ sizes: false });
    const error = await failure(
      client.submit({
        provider: 'openai',
        model: 'sora-2',
        input: { prompt: 'a', size: '1280x720', image: sampleImageFile({ width: 720, height: 1280 }) },
      }),
    );
    expect(sim.count({ endpoint: 'submit' })).toBe(1);
    expect(error).toMatchObject({ kind: 'http', provider: 'openai', status: 400 });
    expect(error.message).toContain('Inpaint image must match the requested width and height');
  });

  it('refuses image together with input_reference', async () => {
    const { client, sim } = setup();
    const error = await failure(
      client.submit({
        provider: 'openai',
        model: 'sora-2',
        input: {
          prompt: 'a',
          input_reference: { file_id: 'file_123' },
          image: sampleImageFile({ width: 720, height: 1280 }),
        },
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image' });
    expect(sim.requests).toHaveLength(0);
  });
});

describe('openaiVideos image input: failures, abort and reuse', () => {
  it('a failed create (500) is sent once and typed; the next with the same File is not prepared again', async () => {
    const { client, sim, prepare } = setup();
    const file = sampleImageFile({ width: 720, height: 1280 });
    sim.failNext({ status: 500 });
    const error = await failure(
      client.submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'a', image: file } }),
    );
    expect(error).toMatchObject({ provider: 'openai', status: 500 });
    expect(sim.count({ endpoint: 'submit' })).toBe(1);

    const first = await client.submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'a', image: file } });
    const second = await client.submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'b', image: file } });
    expect(prepare).toHaveBeenCalledTimes(1);
    for (const job of [first, second]) {
      const url = (sim.job(job.id)!.input as { input_reference: string }).input_reference;
      expect(await sameBytes(sim.uploads().find((upload) => upload.url === url)?.bytes, file)).toBe(true);
    }
  });

  it('an aborted create rejects as cancelled and creates no job', async () => {
    const { client, sim } = setup();
    const controller = new AbortController();
    sim.failNext({ latencyMs: 5000 });
    const pending = failure(
      client.submit({
        provider: 'openai',
        model: 'sora-2',
        input: { prompt: 'a', image: sampleImageFile({ width: 720, height: 1280 }) },
        signal: controller.signal,
      }),
    );
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    expect((await pending).kind).toBe('cancelled');
    await vi.advanceTimersByTimeAsync(5000);
    expect(sim.jobs()).toHaveLength(0);
  });

  it('passes an https: URL as input_reference.image_url in JSON, and the ref keeps it', async () => {
    const { client, sim, sent, prepare } = setup();
    const url = 'https://cdn.example/frames/first.png';
    const first = await client.submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'a', image: url } });
    expect(prepare).not.toHaveBeenCalled();
    expect(JSON.parse(sent[0]!.init.body as string)).toEqual({
      model: 'sora-2',
      prompt: 'a',
      input_reference: { image_url: url },
    });
    expect(sim.job(first.id)!.input).toMatchObject({ input_reference: { image_url: url } });
    expect(first.ref.uploads).toEqual({ image: url });
  });
});

describe('openaiVideos image input end to end', () => {
  it('createVideoClient + openaiVideos + the simulator: a job from a local file completes', async () => {
    const { client, sim } = setup();
    const file = sampleImageFile({ width: 720, height: 1280 });
    const job = await client.submit({ provider: 'openai', model: 'sora-2', input: { prompt: 'a', image: file } });
    const done = client.wait(job.ref);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await done).toMatchObject({ status: 'completed', provider: 'openai' });
    const [upload] = sim.uploads();
    expect(upload).toMatchObject({ provider: 'openai', contentType: 'image/png', fileName: 'sample.png' });
    expect(await sameBytes(upload!.bytes, file)).toBe(true);
  });

  const SIM = 'http://127.0.0.1:4010';
  const PROXY = 'https://app.example/api/video/proxy';

  function proxied() {
    const sim = createSimulator({ origin: SIM, job: { queueMs: 1000, runMs: 3000 } });
    const proxy = createProxyHandler({
      providers: ['openai'],
      simulator: SIM,
      fetch: sim.fetch,
      env: { OPENAI_API_KEY: 'sk-real-openai-key-123' },
    });
    const page = (async (input: RequestInfo | URL, init?: RequestInit) =>
      proxy(new Request(input, init))) as typeof fetch;
    return { sim, proxy, page };
  }

  it('through createProxyHandler({ simulator }): the multipart create passes and the job completes', async () => {
    const { sim, page } = proxied();
    const adapter = openaiVideos({ proxyUrl: PROXY, baseUrl: 'https://api.openai.com/v1' });
    const client = createVideoClient({ providers: { openai: adapter }, fetch: page });
    const file = sampleImageFile({ width: 1280, height: 720 });
    const job = await client.submit({
      provider: 'openai',
      model: 'sora-2',
      input: { prompt: 'a', size: '1280x720', image: file },
    });
    const done = client.wait(job.ref);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await done).toMatchObject({ status: 'completed' });
    expect(sim.requests[0]).toMatchObject({ endpoint: 'submit', url: `${SIM}/openai/v1/videos`, status: 200 });
    expect(await sameBytes(sim.uploads()[0]?.bytes, file)).toBe(true);
  });

  it('the proxy takes a create as big as a 15 MiB image, and refuses one byte more', async () => {
    const { sim, proxy } = proxied();
    const route = DEFAULT_PROXY_PROVIDERS.openai!.routes.find((r) => r.method === 'POST' && r.path.test('/v1/videos'));
    const limit = route!.maxBodyBytes!;
    const form = new FormData();
    form.append('prompt', 'a');
    form.append('input_reference', new Blob([new Uint8Array(15 * 1024 * 1024)], { type: 'image/png' }), 'big.png');
    const body = new Uint8Array(await new Request(PROXY, { method: 'POST', body: form }).arrayBuffer());
    const type = new Request(PROXY, { method: 'POST', body: form }).headers.get('content-type')!;
    const boundary = type.slice(type.indexOf('boundary=') + 'boundary='.length);
    expect(body.length).toBeLessThan(limit);
    const send = (bytes: Uint8Array<ArrayBuffer>, contentType: string) =>
      proxy(
        new Request(PROXY, {
          method: 'POST',
          headers: { 'content-type': contentType, 'x-video-jobs-target-url': `${SIM}/openai/v1/videos` },
          body: bytes,
        }),
      );
    // Forwarded whole: the simulator parses the form and refuses the blank "image" in OpenAI's error shape.
    const forwarded = await send(body, `multipart/form-data; boundary=${boundary}`);
    expect(forwarded.status).toBe(400);
    expect(await forwarded.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(sim.count({ endpoint: 'submit' })).toBe(1);
    const refused = await send(new Uint8Array(limit + 1), 'application/octet-stream');
    expect(refused.status).toBe(413);
    expect(sim.count({ endpoint: 'submit' })).toBe(1);
  });
});
