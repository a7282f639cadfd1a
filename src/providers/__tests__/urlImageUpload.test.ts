// The AI gateway and visgate only download input images from URLs (neither has an upload API): a `File` reaches
// them through the app's own storage, by the adapter's `uploadImage` or `uploadUrl` (the app's createUploadHandler
// route). Run through createVideoClient against the simulator, for both adapters alike.
import { createVideoClient } from '../../core/createVideoClient';
import type { ProviderAdapter } from '../../core/provider';
import type { UploadImage } from '../../core/uploadTo';
import { createUploadHandler, type UploadStore } from '../../server/createUploadHandler';
import { createSimulator, type Simulator } from '../../testing/createSimulator';
import { sampleImageBytes, sampleImageFile } from '../../testing/sampleImage';
import { aigateway } from '../aigateway';
import type { ImageUploadOptions } from '../defineProvider';
import { visgate } from '../visgate';
import { failure } from './testContexts';

const UPLOAD_ROUTE = 'https://app.example/api/video/upload';
const STORED = 'https://files.app.example/u/alice/start.png';

interface Case {
  name: 'aigateway' | 'visgate';
  adapter: (sim: Simulator, options: ImageUploadOptions) => ProviderAdapter;
  model: string;
}

const CASES: Case[] = [
  {
    name: 'aigateway',
    adapter: (sim, options) => aigateway({ baseUrl: sim.baseUrl('aigateway'), ...options }),
    model: 'google/veo-3.1-fast',
  },
  {
    name: 'visgate',
    adapter: (sim, options) => visgate({ baseUrl: sim.baseUrl('visgate'), ...options }),
    model: 'fal-ai/veo3',
  },
];

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

/** An `uploadImage` that records each file and answers `url`. */
function recordingUploader(url = STORED) {
  const files: Blob[] = [];
  const uploadImage = vi.fn<UploadImage>(async (file) => {
    files.push(file);
    return url;
  });
  return { uploadImage, files };
}

/** What reached the simulator's submit endpoint, as JSON bodies. */
function submits(sim: Simulator): unknown[] {
  return sim.jobs().map((job) => job.input);
}

