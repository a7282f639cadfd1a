import type { RunTimeEstimate } from './durationModel';

/**
 * The ETA half of the poll schedule: where a running job's end probably lies, and how densely to poll
 * there. Pure math, no clock and no state of its own.
 *
 * Every source of knowledge becomes the same shape, a log-normal end time `origin + exp(N(mu, sigma))`:
 * - progress samples give a rate, so the end is `(1 - progress) / rate` after the latest sample, with a
 *   modest spread because providers' progress bars are rarely linear;
 * - an expected or learned run time gives the distribution from the moment the job started running.
 *
 * Poll density then follows the square root of the hazard rate (the chance the job ends in the next
 * instant, given it has not yet): that is the density that minimises "expected time to notice the end
 * + cost x requests" (a classic result for inspection schedules). It sleeps through stretches where the
 * end is unlikely and crowds polls where it is likely.
 */

/** The job's end instant is `origin + exp(N(mu, sigma))` ms. */
export interface EndDistribution extends RunTimeEstimate {
  /** Epoch ms the run time is measured from. */
  origin: number;
}

/** One progress observation: `value` (0..1) seen at `at` (epoch ms). */
export interface ProgressSample {
  at: number;
  value: number;
}

/** Log-scale spread of an end predicted from progress: about +/-20 % of the remaining time (10th-90th). */
export const PROGRESS_SIGMA = 0.15;
/** Log-scale spread assumed for a caller's `expectedDurationMs`: about +/-20 % (10th-90th percentile). */
export const EXPECTED_DURATION_SIGMA = 0.15;
/** Beyond this z-score (the 99th percentile) the estimate is considered wrong and the schedule backs off. */
export const OVERDUE_Z = 2.326;

/** The end distribution from progress samples, when they show a positive rate. */
export function endFromProgress(samples: readonly ProgressSample[] | undefined): EndDistribution | undefined {
  if (!samples || samples.length < 2) return undefined;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const elapsed = last.at - first.at;
  const gained = last.value - first.value;
  if (elapsed <= 0 || gained <= 0 || last.value >= 1) return undefined;
  // The rate over the whole observed run, not the last step: providers report progress in coarse steps,
  // and a stuck bar keeps pushing the end later as time passes, which is the right reaction.
  const remaining = ((1 - last.value) * elapsed) / gained;
  return { origin: last.at, mu: Math.log(Math.max(remaining, 1)), sigma: PROGRESS_SIGMA };
}

/** How far past the estimate `now` is, as a z-score of the end distribution (negative while early). */
export function overdueScore(end: EndDistribution, now: number): number {
  const elapsed = now - end.origin;
  if (elapsed <= 0) return Number.NEGATIVE_INFINITY;
  return (Math.log(elapsed) - end.mu) / end.sigma;
}

/** The instant the estimate stops being believable (its 99th percentile), epoch ms. */
export function overdueAt(end: EndDistribution): number {
  return end.origin + Math.exp(end.mu + OVERDUE_Z * end.sigma);
}

/** Chance per ms that a job which has not ended by `t` ends right then. */
export function hazard(end: EndDistribution, t: number): number {
  const x = t - end.origin;
  if (x <= 0) return 0;
  const z = (Math.log(x) - end.mu) / end.sigma;
  // phi(z) / Q(z), the normal's inverse Mills ratio; past z = 8 the tail formula is exact to 1e-6 and
  // avoids 0 / 0 from underflow.
  const millsInverse = z > 8 ? z + 1 / z : normalDensity(z) / normalSurvival(z);
  return millsInverse / (end.sigma * x);
}

export interface EtaStep {
  /** Nominal delay until the next poll (ms). */
  delayMs: number;
  /** The poll spacing the schedule wants around the landing point (ms); jitter is scaled to it. */
  localMs: number;
  /**
   * Inside a plan's dense window: polls keep exactly this spacing, without jitter. An end falls in a gap with a
   * chance proportional to its length, so jittered gaps notice later for as many requests (bench/results.md,
   * section 1c). Jobs still do not poll in step: each enters its window at a jittered instant.
   */
  steady?: boolean;
}

/**
 * Walks forward from `now` accumulating poll density `sqrt(hazard / (2 * costMs))`, bounded to one poll
 * per `maxDelayMs` at least and one per `minDelayMs` at most, and returns where one poll's worth has
 * accumulated.
 */
export function etaStep(
  end: EndDistribution,
  now: number,
  limits: { minDelayMs: number; maxDelayMs: number; costMs: number },
): EtaStep {
  const { maxDelayMs, costMs } = limits;
  const minDelayMs = Math.min(limits.minDelayMs, maxDelayMs);
  const steps = 80;
  const dt = maxDelayMs / steps;
  let accumulated = 0;
  for (let i = 0; i < steps; i++) {
    const t = now + (i + 0.5) * dt;
    const density = Math.min(1 / minDelayMs, Math.max(1 / maxDelayMs, Math.sqrt(hazard(end, t) / (2 * costMs))));
    if (accumulated + density * dt >= 1) {
      return { delayMs: i * dt + (1 - accumulated) / density, localMs: 1 / density };
    }
    accumulated += density * dt;
  }
  return { delayMs: maxDelayMs, localMs: maxDelayMs };
}

function normalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Q(z) = P(Z > z), with relative accuracy ~1e-7 in both tails (Numerical Recipes' erfc). */
function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes, relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Where to spend a job's status requests, planned once from its run-time distribution: every `denseMs` from
 * `from` to `to` (ms after the distribution's origin), where ends are likely, and every `sparseMs` before and
 * after. Made for a budget of requests and a quantile of the notice time: the dense stretch is the run-time
 * stretch of highest hazard (the cheapest ends to cover, as in `bench/pollingBound.ts`) and the pair
 * (stretch, spacing) is the one that gives the shortest notice time at that quantile for the budget.
 */
export interface PollPlan {
  from: number;
  to: number;
  denseMs: number;
  sparseMs: number;
}

export interface PollPlanLimits {
  /** Expected status requests from the origin on. */
  budget: number;
  /** Shortest dense spacing (ms). */
  minDelayMs: number;
  /** Sparse spacing (ms); a small budget stretches it to `SPARSE_RATIO` x the dense spacing. */
  maxDelayMs: number;
  /** The notice time quantile the plan minimises. Defaults to `NOTICE_QUANTILE`. */
  quantile?: number;
}

/** The notice quantile a plan is made for. Slightly above 0.95, for the jobs planned on a wrong estimate. */
export const NOTICE_QUANTILE = 0.96;
/** Where a budget cannot afford `maxDelayMs` outside the dense stretch, the sparse spacing is this x the dense one. */
export const SPARSE_RATIO = 2;
/** ...but never more than this x `maxDelayMs`. */
export const MAX_SPARSE_FACTOR = 3;

const PLAN_CELLS = 160;
const COVERAGES = [0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.985, 0.99, 0.995];
const planCache = new Map<string, PollPlan>();

export function planPolls(run: RunTimeEstimate, limits: PollPlanLimits): PollPlan {
  const key = `${run.mu}|${run.sigma}|${limits.budget}|${limits.minDelayMs}|${limits.maxDelayMs}|${limits.quantile}`;
  const cached = planCache.get(key);
  if (cached) return cached;
  const plan = computePlan(run, limits);
  if (planCache.size >= 64) planCache.delete(planCache.keys().next().value!);
  planCache.set(key, plan);
  return plan;
}

function computePlan({ mu, sigma }: RunTimeEstimate, limits: PollPlanLimits): PollPlan {
  const q = limits.quantile ?? NOTICE_QUANTILE;
  const maxDelayMs = limits.maxDelayMs;
  const minDelayMs = Math.min(limits.minDelayMs, maxDelayMs);
  const survival = (x: number) => normalSurvival((Math.log(x) - mu) / sigma);
  // Log-spaced cells over +/-4.5 sigma; before the first one the job is all but certain to run on.
  const lo = Math.exp(mu - 4.5 * sigma);
  const ratio = Math.exp((9 * sigma) / PLAN_CELLS);
  const cells: Array<{ from: number; to: number; mass: number; cost: number }> = [];
  let x = lo;
  for (let i = 0; i < PLAN_CELLS; i++) {
    const next = x * ratio;
    const s0 = survival(x);
    const s1 = survival(next);
    cells.push({ from: x, to: next, mass: s0 - s1, cost: ((s0 + s1) / 2) * (next - x) });
    x = next;
  }
  const byHazard = [...cells].sort((a, b) => b.mass / b.cost - a.mass / a.cost);
  const totalCost = lo + cells.reduce((sum, cell) => sum + cell.cost, 0);
  let best: PollPlan & { notice: number } = {
    from: 0,
    to: 0,
    denseMs: maxDelayMs,
    sparseMs: Math.max(maxDelayMs, totalCost / Math.max(limits.budget, 1e-9)),
    notice: Number.POSITIVE_INFINITY,
  };
  let covered = 0;
  let coveredCost = 0;
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  let next = 0;
  for (const coverage of COVERAGES) {
    while (covered < coverage && next < byHazard.length) {
      const cell = byHazard[next++]!;
      covered += cell.mass;
      coveredCost += cell.cost;
      from = Math.min(from, cell.from);
      to = Math.max(to, cell.to);
    }
    const sparseCost = totalCost - coveredCost;
    // budget = coveredCost / dense + sparseCost / sparse, with sparse = max(maxDelayMs, SPARSE_RATIO * dense).
    let dense = coveredCost / (limits.budget - sparseCost / maxDelayMs);
    let sparse = maxDelayMs;
    if (!(dense > 0) || SPARSE_RATIO * dense > maxDelayMs) {
      dense = (coveredCost + sparseCost / SPARSE_RATIO) / limits.budget;
      sparse = Math.min(Math.max(maxDelayMs, SPARSE_RATIO * dense), MAX_SPARSE_FACTOR * maxDelayMs);
    }
    dense = Math.min(Math.max(dense, minDelayMs), sparse);
    // Notice times: uniform up to `dense` for the covered ends, up to `sparse` for the others.
    let notice = q / (covered / dense + (1 - covered) / sparse);
    if (notice > dense) notice = ((q - covered) * sparse) / (1 - covered);
    if (notice < best.notice) best = { from, to, denseMs: dense, sparseMs: sparse, notice };
  }
  return { from: best.from, to: best.to, denseMs: best.denseMs, sparseMs: best.sparseMs };
}

/** Delay from `now` to the next poll of a plan whose origin is `origin`, and the spacing around it. */
export function planStep(plan: PollPlan, origin: number, now: number): EtaStep {
  const x = now - origin;
  if (x < plan.from) {
    const delayMs = Math.min(plan.sparseMs, plan.from - x);
    return { delayMs, localMs: plan.sparseMs };
  }
  if (x < plan.to) return { delayMs: plan.denseMs, localMs: plan.denseMs, steady: true };
  return { delayMs: plan.sparseMs, localMs: plan.sparseMs };
}
