// defineProvider's `image`: any custom provider declares which input field carries a start image, its limits, and how
// a file gets there (its own prepare, or the app's uploadImage / uploadUrl for APIs that only download URLs).
import { z } from 'zod/mini';
import { createVideoClient } from '../../core/createVideoClient';
import { createSimulator } from '../../testing/createSimulator';
import { sampleImageFile } from '../../testing/sampleImage';
import { defineProvider, type DefinedImageSupport } from '../defineProvider';
import { acmeWire } from './acmeWire';
import { failure } from './testContexts';

const generation = z.object({
  generation_id: z.string(),
  state: z.string(),
  result_url: z.optional(z.string()),
});
const STATES = { waiting: 'queued', working: 'running', done: 'completed', error: 'failed' } as const;

const LIMITS = { types: ['image/png'], maxBytes: 1_000_000, maxWidth: 1024, source: 'https://docs.acme.video/images' };

function acmeWith(image: DefinedImageSupport | undefined) {
  return defineProvider({
    name: 'acme',
    baseUrl: 'https://api.acme.video/v1',
    input: z.object({ prompt: z.string(), start_frame: z.optional(z.string()) }),
    ...(image ? { image } : {}),
    submit: {
      url: () => '/generations',
      body: (model, input) => ({ model, ...input }),
      response: generation,
      toJob: (g) => ({ id: g.generation_id }),
    },
    status: {
      url: (job) => `/generations/${job.id}`,
      response: generation,
      toStatus: (g) => ({ status: STATES[g.state as keyof typeof STATES] ?? 'running', videoUrl: g.result_url }),
    },
  });
}

describe('defineProvider: image', () => {
  it("declares the adapter's image support from the definition: fields, limits, urls", () => {
    const adapter = acmeWith({ fields: { image: 'start_frame' }, limits: LIMITS, urls: false })();
    expect(adapter.image).toMatchObject({ fields: ['image'], limits: LIMITS, urls: false });
    expect(acmeWith(undefined)().image).toBeUndefined();
  });

  it("puts the app's uploaded URL in the declared field, once per file", async () => {
    const sim = createSimulator({ wireFormats: [acmeWire] });
    const uploadImage = vi.fn(async () => 'https://files.app.example/start.png');
    const acme = acmeWith({ fields: { image: 'start_frame' }, limits: LIMITS });
    const client = createVideoClient({ providers: { acme: acme({ uploadImage }) }, fetch: sim.fetch });
    const file = sampleImageFile({ width: 64, height: 64 });

    const job = await client.submit({ provider: 'acme', model: 'acme-2', input: { prompt: 'boat', image: file } });
    await client.submit({ provider: 'acme', model: 'acme-2', input: { prompt: 'boat again', image: file } });

    expect(uploadImage).toHaveBeenCalledTimes(1);
    expect(sim.jobs().map((j) => j.input)).toEqual([
      { model: 'acme-2', prompt: 'boat', start_frame: 'https://files.app.example/start.png' },
      { model: 'acme-2', prompt: 'boat again', start_frame: 'https://files.app.example/start.png' },
    ]);
    expect(job.ref.uploads).toEqual({ image: 'https://files.app.example/start.png' });
  });

  it("uses the definition's own prepare (e.g. the API's upload endpoint) instead of the app's uploader", async () => {
    const sim = createSimulator({ wireFormats: [acmeWire] });
    const prepare = vi.fn(async (_ctx: unknown, blob: Blob) => `acme-file-${blob.size}`);
    const uploadImage = vi.fn(async () => 'https://unused.example/x.png');
    const acme = acmeWith({ fields: { image: 'start_frame' }, limits: LIMITS, prepare });
    const client = createVideoClient({ providers: { acme: acme({ uploadImage }) }, fetch: sim.fetch });
    const file = sampleImageFile({ width: 16, height: 16 });

    await client.submit({ provider: 'acme', model: 'acme-2', input: { prompt: 'boat', image: file } });

    expect(prepare).toHaveBeenCalledTimes(1);
    expect(uploadImage).not.toHaveBeenCalled();
    expect(sim.jobs()[0]!.input).toMatchObject({ start_frame: `acme-file-${file.size}` });
  });

  it('checks the declared limits before any request', async () => {
    const sim = createSimulator({ wireFormats: [acmeWire] });
    const uploadImage = vi.fn(async () => 'https://files.app.example/start.png');
    const acme = acmeWith({ fields: { image: 'start_frame' }, limits: LIMITS });
    const client = createVideoClient({ providers: { acme: acme({ uploadImage }) }, fetch: sim.fetch });

    const error = await failure(
      client.submit({
        provider: 'acme',
        model: 'acme-2',
        input: { prompt: 'boat', image: sampleImageFile({ width: 2000, height: 100 }) },
      }),
    );

    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'acme', field: 'image' });
    expect(error.docsUrl).toContain('https://docs.acme.video/images');
    expect(uploadImage).not.toHaveBeenCalled();
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses images for a definition without `image`, before any request', async () => {
    const sim = createSimulator({ wireFormats: [acmeWire] });
    const client = createVideoClient({ providers: { acme: acmeWith(undefined)() }, fetch: sim.fetch });
    const error = await failure(
      client.submit({
        provider: 'acme',
        model: 'acme-2',
        input: { prompt: 'boat', image: 'https://images.example.com/a.png' },
      }),
    );
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'image' });
    expect(sim.requests).toHaveLength(0);
  });

  it('sends an uploadUrl upload through the client transport, named after the provider', async () => {
    const sim = createSimulator({ wireFormats: [acmeWire] });
    const seen: Array<{ url: string; method: string; type: string | null }> = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.url === 'https://app.example/upload') {
        seen.push({ url: request.url, method: request.method, type: request.headers.get('content-type') });
        return new Response('{"error":{"code":"payload_too_large","message":"too big"}}', { status: 413 });
      }
      return sim.fetch(request);
    };
    const acme = acmeWith({ fields: { image: 'start_frame' }, limits: LIMITS });
    const client = createVideoClient({ providers: { acme: acme({ uploadUrl: 'https://app.example/upload' }) }, fetch });

    const error = await failure(
      client.submit({
        provider: 'acme',
        model: 'acme-2',
        input: { prompt: 'boat', image: sampleImageFile({ width: 16, height: 16 }) },
      }),
    );

    expect(seen).toEqual([{ url: 'https://app.example/upload', method: 'POST', type: 'image/png' }]);
    expect(error).toMatchObject({ kind: 'invalid_input', provider: 'acme', status: 413, field: 'image' });
    expect(error.message).toContain('too big');
    expect(sim.requests).toHaveLength(0);
  });
});