describe.each(CASES)('$name: an input image from a local file', ({ name, adapter, model }) => {
  function setup(options: ImageUploadOptions = {}, route?: (request: Request) => Promise<Response>) {
    const sim = createSimulator({ job: { queueMs: 1000, runMs: 4000 } });
    const routed: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.url.startsWith(UPLOAD_ROUTE)) {
        if (!route) throw new Error('no upload route in this test');
        return route(request);
      }
      return sim.fetch(request);
    };
    const client = createVideoClient({
      providers: { [name]: adapter(sim, options) },
      fetch: routed,
      retry: { retries: 0 },
    });
    return { sim, client };
  }

  it('refuses a File without uploadImage / uploadUrl, saying how to configure it, before any request', async () => {
    const { sim, client } = setup();
    const error = await failure(
      client.submit({
        provider: name,
        model,
        input: { prompt: 'a fox', image: sampleImageFile({ width: 64, height: 64 }) },
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: name, field: 'image' });
    expect(error.message).toContain("uploadUrl: '/api/video/upload'");
    expect(error.message).toContain('createUploadHandler');
    expect(error.message).toContain('uploadImage');
    expect(sim.requests).toHaveLength(0);
  });

  it('passes an https: URL as it is into image_url, uploading nothing', async () => {
    const { uploadImage } = recordingUploader();
    const { sim, client } = setup({ uploadImage });
    const url = 'https://images.example.com/fox.png';

    const job = await client.submit({ provider: name, model, input: { prompt: 'a fox', image: url } });

    expect(uploadImage).not.toHaveBeenCalled();
    expect(submits(sim)).toEqual([expect.objectContaining({ image_url: url, prompt: 'a fox' })]);
    expect(job.ref.uploads).toEqual({ image: url });
  });

  it('uploads a File once with uploadImage: its URL goes in image_url and stays in the ref; a second job reuses it', async () => {
    const { uploadImage, files } = recordingUploader();
    const { sim, client } = setup({ uploadImage });
    const file = sampleImageFile({ width: 64, height: 48 });

    const first = await client.submit({ provider: name, model, input: { prompt: 'one', image: file } });
    const second = await client.submit({ provider: name, model, input: { prompt: 'two', image: file } });

    expect(uploadImage).toHaveBeenCalledTimes(1);
    expect(files).toEqual([file]);
    expect(submits(sim)).toEqual([
      expect.objectContaining({ prompt: 'one', image_url: STORED }),
      expect.objectContaining({ prompt: 'two', image_url: STORED }),
    ]);
    expect(first.ref.uploads).toEqual({ image: STORED });
    expect(second.ref.uploads).toEqual({ image: STORED });
  });

  it.each([
    ['http: on a public host', 'http://files.app.example/start.png'],
    ['a data: URL', 'data:image/png;base64,iVBORw0KGgo='],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', '/uploads/start.png'],
  ])('refuses an uploadImage that answers %s (invalid_input), submitting nothing', async (_what, answered) => {
    const { uploadImage } = recordingUploader(answered);
    const { sim, client } = setup({ uploadImage });
    const error = await failure(
      client.submit({
        provider: name,
        model,
        input: { prompt: 'a fox', image: sampleImageFile({ width: 8, height: 8 }) },
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: name, field: 'image' });
    expect(error.message).toContain('https:');
    expect(sim.count({ endpoint: 'submit' })).toBe(0);
  });

  it('accepts http: on localhost (a local simulator or storage)', async () => {
    const { uploadImage } = recordingUploader('http://localhost:9000/files/start.png');
    const { client } = setup({ uploadImage });
    const job = await client.submit({
      provider: name,
      model,
      input: { prompt: 'a fox', image: sampleImageFile({ width: 8, height: 8 }) },
    });
    expect(job.ref.uploads).toEqual({ image: 'http://localhost:9000/files/start.png' });
  });

  it('refuses an image over the limit (10 MB, assumed) or not an image, before uploading or any request', async () => {
    const { uploadImage } = recordingUploader();
    const { sim, client } = setup({ uploadImage });
    const tooBig = new Blob([sampleImageBytes({ width: 8, height: 8 }), new Uint8Array(10_000_000)], {
      type: 'image/png',
    });
    const notAnImage = new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'fox.png', { type: 'image/png' });

    const big = await failure(client.submit({ provider: name, model, input: { prompt: 'x', image: tooBig } }));
    const svg = await failure(client.submit({ provider: name, model, input: { prompt: 'x', image: notAnImage } }));

    expect(big).toMatchObject({ kind: 'invalid_input', provider: name, field: 'image' });
    expect(big.message).toContain('10 MB');
    expect(svg).toMatchObject({ kind: 'invalid_input', provider: name, field: 'image' });
    expect(svg.message).toContain('PNG, JPEG or WEBP');
    expect(uploadImage).not.toHaveBeenCalled();
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses an end frame: neither API documents one', async () => {
    const { uploadImage } = recordingUploader();
    const { sim, client } = setup({ uploadImage });
    const error = await failure(
      client.submit({ provider: name, model, input: { prompt: 'x', endImage: 'https://images.example.com/end.png' } }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'endImage' });
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses the image given twice (image and image_url), submitting nothing', async () => {
    const { sim, client } = setup();
    const error = await failure(
      client.submit({
        provider: name,
        model,
        input: {
          prompt: 'x',
          image: 'https://images.example.com/a.png',
          image_url: 'https://images.example.com/b.png',
        },
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', provider: name, field: 'image_url' });
    expect(sim.count({ endpoint: 'submit' })).toBe(0);
  });

  it('names the provider when the app uploader throws, and submits nothing', async () => {
    const uploadImage = vi.fn<UploadImage>(async () => {
      throw new Error('S3 said AccessDenied');
    });
    const { sim, client } = setup({ uploadImage });
    const error = await failure(
      client.submit({ provider: name, model, input: { prompt: 'x', image: sampleImageFile({ width: 8, height: 8 }) } }),
    );
    expect(error).toMatchObject({ provider: name, field: 'image' });
    expect(error.message).toContain('S3 said AccessDenied');
    expect(sim.count({ endpoint: 'submit' })).toBe(0);
  });

  describe('with uploadUrl (the app route, through the client transport)', () => {
    function route(store: UploadStore, authorize: () => { ownerId: string } | false = () => ({ ownerId: 'alice' })) {
      return createUploadHandler({ store, authorize });
    }

    it('POSTs the file bytes to the route, reports byte progress, and sends the URL it answers', async () => {
      const stored: Uint8Array[] = [];
      const upload = route(async (bytes) => {
        stored.push(bytes);
        return { url: STORED };
      });
      const { sim, client } = setup({ uploadUrl: UPLOAD_ROUTE }, upload);
      const bytes = sampleImageBytes({ width: 32, height: 32 });
      const progress: Array<{ loaded: number; total: number }> = [];

      const job = await client.submit({
        provider: name,
        model,
        input: { prompt: 'a fox', image: new Blob([bytes], { type: 'image/png' }) },
        onUploadProgress: (p) => progress.push(p),
      });

      expect(stored.map((b) => [...b])).toEqual([[...bytes]]);
      expect(progress.at(-1)).toEqual({ loaded: bytes.byteLength, total: bytes.byteLength });
      expect(submits(sim)).toEqual([expect.objectContaining({ image_url: STORED })]);
      expect(job.ref.uploads).toEqual({ image: STORED });
    });

    it('a refused upload (403 from authorize) is an auth error naming the provider; nothing is submitted', async () => {
      const store = vi.fn<UploadStore>(async () => ({ url: STORED }));
      const { sim, client } = setup(
        { uploadUrl: UPLOAD_ROUTE },
        route(store, () => false),
      );
      const error = await failure(
        client.submit({
          provider: name,
          model,
          input: { prompt: 'x', image: sampleImageFile({ width: 8, height: 8 }) },
        }),
      );
      expect(error).toMatchObject({ kind: 'auth', provider: name, status: 403 });
      expect(error.message).toContain('upload route');
      expect(store).not.toHaveBeenCalled();
      expect(sim.count({ endpoint: 'submit' })).toBe(0);
    });

    it('a failed upload (the storage fails, 502) fails the submit with what the route said; a retry uploads again', async () => {
      let fail = true;
      const store = vi.fn<UploadStore>(async () => {
        if (fail) throw new Error('storage down');
        return { url: STORED };
      });
      const { sim, client } = setup({ uploadUrl: UPLOAD_ROUTE }, route(store));
      const file = sampleImageFile({ width: 8, height: 8 });

      const error = await failure(client.submit({ provider: name, model, input: { prompt: 'x', image: file } }));
      expect(error).toMatchObject({ kind: 'http', provider: name, status: 502 });
      expect(error.message).toContain('could not be stored');
      expect(sim.count({ endpoint: 'submit' })).toBe(0);

      fail = false;
      const job = await client.submit({ provider: name, model, input: { prompt: 'x', image: file } });
      expect(store).toHaveBeenCalledTimes(2);
      expect(job.ref.uploads).toEqual({ image: STORED });
    });

    it('an aborted upload rejects as cancelled and submits nothing', async () => {
      const store = vi.fn<UploadStore>(async () => ({ url: STORED }));
      let arrived!: () => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      // The route holds the request until it is aborted, as a slow network would.
      const slow = (request: Request) =>
        new Promise<Response>((_resolve, reject) => {
          arrived();
          request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
        });
      const { sim, client } = setup({ uploadUrl: UPLOAD_ROUTE }, slow);
      const controller = new AbortController();

      const submitted = failure(
        client.submit({
          provider: name,
          model,
          input: { prompt: 'x', image: sampleImageFile({ width: 8, height: 8 }) },
          signal: controller.signal,
        }),
      );
      await reached;
      controller.abort();

      expect(await submitted).toMatchObject({ kind: 'cancelled' });
      expect(store).not.toHaveBeenCalled();
      expect(sim.count({ endpoint: 'submit' })).toBe(0);
    });

    it('an upload route that answers no https: url is an invalid_response naming the provider', async () => {
      const bad = async () => Response.json({ location: STORED }, { status: 201 });
      const { sim, client } = setup({ uploadUrl: UPLOAD_ROUTE }, bad);
      const error = await failure(
        client.submit({
          provider: name,
          model,
          input: { prompt: 'x', image: sampleImageFile({ width: 8, height: 8 }) },
        }),
      );
      expect(error).toMatchObject({ kind: 'invalid_response', provider: name, field: 'url' });
      expect(sim.count({ endpoint: 'submit' })).toBe(0);
    });
  });
});
