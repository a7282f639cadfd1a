// @vitest-environment jsdom
import { act, screen } from '@testing-library/react';
import { useLayoutEffect } from 'react';
import { createJSONStorage } from '../createJSONStorage';
import type { JobStorage, PersistedJob, UseVideoGenerationOptions, UseVideoGenerationResult } from '../types';
import { useVideoGeneration } from '../useVideoGeneration';
import { advance, createHarness, memoryStorage, MODEL, type Harness } from './harness';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const KEY = `react-video-jobs:fal:${MODEL}`;

let api: UseVideoGenerationResult;
function Generator(props: { options?: Partial<UseVideoGenerationOptions> }) {
  const result = useVideoGeneration({ provider: 'fal', model: MODEL, persist: true, ...props.options });
  useLayoutEffect(() => {
    api = result;
  });
  return <output data-testid="status">{result.status}</output>;
}
const status = () => screen.getByTestId('status').textContent;

function start() {
  act(() => api.generate({ prompt: 'a fox' }));
}

/** A page load: a fresh client and query cache on the same provider (simulator) and the same storage. */
function reload(previous: Harness, storage: JobStorage | undefined, unmount: () => void): Harness {
  unmount();
  return createHarness({ reuseSim: previous.sim, storage });
}

describe('persist', () => {
  it('given a reload mid-job, the remounted tree resumes the job and it completes', async () => {
    const local = memoryStorage();
    const storage = createJSONStorage(() => local);
    const page1 = createHarness({ storage });
    const view = page1.mount(<Generator />);
    start();
    await advance(3000);
    expect(status()).toBe('running');
    const ref = api.ref!;
    expect(JSON.parse(local.getItem(KEY)!)).toMatchObject({ version: 1, ref, status: 'running' });

    const onCompleted = vi.fn();
    const page2 = reload(page1, storage, view.unmount);
    page2.mount(<Generator options={{ onCompleted }} />);
    expect(api.ref).toEqual(ref); // restored before the first paint: no flash of idle
    expect(status()).toBe('running'); // the stored status, until this page's first answer
    await advance(0);
    expect(status()).toBe('running');
    await advance(15_000);
    expect(status()).toBe('completed');
    expect(api.videoUrl).toMatch(/\.mp4$/);
    expect(onCompleted).toHaveBeenCalledTimes(1);
    expect(page2.submitRequests()).toBe(1); // the one from before the reload
    const record = JSON.parse(local.getItem(KEY)!) as PersistedJob;
    expect(record.status).toBe('completed');
    expect(record.video?.url).toBe(api.videoUrl);
    expect(record.finishedAt).toBeTypeOf('number');
  });

  it('given a finished job, a reload shows its result without a request and without firing onCompleted again', async () => {
    const local = memoryStorage();
    const storage = createJSONStorage(() => local);
    const onCompleted = vi.fn();
    const page1 = createHarness({ storage });
    const view = page1.mount(<Generator options={{ onCompleted }} />);
    start();
    await advance(20_000);
    expect(status()).toBe('completed');
    const url = api.videoUrl;
    const requests = page1.sim.requests.length;

    const page2 = reload(page1, storage, view.unmount);
    page2.mount(<Generator options={{ onCompleted }} />);
    await advance(5000);
    expect(status()).toBe('completed');
    expect(api.videoUrl).toBe(url);
    expect(page2.sim.requests.length).toBe(requests);
    expect(onCompleted).toHaveBeenCalledTimes(1);
  });

  it('given a stored video URL that has expired, a reload asks the provider again (without a second onCompleted)', async () => {
    const local = memoryStorage();
    const storage = createJSONStorage(() => local);
    const onCompleted = vi.fn();
    const page1 = createHarness({ storage });
    const view = page1.mount(<Generator options={{ onCompleted }} />);
    start();
    await advance(20_000);
    expect(status()).toBe('completed');
    const record = JSON.parse(local.getItem(KEY)!) as PersistedJob;
    local.setItem(KEY, JSON.stringify({ ...record, video: { ...record.video, expiresAt: Date.now() - 1 } }));
    const statusBefore = page1.statusRequests();

    const page2 = reload(page1, storage, view.unmount);
    page2.mount(<Generator options={{ onCompleted }} />);
    await advance(1000);
    expect(status()).toBe('completed');
    expect(page2.statusRequests()).toBe(statusBefore + 1);
    expect(api.video?.expiresAt).toBeUndefined();
    expect(onCompleted).toHaveBeenCalledTimes(1);
  });

  it('given keepFinishedMs has passed, the finished job is dropped', async () => {
    const local = memoryStorage();
    const storage = createJSONStorage(() => local);
    const options = { persist: { keepFinishedMs: 60_000 } };
    const page1 = createHarness({ storage });
    const view = page1.mount(<Generator options={options} />);
    start();
    await advance(20_000);
    expect(status()).toBe('completed');
    view.unmount();
    await advance(61_000);
    const page2 = reload(page1, storage, () => undefined);
    page2.mount(<Generator options={options} />);
    await advance(0);
    expect(status()).toBe('idle');
    expect(local.getItem(KEY)).toBeNull();
  });

  it('given a custom key and an async storage, it restores from it', async () => {
    const local = memoryStorage();
    const asyncStorage = createJSONStorage(() => ({
      getItem: async (name: string) => local.getItem(name),
      setItem: async (name: string, value: string) => local.setItem(name, value),
      removeItem: async (name: string) => local.removeItem(name),
    }));
    const options = { persist: { key: 'my-render', storage: asyncStorage } };
    const page1 = createHarness();
    const view = page1.mount(<Generator options={options} />);
    start();
    await advance(1000);
    const ref = api.ref!;
    expect(local.getItem('my-render')).toContain(ref.id);
    const page2 = reload(page1, undefined, view.unmount);
    page2.mount(<Generator options={options} />);
    await advance(0);
    expect(api.ref).toEqual(ref);
    await advance(20_000);
    expect(status()).toBe('completed');
  });

  it('given storage that throws on every call, the job still runs and nothing crashes', async () => {
    const broken: Storage = {
      length: 0,
      clear: () => undefined,
      key: () => null,
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    const h = createHarness({ storage: createJSONStorage(() => broken) });
    h.mount(<Generator />);
    start();
    await advance(20_000);
    expect(status()).toBe('completed');
  });

  it('given a hand-written storage that throws, or a corrupt stored value, it carries on', async () => {
    const throwing: JobStorage = {
      getItem: () => {
        throw new Error('boom');
      },
      setItem: () => {
        throw new Error('boom');
      },
      removeItem: () => {
        throw new Error('boom');
      },
    };
    const h = createHarness({ storage: throwing });
    const view = h.mount(<Generator />);
    start();
    await advance(20_000);
    expect(status()).toBe('completed');
    view.unmount();

    const local = memoryStorage();
    local.setItem(KEY, '{"version":1,"ref":{"provider":"fal"'); // cut short
    const h2 = createHarness({ storage: createJSONStorage(() => local) });
    h2.mount(<Generator />);
    await advance(0);
    expect(status()).toBe('idle');
  });

  it('given reset(), the stored record is removed', async () => {
    const local = memoryStorage();
    const h = createHarness({ storage: createJSONStorage(() => local) });
    h.mount(<Generator />);
    start();
    await advance(1000);
    expect(local.getItem(KEY)).not.toBeNull();
    act(() => api.reset());
    expect(local.getItem(KEY)).toBeNull();
  });
});

describe('createJSONStorage', () => {
  it('returns undefined where the storage cannot be reached', () => {
    expect(
      createJSONStorage(() => {
        throw new ReferenceError('localStorage is not defined');
      }),
    ).toBeUndefined();
  });

  it('reads back what it wrote, and null for a missing or corrupt value', () => {
    const local = memoryStorage();
    const storage = createJSONStorage(() => local)!;
    const record: PersistedJob = {
      version: 1,
      ref: { provider: 'fal', id: 'a', model: MODEL },
      status: 'queued',
      savedAt: 1,
    };
    storage.setItem('k', record);
    expect(storage.getItem('k')).toEqual(record);
    expect(storage.getItem('missing')).toBeNull();
    local.setItem('bad', '{nope');
    expect(storage.getItem('bad')).toBeNull();
  });
});
