// End to end, image-to-video from a local file on the providers that only download URLs (AI gateway, visgate): the
// browser's client uploads the File to the app's route (createUploadHandler, storing in the simulator), the adapter
// submits the stored URL as `image_url`, and the simulated job, which holds it in its input, completes. Once straight
// to the simulator, once with every provider request through createProxyHandler({ simulator }).
import { createVideoClient } from '../../core/createVideoClient';
import type { ProviderAdapter } from '../../core/provider';
import { aigateway } from '../../providers/aigateway';
import { visgate } from '../../providers/visgate';
import { createSimulator } from '../../testing';
import { sampleImageBytes } from '../../testing/sampleImage';
import { createProxyHandler } from '../createProxyHandler';
import { createUploadHandler } from '../createUploadHandler';

const SIM = 'http://127.0.0.1:4010';
const APP = 'https://app.example';
const PROXY = `${APP}/api/video/proxy`;
const UPLOAD = `${APP}/api/video/upload`;

const PROVIDERS: Record<
  string,
  { adapter: (options: { proxyUrl?: string; baseUrl: string }) => ProviderAdapter; model: string }
> = {
  aigateway: { adapter: (options) => aigateway({ ...options, uploadUrl: UPLOAD }), model: 'google/veo-3.1-fast' },
  visgate: { adapter: (options) => visgate({ ...options, uploadUrl: UPLOAD }), model: 'fal-ai/veo3' },
};

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

/** The app's server: the upload route (simulator as storage) and, when `viaProxy`, the provider proxy. */
function app(viaProxy: boolean) {
  const sim = createSimulator({ origin: SIM, job: { queueMs: 1000, runMs: 4000 } });
  const upload = createUploadHandler({ simulator: SIM, fetch: sim.fetch, authorize: () => ({ ownerId: 'alice' }) });
  const proxy = createProxyHandler({ providers: Object.keys(PROVIDERS), simulator: SIM, fetch: sim.fetch, env: {} });
  const reached: string[] = [];
  const page: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    reached.push(request.url);
    if (request.url === UPLOAD) return upload(request);
    if (viaProxy) {
      if (request.url !== PROXY) throw new Error(`the page reached ${request.url} directly`);
      return proxy(request);
    }
    return sim.fetch(request);
  };
  return { sim, page, reached };
}

describe.each([
  ['straight to the simulator', false],
  ['through createProxyHandler({ simulator })', true],
] as const)('image-to-video from a File, %s', (_how, viaProxy) => {
  it.each(Object.keys(PROVIDERS))(
    '%s: the file is stored once, reaches the job as image_url, the job completes',
    async (name) => {
      const { sim, page, reached } = app(viaProxy);
      const { adapter, model } = PROVIDERS[name]!;
      const client = createVideoClient({
        providers: { [name]: adapter({ baseUrl: sim.baseUrl(name), ...(viaProxy ? { proxyUrl: PROXY } : {}) }) },
        fetch: page,
      });
      const bytes = sampleImageBytes({ width: 320, height: 180 });
      const file = new File([bytes], 'lighthouse.png', { type: 'image/png' });

      const first = await client.submit({
        provider: name,
        model,
        input: { prompt: 'the beam sweeps the bay', image: file },
      });
      const done = client.wait(first.ref);
      await vi.advanceTimersByTimeAsync(30_000);
      const snapshot = await done;

      expect(snapshot).toMatchObject({ provider: name, status: 'completed' });
      const [stored] = sim.uploads();
      expect(sim.uploads()).toHaveLength(1);
      expect(stored).toMatchObject({ provider: 'app', status: 'stored', contentType: 'image/png' });
      expect([...stored!.bytes]).toEqual([...bytes]);
      expect(sim.jobs()).toHaveLength(1);
      expect(sim.jobs()[0]!.input).toMatchObject({ prompt: 'the beam sweeps the bay', image_url: stored!.url });
      expect(first.ref.uploads).toEqual({ image: stored!.url });
      expect(reached.filter((url) => url === UPLOAD)).toHaveLength(1);
      // The simulated provider can read the file back at the URL it was given.
      const served = await sim.fetch(stored!.url);
      expect(served.status).toBe(200);
    },
  );
});
