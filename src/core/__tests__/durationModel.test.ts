import { createDurationModel } from '../durationModel';
import { createSnapshot } from '../jobSnapshot';
import { createPollHistory, recordFailure, recordObservation, runTimeOf } from '../pollHistory';

describe('createDurationModel', () => {
  it('knows nothing of a model before its first finished job', () => {
    expect(createDurationModel().estimate('fal:veo3')).toBeUndefined();
  });

  it('fits a log-normal: the median is the geometric mean, the spread widens with the data', () => {
    const model = createDurationModel();
    for (const ms of [40_000, 90_000, 60_000]) model.record('fal:veo3', ms);
    const estimate = model.estimate('fal:veo3')!;
    expect(estimate.count).toBe(3);
    expect(estimate.median).toBeCloseTo(60_000, 0);
    expect(estimate.p10).toBeLessThan(40_000);
    expect(estimate.p90).toBeGreaterThan(90_000);
    const tight = createDurationModel();
    for (let i = 0; i < 30; i++) tight.record('m', 60_000 + (i % 3) * 100);
    expect(tight.estimate('m')!.sigma).toBeLessThan(estimate.sigma);
  });

  it('does not trust one sample: the spread starts at the prior', () => {
    const model = createDurationModel(undefined, { priorSigma: 0.5 });
    model.record('m', 30_000);
    expect(model.estimate('m')!.sigma).toBeCloseTo(0.5, 5);
  });

  it('keeps the latest samples only, and ignores nonsense', () => {
    const model = createDurationModel(undefined, { maxSamples: 3 });
    for (const ms of [1000, 2000, 3000, 4000, -5, Number.NaN, 0]) model.record('m', ms);
    expect(model.toJSON()).toEqual({ version: 1, models: { m: [2000, 3000, 4000] } });
  });

  it('evicts the least recently recorded model beyond maxModels', () => {
    const model = createDurationModel(undefined, { maxModels: 2 });
    model.record('a', 1000);
    model.record('b', 1000);
    model.record('a', 1000);
    model.record('c', 1000);
    expect(Object.keys(model.toJSON().models).sort()).toEqual(['a', 'c']);
  });

  it('round-trips through JSON, skipping invalid saved data', () => {
    const model = createDurationModel();
    model.record('fal:veo3', 75_000);
    const saved = JSON.parse(JSON.stringify(model.toJSON()));
    const warm = createDurationModel(saved);
    expect(warm.estimate('fal:veo3')).toEqual(model.estimate('fal:veo3'));
    const junk = createDurationModel({ version: 1, models: { x: ['a', -1] as unknown as number[], y: [5] } });
    expect(junk.toJSON()).toEqual({ version: 1, models: { y: [5] } });
    model.clear();
    expect(model.estimate('fal:veo3')).toBeUndefined();
  });

  it('answers with the prior for a cold model when one is configured', () => {
    const model = createDurationModel(undefined, { prior: { median: 95_000, p90: 300_000 } });
    const cold = model.estimate('any')!;
    expect(cold.count).toBe(0);
    expect(cold.median).toBeCloseTo(95_000, 0);
    expect(cold.p90).toBeCloseTo(300_000, 0);
    expect(() => createDurationModel(undefined, { prior: { median: 90_000, p90: 30_000 } })).toThrow(
      expect.objectContaining({ kind: 'invalid_input', field: 'prior' }),
    );
  });
});

