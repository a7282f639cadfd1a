// @vitest-environment jsdom
import { focusManager, onlineManager } from '@tanstack/react-query';
import { act, screen } from '@testing-library/react';
import { useLayoutEffect, useState } from 'react';
import type { JobRef, JobSnapshot } from '../../core/jobSnapshot';
import type { UseJobStatusOptions, UseJobStatusResult } from '../types';
import { useJobStatus } from '../useJobStatus';
import { advance, createHarness, MODEL, type Harness } from './harness';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  act(() => focusManager.setFocused(undefined));
  act(() => onlineManager.setOnline(true));
  vi.useRealTimers();
});

async function submit(h: Harness): Promise<JobRef> {
  const first = await h.client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
  return first.ref;
}

let renders = 0;
function Status(props: {
  jobRef: JobRef | null | undefined;
  options?: UseJobStatusOptions;
  testId?: string;
  expose?: (result: UseJobStatusResult) => void;
}) {
  const result = useJobStatus(props.jobRef, props.options);
  renders++;
  props.expose?.(result);
  return <output data-testid={props.testId ?? 'status'}>{result.status}</output>;
}

const statusText = (id = 'status') => screen.getByTestId(id).textContent;
const statusTimes = (h: Harness) => h.sim.requests.filter((r) => r.endpoint === 'status').map((r) => r.at);

