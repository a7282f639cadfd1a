// Issue 16's "done when": generate({ prompt, image: file }) against every simulated provider, through the proxy, with
// upload progress, cancel and resume. The page reaches only the app's routes (the proxy, the upload route) and the
// simulator's pre-signed upload URLs, which carry no key; the server half runs createProxyHandler({ simulator }) and
// createUploadHandler({ simulator }).
import { createVideoClient } from '../../src/core/createVideoClient';
import { GenerationObserver } from '../../src/core/generationObserver';
import type { ProviderAdapter } from '../../src/core/provider';
import { aigateway } from '../../src/providers/aigateway';
import { fal } from '../../src/providers/fal';
import { kling } from '../../src/providers/kling';
import { openaiVideos } from '../../src/providers/openaiVideos';
import { replicate } from '../../src/providers/replicate';
import { videogen } from '../../src/providers/videogen';
import { visgate } from '../../src/providers/visgate';
import { createProxyHandler } from '../../src/server/createProxyHandler';
import { createUploadHandler } from '../../src/server/createUploadHandler';
import { createSimulator, sampleImageFile } from '../../src/testing';

const SIM = 'http://127.0.0.1:4011';
/** Taken before any test fakes the timers. */
const realSetTimeout = globalThis.setTimeout;
const APP = 'https://app.example';
const PROXY = `${APP}/api/video/proxy`;
const UPLOAD = `${APP}/api/video/upload`;

// setImmediate stays real: the runtime reads multipart and Blob bodies on it, and a faked one stalls an upload
// through the proxy until the body timeout.
beforeEach(() =>
  vi.useFakeTimers({
    now: new Date('2026-12-02T09:00:00Z'),
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  }),
);
afterEach(() => vi.useRealTimers());

/**
 * Moves virtual time in 2 s steps until `promise` settles: reading a multipart body or a Blob takes real I/O turns,
 * so one long jump can pass before the upload has even reached the poll loop.
 */
async function settle<T>(promise: Promise<T>, maxMs = 180_000): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let elapsed = 0; !settled && elapsed < maxMs; elapsed += 2000) {
    // Real time first (a few ms, on the real timer), so real I/O (a body being read) keeps pace with virtual time
    // even on a busy machine.
    await new Promise((resolve) => realSetTimeout(resolve, 5));
    await vi.advanceTimersByTimeAsync(2000);
  }
  return promise;
}

interface Case {
  adapter: () => ProviderAdapter;
  model: string;
  input?: Record<string, unknown>;
  /** Where the provider's job input carries the image, and how it reads there. */
  field: (input: Record<string, unknown>) => unknown;
  /** The provider keeps the bytes itself (base64 / multipart): nothing is PUT to a pre-signed URL. */
  inline?: boolean;
}

const at = (provider: string) => `${SIM}/${provider}`;
const CASES: Record<string, Case> = {
  fal: {
    adapter: () => fal({ proxyUrl: PROXY, baseUrl: at('fal') }),
    model: 'fal-ai/kling-video/v2.1/standard/image-to-video',
    field: (input) => input.image_url,
  },
  kling: {
    adapter: () => kling({ proxyUrl: PROXY, baseUrl: at('kling') }),
    model: 'kling-v2-6',
    field: (input) => input.image,
    inline: true,
  },
  videogen: {
    adapter: () => videogen({ proxyUrl: PROXY, baseUrl: at('videogen') }),
    model: 'generate-video-clip',
    field: (input) => (input.imageFileIds as unknown[] | undefined)?.[0],
  },
  replicate: {
    adapter: () => replicate({ proxyUrl: PROXY, baseUrl: at('replicate') }),
    model: 'acme/video-model',
    field: (input) => (input.input as Record<string, unknown> | undefined)?.image ?? input.image,
  },
  openai: {
    adapter: () => openaiVideos({ proxyUrl: PROXY, baseUrl: `${at('openai')}/v1` }),
    model: 'sora-2',
    input: { size: '1280x720' },
    field: (input) => input.input_reference,
    inline: true,
  },
  aigateway: {
    adapter: () => aigateway({ proxyUrl: PROXY, baseUrl: at('aigateway'), uploadUrl: UPLOAD }),
    model: 'google/veo-3.1-fast',
    field: (input) => input.image_url,
  },
  visgate: {
    adapter: () => visgate({ proxyUrl: PROXY, baseUrl: at('visgate'), uploadUrl: UPLOAD }),
    model: 'fal-ai/veo3',
    field: (input) => input.image_url,
  },
};

