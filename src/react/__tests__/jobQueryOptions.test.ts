// @vitest-environment jsdom
// No React here: the options drive a bare QueryObserver (jsdom only so React Query runs its browser timers).
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { createSnapshot, type JobSnapshot } from '../../core/jobSnapshot';
import { createVideoClient } from '../../core/createVideoClient';
import { fal } from '../../providers/fal';
import { createSimulator } from '../../testing';
import { jobQueryOptions } from '../jobQueryOptions';
import { videoJobKeys } from '../videoJobKeys';
import { MODEL } from './harness';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(job = {}) {
  const sim = createSimulator({ job });
  const client = createVideoClient({
    providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
    fetch: sim.fetch,
    random: () => 0.5,
  });
  return { sim, client, queryClient: new QueryClient() };
}

describe('jobQueryOptions', () => {
  it('keys a job by provider and id only', () => {
    expect(videoJobKeys.job({ provider: 'fal', id: 'x' })).toEqual(['react-video-jobs', 'job', 'fal', 'x']);
    expect(videoJobKeys.jobs()).toEqual(['react-video-jobs', 'job']);
    expect(videoJobKeys.all).toEqual(['react-video-jobs']);
  });

  it('hands back the same object for a poll that found nothing new', async () => {
    const { client, queryClient } = setup({ queueMs: 600_000 });
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'x' } });
    const options = jobQueryOptions(client, first.ref);
    const a = await queryClient.fetchQuery({ ...options, staleTime: 0 });
    await vi.advanceTimersByTimeAsync(5000);
    const b = await queryClient.fetchQuery({ ...options, staleTime: 0 });
    expect(b).toBe(a);
  });

  it('never lets a late non-terminal answer replace a terminal snapshot', () => {
    const { client, queryClient } = setup();
    const ref = { provider: 'fal', id: 'j1', model: MODEL };
    const options = jobQueryOptions(client, ref);
    new QueryObserver(queryClient, options); // builds the query with these options
    const done = createSnapshot({ ref, status: 'cancelled', cancellation: { remote: 'cancelled' } });
    queryClient.setQueryData(options.queryKey, done);
    queryClient.setQueryData(options.queryKey, createSnapshot({ ref, status: 'running' }));
    expect(queryClient.getQueryData<JobSnapshot>(options.queryKey)).toBe(done);
    const completed = createSnapshot({ ref, status: 'completed', video: { url: 'https://x/v.mp4' } });
    queryClient.setQueryData(options.queryKey, completed);
    expect(queryClient.getQueryData(options.queryKey)).toBe(completed); // a result is never thrown away
  });

  it('polls on the core schedule with one observer, and stops at the terminal status', async () => {
    const { sim, client, queryClient } = setup({ queueMs: 2000, runMs: 8000 });
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'x' } });
    queryClient.setQueryData(videoJobKeys.job(first.ref), first);
    const observer = new QueryObserver(queryClient, jobQueryOptions(client, first.ref, { polling: { eta: false } }));
    const seen: string[] = [];
    const unsubscribe = observer.subscribe((result) => {
      const status = result.data?.status;
      if (status && seen.at(-1) !== status) seen.push(status);
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(seen).toEqual(['queued', 'running', 'completed']);
    const times = sim.requests.filter((r) => r.endpoint === 'status').map((r) => r.at - sim.requests[0]!.at);
    // initialDelayMs 1000, then x1.5: 1000, 2500, 4750, 8125, then 5 s (blindMaxDelayMs: the job runs and nothing
    // predicts its end) to 13125 (the job ends at 10 s)
    expect(times).toEqual([1000, 2500, 4750, 8125, 13125]);
    const polls = times.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sim.count({ endpoint: 'status' })).toBe(polls);
    unsubscribe();
  });
});
