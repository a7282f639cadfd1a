// @vitest-environment jsdom
import { act, fireEvent, screen } from '@testing-library/react';
import { useEffect, useLayoutEffect } from 'react';
import type { JobSnapshot } from '../../core/jobSnapshot';
import type { UseVideoGenerationOptions, UseVideoGenerationResult } from '../types';
import { useVideoGeneration } from '../useVideoGeneration';
import { advance, createHarness, MODEL } from './harness';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

let api: UseVideoGenerationResult;
function Generator(props: { options?: Partial<UseVideoGenerationOptions>; autostart?: boolean }) {
  const result = useVideoGeneration({ provider: 'fal', model: MODEL, ...props.options });
  useLayoutEffect(() => {
    api = result;
  });
  const { generate } = result;
  useEffect(() => {
    if (props.autostart) generate({ prompt: 'autostart' });
  }, [props.autostart, generate]);
  return (
    <div>
      <button onClick={() => result.generate({ prompt: 'a red fox in snow' })}>generate</button>
      <button onClick={() => void result.cancel()}>cancel</button>
      <output data-testid="status">{result.status}</output>
      <output data-testid="url">{result.videoUrl ?? ''}</output>
      <output data-testid="elapsed">{Math.round(result.elapsedMs / 1000)} s</output>
    </div>
  );
}

const status = () => screen.getByTestId('status').textContent;
const click = (label: string) => fireEvent.click(screen.getByText(label));
function start(input = { prompt: 'a fox' }, options?: Parameters<UseVideoGenerationResult['generateAsync']>[1]) {
  let promise!: Promise<JobSnapshot>;
  act(() => {
    promise = api.generateAsync(input, options);
  });
  promise.catch(() => undefined); // asserted later
  return promise;
}