/** The simulator, the app's two routes on it, and a page that may reach only those routes and pre-signed URLs. */
function app() {
  const sim = createSimulator({ origin: SIM, job: { queueMs: 1000, runMs: 3000 } });
  const proxy = createProxyHandler({ providers: Object.keys(CASES), simulator: SIM, fetch: sim.fetch, env: {} });
  const upload = createUploadHandler({ simulator: SIM, fetch: sim.fetch, authorize: () => ({ ownerId: 'user-1' }) });
  const direct: string[] = [];
  const page = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith(PROXY)) return proxy(request);
    if (request.url.startsWith(UPLOAD)) return upload(request);
    const url = new URL(request.url);
    if (url.origin === SIM && url.pathname.startsWith('/sim-uploads/') && url.searchParams.has('token')) {
      expect(request.headers.get('authorization')).toBeNull();
      direct.push(request.url);
      return sim.fetch(request);
    }
    throw new Error(`the page reached ${request.url} directly`);
  }) as typeof fetch;
  return { sim, page, direct };
}

describe.each(Object.keys(CASES))('%s: generate({ prompt, image: file }) through the proxy', (name) => {
  const { adapter, model, input = {}, field, inline } = CASES[name]!;

  it('uploads with progress, submits the image the provider way, completes, and keeps the upload in the ref', async () => {
    const { sim, page, direct } = app();
    const client = createVideoClient({ providers: { [name]: adapter() }, fetch: page });
    const observer = new GenerationObserver(client, { provider: name, model });
    const statuses: string[] = [];
    observer.subscribe((state) => statuses.push(state.status));
    const image = sampleImageFile({ width: 1280, height: 720 });
    const final = await settle(observer.generate({ ...input, prompt: 'the photo comes to life', image }));

    expect(final).toMatchObject({ provider: name, status: 'completed' });
    // Uploading from the first report on (the file is read and checked as part of it), then the job. (An inline
    // provider's bytes go with the submit: outside a browser, fetch reports them once the answer came, so the state
    // goes from uploading straight to the job.)
    expect(statuses[0]).toBe('uploading');
    const firstJobStatus = statuses.findIndex((status) => ['queued', 'running', 'completed'].includes(status));
    expect(statuses.lastIndexOf('uploading')).toBeLessThan(firstJobStatus);
    if (!inline) expect(statuses.lastIndexOf('uploading')).toBeLessThan(statuses.indexOf('submitting'));
    const [job] = sim.jobs();
    expect(field(job!.input as Record<string, unknown>)).toBeTruthy();
    if (inline) {
      expect(direct).toHaveLength(0);
    } else {
      // The bytes were stored once; what the job reads points at them.
      expect(sim.uploads().filter((upload) => upload.status === 'stored')).toHaveLength(1);
      expect(sim.uploads()[0]!.bytes.length).toBe(image.size);
      expect(final.ref.uploads?.image).toBeTruthy();
    }

    // Run again with the same File: no second upload; resume the finished job from its ref: none either.
    const uploadsBefore = sim.count({ endpoint: 'upload' });
    await expect(settle(observer.generate({ ...input, prompt: 'once more', image }))).resolves.toMatchObject({
      status: 'completed',
    });
    if (!inline) expect(sim.count({ endpoint: 'upload' })).toBe(uploadsBefore);
    const resumed = new GenerationObserver(client, { provider: name, model });
    resumed.subscribe(() => undefined);
    resumed.resume(final.ref);
    await vi.advanceTimersByTimeAsync(5000);
    expect(resumed.getSnapshot().status).toBe('completed');
    if (!inline) expect(sim.count({ endpoint: 'upload' })).toBe(uploadsBefore);
  });

  it('cancel during the upload stops it: nothing is submitted and the state is idle', async () => {
    const { sim, page } = app();
    // Hold every upload request until the test lets go, so the cancel lands mid-upload.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = (async (input: RequestInfo | URL, init?: RequestInit) => {
      await held;
      return page(input, init);
    }) as typeof fetch;
    const client = createVideoClient({ providers: { [name]: adapter() }, fetch: slow });
    const observer = new GenerationObserver(client, { provider: name, model });
    observer.subscribe(() => undefined);
    const done = observer.generate({ ...input, prompt: 'p', image: sampleImageFile({ width: 1280, height: 720 }) });
    await vi.waitFor(() => expect(observer.getSnapshot().status).toBe('uploading'));
    await observer.cancel();
    release();
    await expect(done).rejects.toMatchObject({ kind: 'cancelled' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(observer.getSnapshot()).toMatchObject({ status: 'idle', error: undefined });
    expect(sim.jobs()).toHaveLength(0);
  });
});
