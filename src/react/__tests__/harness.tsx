import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderOptions } from '@testing-library/react';
import { act, StrictMode, type ReactNode } from 'react';
import { createVideoClient } from '../../core/createVideoClient';
import type { VideoClient, VideoClientOptions } from '../../core/videoClient';
import { fal } from '../../providers/fal';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../testing';
import type { JobStorage } from '../types';
import { VideoJobsProvider } from '../VideoJobsProvider';

export const MODEL = 'fal-ai/veo3';

export interface Harness {
  sim: Simulator;
  client: VideoClient;
  queryClient: QueryClient;
  /** Wraps UI in QueryClientProvider + VideoJobsProvider (and StrictMode when asked). */
  wrap: (ui: ReactNode) => ReactNode;
  /** Renders UI inside the providers. */
  mount: (ui: ReactNode, options?: Omit<RenderOptions, 'wrapper'>) => ReturnType<typeof render>;
  statusRequests: () => number;
  submitRequests: () => number;
}

export interface HarnessOptions {
  sim?: SimulatorOptions;
  client?: Partial<VideoClientOptions>;
  storage?: JobStorage | null;
  strict?: boolean;
  /** Share the simulator with another harness (a "reload" keeps the provider's jobs). */
  reuseSim?: Simulator;
}

/** A real client on the fal adapter and the in-process simulator; jitter off so schedules are exact. */
export function createHarness(options: HarnessOptions = {}): Harness {
  const sim = options.reuseSim ?? createSimulator(options.sim);
  const client = createVideoClient({
    providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
    fetch: sim.fetch,
    random: () => 0.5,
    ...options.client,
  });
  const queryClient = new QueryClient();
  const wrap = (ui: ReactNode) => {
    const tree = (
      <QueryClientProvider client={queryClient}>
        <VideoJobsProvider client={client} storage={options.storage ?? null}>
          {ui}
        </VideoJobsProvider>
      </QueryClientProvider>
    );
    return options.strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
  return {
    sim,
    client,
    queryClient,
    wrap,
    mount: (ui, renderOptions) => render(wrap(ui), renderOptions),
    statusRequests: () => sim.count({ provider: 'fal', endpoint: 'status' }),
    submitRequests: () => sim.count({ provider: 'fal', endpoint: 'submit' }),
  };
}

/**
 * Moves fake time forward in steps of at most `STEP_MS`, each inside `act`: React renders queued inside an
 * async `act` wait for its end, so one long step would hold back renders (and the polling they enable) that
 * a browser would have done within milliseconds.
 */
export async function advance(ms: number): Promise<void> {
  let left = ms;
  do {
    const step = Math.min(left, STEP_MS);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(step);
    });
    left -= step;
  } while (left > 0);
}

const STEP_MS = 250;

/** A `localStorage`-like map, to inspect and to share between a "page" and its "reload". */
export function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (key) => data.get(key) ?? null,
    key: (index) => [...data.keys()][index] ?? null,
    removeItem: (key) => void data.delete(key),
    setItem: (key, value) => void data.set(key, String(value)),
  };
}
