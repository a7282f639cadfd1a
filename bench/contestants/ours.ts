import { createVideoClient } from '../../src/core/createVideoClient';
import type { DurationModel } from '../../src/core/durationModel';
import type { ProviderAdapter } from '../../src/core/provider';
import type { PollingOptions } from '../../src/core/schedule';
import { aigateway } from '../../src/providers/aigateway';
import { fal } from '../../src/providers/fal';
import { kling } from '../../src/providers/kling';
import { openaiVideos } from '../../src/providers/openaiVideos';
import { replicate } from '../../src/providers/replicate';
import { videogen } from '../../src/providers/videogen';
import type { Simulator } from '../../src/testing';
import { failedRun, finishedRun, type Contestant } from '../contestant';
import { benchPrompt } from '../workload';

/** The wire formats our client is measured on, each with the adapter and a model name that adapter accepts. */
export const OUR_WIRES = {
  fal: { model: (base: string) => base, progress: false, adapter: (sim: Simulator) => fal(common(sim, 'fal')) },
  kling: { model: () => 'kling-v2-6', progress: false, adapter: (sim: Simulator) => kling(common(sim, 'kling')) },
  aigateway: {
    model: () => 'bench/text-to-video',
    progress: false,
    adapter: (sim: Simulator) => aigateway(common(sim, 'aigateway')),
  },
  replicate: {
    model: (base: string) => base,
    progress: true,
    adapter: (sim: Simulator) => replicate(common(sim, 'replicate')),
  },
  videogen: {
    model: () => 'generate-video-clip',
    progress: true,
    adapter: (sim: Simulator) => videogen(common(sim, 'videogen')),
  },
  openai: { model: () => 'sora-2', progress: true, adapter: (sim: Simulator) => openaiVideos(common(sim, 'openai')) },
};

export type OurWire = keyof typeof OUR_WIRES;

function common(sim: Simulator, provider: string) {
  return { baseUrl: sim.baseUrl(provider), apiKey: 'bench-key', fetch: sim.fetch };
}

export interface OursOptions {
  wire?: OurWire;
  /** Follow the provider's status stream instead of polling (fal's `/status/stream`). */
  stream?: boolean;
  polling?: PollingOptions;
  /** Overrides the table name. */
  name?: string;
  /** The client's duration model, made fresh per scenario (e.g. warm from saved state, or with a prior). */
  durationModel?: () => DurationModel;
}

/**
 * This library's client (`createVideoClient`) with its default schedule: one client per scenario, so the
 * duration model starts empty and learns from each job that finishes, in arrival order.
 */
export function ours(options: OursOptions = {}): Contestant {
  const wire = options.wire ?? 'fal';
  const spec = OUR_WIRES[wire];
  return {
    name:
      options.name ??
      (options.stream ? `react-video-jobs, push (${wire} stream)` : `react-video-jobs default (${wire})`),
    wire,
    how: options.stream
      ? "`client.wait(ref, { stream: true })`: the provider's status stream, polling only if it drops"
      : '`client.submit` + `client.wait(ref)`, default schedule, one client learning run times',
    ...(options.stream ? { statusEndpoints: ['status', 'stream'] as const } : {}),
    start({ sim, workload }) {
      const adapter = spec.adapter(sim) as unknown as ProviderAdapter;
      const client = createVideoClient({
        providers: { [wire]: adapter },
        fetch: sim.fetch,
        ...(options.polling ? { polling: options.polling } : {}),
        ...(options.durationModel ? { durationModel: options.durationModel() } : {}),
      });
      const model = spec.model(workload.model);
      return {
        async run(job) {
          let jobId: string | undefined;
          try {
            const first = await client.submit({ provider: wire, model, input: { prompt: benchPrompt(job) } });
            jobId = first.ref.id;
            const final = await client.wait(first.ref, options.stream ? { stream: true } : {});
            return finishedRun(jobId, final);
          } catch (error) {
            return failedRun(sim, job, jobId, error);
          }
        },
      };
    },
  };
}