describe('poll history', () => {
  const ref = { provider: 'p', id: 'j', model: 'm' };
  const T0 = 1_000_000;

  it('estimates the start of the run between the polls that saw it queued and running', () => {
    let history = createPollHistory(T0);
    history = recordObservation(history, createSnapshot({ ref, status: 'queued' }, T0), T0, { poll: false });
    history = recordObservation(history, createSnapshot({ ref, status: 'queued' }, T0 + 1000), T0 + 1000, {
      poll: true,
    });
    history = recordObservation(
      history,
      createSnapshot({ ref, status: 'running', progress: 0.1 }, T0 + 3000),
      T0 + 3000,
      { poll: true },
    );
    expect(history.runningSince).toBe(T0 + 2000);
    expect(history.polls).toBe(2);
    expect(history.progress).toEqual([{ at: T0 + 3000, value: 0.1 }]);
    const done = createSnapshot({ ref, status: 'completed' }, T0 + 13_000);
    expect(runTimeOf(history, done, T0 + 13_000)).toBe(6000);
  });

  it("trusts the provider's start only inside the window our polls allow (clock skew)", () => {
    let history = recordObservation(createPollHistory(T0), createSnapshot({ ref, status: 'queued' }, T0), T0, {
      poll: false,
    });
    history = recordObservation(
      history,
      createSnapshot({ ref, status: 'running', startedAt: T0 + 500 }, T0 + 1000),
      T0 + 1000,
      { poll: true },
    );
    expect(history.runningSince).toBe(T0 + 500);
    let skewed = recordObservation(createPollHistory(T0), createSnapshot({ ref, status: 'queued' }, T0), T0, {
      poll: false,
    });
    skewed = recordObservation(
      skewed,
      createSnapshot({ ref, status: 'running', startedAt: T0 + 60_000 }, T0 + 1000),
      T0 + 1000,
      { poll: true },
    );
    expect(skewed.runningSince).toBe(T0 + 500);
  });

  it('does not guess the start of a resumed job already running, unless the provider says', () => {
    const blind = recordObservation(
      createPollHistory(T0, { resumed: true }),
      createSnapshot({ ref, status: 'running' }, T0),
      T0,
      { poll: true },
    );
    expect(blind.runningSince).toBeUndefined();
    const told = recordObservation(
      createPollHistory(T0, { resumed: true }),
      createSnapshot({ ref, status: 'running', startedAt: T0 - 50_000 }, T0),
      T0,
      { poll: true },
    );
    expect(told.runningSince).toBe(T0 - 50_000);
  });

  it('keeps the first progress sample and the latest few', () => {
    let history = recordObservation(createPollHistory(T0), createSnapshot({ ref, status: 'running' }, T0), T0, {
      poll: false,
    });
    for (let i = 1; i <= 10; i++) {
      history = recordObservation(
        history,
        createSnapshot({ ref, status: 'running', progress: i / 20 }, T0 + i * 1000),
        T0 + i * 1000,
        { poll: true },
      );
    }
    expect(history.progress!.map((s) => s.value)).toEqual([0.05, 0.3, 0.35, 0.4, 0.45, 0.5]);
  });

  it('turns Retry-After into notBefore and clears it after the next answer', () => {
    let history = recordFailure(createPollHistory(T0), T0 + 1000, 7000);
    expect(history).toMatchObject({ polls: 1, errors: 1, notBefore: T0 + 8000 });
    history = recordObservation(history, createSnapshot({ ref, status: 'queued' }, T0 + 8000), T0 + 8000, {
      poll: true,
    });
    expect(history.errors).toBeUndefined();
    expect(history.notBefore).toBeUndefined();
  });
});

describe('duration priors and saved state', () => {
  it('uses a per-model prior before the first finished job, then what it learned', () => {
    const model = createDurationModel(undefined, {
      prior: { median: 60_000, p90: 120_000 },
      priors: { 'fal:slow': { median: 200_000, p90: 400_000 } },
    });
    expect(model.estimate('fal:slow')).toMatchObject({ count: 0 });
    expect(model.estimate('fal:slow')!.median).toBeCloseTo(200_000, -1);
    expect(model.estimate('fal:other')!.median).toBeCloseTo(60_000, -1);
    model.record('fal:slow', 90_000);
    expect(model.estimate('fal:slow')).toMatchObject({ count: 1 });
    expect(model.estimate('fal:slow')!.median).toBeCloseTo(90_000, -1);
  });

  it('refuses a prior that is not a distribution, naming it', () => {
    expect(() => createDurationModel(undefined, { priors: { 'fal:x': { median: 10_000, p90: 5000 } } })).toThrow(
      /median < p90/,
    );
  });

  it('round-trips through JSON, bounded by maxSamples and maxModels', () => {
    const model = createDurationModel(undefined, { maxSamples: 3, maxModels: 2 });
    for (let i = 1; i <= 5; i++) model.record('a', i * 1000);
    model.record('b', 7000);
    model.record('c', 8000);
    const saved = JSON.parse(JSON.stringify(model.toJSON())) as ReturnType<typeof model.toJSON>;
    expect(saved).toEqual({ version: 1, models: { b: [7000], c: [8000] } });
    const warm = createDurationModel(saved);
    expect(warm.estimate('c')).toEqual(model.estimate('c'));
    expect(
      createDurationModel({ version: 1, models: { a: [1000, 2000, 3000, 4000] } }, { maxSamples: 2 }).toJSON(),
    ).toEqual({
      version: 1,
      models: { a: [3000, 4000] },
    });
  });
});
