import { dehydrate, hydrate, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToString } from 'react-dom/server';
import { createVideoClient } from '../../core/createVideoClient';
import { fal } from '../../providers/fal';
import { createSimulator } from '../../testing';
import { jobQueryOptions } from '../jobQueryOptions';
import type { JobStorage } from '../types';
import { useJobStatus } from '../useJobStatus';
import { useVideoGeneration } from '../useVideoGeneration';
import { useVideoJobs } from '../useVideoJobs';
import { VideoJobsProvider } from '../VideoJobsProvider';
import { videoJobKeys } from '../videoJobKeys';
import { MODEL } from './harness';

// This file runs in the default node environment: there is no `window`, so touching it throws.

function setup() {
  const sim = createSimulator();
  const client = createVideoClient({
    providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
    fetch: sim.fetch,
  });
  return { sim, client };
}

describe('server rendering', () => {
  it('renders every hook without timers, storage or window access', async () => {
    const { sim, client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    const storage: JobStorage = { getItem: vi.fn(() => null), setItem: vi.fn(), removeItem: vi.fn() };
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const requestsBefore = sim.requests.length;

    function Page() {
      const generation = useVideoGeneration({ provider: 'fal', model: MODEL, persist: true });
      const followed = useJobStatus(first.ref);
      const { jobs } = useVideoJobs();
      return <p>{`${generation.status}/${followed.status}/${jobs.length}/${followed.elapsedMs >= 0 ? 'ok' : ''}`}</p>;
    }
    const html = renderToString(
      <QueryClientProvider client={new QueryClient()}>
        <VideoJobsProvider client={client} storage={storage}>
          <Page />
        </VideoJobsProvider>
      </QueryClientProvider>,
    );

    expect(html).toContain('idle/queued/0/ok');
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    expect(setIntervalSpy).not.toHaveBeenCalled();
    expect(storage.getItem).not.toHaveBeenCalled();
    expect(storage.setItem).not.toHaveBeenCalled();
    expect(sim.requests.length).toBe(requestsBefore);
    setTimeoutSpy.mockRestore();
    setIntervalSpy.mockRestore();
  });

  it('prefetches a job with jobQueryOptions on the server and hydrates it on the client', async () => {
    const { sim, client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    const serverClient = createVideoClient({
      providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
      fetch: sim.fetch,
    });
    const serverQueries = new QueryClient();
    await serverQueries.prefetchQuery(jobQueryOptions(serverClient, first.ref));
    expect(sim.count({ endpoint: 'status' })).toBe(1);
    const state = JSON.parse(JSON.stringify(dehydrate(serverQueries))) as ReturnType<typeof dehydrate>;
    expect(state.queries[0]?.queryKey).toEqual(videoJobKeys.job(first.ref));

    const browserQueries = new QueryClient();
    hydrate(browserQueries, state);
    function Page() {
      const { status, queuePosition } = useJobStatus(first.ref);
      return <p>{`${status}@${queuePosition}`}</p>;
    }
    const html = renderToString(
      <QueryClientProvider client={browserQueries}>
        <VideoJobsProvider client={client} storage={null}>
          <Page />
        </VideoJobsProvider>
      </QueryClientProvider>,
    );
    expect(html).toContain('queued@0');
    expect(sim.count({ endpoint: 'status' })).toBe(1);
  });

  it('builds query options without touching timers or window', () => {
    const { client } = setup();
    const ref = { provider: 'fal', id: 'abc', model: MODEL };
    const options = jobQueryOptions(client, ref, { polling: { maxDelayMs: 5000 } });
    expect(options.queryKey).toEqual(['react-video-jobs', 'job', 'fal', 'abc']);
    expect(options.refetchIntervalInBackground).toBe(true);
    expect(options.retry).toBe(false);
  });
});
