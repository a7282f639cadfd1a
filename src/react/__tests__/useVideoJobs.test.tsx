// @vitest-environment jsdom
import { act } from '@testing-library/react';
import { useLayoutEffect } from 'react';
import type { UseVideoJobsResult, UseVideoGenerationResult } from '../types';
import { useVideoGeneration } from '../useVideoGeneration';
import { useVideoJobs } from '../useVideoJobs';
import { advance, createHarness, MODEL } from './harness';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

let list: UseVideoJobsResult;
let generation: UseVideoGenerationResult;
function Gallery(props: { recentMs?: number }) {
  const result = useVideoJobs({ recentMs: props.recentMs });
  useLayoutEffect(() => {
    list = result;
  });
  return null;
}
function Generator() {
  const result = useVideoGeneration({ provider: 'fal', model: MODEL });
  useLayoutEffect(() => {
    generation = result;
  });
  return null;
}

describe('useVideoJobs', () => {
  it('lists the jobs the app follows: active first, then recently finished', async () => {
    const h = createHarness({ sim: { job: ({ index }) => ({ runMs: index === 0 ? 4000 : 60_000 }) } });
    h.mount(
      <>
        <Generator />
        <Gallery />
      </>,
    );
    act(() => generation.generate({ prompt: 'first' }));
    await advance(0);
    expect(list.active.map((job) => job.ref.id)).toEqual([generation.ref!.id]);
    await advance(10_000);
    expect(generation.status).toBe('completed');
    const firstId = generation.ref!.id;
    act(() => generation.generate({ prompt: 'second' }));
    await advance(1000);
    expect(list.active).toHaveLength(1);
    expect(list.recent.map((job) => job.ref.id)).toEqual([firstId]);
    expect(list.recent[0]?.job?.video?.url).toMatch(/\.mp4$/);
    expect(list.jobs.map((job) => job.key)).toEqual([list.active[0]!.key, `fal:${firstId}`]);
  });

  it('lists jobs followed through the client directly, and remove() drops one', async () => {
    const h = createHarness();
    h.mount(<Gallery />);
    let ref!: { provider: string; id: string; model: string };
    await act(async () => {
      ref = (await h.client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'x' } })).ref;
    });
    expect(list.active.map((job) => job.ref.id)).toEqual([ref.id]);
    act(() => list.remove(ref));
    expect(list.jobs).toHaveLength(0);
  });

  it('keeps a job submitted by a component that unmounted: a paid job is never lost', async () => {
    const h = createHarness();
    const view = h.mount(<Generator />);
    act(() => generation.generate({ prompt: 'x' }));
    await advance(0);
    const id = generation.ref!.id;
    view.unmount();
    h.mount(<Gallery />);
    expect(list.active.map((job) => job.ref.id)).toEqual([id]);
  });

  it('leaves out finished jobs older than recentMs', async () => {
    const h = createHarness({ sim: { job: { queueMs: 0, runMs: 1000 } } });
    h.mount(
      <>
        <Generator />
        <Gallery recentMs={5000} />
      </>,
    );
    act(() => generation.generate({ prompt: 'x' }));
    await advance(5000);
    expect(list.recent).toHaveLength(1);
    await advance(10_000);
    act(() => generation.generate({ prompt: 'y' })); // any change re-judges the list
    await advance(0);
    expect(list.recent).toHaveLength(0);
  });
});
