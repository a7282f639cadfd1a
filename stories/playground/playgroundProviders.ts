// One entry per simulated wire format: the adapter pointed at the in-page simulator, a model it accepts, and how
// a prompt becomes that provider's input.
import type { ProviderAdapter } from '../../src/core/provider';
import { aigateway } from '../../src/providers/aigateway';
import { fal } from '../../src/providers/fal';
import { kling } from '../../src/providers/kling';
import { openaiVideos } from '../../src/providers/openaiVideos';
import { replicate } from '../../src/providers/replicate';
import { videogen } from '../../src/providers/videogen';
import { visgate } from '../../src/providers/visgate';
import type { Simulator } from '../../src/testing';

export interface PlaygroundProvider {
  /** The simulator's wire format name, also the provider's registration name. */
  name: string;
  label: string;
  model: string;
  input(prompt: string): Record<string, unknown>;
  /** The size of the picker's sample image: one this provider takes with `input`. Defaults to 640x360. */
  sampleImage?: { width: number; height: number };
  adapter(sim: Simulator, videoUrl: (jobId: string) => string): ProviderAdapter;
}

const prompt = (text: string) => ({ prompt: text });

/** The simulator's stand-in for an app's own file storage: `POST` the bytes, get back the URL they are read from. */
const appStorage = (sim: Simulator) => `${sim.origin}/sim-uploads`;

export const PLAYGROUND_PROVIDERS: readonly PlaygroundProvider[] = [
  {
    name: 'fal',
    label: 'fal.ai queue',
    model: 'fal-ai/veo3',
    input: prompt,
    // Polling, as in a browser behind a proxy that buffers responses.
    adapter: (sim) => fal({ baseUrl: sim.baseUrl('fal'), streaming: false }),
  },
  {
    name: 'kling',
    label: 'Kling',
    model: 'kling-v2-6',
    input: prompt,
    adapter: (sim) => kling({ baseUrl: sim.baseUrl('kling') }),
  },
  {
    name: 'aigateway',
    label: 'AI gateway jobs',
    model: 'google/veo-3.1-fast',
    input: prompt,
    // It only downloads images from URLs: a picked file goes to the app's storage first, here the simulator's stand-in
    // for it (in an app, `uploadUrl: '/api/video/upload'`, a route made by createUploadHandler).
    adapter: (sim) => aigateway({ baseUrl: sim.baseUrl('aigateway'), uploadUrl: appStorage(sim) }),
  },
  {
    name: 'videogen',
    label: 'VideoGen',
    model: 'generate-video-clip',
    input: prompt,
    adapter: (sim) => videogen({ baseUrl: sim.baseUrl('videogen') }),
  },
  {
    name: 'visgate',
    label: 'visgate',
    model: 'fal-ai/veo3',
    input: prompt,
    adapter: (sim) => visgate({ baseUrl: sim.baseUrl('visgate'), uploadUrl: appStorage(sim) }),
  },
  {
    name: 'openai',
    label: 'OpenAI videos (/v1/videos)',
    model: 'sora-2',
    input: (text) => ({ prompt: text, seconds: 4, size: '1280x720' }),
    // OpenAI takes a first frame of exactly the video's size.
    sampleImage: { width: 1280, height: 720 },
    // The content endpoint needs the API key, so an app streams it through its server; here the page plays
    // the sample file directly.
    adapter: (sim, videoUrl) =>
      openaiVideos({ baseUrl: sim.baseUrl('openai'), contentUrl: (_url, ref) => videoUrl(ref.id) }),
  },
  {
    name: 'replicate',
    label: 'Replicate predictions',
    model: 'google/veo-3',
    input: prompt,
    adapter: (sim) => replicate({ baseUrl: sim.baseUrl('replicate') }),
  },
];
