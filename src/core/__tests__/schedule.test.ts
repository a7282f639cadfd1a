import fc from 'fast-check';
import { createSnapshot } from '../jobSnapshot';
import { createPollHistory, recordObservation } from '../pollHistory';
import {
  DEFAULT_POLLING_OPTIONS,
  nextPollDelay,
  resolvePollingOptions,
  type PollHistory,
  type PollingOptions,
  type ScheduleState,
} from '../schedule';
import { VideoJobError } from '../videoJobError';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

const optionsArb: fc.Arbitrary<PollingOptions> = fc.record(
  {
    initialDelayMs: fc.integer({ min: 0, max: 5000 }),
    multiplier: fc.double({ min: 1, max: 3, noNaN: true }),
    maxDelayMs: fc.integer({ min: 1, max: 60_000 }),
    blindMaxDelayMs: fc.integer({ min: 1, max: 60_000 }),
    jitter: fc.double({ min: 0, max: 0.5, noNaN: true }),
    minDelayMs: fc.integer({ min: 0, max: 20_000 }),
    hiddenMultiplier: fc.double({ min: 1, max: 10, noNaN: true }),
    eta: fc.boolean(),
    expectedDurationMs: fc.integer({ min: 1000, max: 600_000 }),
    etaMinDelayMs: fc.integer({ min: 1, max: 5000 }),
    pollBudget: fc.double({ min: 1, max: 200, noNaN: true }),
  },
  { requiredKeys: [] },
);

/** Any history a job can have while it is still going. */
const stateArb: fc.Arbitrary<ScheduleState> = fc
  .record({
    elapsed: fc.integer({ min: 0, max: 3_600_000 }),
    polls: fc.integer({ min: 0, max: 60 }),
    errors: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    status: fc.constantFrom('queued' as const, 'running' as const),
    runningFor: fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: undefined }),
    progress: fc.option(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 120_000 }), fc.double({ min: 0, max: 0.2, noNaN: true })), {
        minLength: 1,
        maxLength: 6,
      }),
      { nil: undefined },
    ),
    runTime: fc.option(
      fc.record({
        mu: fc.double({ min: Math.log(1000), max: Math.log(3_600_000), noNaN: true }),
        sigma: fc.double({ min: 0.05, max: 2, noNaN: true }),
      }),
      { nil: undefined },
    ),
    providerMinDelayMs: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
  })
  .map((r) => {
    const now = T0 + r.elapsed;
    const state: ScheduleState = { since: T0, now, polls: r.polls, status: r.status, lastPollAt: now };
    if (r.errors !== undefined) state.errors = r.errors;
    if (r.runningFor !== undefined) state.runningSince = now - r.runningFor;
    if (r.runTime) state.runTime = r.runTime;
    if (r.providerMinDelayMs !== undefined) state.providerMinDelayMs = r.providerMinDelayMs;
    if (r.progress) {
      // Samples going back in time from now, progress rising to at most 1.
      let at = now;
      let value = Math.min(
        0.99,
        r.progress.reduce((sum, [, gain]) => sum + gain, 0),
      );
      const samples = [];
      for (const [gap, gain] of r.progress) {
        samples.unshift({ at, value });
        at -= gap;
        value = Math.max(0, value - gain);
      }
      state.progress = samples;
    }
    return state;
  });

const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

function floorOf(state: ScheduleState, options: PollingOptions): number {
  return Math.max(options.minDelayMs ?? 0, state.providerMinDelayMs ?? 0);
}
function capOf(state: ScheduleState, options: PollingOptions): number {
  const resolved = resolvePollingOptions(options);
  // A small pollBudget may stretch intervals away from a predicted end, up to 3 x maxDelayMs.
  const predicted = resolved.eta && (state.runTime !== undefined || resolved.expectedDurationMs !== undefined);
  const longest = resolved.maxDelayMs * (predicted ? 3 : 1);
  return Math.max(longest * (state.hidden ? resolved.hiddenMultiplier : 1), floorOf(state, options));
}

