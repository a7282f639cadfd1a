import { planPolls, planStep } from '../etaEstimate';

/** The bench's run times: log-normal, median 75 s, 90th percentile 180 s. */
const RUN = { mu: Math.log(75_000), sigma: Math.log(180 / 75) / 1.2815515655446004 };
const LIMITS = { minDelayMs: 1000, maxDelayMs: 10_000 };

describe('planPolls', () => {
  it('polls densely where ends are likely, sparsely before, and denser for a larger budget', () => {
    const small = planPolls(RUN, { ...LIMITS, budget: 10 });
    const large = planPolls(RUN, { ...LIMITS, budget: 40 });
    for (const plan of [small, large]) {
      expect(plan.from).toBeGreaterThan(15_000);
      expect(plan.from).toBeLessThan(40_000);
      expect(plan.to).toBeGreaterThan(300_000);
      expect(plan.denseMs).toBeLessThan(plan.sparseMs);
    }
    expect(large.denseMs).toBeLessThan(small.denseMs / 3);
    expect(large.sparseMs).toBe(10_000);
  });

  it('stretches the sparse spacing beyond maxDelayMs only when the budget requires it, at most 3x', () => {
    expect(planPolls(RUN, { ...LIMITS, budget: 20 }).sparseMs).toBe(10_000);
    const tight = planPolls(RUN, { ...LIMITS, budget: 6 });
    expect(tight.sparseMs).toBeGreaterThan(10_000);
    expect(tight.sparseMs).toBeLessThanOrEqual(30_000);
  });

  it('never plans below minDelayMs', () => {
    expect(planPolls(RUN, { ...LIMITS, budget: 1000 }).denseMs).toBe(1000);
  });

  it('steps to the dense stretch, through it, and past it', () => {
    const plan = { from: 20_000, to: 100_000, denseMs: 5000, sparseMs: 10_000 };
    expect(planStep(plan, 0, 0).delayMs).toBe(10_000);
    expect(planStep(plan, 0, 14_000).delayMs).toBe(6000);
    expect(planStep(plan, 0, 50_000).delayMs).toBe(5000);
    expect(planStep(plan, 0, 120_000).delayMs).toBe(10_000);
  });
});
