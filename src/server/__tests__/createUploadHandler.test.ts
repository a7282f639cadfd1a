// createUploadHandler: the app's upload route for providers that only download input images from URLs. It refuses
// anyone unidentified, a body over maxBytes while it streams in (whatever Content-Length says), and anything whose
// bytes are not an accepted image (a text file named .png, an SVG), and hands a checked image to the app's store only.
import { sampleImageBytes } from '../../testing/sampleImage';
import { createSimulator } from '../../testing/createSimulator';
import type { Authorize } from '../authorize';
import { createUploadHandler, type UploadHandlerOptions, type UploadStore } from '../createUploadHandler';

const ROUTE = 'https://app.example/api/video/upload';
const STORED_URL = 'https://files.app.example/u/alice/1.png';

/** A store that records what it was handed and answers a fixed URL. */
function recordingStore(url = STORED_URL) {
  const calls: Array<{ bytes: Uint8Array; image: Parameters<UploadStore>[1] }> = [];
  const store: UploadStore = async (bytes, image) => {
    calls.push({ bytes, image });
    return { url };
  };
  return { store, calls };
}

function handler(options: Partial<UploadHandlerOptions> = {}) {
  const { store, calls } = recordingStore();
  const upload = createUploadHandler({ store, authorize: () => ({ ownerId: 'alice' }), ...options });
  return { upload, calls };
}

function post(body: BodyInit | null, init: RequestInit = {}): Request {
  return new Request(ROUTE, { method: 'POST', body, ...init });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

/** A body of `chunks` chunks of `size` bytes, counting how many were pulled and whether it was cancelled. */
function countedStream(chunks: number, size: number) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.pulled === chunks) return controller.close();
        seen.pulled++;
        controller.enqueue(new Uint8Array(size));
      },
      cancel() {
        seen.cancelled = true;
      },
      // Nothing is pulled before the handler reads.
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

