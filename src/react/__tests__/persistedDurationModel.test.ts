// @vitest-environment jsdom
import { createVideoClient } from '../../core/createVideoClient';
import { createDurationModel, type DurationModelState } from '../../core/durationModel';
import { createFakeProvider } from '../../core/__tests__/fakeProvider';
import { createPersistedDurationModel, DEFAULT_DURATIONS_KEY } from '../persistedDurationModel';
import { createJSONStorage } from '../createJSONStorage';
import { memoryJSONStorage, throwingStorage } from './jsonStorage';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

/** A string storage in memory, like `localStorage`. */
function memoryStorage(initial: Record<string, string> = {}) {
  const { data, storage } = memoryJSONStorage(initial);
  return { items: data, storage };
}

function saved(models: Record<string, number[]>): string {
  return JSON.stringify({ version: 1, models } satisfies DurationModelState);
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

async function firstDelays(durationModel: ReturnType<typeof createDurationModel>) {
  const fake = createFakeProvider({ queueMs: 0, runMs: 60_000 });
  const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5, durationModel });
  const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
  await client.getStatus(first.ref);
  await vi.advanceTimersByTimeAsync(1000);
  await client.getStatus(first.ref);
  return client.nextPollDelay(first.ref);
}

describe('createPersistedDurationModel', () => {
  it('restores run times learned in an earlier session, and the next job is scheduled on them', async () => {
    const { storage } = memoryStorage({ [DEFAULT_DURATIONS_KEY]: saved({ 'fake:m': [60_000, 61_000, 59_000] }) });
    const warm = createPersistedDurationModel({ storage });
    expect(warm.estimate('fake:m')).toMatchObject({ count: 3 });
    expect(warm.estimate('fake:m')!.median).toBeCloseTo(59_995, -2);
    const warmDelay = await firstDelays(warm);
    const coldDelay = await firstDelays(createDurationModel());
    // Cold: growing intervals from 1 s. Warm: a minute from its end, the longest sleep the schedule allows.
    expect(coldDelay).toBeLessThan(3000);
    expect(warmDelay).toBe(10_000);
  });

  it('saves when a job completes, so a new session starts where this one stopped', async () => {
    const { items, storage } = memoryStorage();
    const fake = createFakeProvider({ queueMs: 1000, runMs: 20_000 });
    const durationModel = createPersistedDurationModel({ storage });
    const client = createVideoClient({ providers: { fake: fake.adapter }, random: () => 0.5, durationModel });
    const first = await client.submit({ provider: 'fake', model: 'm', input: { prompt: 'x' } });
    const waiting = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(40_000);
    await waiting;
    expect(JSON.parse(items.get(DEFAULT_DURATIONS_KEY)!)).toEqual({ version: 1, models: { 'fake:m': [20_000] } });
    const next = createPersistedDurationModel({ storage });
    expect(next.estimate('fake:m')).toMatchObject({ count: 1 });
  });

  it('saves when the page is hidden', () => {
    const { items, storage } = memoryStorage();
    const model = createPersistedDurationModel({ storage, key: 'durations' });
    model.record('fake:m', 10_000);
    items.clear();
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    visibility.mockRestore();
    expect(JSON.parse(items.get('durations')!)).toEqual({ version: 1, models: { 'fake:m': [10_000] } });
  });

  it('ignores corrupt JSON, a foreign value and a storage that throws, and starts cold', () => {
    const corrupt = memoryStorage({ [DEFAULT_DURATIONS_KEY]: '{"version":1,"models":{' });
    expect(createPersistedDurationModel({ storage: corrupt.storage }).estimate('fake:m')).toBeUndefined();
    for (const value of ['42', '"x"', '[]', '{"version":2,"models":{}}', '{"version":1,"models":[1]}']) {
      const foreign = memoryStorage({ [DEFAULT_DURATIONS_KEY]: value });
      expect(createPersistedDurationModel({ storage: foreign.storage }).estimate('fake:m')).toBeUndefined();
    }
    const throwing = throwingStorage();
    const model = createPersistedDurationModel({ storage: throwing });
    expect(() => model.record('fake:m', 10_000)).not.toThrow();
    expect(model.estimate('fake:m')).toMatchObject({ count: 1 });
  });

  it('keeps an oversized saved value within its bounds, dropping bad samples', () => {
    const models: Record<string, unknown[]> = {};
    for (let index = 0; index < 300; index++) models[`p:m${index}`] = Array.from({ length: 500 }, () => 30_000);
    models['p:m299'] = ['x', -1, null, 30_000];
    const { items, storage } = memoryStorage({ [DEFAULT_DURATIONS_KEY]: JSON.stringify({ version: 1, models }) });
    const model = createPersistedDurationModel({ storage, maxModels: 200, maxSamples: 50 });
    const state = model.toJSON();
    expect(Object.keys(state.models)).toHaveLength(200);
    expect(state.models['p:m0']).toBeUndefined();
    expect(state.models['p:m100']).toHaveLength(50);
    expect(state.models['p:m299']).toEqual([30_000]);
    model.record('p:new', 10_000);
    const stored = JSON.parse(items.get(DEFAULT_DURATIONS_KEY)!) as DurationModelState;
    expect(Object.keys(stored.models)).toHaveLength(200);
  });

  it('uses per-model priors until a model has learned run times', () => {
    const { storage } = memoryStorage({ [DEFAULT_DURATIONS_KEY]: saved({ 'fake:learned': [40_000] }) });
    const priors = { 'fake:new': { median: 90_000, p90: 200_000 }, 'fake:learned': { median: 5000, p90: 9000 } };
    const model = createPersistedDurationModel({ storage, priors });
    expect(model.estimate('fake:new')).toMatchObject({ count: 0 });
    expect(model.estimate('fake:new')!.median).toBeCloseTo(90_000, 6);
    expect(model.estimate('fake:learned')!.median).toBeCloseTo(40_000, 6);
  });

  it('merges an async storage answer under the run times learned meanwhile', async () => {
    const values = new Map([[DEFAULT_DURATIONS_KEY, saved({ 'fake:m': [1000, 2000] })]]);
    const storage = createJSONStorage(() => ({
      getItem: (name: string) => Promise.resolve(values.get(name) ?? null),
      setItem: (name: string, value: string) => void values.set(name, value),
      removeItem: (name: string) => void values.delete(name),
    }))!;
    const model = createPersistedDurationModel({ storage, maxSamples: 2 });
    model.record('fake:m', 3000);
    await Promise.resolve();
    await Promise.resolve();
    expect(model.toJSON().models['fake:m']).toEqual([2000, 3000]);
  });
});
