// @vitest-environment jsdom
import { act } from '@testing-library/react';
import { useLayoutEffect } from 'react';
import type { JobRef } from '../../core/jobSnapshot';
import type { UseJobStatusResult } from '../types';
import { useCancelJob, type UseCancelJobResult } from '../useCancelJob';
import { useJobStatus } from '../useJobStatus';
import { advance, createHarness, MODEL } from './harness';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('useCancelJob', () => {
  it('cancels a job by its ref; every component following it sees cancelled', async () => {
    const h = createHarness({ sim: { job: { queueMs: 60_000 } } });
    const first = await h.client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'x' } });
    let cancel!: UseCancelJobResult;
    let status!: UseJobStatusResult;
    function Page(props: { jobRef: JobRef }) {
      const mutation = useCancelJob();
      const result = useJobStatus(props.jobRef);
      useLayoutEffect(() => {
        cancel = mutation;
        status = result;
      });
      return null;
    }
    h.mount(<Page jobRef={first.ref} />);
    await advance(3000);
    await act(async () => {
      await cancel.mutateAsync(first.ref);
    });
    await advance(0); // React Query batches its notifications on a zero timeout
    expect(cancel.data?.status).toBe('cancelled');
    expect(status.status).toBe('cancelled');
    expect(h.sim.count({ endpoint: 'cancel' })).toBe(1);
  });

  it('reports a failed cancel as a typed error and polling resumes', async () => {
    const h = createHarness({ sim: { job: { queueMs: 60_000 } }, client: { retry: { retries: 0 } } });
    const first = await h.client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'x' } });
    let cancel!: UseCancelJobResult;
    function Page() {
      const mutation = useCancelJob();
      useJobStatus(first.ref);
      useLayoutEffect(() => {
        cancel = mutation;
      });
      return null;
    }
    h.mount(<Page />);
    await advance(3000);
    h.sim.failNext({ status: 500, match: /cancel/ });
    await act(async () => {
      await cancel.mutateAsync(first.ref).catch(() => undefined);
    });
    await advance(0);
    expect(cancel.error?.kind).toBe('http');
    const polls = h.statusRequests();
    await advance(30_000);
    expect(h.statusRequests()).toBeGreaterThan(polls);
  });
});
