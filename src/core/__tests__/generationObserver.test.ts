import { fal } from '../../providers/fal';
import { createSimulator } from '../../testing';
import { createVideoClient } from '../createVideoClient';
import { GenerationObserver } from '../generationObserver';
import { JobObserver } from '../jobObserver';
import type { VideoClientOptions } from '../videoClient';

vi.mock('react', () => ({}));

const MODEL = 'fal-ai/veo3';

function setup(options: Partial<VideoClientOptions> = {}) {
  const sim = createSimulator();
  const client = createVideoClient({
    providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
    fetch: sim.fetch,
    random: () => 0.5,
    ...options,
  });
  return { sim, client };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('GenerationObserver', () => {
  it('given generate, it reports submitting, then the job, and resolves with the completed snapshot', async () => {
    const { client } = setup();
    const observer = new GenerationObserver(client, { provider: 'fal', model: MODEL });
    const statuses: string[] = [];
    observer.subscribe((state) => statuses.push(state.status));
    expect(observer.getSnapshot().status).toBe('idle');
    const done = observer.generate({ prompt: 'a fox' });
    expect(observer.getSnapshot().status).toBe('submitting');
    await vi.advanceTimersByTimeAsync(30_000);
    const final = await done;
    expect(final.status).toBe('completed');
    expect(observer.getSnapshot()).toMatchObject({ status: 'completed', isActive: false, isCompleted: true });
    expect(observer.getSnapshot().videoUrl).toMatch(/\.mp4$/);
    expect(statuses[0]).toBe('submitting');
    expect(statuses.at(-1)).toBe('completed');
  });

  it('given an unchanged state, getSnapshot returns the same object', async () => {
    const { client } = setup();
    const observer = new GenerationObserver(client, { provider: 'fal', model: MODEL });
    const unsubscribe = observer.subscribe(() => undefined);
    expect(observer.getSnapshot()).toBe(observer.getSnapshot());
    unsubscribe();
  });

  it('given a second generate while one is active, it refuses it unless replace', async () => {
    const { client, sim } = setup();
    const observer = new GenerationObserver(client, { provider: 'fal', model: MODEL });
    observer.subscribe(() => undefined);
    void observer.generate({ prompt: 'one' }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(500);
    await expect(observer.generate({ prompt: 'two' })).rejects.toMatchObject({ kind: 'busy' });
    expect(sim.count({ endpoint: 'submit' })).toBe(1);
  });

  it('given cancel during the submit, it cancels the job as soon as it has an id', async () => {
    const { client, sim } = setup();
    const observer = new GenerationObserver(client, { provider: 'fal', model: MODEL });
    observer.subscribe(() => undefined);
    const done = observer.generate({ prompt: 'a fox' });
    const cancelled = observer.cancel();
    await vi.advanceTimersByTimeAsync(5000);
    expect((await cancelled)?.status).toBe('cancelled');
    expect((await done).status).toBe('cancelled');
    expect(sim.count({ endpoint: 'cancel' })).toBe(1);
  });

  it('given resume and reset, it follows an existing job and goes back to idle', async () => {
    const { client } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    const observer = new GenerationObserver(client, { provider: 'fal', model: MODEL });
    const onCompleted = vi.fn();
    observer.setOptions({ provider: 'fal', model: MODEL, onCompleted });
    observer.subscribe(() => undefined);
    observer.resume(first.ref);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(observer.getSnapshot().status).toBe('completed');
    expect(onCompleted).toHaveBeenCalledTimes(1);
    observer.reset();
    expect(observer.getSnapshot()).toMatchObject({ status: 'idle', ref: undefined });
  });
});

describe('JobObserver', () => {
  it('given a ref and a subscriber, it follows the job to completed, and stops when the last one leaves', async () => {
    const { client, sim } = setup();
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    const observer = new JobObserver(client, { ref: first.ref });
    expect(sim.count({ endpoint: 'status' })).toBe(0);
    const unsubscribe = observer.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(observer.getSnapshot()).toMatchObject({ status: 'completed', isActive: false });
    unsubscribe();
    const polls = sim.count({ endpoint: 'status' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sim.count({ endpoint: 'status' })).toBe(polls);
  });

  it("given the client's timeoutMs, it stops following with a timeout error", async () => {
    const sim = createSimulator({ job: { queueMs: 600_000 } });
    const client = createVideoClient({
      providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
      fetch: sim.fetch,
      timeoutMs: 5000,
    });
    const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
    const observer = new JobObserver(client, { ref: first.ref });
    observer.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(observer.getSnapshot().isActive).toBe(false);
    expect(observer.getSnapshot().error?.kind).toBe('timeout');
  });

  it('given no ref, it is idle and sends nothing', async () => {
    const { client, sim } = setup();
    const observer = new JobObserver(client, {});
    observer.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(observer.getSnapshot()).toMatchObject({ status: 'idle', isIdle: true });
    expect(sim.requests).toHaveLength(0);
  });
});
