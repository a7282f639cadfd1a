// @vitest-environment jsdom
// Regression (issue 11): one long fake-timer jump inside `act` takes a rendered job to its end, on React 18 and 19
// (this file runs in both vitest projects). React renders state set after an await only once an async `act` ends,
// so a hook whose polling started at the render after the submit stayed at the submit's answer ("In queue") until
// the test stepped time in short acts. Here, as in a consumer's test: the public API and the simulator, fake timers
// and a single `await act(() => vi.advanceTimersByTimeAsync(30_000))`.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import {
  createVideoClient,
  fal,
  useJobStatus,
  useVideoGeneration,
  VideoJobProgress,
  VideoJobsProvider,
  type JobRef,
  type JobSnapshot,
  type UseVideoGenerationResult,
} from '../../src';
import { createSimulator } from '../../src/testing';

const MODEL = 'fal-ai/veo3';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup({ strict = false } = {}) {
  // 2 s in the queue, 8 s running: done well within the 30 s jump.
  const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
  const client = createVideoClient({ providers: { fal: fal({ baseUrl: sim.baseUrl('fal') }) }, fetch: sim.fetch });
  const queryClient = new QueryClient();
  const wrap = (ui: ReactNode) => {
    const tree = (
      <QueryClientProvider client={queryClient}>
        <VideoJobsProvider client={client} storage={null}>
          {ui}
        </VideoJobsProvider>
      </QueryClientProvider>
    );
    return strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
  const statusRequests = () => sim.count({ provider: 'fal', endpoint: 'status' });
  return { sim, client, wrap, statusRequests };
}

const progressStatus = () => document.querySelector('[data-video-job-progress]')?.getAttribute('data-status');

let latest: UseVideoGenerationResult | undefined;
function Generator({ onCompleted }: { onCompleted?: (job: JobSnapshot) => void }) {
  const generation = useVideoGeneration({ provider: 'fal', model: MODEL, onCompleted });
  latest = generation;
  return (
    <div>
      <button onClick={() => generation.generate({ prompt: 'a red fox in snow' })}>Generate</button>
      <output data-testid="status">{generation.status}</output>
      <VideoJobProgress state={generation} />
    </div>
  );
}

const jump = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

describe('one long fake-timer jump inside act', () => {
  it('useJobStatus with VideoJobProgress: a job submitted elsewhere ends completed', async () => {
    const { client, wrap } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    function Card({ jobRef }: { jobRef: JobRef }) {
      const job = useJobStatus(jobRef);
      return <VideoJobProgress state={job} />;
    }
    render(wrap(<Card jobRef={first.ref} />));
    await jump(30_000);
    expect(progressStatus()).toBe('completed');
  });

  it.each([false, true])(
    'useVideoGeneration (strict mode: %s): a click, one jump, completed with the video and one onCompleted',
    async (strict) => {
      const { wrap, statusRequests } = setup({ strict });
      const onCompleted = vi.fn();
      render(wrap(<Generator onCompleted={onCompleted} />));
      fireEvent.click(screen.getByText('Generate'));
      await jump(30_000);
      expect(screen.getByTestId('status').textContent).toBe('completed');
      expect(progressStatus()).toBe('completed');
      expect(latest?.videoUrl).toMatch(/\.mp4$/);
      expect(onCompleted).toHaveBeenCalledTimes(1);
      // Polling kept its schedule: no more requests than when the same 30 s are stepped a quarter second at a time.
      const jumped = statusRequests();
      expect(jumped).toBeGreaterThan(0);
      const stepped = setup({ strict });
      const view = render(stepped.wrap(<Generator />));
      fireEvent.click(view.getAllByText('Generate')[1]!);
      for (let elapsed = 0; elapsed < 30_000; elapsed += 250) await jump(250);
      expect(jumped).toBeLessThanOrEqual(stepped.statusRequests());
    },
  );

  it('useVideoGeneration: generateAsync awaited inside the same act resolves with the finished job', async () => {
    const { wrap } = setup();
    render(wrap(<Generator />));
    let finished: JobSnapshot | undefined;
    await act(async () => {
      const done = latest!.generateAsync({ prompt: 'a red fox in snow' });
      await vi.advanceTimersByTimeAsync(30_000);
      finished = await done;
    });
    expect(finished?.status).toBe('completed');
    expect(screen.getByTestId('status').textContent).toBe('completed');
  });

  it('useVideoGeneration: resume(ref) after an await, then one jump, ends completed', async () => {
    const { client, wrap } = setup();
    render(wrap(<Generator />));
    await act(async () => {
      // A ref fetched from your server, say: resume runs after an await, inside the act.
      const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
      latest!.resume(first.ref);
      await vi.advanceTimersByTimeAsync(30_000);
    });
    expect(screen.getByTestId('status').textContent).toBe('completed');
  });
});
