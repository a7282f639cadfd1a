// @vitest-environment jsdom
import { act } from '@testing-library/react';
import type { UseJobStatusResult } from '../../src/react/types';
import { useJobStatus } from '../../src/react/useJobStatus';
import { advance, createHarness, MODEL } from '../../src/react/__tests__/harness';
import type { JobRef } from '../../src/core/jobSnapshot';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function Status({ jobRef, expose }: { jobRef: JobRef; expose: (result: UseJobStatusResult) => void }) {
  expose(useJobStatus(jobRef));
  return null;
}

describe("the client's timeoutMs in the hooks", () => {
  it('given createVideoClient({ timeoutMs: 5000 }), useJobStatus stops with a timeout error within 30 s', async () => {
    const h = createHarness({ sim: { job: { queueMs: 600_000 } }, client: { timeoutMs: 5000 } });
    const first = await h.client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    let last: UseJobStatusResult | undefined;
    h.mount(<Status jobRef={first.ref} expose={(result) => (last = result)} />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    await advance(30_000);
    expect(last?.isActive).toBe(false);
    expect(last?.error?.kind).toBe('timeout');
    const polls = h.statusRequests();
    await advance(60_000);
    expect(h.statusRequests()).toBe(polls);
  });
});