describe('useVideoGeneration', () => {
  it('given a generate click, it goes submitting -> queued -> running -> completed with the video', async () => {
    const h = createHarness();
    const seen: string[] = [];
    function Watch() {
      const { status } = useVideoGeneration({ provider: 'fal', model: MODEL });
      if (seen.at(-1) !== status) seen.push(status);
      return null;
    }
    h.mount(
      <>
        <Generator />
        <Watch />
      </>,
    );
    expect(status()).toBe('idle');
    click('generate');
    expect(status()).toBe('submitting');
    expect(api.isSubmitting && api.isActive).toBe(true);
    await advance(0);
    expect(status()).toBe('queued');
    expect(api.queuePosition).toBe(0);
    await advance(4000);
    expect(status()).toBe('running');
    await advance(10_000);
    expect(status()).toBe('completed');
    expect(api.isCompleted).toBe(true);
    expect(screen.getByTestId('url').textContent).toMatch(/^https:\/\/sim\.local\/.*\.mp4$/);
    expect(h.submitRequests()).toBe(1);
    const polls = h.statusRequests();
    await advance(60_000);
    expect(h.statusRequests()).toBe(polls);
    expect(seen).toEqual(['idle']); // another hook instance does not see this one's job
  });

  it('given StrictMode, a click and an autostart effect submit once and poll like outside StrictMode', async () => {
    async function run(strict: boolean) {
      const h = createHarness({ strict });
      const view = h.mount(<Generator autostart />);
      await advance(0);
      click('generate');
      await advance(20_000);
      expect(status()).toBe('completed');
      view.unmount();
      return { submits: h.submitRequests(), polls: h.statusRequests() };
    }
    const plain = await run(false);
    const strict = await run(true);
    expect(strict.submits).toBe(1);
    expect(strict).toEqual(plain);
  });

  it('given a job under way, generate does not submit a second one and generateAsync says how to replace it', async () => {
    const h = createHarness({ sim: { faults: { latencyMs: 300 } } });
    h.mount(<Generator />);
    click('generate');
    click('generate'); // a double click while submitting
    await advance(1000);
    expect(status()).toBe('queued');
    click('generate');
    const second = start();
    await expect(second).rejects.toMatchObject({ kind: 'busy' });
    await expect(second).rejects.toThrow(/replace: true/);
    await advance(20_000);
    expect(h.submitRequests()).toBe(1);
    expect(status()).toBe('completed');
  });

  it('given { replace: true }, the first job is cancelled and the second one followed', async () => {
    const h = createHarness();
    h.mount(<Generator />);
    const first = start({ prompt: 'first' });
    await advance(3000);
    const firstId = api.ref!.id;
    const second = start({ prompt: 'second' }, { replace: true });
    await advance(0);
    await expect(first).resolves.toMatchObject({ status: 'cancelled', id: firstId });
    expect(h.sim.count({ endpoint: 'cancel' })).toBe(1);
    expect(h.sim.job(firstId)?.status).toBe('cancelled');
    await advance(20_000);
    const done = await second;
    expect(done.status).toBe('completed');
    expect(done.id).not.toBe(firstId);
    expect(api.ref?.id).toBe(done.id);
    expect(h.submitRequests()).toBe(2);
  });

  it('given { replace: true } while the first submit is in flight, the first job is cancelled when it lands', async () => {
    const h = createHarness({ sim: { faults: { latencyMs: 500 } } });
    h.mount(<Generator />);
    const first = start({ prompt: 'first' });
    const second = start({ prompt: 'second' }, { replace: true });
    await advance(2000);
    const firstDone = await first;
    expect(firstDone.status).toBe('cancelled');
    expect(h.sim.job(firstDone.id)?.status).toBe('cancelled');
    await advance(20_000);
    await expect(second).resolves.toMatchObject({ status: 'completed' });
    expect(api.ref?.id).not.toBe(firstDone.id);
    expect(h.submitRequests()).toBe(2);
  });

  it('given cancel(), local polling stops at once, the provider is asked, and it ends cancelled', async () => {
    const h = createHarness({ sim: { job: { queueMs: 1000, runMs: 60_000 } } });
    const onCancelled = vi.fn();
    h.mount(<Generator options={{ onCancelled }} />);
    click('generate');
    await advance(5000);
    expect(status()).toBe('running');
    const polls = h.statusRequests();
    click('cancel');
    expect(api.isCancelling).toBe(true);
    await advance(0);
    expect(status()).toBe('cancelled');
    expect(api.job?.cancellation?.remote).toBeDefined();
    expect(api.isCancelling).toBe(false);
    expect(h.sim.count({ endpoint: 'cancel' })).toBe(1);
    await advance(60_000);
    expect(h.statusRequests()).toBe(polls);
    expect(onCancelled).toHaveBeenCalledTimes(1);
  });

  it('given cancel() racing the end of the job, it ends completed and keeps the video', async () => {
    const h = createHarness({ sim: { job: { queueMs: 1000, runMs: 60_000 } } });
    const onCompleted = vi.fn();
    h.mount(<Generator options={{ onCompleted }} />);
    click('generate');
    await advance(5000);
    expect(status()).toBe('running');
    h.sim.complete(api.ref!.id); // finished on the provider; no poll has seen it yet
    click('cancel');
    await advance(0);
    expect(status()).toBe('completed');
    expect(api.videoUrl).toMatch(/\.mp4$/);
    expect(onCompleted).toHaveBeenCalledTimes(1);
  });

  it('given cancel() while the submit is in flight, the job is cancelled as soon as it has an id', async () => {
    const h = createHarness({ sim: { faults: { latencyMs: 500 } } });
    h.mount(<Generator />);
    const run = start();
    let final: JobSnapshot | undefined;
    act(() => {
      void api.cancel().then((snapshot) => (final = snapshot));
    });
    expect(api.isCancelling).toBe(true);
    await advance(2000);
    expect(final?.status).toBe('cancelled');
    await expect(run).resolves.toMatchObject({ status: 'cancelled' });
    expect(status()).toBe('cancelled');
    expect(h.sim.jobs()[0]?.status).toBe('cancelled');
  });

  it('given re-renders, a remount and a resume, onCompleted fires exactly once', async () => {
    const h = createHarness();
    const onCompleted = vi.fn();
    const onUpdate = vi.fn();
    const view = h.mount(<Generator options={{ onCompleted, onUpdate }} />);
    click('generate');
    await advance(20_000);
    expect(status()).toBe('completed');
    const ref = api.ref!;
    for (let i = 0; i < 3; i++) view.rerender(h.wrap(<Generator options={{ onCompleted, onUpdate }} />));
    view.unmount();
    h.mount(<Generator options={{ onCompleted, onUpdate }} />);
    act(() => api.resume(ref));
    await advance(1000);
    expect(status()).toBe('completed');
    expect(onCompleted).toHaveBeenCalledTimes(1);
    expect(onCompleted.mock.calls[0]?.[0]).toMatchObject({ status: 'completed', id: ref.id });
    expect(onUpdate.mock.calls.filter(([job]) => (job as JobSnapshot).status === 'completed')).toHaveLength(1);
  });

  it('given a job that fails, onFailed fires once with the provider error and generateAsync resolves', async () => {
    const h = createHarness({ sim: { job: { outcome: 'failed', errorMessage: 'NSFW content detected' } } });
    const onFailed = vi.fn();
    const onCompleted = vi.fn();
    h.mount(<Generator options={{ onFailed, onCompleted }} />);
    const run = start();
    await advance(20_000);
    await expect(run).resolves.toMatchObject({ status: 'failed' });
    expect(status()).toBe('failed');
    expect(api.error?.kind).toBe('provider_failed');
    expect(api.error?.message).toContain('NSFW');
    expect(onFailed).toHaveBeenCalledTimes(1);
    expect(onFailed.mock.calls[0]?.[1]).toBe(api.error);
    expect(onCompleted).not.toHaveBeenCalled();
  });

  it('given a refused submit, it ends failed with a typed error and generateAsync rejects', async () => {
    const h = createHarness({ sim: { apiKeys: { fal: 'secret' } } });
    h.mount(<Generator />);
    const run = start();
    await advance(0);
    await expect(run).rejects.toMatchObject({ kind: 'auth', provider: 'fal' });
    expect(status()).toBe('failed');
    expect(api.error?.kind).toBe('auth');
    expect(api.ref).toBeUndefined();
    click('generate'); // not busy: a new attempt is allowed
    await advance(0);
    expect(h.submitRequests()).toBe(2);
  });

  it('given an active job, elapsedMs ticks every second and freezes at the end', async () => {
    const h = createHarness();
    h.mount(<Generator />);
    click('generate');
    await advance(0);
    await advance(3000);
    expect(api.elapsedMs).toBeGreaterThanOrEqual(2900);
    expect(api.elapsedMs).toBeLessThanOrEqual(3100);
    await advance(1000);
    expect(api.elapsedMs).toBeGreaterThanOrEqual(3900);
    await advance(20_000);
    expect(status()).toBe('completed');
    const final = api.elapsedMs;
    expect(final).toBeGreaterThan(9000);
    await advance(5000);
    expect(api.elapsedMs).toBe(final);
  });

  it('given reset(), it is idle again; given resume(ref), it follows that job', async () => {
    const h = createHarness();
    h.mount(<Generator />);
    click('generate');
    await advance(2000);
    const ref = api.ref!;
    act(() => api.reset());
    expect(status()).toBe('idle');
    expect(api.ref).toBeUndefined();
    act(() => api.resume(ref));
    expect(api.ref).toEqual(ref);
    await advance(20_000);
    expect(status()).toBe('completed');
    expect(h.submitRequests()).toBe(1);
  });

  it('given timeoutMs, generateAsync rejects with a timeout, the ref is kept, and a new generate is allowed', async () => {
    const h = createHarness({ sim: { job: { queueMs: 600_000 } } });
    h.mount(<Generator options={{ timeoutMs: 20_000 }} />);
    const run = start();
    await advance(21_000);
    await expect(run).rejects.toMatchObject({ kind: 'timeout' });
    expect(api.error?.kind).toBe('timeout');
    expect(api.ref).toBeDefined();
    expect(api.isActive).toBe(false);
    click('generate');
    await advance(0);
    expect(h.submitRequests()).toBe(2);
  });

  it('given unmount with generateAsync pending, the promise rejects and nothing polls afterwards', async () => {
    const h = createHarness();
    const view = h.mount(<Generator />);
    const run = start();
    await advance(2000);
    view.unmount();
    await advance(0);
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    const count = h.sim.requests.length;
    await advance(60_000);
    expect(h.sim.requests.length).toBe(count);
  });
});