describe('useJobStatus', () => {
  it('given a job submitted elsewhere, it follows it to completed with the video', async () => {
    const h = createHarness();
    const ref = await submit(h);
    let last: UseJobStatusResult | undefined;
    h.mount(<Status jobRef={{ ...ref }} expose={(r) => (last = r)} />);
    await advance(0);
    expect(['queued', 'running']).toContain(statusText());
    await advance(15_000);
    expect(statusText()).toBe('completed');
    expect(last?.videoUrl).toMatch(/\.mp4$/);
    expect(last?.progress).toBe(1);
    expect(last?.isActive).toBe(false);
    expect(last?.ref).toEqual(ref);
  });

  it('given no ref, it is idle and sends nothing', async () => {
    const h = createHarness();
    let last: UseJobStatusResult | undefined;
    h.mount(<Status jobRef={null} expose={(r) => (last = r)} />);
    await advance(30_000);
    expect(last?.status).toBe('idle');
    expect(last?.isIdle).toBe(true);
    expect(h.sim.requests).toHaveLength(0);
  });

  it('given three components on one job, it sends one status request per poll (the same as one component)', async () => {
    async function run(consumers: number, lateConsumer: boolean) {
      // Jitter on (a seeded random): each poll's delay is drawn once, whoever asks for it.
      let seed = 7;
      const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
      const h = createHarness({ client: { random } });
      const submittedAt = Date.now();
      const ref = await submit(h);
      function Late() {
        const [shown, setShown] = useState(false);
        if (!shown) setTimeout(() => setShown(true), 2500);
        return shown ? <Status jobRef={ref} testId="late" /> : null;
      }
      const view = h.mount(
        <>
          {Array.from({ length: consumers }, (_, index) => (
            <Status key={index} jobRef={ref} testId={`s${index}`} />
          ))}
          {lateConsumer ? <Late /> : null}
        </>,
      );
      await advance(20_000);
      expect(statusText('s0')).toBe('completed');
      view.unmount();
      return statusTimes(h).map((at) => at - submittedAt);
    }
    const one = await run(1, false);
    const three = await run(3, true);
    expect(one.length).toBeGreaterThan(2);
    expect(three).toEqual(one);
    expect(new Set(three).size).toBe(three.length);
  });

  it('given a poll that finds the job unchanged, its consumers do not re-render', async () => {
    const h = createHarness({ sim: { job: { queueMs: 120_000 } } });
    const ref = await submit(h);
    h.mount(
      <>
        <Status jobRef={ref} testId="a" />
        <Status jobRef={ref} testId="b" />
      </>,
    );
    await advance(3000);
    expect(statusText('a')).toBe('queued');
    const rendersBefore = renders;
    const pollsBefore = h.statusRequests();
    await advance(60_000);
    expect(h.statusRequests() - pollsBefore).toBeGreaterThanOrEqual(5);
    expect(renders).toBe(rendersBefore);
  });

  it('given a component that shows elapsedMs, only it re-renders every second', async () => {
    const h = createHarness({ sim: { job: { queueMs: 120_000 } } });
    const ref = await submit(h);
    let clockRenders = 0;
    let lastElapsed = 0;
    function Clock() {
      const { elapsedMs } = useJobStatus(ref);
      clockRenders++;
      useLayoutEffect(() => {
        lastElapsed = elapsedMs;
      });
      return null;
    }
    h.mount(
      <>
        <Status jobRef={ref} />
        <Clock />
      </>,
    );
    await advance(3000);
    const [plain, clock, elapsed] = [renders, clockRenders, lastElapsed];
    await advance(10_000);
    expect(renders).toBe(plain);
    expect(clockRenders - clock).toBeGreaterThanOrEqual(10);
    expect(lastElapsed - elapsed).toBeGreaterThanOrEqual(9000);
  });

  it('given unmount, no request follows and the request in flight is aborted', async () => {
    const h = createHarness();
    const ref = await submit(h);
    h.sim.failNext({ latencyMs: 800, match: /status/ });
    const view = h.mount(<Status jobRef={ref} />);
    await advance(1200); // the first poll (due 1 s after submit) is in flight for 800 ms
    expect(h.statusRequests()).toBe(1); // logged on arrival, answered after the latency
    view.unmount();
    await advance(1000);
    const statuses = h.sim.requests.filter((r) => r.endpoint === 'status');
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.status).toBe(0); // answered nothing: aborted
    const count = h.sim.requests.length;
    await advance(120_000);
    expect(h.sim.requests.length).toBe(count);
  });

  it('given a hidden tab, it keeps polling at the slower background pace', async () => {
    async function pollsIn(hidden: boolean) {
      const h = createHarness({ sim: { job: { queueMs: 600_000 } } });
      const ref = await submit(h);
      h.mount(<Status jobRef={ref} options={{ polling: { eta: false } }} />);
      await advance(30_000); // settle at the 10 s cap
      act(() => focusManager.setFocused(hidden ? false : undefined));
      await advance(1);
      const before = h.statusRequests();
      await advance(120_000);
      act(() => focusManager.setFocused(undefined));
      return h.statusRequests() - before;
    }
    const visible = await pollsIn(false);
    const hidden = await pollsIn(true);
    expect(visible).toBe(12);
    expect(hidden).toBe(4);
  });

  it('given the page becomes visible again, the visible pace resumes at once', async () => {
    const h = createHarness({ sim: { job: { queueMs: 600_000 } } });
    const ref = await submit(h);
    h.mount(<Status jobRef={ref} options={{ polling: { eta: false } }} />);
    await advance(21_000); // just after a poll, at the 10 s cap
    const times = statusTimes(h);
    const last = times.at(-1)!;
    expect(Date.now() - last).toBeLessThan(1000);
    act(() => focusManager.setFocused(false));
    await advance(5000);
    act(() => focusManager.setFocused(true));
    await advance(30_000);
    const after = statusTimes(h).slice(times.length);
    expect(after[0]! - last).toBe(10_000);
  });

  it('given the browser goes offline, polling pauses, and it resumes on reconnect', async () => {
    const h = createHarness();
    const ref = await submit(h);
    h.mount(<Status jobRef={ref} />);
    await advance(1500);
    const before = h.statusRequests();
    act(() => onlineManager.setOnline(false));
    await advance(60_000);
    expect(h.statusRequests()).toBe(before);
    expect(statusText()).not.toBe('completed');
    act(() => onlineManager.setOnline(true));
    await advance(0);
    expect(h.statusRequests()).toBe(before + 1);
    await advance(1000);
    expect(statusText()).toBe('completed');
  });

  it('given timeoutMs, it stops following with a timeout error and keeps the ref', async () => {
    const h = createHarness({ sim: { job: { queueMs: 600_000 } } });
    const ref = await submit(h);
    let last: UseJobStatusResult | undefined;
    h.mount(<Status jobRef={ref} options={{ timeoutMs: 30_000 }} expose={(r) => (last = r)} />);
    await advance(30_000);
    expect(last?.error?.kind).toBe('timeout');
    expect(last?.error?.message).toContain(ref.id);
    expect(last?.isActive).toBe(false);
    expect(last?.ref).toEqual(ref);
    const polls = h.statusRequests();
    await advance(120_000);
    expect(h.statusRequests()).toBe(polls);
  });

  it('given a failing poll, it reports the error and recovers on the next good answer', async () => {
    const h = createHarness({ client: { retry: { retries: 0 } } });
    const ref = await submit(h);
    let last: UseJobStatusResult | undefined;
    h.mount(<Status jobRef={ref} expose={(r) => (last = r)} />);
    await advance(0);
    h.sim.failNext({ status: 500 });
    await advance(1500);
    expect(last?.error?.kind).toBe('http');
    expect(last?.isActive).toBe(true);
    await advance(20_000);
    expect(last?.status).toBe('completed');
    expect(last?.error).toBeUndefined();
  });

  it('given several consecutive HTTP 500s, it keeps polling through them and reaches completed', async () => {
    const h = createHarness({ client: { retry: { retries: 0 } } });
    const ref = await submit(h);
    let last: UseJobStatusResult | undefined;
    const errored: UseJobStatusResult[] = [];
    h.mount(
      <Status
        jobRef={ref}
        expose={(r) => {
          last = r;
          if (r.error) errored.push(r);
        }}
      />,
    );
    await advance(0);
    h.sim.failNext({ status: 500, match: /\/status/ }, 5);
    await advance(90_000);
    // Five polls in a row failed, each reported while the job stayed followed, none ending the polling.
    expect(h.sim.requests.filter((r) => r.endpoint === 'status' && r.status === 500)).toHaveLength(5);
    expect(errored.length).toBeGreaterThan(0);
    for (const r of errored) {
      expect(r.error).toMatchObject({ kind: 'http', status: 500, retryable: true });
      expect(r.isActive).toBe(true);
    }
    expect(last?.status).toBe('completed');
    expect(last?.videoUrl).toMatch(/\.mp4$/);
    expect(last?.error).toBeUndefined();
  });

  it('given an answer whose shape the adapter does not know (schema drift), it stops polling with the typed error', async () => {
    let drift = false;
    let statusPolls = 0;
    const h = createHarness({
      client: {
        fetch: async (input, init) => {
          const url = new URL(input instanceof Request ? input.url : String(input));
          if (!url.pathname.endsWith('/status')) return sim().fetch(input, init);
          statusPolls++;
          if (!drift) return sim().fetch(input, init);
          return new Response(JSON.stringify({ status: 'TELEPORTING' }), {
            headers: { 'content-type': 'application/json' },
          });
        },
      },
    });
    const sim = () => h.sim;
    const ref = await submit(h);
    let last: UseJobStatusResult | undefined;
    h.mount(<Status jobRef={ref} expose={(r) => (last = r)} />);
    await advance(3000);
    expect(statusPolls).toBeGreaterThan(0);
    expect(last?.error).toBeUndefined();
    drift = true;
    await advance(5000);
    expect(last?.error).toMatchObject({ kind: 'invalid_response', provider: 'fal', jobId: ref.id });
    const polls = statusPolls;
    await advance(60_000);
    expect(statusPolls).toBe(polls);
  });

  it('given a job the provider does not know (404), it stops polling', async () => {
    const h = createHarness();
    let last: UseJobStatusResult | undefined;
    h.mount(<Status jobRef={{ provider: 'fal', id: 'no-such-job', model: MODEL }} expose={(r) => (last = r)} />);
    await advance(0);
    expect(last?.error?.kind).toBe('not_found');
    const polls = h.statusRequests();
    await advance(60_000);
    expect(h.statusRequests()).toBe(polls);
  });

  it('given the client dropped the finished job (maxFinishedJobs), it shows it from the query cache, and re-fetches it once the cache let go', async () => {
    const h = createHarness({ client: { maxFinishedJobs: 1 } });
    const ref = await submit(h);
    const requestsFor = (id: string) => h.sim.requests.filter((r) => r.url.includes(id)).length;
    let last: UseJobStatusResult | undefined;
    const view = h.mount(<Status jobRef={ref} expose={(r) => (last = r)} />);
    await advance(15_000);
    expect(last?.status).toBe('completed');
    const videoUrl = last?.videoUrl;
    expect(videoUrl).toMatch(/\.mp4$/);
    // Two more jobs end through the client: it drops the first one.
    for (let i = 0; i < 2; i++) {
      const other = await submit(h);
      const done = h.client.wait(other);
      await advance(15_000);
      await done;
    }
    expect(h.client.getSnapshot(ref)).toBeUndefined();
    const before = requestsFor(ref.id);
    view.rerender(
      h.wrap(
        <>
          <Status jobRef={ref} expose={(r) => (last = r)} />
          <Status jobRef={ref} testId="late" />
        </>,
      ),
    );
    await advance(60_000);
    expect(last?.status).toBe('completed');
    expect(last?.videoUrl).toBe(videoUrl);
    expect(statusText('late')).toBe('completed');
    expect(requestsFor(ref.id)).toBe(before);
    // Unmounted past React Query's garbage collection: mounting again asks the provider once.
    view.unmount();
    await advance(6 * 60_000);
    const statusPolls = () => h.sim.requests.filter((r) => r.url.includes(ref.id) && r.endpoint === 'status').length;
    const polled = statusPolls();
    h.mount(<Status jobRef={ref} expose={(r) => (last = r)} />);
    await advance(2000);
    expect(last?.status).toBe('completed');
    expect(last?.videoUrl).toBe(videoUrl);
    expect(statusPolls()).toBe(polled + 1);
  });

  it('given cancel(), polling stops at once and it ends cancelled', async () => {
    const h = createHarness({ sim: { job: { queueMs: 60_000 } } });
    const ref = await submit(h);
    let last: UseJobStatusResult | undefined;
    h.mount(<Status jobRef={ref} expose={(r) => (last = r)} />);
    await advance(2000);
    let final: JobSnapshot | undefined;
    await act(async () => {
      final = await last!.cancel();
    });
    expect(final?.status).toBe('cancelled');
    expect(last?.status).toBe('cancelled');
    expect(last?.isCancelled).toBe(true);
    expect(h.sim.count({ endpoint: 'cancel' })).toBe(1);
    const polls = h.statusRequests();
    await advance(60_000);
    expect(h.statusRequests()).toBe(polls);
  });

  it('given onUpdate on two components and a remount, each snapshot is reported once', async () => {
    const h = createHarness();
    const ref = await submit(h);
    const onUpdate = vi.fn();
    const view = h.mount(
      <>
        <Status jobRef={ref} testId="a" options={{ onUpdate }} />
        <Status jobRef={ref} testId="b" options={{ onUpdate }} />
      </>,
    );
    await advance(4000);
    view.rerender(h.wrap(<Status jobRef={ref} testId="a" options={{ onUpdate }} />));
    view.unmount();
    h.mount(<Status jobRef={ref} testId="c" options={{ onUpdate }} />);
    await advance(20_000);
    const statuses = onUpdate.mock.calls.map(([job]) => (job as JobSnapshot).status);
    expect(new Set(onUpdate.mock.calls.map(([job]) => job)).size).toBe(onUpdate.mock.calls.length);
    expect(statuses[0]).toBe('queued');
    expect(statuses.at(-1)).toBe('completed');
    expect(statuses.filter((s) => s === 'completed')).toHaveLength(1);
  });
});
