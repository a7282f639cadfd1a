// @vitest-environment jsdom
import { act, screen } from '@testing-library/react';
import type { JobRef } from '../../core/jobSnapshot';
import { useJobStatus } from '../useJobStatus';
import { advance, createHarness, MODEL } from './harness';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function Status({ jobRef }: { jobRef: JobRef }) {
  const { status } = useJobStatus(jobRef);
  return <output data-testid="status">{status}</output>;
}

describe('VideoJobsProvider snapshot sync', () => {
  it('given a job cancelled through the client directly, the hook shows it at once, without waiting for a poll', async () => {
    const h = createHarness({ sim: { job: { queueMs: 30_000, runMs: 60_000 } } });
    const first = await h.client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    h.mount(<Status jobRef={first.ref} />);
    await advance(0);
    expect(screen.getByTestId('status').textContent).toBe('queued');
    const polls = h.statusRequests();

    await act(() => h.client.cancel(first.ref));
    await advance(0); // React Query notifies observers on the next macrotask

    expect(screen.getByTestId('status').textContent).toBe('cancelled');
    await advance(60_000);
    expect(h.statusRequests()).toBe(polls);
  });
});
