// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import { createVideoClient } from '../../core/createVideoClient';
import { createFakeProvider } from '../../core/__tests__/fakeProvider';
import type { JobRef } from '../../core/jobSnapshot';
import type { UseJobStatusResult, UseVideoGenerationResult } from '../types';
import { useJobStatus } from '../useJobStatus';
import { useVideoGeneration } from '../useVideoGeneration';
import { VideoJobsProvider } from '../VideoJobsProvider';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 23, 12, 0, 0) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('useVideoGeneration: checkAgain', () => {
  it('given a job stopped because the provider cannot cancel, checkAgain follows it again to its end', async () => {
    const fake = createFakeProvider({ queueMs: 0, runMs: 60_000, cancel: 'unsupported' });
    const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5 });
    let hook!: UseVideoGenerationResult;
    function Panel() {
      hook = useVideoGeneration({ provider: 'fake', model: 'm', persist: false });
      return <p>{`status: ${hook.status}`}</p>;
    }
    render(
      <QueryClientProvider client={new QueryClient()}>
        <VideoJobsProvider client={client} storage={null}>
          <Panel />
        </VideoJobsProvider>
      </QueryClientProvider>,
    );
    await act(async () => {
      hook.generate({ prompt: 'x' });
      await vi.advanceTimersByTimeAsync(5000);
    });
    await act(async () => {
      await hook.cancel();
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByText('status: cancelled')).toBeInTheDocument();
    const polls = fake.count('getStatus');
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(fake.count('getStatus')).toBe(polls);
    await act(async () => {
      hook.checkAgain();
      await vi.advanceTimersByTimeAsync(2000);
    });
    expect(fake.count('getStatus')).toBeGreaterThan(polls);
    expect(screen.getByText('status: running')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(70_000));
    expect(screen.getByText('status: completed')).toBeInTheDocument();
  });
});

describe('useJobStatus: checkAgain', () => {
  it('given a followed job stopped because the provider cannot cancel, checkAgain follows it to its end', async () => {
    const fake = createFakeProvider({ queueMs: 0, runMs: 60_000, cancel: 'unsupported' });
    const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5 });
    const submitted = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    let hook!: UseJobStatusResult;
    function Card({ jobRef }: { jobRef: JobRef }) {
      hook = useJobStatus(jobRef);
      return <p>{`status: ${hook.status}`}</p>;
    }
    render(
      <QueryClientProvider client={new QueryClient()}>
        <VideoJobsProvider client={client} storage={null}>
          <Card jobRef={submitted.ref} />
        </VideoJobsProvider>
      </QueryClientProvider>,
    );
    await act(() => vi.advanceTimersByTimeAsync(5000));
    await act(async () => {
      await hook.cancel();
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(screen.getByText('status: cancelled')).toBeInTheDocument();
    let followed = false;
    await act(async () => {
      followed = hook.checkAgain();
      await vi.advanceTimersByTimeAsync(2000);
    });
    expect(followed).toBe(true);
    expect(screen.getByText('status: running')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(70_000));
    expect(screen.getByText('status: completed')).toBeInTheDocument();
    // The provider's end is final: nothing to follow again.
    expect(hook.checkAgain()).toBe(false);
  });
});