describe('createUploadHandler', () => {
  it('stores a good PNG and answers its URL, with the type and size read from the bytes', async () => {
    const { upload, calls } = handler();
    const png = sampleImageBytes({ width: 320, height: 200 });

    const response = await upload(post(png, { headers: { 'content-type': 'application/octet-stream' } }));

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ url: STORED_URL });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.image).toEqual({
      type: 'image/png',
      width: 320,
      height: 200,
      size: png.byteLength,
      ownerId: 'alice',
    });
    expect([...calls[0]!.bytes]).toEqual([...png]);
  });

  it('refuses a body over maxBytes from its Content-Length, before reading it (413)', async () => {
    const { upload, calls } = handler({ maxBytes: 1000 });
    const { stream, seen } = countedStream(10, 500);

    const response = await upload(
      post(stream, { headers: { 'content-length': '5000' }, duplex: 'half' } as RequestInit),
    );

    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
    expect(seen.pulled).toBe(0);
    expect(calls).toHaveLength(0);
  });

  it('refuses a body over maxBytes while it streams in when Content-Length lies, never reading it whole', async () => {
    const { upload, calls } = handler({ maxBytes: 1_000_000 });
    // 100 chunks of 64 KiB (6.5 MB) behind a Content-Length of 100 bytes.
    const { stream, seen } = countedStream(100, 65_536);

    const lying = post(stream, { headers: { 'content-length': '100' }, duplex: 'half' } as RequestInit);
    expect(lying.headers.get('content-length')).toBe('100');
    const response = await upload(lying);

    expect(response.status).toBe(413);
    expect(seen.cancelled).toBe(true);
    // Refused on the first chunk past 1 MB: 16 chunks fit, the 17th goes over, none after it is read.
    expect(seen.pulled).toBeLessThanOrEqual(18);
    expect(calls).toHaveLength(0);
  });

  it('refuses a chunked body without Content-Length once it passes maxBytes', async () => {
    const { upload, calls } = handler({ maxBytes: 100_000 });
    const { stream, seen } = countedStream(50, 10_000);

    const response = await upload(post(stream, { duplex: 'half' } as RequestInit));

    expect(response.status).toBe(413);
    expect(seen.cancelled).toBe(true);
    expect(calls).toHaveLength(0);
  });

  it.each([
    [
      'a text file named .png and declared image/png',
      new TextEncoder().encode('hello, I am not an image\n'),
      'image/png',
    ],
    [
      'an SVG',
      new TextEncoder().encode(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
      ),
      'image/svg+xml',
    ],
    ['an empty GIF header', new TextEncoder().encode('GIF89a\u0001\u0000\u0001\u0000'), 'image/gif'],
  ])('refuses %s from its bytes (415), storing nothing', async (_what, bytes, type) => {
    const { upload, calls } = handler();
    const file = new File([bytes as Uint8Array<ArrayBuffer>], 'photo.png', { type });

    const response = await upload(post(file, { headers: { 'content-type': type } }));

    expect(response.status).toBe(415);
    const error = await errorOf(response);
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain('PNG, JPEG, WEBP');
    expect(calls).toHaveLength(0);
  });

  it('refuses an image of a type the app did not list (types)', async () => {
    const { upload, calls } = handler({ types: ['image/jpeg'] });
    const response = await upload(post(sampleImageBytes({ width: 8, height: 8 })));
    expect(response.status).toBe(415);
    expect((await errorOf(response)).message).toContain('a PNG');
    expect(calls).toHaveLength(0);
  });

  it('refuses an empty body (400)', async () => {
    const { upload, calls } = handler();
    const response = await upload(post(null));
    expect(response.status).toBe(400);
    expect(calls).toHaveLength(0);
  });

  it.each<[string, Authorize, number]>([
    ['returns no ownerId', () => ({ ownerId: undefined }), 401],
    ['lets everyone through (true)', () => true, 401],
    ['returns nothing', () => undefined, 401],
    ['refuses (false)', () => false, 403],
    ['answers its own 401', () => new Response('sign in', { status: 401 }), 401],
  ])('refuses the upload when authorize %s, before reading the body', async (_what, authorize, status) => {
    const { upload, calls } = handler({ authorize });
    const { stream, seen } = countedStream(2, 100);

    const response = await upload(post(stream, { duplex: 'half' } as RequestInit));

    expect(response.status).toBe(status);
    expect(seen.pulled).toBe(0);
    expect(calls).toHaveLength(0);
  });

  it('is built without storage or authorize (next build), and the first request names what is missing', async () => {
    const noStore = createUploadHandler({ authorize: () => ({ ownerId: 'alice' }) });
    const noAuthorize = createUploadHandler({ store: recordingStore().store });

    const missingStore = await noStore(post(sampleImageBytes({ width: 8, height: 8 })));
    const missingAuthorize = await noAuthorize(post(sampleImageBytes({ width: 8, height: 8 })));

    expect(missingStore.status).toBe(500);
    expect((await errorOf(missingStore)).message).toContain('store');
    expect(missingAuthorize.status).toBe(500);
    expect((await errorOf(missingAuthorize)).message).toContain('authorize');
  });

  it('answers 405 to anything but POST and PUT', async () => {
    const { upload } = handler();
    const response = await upload(new Request(ROUTE, { method: 'GET' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, PUT');
  });

  it("keeps the storage's own error on the server (502) and refuses a store that answers no https: URL", async () => {
    const failing = createUploadHandler({
      authorize: () => ({ ownerId: 'alice' }),
      store: async () => {
        throw new Error('AccessDenied: bucket secret-bucket, key AKIA123');
      },
    });
    const plainHttp = createUploadHandler({
      authorize: () => ({ ownerId: 'alice' }),
      store: async () => ({ url: 'http://files.app.example/1.png' }),
    });

    const failed = await failing(post(sampleImageBytes({ width: 8, height: 8 })));
    const insecure = await plainHttp(post(sampleImageBytes({ width: 8, height: 8 })));

    expect(failed.status).toBe(502);
    expect(JSON.stringify(await failed.json())).not.toMatch(/secret-bucket|AKIA/);
    expect(insecure.status).toBe(500);
    expect((await errorOf(insecure)).message).toContain('https:');
  });

  describe('with the simulator as storage', () => {
    it('keeps the file in the simulator, which serves it back at the URL answered', async () => {
      const sim = createSimulator({ origin: 'http://127.0.0.1:4010' });
      const upload = createUploadHandler({
        simulator: sim.origin,
        fetch: sim.fetch,
        authorize: () => ({ ownerId: 'alice' }),
      });
      const png = sampleImageBytes({ width: 40, height: 30 });

      const response = await upload(post(png));
      const { url } = (await response.json()) as { url: string };

      expect(response.status).toBe(201);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:4010\/sim-uploads\/[A-Za-z0-9]+$/);
      expect(sim.uploads()).toEqual([expect.objectContaining({ provider: 'app', status: 'stored', url })]);
      const served = await sim.fetch(url);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect([...new Uint8Array(await served.arrayBuffer())]).toEqual([...png]);
    });

    it('is refused in production unless allowInProduction', async () => {
      const sim = createSimulator();
      const upload = createUploadHandler({
        simulator: sim.origin,
        fetch: sim.fetch,
        authorize: () => ({ ownerId: 'alice' }),
        env: { NODE_ENV: 'production' },
      });
      const response = await upload(post(sampleImageBytes({ width: 8, height: 8 })));
      expect(response.status).toBe(500);
      expect(sim.uploads()).toHaveLength(0);
    });
  });
});
