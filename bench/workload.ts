import { createPrng } from '../src/testing/prng';
import type { SimJobInfo, SimJobSpec } from '../src/testing';

/**
 * The benchmark's jobs, drawn once from a fixed seed so every contestant faces exactly the same jobs at the
 * same instants.
 */

export interface BenchJob {
  /** 0-based position in the workload; carried in the prompt so the simulator can find the job's spec. */
  index: number;
  /** When the caller submits it, ms after the scenario starts. */
  arrivalMs: number;
  queueMs: number;
  runMs: number;
}

export interface Workload {
  name: string;
  /** One line on how it was drawn, for the results. */
  description: string;
  jobs: BenchJob[];
  /** The model every job uses: duration learning is per model. */
  model: string;
}

/** z-score of the 90th percentile of a standard normal. */
const Z90 = 1.2815515655446004;

/** A log-normal sampler with the given median and 90th percentile. */
export function logNormal(random: () => number, median: number, p90: number): () => number {
  const mu = Math.log(median);
  const sigma = Math.log(p90 / median) / Z90;
  return () => Math.exp(mu + sigma * gaussian(random));
}

function gaussian(random: () => number): number {
  // Box-Muller; 1 - u keeps log() away from 0.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export const BENCH_MODEL = 'bench/text-to-video';

export interface MainWorkloadOptions {
  /** Defaults to `200`. */
  count?: number;
  /** Defaults to `20260101`. */
  seed?: number;
  /** Mean gap between two submits (exponential, i.e. Poisson arrivals). Defaults to `20000` ms. */
  meanGapMs?: number;
}

/**
 * The main workload: jobs arrive as a Poisson process (mean gap 20 s, so 4-8 run at once and later jobs
 * can learn from earlier ones), run times log-normal with median 75 s and 90th percentile 180 s, queue
 * times log-normal with median 4 s and 90th percentile 15 s.
 */
export function mainWorkload(options: MainWorkloadOptions = {}): Workload {
  const count = options.count ?? 200;
  const meanGapMs = options.meanGapMs ?? 20_000;
  const random = createPrng(options.seed ?? 20260101);
  const run = logNormal(random, 75_000, 180_000);
  const queue = logNormal(random, 4_000, 15_000);
  const jobs: BenchJob[] = [];
  let at = 0;
  for (let index = 0; index < count; index++) {
    jobs.push({ index, arrivalMs: Math.round(at), queueMs: Math.round(queue()), runMs: Math.round(run()) });
    at += -Math.log(1 - random()) * meanGapMs;
  }
  return {
    name: `${count} jobs`,
    description: `${count} jobs of one model, Poisson arrivals (mean gap ${meanGapMs / 1000} s), run time log-normal (median 75 s, p90 180 s), queue time log-normal (median 4 s, p90 15 s), seed ${options.seed ?? 20260101}`,
    jobs,
    model: BENCH_MODEL,
  };
}

/** One job of `runMs` with a 3 s queue, submitted to a client that has never seen the model. */
export function coldWorkload(runMs: number): Workload {
  return {
    name: `cold ${runMs / 1000} s`,
    description: `one ${runMs / 1000} s job (3 s queue), no history`,
    jobs: [{ index: 0, arrivalMs: 0, queueMs: 3_000, runMs }],
    model: BENCH_MODEL,
  };
}

/** The prompt that identifies a bench job to the simulator. */
export function benchPrompt(job: BenchJob): string {
  return `bench-job-${job.index}: a red fox running through snow`;
}

/** The simulator's `job` option for a workload: finds the job by the index in its prompt. */
export function simJobSpec(workload: Workload, reportsProgress = true): (info: SimJobInfo) => SimJobSpec {
  return (info) => {
    const match = /bench-job-(\d+)/.exec(JSON.stringify(info.input ?? null));
    const job = match ? workload.jobs[Number(match[1])] : undefined;
    if (!job) throw new Error(`[bench] a submit without a bench prompt reached the simulator (job ${info.index})`);
    return { queueMs: job.queueMs, runMs: job.runMs, reportsProgress };
  };
}

/** Summary quantiles of the drawn run times, so the results show what the seed actually produced. */
export function describeRunTimes(workload: Workload): { median: number; p90: number; max: number; mean: number } {
  const runs = workload.jobs.map((job) => job.runMs).sort((a, b) => a - b);
  return {
    median: quantile(runs, 0.5),
    p90: quantile(runs, 0.9),
    max: runs[runs.length - 1] ?? 0,
    mean: runs.reduce((sum, value) => sum + value, 0) / Math.max(1, runs.length),
  };
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}
