// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { useJobStatus } from '../useJobStatus';
import { useVideoGeneration } from '../useVideoGeneration';
import { useVideoJobs } from '../useVideoJobs';
import { useCancelJob } from '../useCancelJob';
import { useOptionalVideoClient, useVideoClient, VideoJobsProvider } from '../VideoJobsProvider';
import { createHarness, MODEL } from './harness';

function quietly(action: () => void) {
  // React logs the error thrown during render; the assertion is on the thrown error itself.
  const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    action();
  } finally {
    spy.mockRestore();
  }
}

describe('VideoJobsProvider', () => {
  it.each([
    ['useVideoGeneration', () => useVideoGeneration({ provider: 'fal', model: MODEL })],
    ['useJobStatus', () => useJobStatus(null)],
    ['useVideoJobs', () => useVideoJobs()],
    ['useCancelJob', () => useCancelJob()],
    ['useVideoClient', () => useVideoClient()],
  ])('given %s outside the provider, it throws an error naming the provider and the fix', (name, hook) => {
    function Orphan() {
      hook();
      return null;
    }
    quietly(() => {
      expect(() =>
        render(
          <QueryClientProvider client={new QueryClient()}>
            <Orphan />
          </QueryClientProvider>,
        ),
      ).toThrow(
        new RegExp(
          `\`${name}\` must be used within \`<VideoJobsProvider>\`.*<VideoJobsProvider client=\\{createVideoClient`,
        ),
      );
    });
  });

  it('given the provider, useVideoClient returns its client', () => {
    const h = createHarness();
    function Names() {
      return <p>{useVideoClient().providerNames.join(',')}</p>;
    }
    h.mount(<Names />);
    expect(screen.getByText('fal')).toBeInTheDocument();
  });

  it('given useOptionalVideoClient, it returns undefined outside the provider and its client inside', () => {
    const seen: unknown[] = [];
    function Probe() {
      seen.push(useOptionalVideoClient());
      return null;
    }
    render(<Probe />);
    expect(seen).toEqual([undefined]);
    const h = createHarness();
    h.mount(<Probe />);
    expect(seen.at(-1)).toBe(h.client);
  });

  it('given a frozen client, the hooks still work (the provider keeps the store the client cannot)', async () => {
    const h = createHarness({ client: {} });
    const frozen = Object.freeze({ ...h.client });
    function Jobs() {
      return <p>{`jobs: ${useVideoJobs().jobs.length}`}</p>;
    }
    render(
      <QueryClientProvider client={h.queryClient}>
        <VideoJobsProvider client={frozen}>
          <Jobs />
        </VideoJobsProvider>
      </QueryClientProvider>,
    );
    await frozen.submit({ provider: 'fal', model: MODEL, input: { prompt: 'x' } });
    expect(await screen.findByText('jobs: 1')).toBeInTheDocument();
  });
});