describe('nextPollDelay properties', () => {
  it('never polls below the floor (the larger of minDelayMs and the provider floor)', () => {
    fc.assert(
      fc.property(stateArb, optionsArb, randomArb, fc.boolean(), (state, options, random, hidden) => {
        const delay = nextPollDelay({ ...state, hidden }, options, () => random);
        expect(delay).toBeGreaterThanOrEqual(floorOf(state, options));
      }),
      { numRuns: 2000 },
    );
  });

  it('never waits longer than the cap (a floor above the cap wins; hidden pages scale it)', () => {
    fc.assert(
      fc.property(stateArb, optionsArb, randomArb, fc.boolean(), (state, options, random, hidden) => {
        const delay = nextPollDelay({ ...state, hidden }, options, () => random);
        expect(delay).toBeLessThanOrEqual(Math.ceil(capOf({ ...state, hidden }, options)));
      }),
      { numRuns: 2000 },
    );
  });

  it('obeys Retry-After exactly, even beyond the cap', () => {
    fc.assert(
      fc.property(
        stateArb,
        optionsArb,
        randomArb,
        fc.integer({ min: 1, max: 600_000 }),
        (state, options, random, wait) => {
          const delay = nextPollDelay({ ...state, notBefore: state.now + wait }, options, () => random);
          expect(delay).toBeGreaterThanOrEqual(wait);
          if (wait >= capOf(state, options)) expect(delay).toBe(wait);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps the jitter within +/- jitter of the un-jittered delay', () => {
    fc.assert(
      fc.property(stateArb, optionsArb, randomArb, (state, raw, random) => {
        const options = { ...raw, minDelayMs: 0 };
        const plain = { ...state, providerMinDelayMs: undefined };
        const jitter = resolvePollingOptions(options).jitter;
        const middle = nextPollDelay(plain, options, () => 0.5);
        const delay = nextPollDelay(plain, options, () => random);
        expect(delay).toBeGreaterThanOrEqual((1 - jitter) * middle - 1);
        expect(delay).toBeLessThanOrEqual((1 + jitter) * middle + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('is pure: same inputs, same delay, and the state is not touched', () => {
    fc.assert(
      fc.property(stateArb, optionsArb, randomArb, (state, options, random) => {
        const frozen = structuredClone(state);
        const first = nextPollDelay(state, options, () => random);
        expect(nextPollDelay(state, options, () => random)).toBe(first);
        expect(state).toEqual(frozen);
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      { numRuns: 500 },
    );
  });
});

describe('nextPollDelay defaults', () => {
  const base = (polls: number, extra: Partial<ScheduleState> = {}): ScheduleState => ({
    since: T0,
    now: T0,
    polls,
    status: 'queued',
    ...extra,
  });

  it('polls first after 1 s, then 1.5x longer each time, capped at 10 s', () => {
    const delays = Array.from({ length: 9 }, (_, polls) => nextPollDelay(base(polls), {}, () => 0.5));
    expect(delays).toEqual([1000, 1500, 2250, 3375, 5063, 7594, 10_000, 10_000, 10_000]);
  });

  it('spreads each interval by +/-20 %', () => {
    expect(nextPollDelay(base(2), {}, () => 0)).toBe(1800);
    expect(nextPollDelay(base(2), {}, () => 0.99999)).toBe(2700);
  });

  it('slows down 3x while the page is hidden', () => {
    expect(nextPollDelay(base(1, { hidden: true }), {}, () => 0.5)).toBe(4500);
    expect(nextPollDelay(base(20, { hidden: true }), {}, () => 0.5)).toBe(30_000);
  });

  it('respects a provider floor above the growing interval', () => {
    expect(nextPollDelay(base(0, { providerMinDelayMs: 3000 }), {}, () => 0.5)).toBe(3000);
    expect(nextPollDelay(base(0, { providerMinDelayMs: 3000 }), { minDelayMs: 4000 }, () => 0.5)).toBe(4000);
  });

  it('returns Infinity once the job is terminal', () => {
    for (const status of ['completed', 'failed', 'cancelled'] as const) {
      expect(nextPollDelay(base(3, { status }))).toBe(Number.POSITIVE_INFINITY);
    }
  });
});

/**
 * Runs the schedule against a job that starts at `queueMs` and ends at `queueMs + runMs`, the way the
 * client does (history updated by `recordObservation`), and reports every poll time.
 */
function simulate(options: {
  queueMs: number;
  runMs: number;
  progress: boolean;
  polling?: PollingOptions;
  runTime?: PollHistory['runTime'];
  seed?: number;
}) {
  const ref = { provider: 'p', id: 'j', model: 'm' };
  const end = T0 + options.queueMs + options.runMs;
  const observe = (at: number) => {
    if (at < T0 + options.queueMs) return createSnapshot({ ref, status: 'queued' }, at);
    if (at < end) {
      const progress = options.progress ? (at - T0 - options.queueMs) / options.runMs : undefined;
      return createSnapshot({ ref, status: 'running', progress }, at);
    }
    return createSnapshot({ ref, status: 'completed' }, at);
  };
  let seed = options.seed ?? 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  let history = recordObservation(createPollHistory(T0), observe(T0), T0, { poll: false });
  if (options.runTime) history.runTime = options.runTime;
  const polls: number[] = [];
  let at = T0;
  while (at < end) {
    at += nextPollDelay({ ...history, now: at }, options.polling, random);
    polls.push(at);
    history = recordObservation(history, observe(at), at, { poll: true });
  }
  return { polls, end, notice: at - end };
}

describe('nextPollDelay ETA mode', () => {
  it('with progress, sleeps at the cap and lands densely right at the end', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20_000, max: 600_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 1e6 }),
        (runMs, queueMs, seed) => {
          const { polls, end, notice } = simulate({ queueMs, runMs, progress: true, seed });
          const plain = simulate({ queueMs, runMs, progress: true, seed, polling: { eta: false } });
          expect(notice).toBeLessThanOrEqual(1500);
          // At most one poll per 8 s (the cap less jitter) away from the end, plus the first few and the landing.
          expect(polls.length).toBeLessThanOrEqual(Math.ceil((queueMs + runMs) / 8000) + 6);
          expect(polls.filter((t) => t > end - 5000).length).toBeGreaterThanOrEqual(1);
          expect(plain.notice).toBeLessThanOrEqual(12_000);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with an expected duration and no progress, notices the end sooner than growing intervals for as many polls', () => {
    const eta = { notice: [] as number[], polls: [] as number[] };
    const plain = { notice: [] as number[], polls: [] as number[] };
    for (let seed = 1; seed <= 40; seed++) {
      const runMs = 90_000;
      const a = simulate({ queueMs: 2000, runMs, progress: false, seed, polling: { expectedDurationMs: 90_000 } });
      const b = simulate({
        queueMs: 2000,
        runMs,
        progress: false,
        seed,
        polling: { eta: false, blindMaxDelayMs: 10_000 },
      });
      eta.notice.push(a.notice);
      eta.polls.push(a.polls.length);
      plain.notice.push(b.notice);
      plain.polls.push(b.polls.length);
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    // The end is known to +/-20 %: the budget (12.5 polls) goes to dense polls around it, sparse ones before.
    expect(mean(eta.polls)).toBeLessThanOrEqual(14.5);
    // Same polls as growing intervals (14), spent where the end is: 2.8 s mean notice instead of 4.4 s.
    expect(mean(eta.polls)).toBeLessThanOrEqual(mean(plain.polls));
    expect(Math.max(...eta.notice)).toBeLessThanOrEqual(5000);
    expect(mean(eta.notice)).toBeLessThan(mean(plain.notice) * 0.7);
  });

  it('polls densely only around the estimated end, not all along', () => {
    const { polls, end } = simulate({
      queueMs: 2000,
      runMs: 180_000,
      progress: false,
      polling: { expectedDurationMs: 180_000 },
    });
    const gaps = polls.slice(1).map((t, i) => ({ at: polls[i]!, gap: t - polls[i]! }));
    // 12.5 polls for a 3 min job: every ~10 s around the end, every ~20 s (2x) before it.
    const dense = gaps.filter((g) => g.gap < 12_000 && g.at > T0 + 15_000);
    expect(dense.length).toBeGreaterThan(3);
    for (const g of dense) expect(Math.abs(g.at - end)).toBeLessThan(60_000);
    const early = gaps.filter((g) => g.at > T0 + 30_000 && g.at < end - 80_000);
    expect(early.length).toBeGreaterThan(2);
    for (const g of early) expect(g.gap).toBeGreaterThanOrEqual(16_000);
  });

  it("keeps a plan's dense polls evenly spaced, without jitter (jobs differ only in when they enter the window)", () => {
    const gapsOf = (seed: number) => {
      const { polls } = simulate({
        queueMs: 2000,
        runMs: 180_000,
        progress: false,
        seed,
        polling: { expectedDurationMs: 180_000 },
      });
      return polls.slice(1).map((t, i) => t - polls[i]!);
    };
    for (const seed of [1, 7, 42]) {
      // The first short gap is the entry into the window (up to its start); the ones after it are the window's.
      const dense = gapsOf(seed)
        .filter((gap) => gap < 12_000 && gap > 2000)
        .slice(1);
      expect(dense.length).toBeGreaterThan(2);
      // One spacing for the whole window, whatever the random numbers (rounding to the ms aside).
      expect(Math.max(...dense) - Math.min(...dense)).toBeLessThanOrEqual(1);
    }
    // ...and the entry into the window is still jittered, so jobs submitted together do not poll in step.
    const firstDense = (seed: number) => {
      const { polls } = simulate({
        queueMs: 2000,
        runMs: 180_000,
        progress: false,
        seed,
        polling: { expectedDurationMs: 180_000 },
      });
      return polls.find((t, i) => i > 0 && t - polls[i - 1]! < 12_000 && t - polls[i - 1]! > 2000);
    };
    expect(new Set([1, 7, 42].map(firstDense)).size).toBeGreaterThan(1);
  });

  it('falls back to growing intervals, up to blindMaxDelayMs, when the job overruns its estimate', () => {
    const { polls } = simulate({
      queueMs: 0,
      runMs: 20 * 60_000,
      progress: false,
      polling: { expectedDurationMs: 30_000 },
    });
    const late = polls.filter((t) => t > T0 + 5 * 60_000);
    const gaps = late.slice(1).map((t, i) => t - late[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(4000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5000);
  });

  it('without any estimate, polls a running job at least every blindMaxDelayMs: a cold 90 s job is noticed within 5 s', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const queueMs = 2000 + seed * 250;
      const { polls, notice } = simulate({ queueMs, runMs: 90_000, progress: false, seed });
      expect(notice).toBeLessThanOrEqual(5000);
      expect(polls.length).toBeLessThanOrEqual(25);
      const wide = simulate({ queueMs, runMs: 90_000, progress: false, seed, polling: { blindMaxDelayMs: 10_000 } });
      expect(wide.polls.length).toBeLessThan(polls.length);
    }
  });

  it('keeps the queue and failing polls at the full cap, not the blind one', () => {
    const queued: ScheduleState = { since: T0, now: T0 + 60_000, polls: 20, status: 'queued' };
    expect(nextPollDelay(queued, {}, () => 0.5)).toBe(10_000);
    const running: ScheduleState = { ...queued, status: 'running', runningSince: T0 };
    expect(nextPollDelay(running, {}, () => 0.5)).toBe(5000);
    expect(nextPollDelay({ ...running, errors: 2 }, {}, () => 0.5)).toBe(10_000);
    expect(nextPollDelay(running, { maxDelayMs: 3000 }, () => 0.5)).toBe(3000);
  });

  it('uses learned run times from the state', () => {
    const runTime = { mu: Math.log(60_000), sigma: 0.1 };
    const learned = simulate({ queueMs: 1000, runMs: 60_000, progress: false, runTime });
    const cold = simulate({ queueMs: 1000, runMs: 60_000, progress: false });
    expect(learned.notice).toBeLessThan(2500);
    expect(learned.polls.length).toBeLessThanOrEqual(cold.polls.length + 4);
  });

  it('pauses the ETA mode while polls are failing', () => {
    const state: ScheduleState = {
      since: T0,
      now: T0 + 59_000,
      polls: 10,
      status: 'running',
      runningSince: T0,
      runTime: { mu: Math.log(60_000), sigma: 0.05 },
    };
    expect(nextPollDelay(state, {}, () => 0.5)).toBeLessThan(2000);
    expect(nextPollDelay({ ...state, errors: 1 }, {}, () => 0.5)).toBe(10_000);
  });
});

describe('resolvePollingOptions', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_POLLING_OPTIONS).toMatchObject({
      initialDelayMs: 1000,
      multiplier: 1.5,
      maxDelayMs: 10_000,
      blindMaxDelayMs: 5000,
      jitter: 0.2,
      minDelayMs: 0,
      hiddenMultiplier: 3,
      eta: true,
      stallAfterMs: 120_000,
    });
    expect(Object.isFrozen(DEFAULT_POLLING_OPTIONS)).toBe(true);
  });

  it('layers client and job options, undefined values not overriding', () => {
    const resolved = resolvePollingOptions({ maxDelayMs: 20_000, jitter: 0.1 }, undefined, {
      jitter: undefined,
      initialDelayMs: 500,
    });
    expect(resolved).toMatchObject({ maxDelayMs: 20_000, jitter: 0.1, initialDelayMs: 500, multiplier: 1.5 });
  });

  it.each([
    [{ multiplier: 0.5 }, 'polling.multiplier'],
    [{ jitter: 1 }, 'polling.jitter'],
    [{ maxDelayMs: -1 }, 'polling.maxDelayMs'],
    [{ initialDelayMs: Number.NaN }, 'polling.initialDelayMs'],
    [{ expectedDurationMs: 0 }, 'polling.expectedDurationMs'],
  ])('rejects %o with an invalid_input error naming the option', (options, field) => {
    expect(() => resolvePollingOptions(options)).toThrow(VideoJobError);
    expect(() => resolvePollingOptions(options)).toThrow(expect.objectContaining({ kind: 'invalid_input', field }));
  });
});
