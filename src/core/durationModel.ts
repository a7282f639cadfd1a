import { VideoJobError } from './videoJobError';

/**
 * Learned run times per model, so the poll schedule can sleep through the part of a job that never ends and
 * poll densely where jobs of that model usually finish (the ETA mode of `nextPollDelay`).
 *
 * Video run times are skewed (most jobs near the median, a long tail of slow ones), so the model fits a
 * log-normal: the mean and spread of `ln(runMs)` over the latest samples. With few samples the spread is
 * pulled towards a wide prior, so one lucky fast job does not make the schedule over-confident.
 */

/** A log-normal run-time estimate: `ln(runMs)` is normal with mean `mu` and standard deviation `sigma`. */
export interface RunTimeEstimate {
  mu: number;
  sigma: number;
}

/** What `estimate` returns: the fitted distribution plus the quantiles people read. */
export interface DurationEstimate extends RunTimeEstimate {
  /** Samples the estimate rests on. */
  count: number;
  /** Median run time (ms). */
  median: number;
  /** 10th percentile (ms). */
  p10: number;
  /** 90th percentile (ms). */
  p90: number;
}

/** The plain-JSON form of a duration model, for `localStorage` or a database. */
export interface DurationModelState {
  version: 1;
  /** Latest run times (ms) per model key, oldest first. */
  models: Record<string, number[]>;
}

export interface DurationModelOptions {
  /** Samples kept per model (older ones are dropped, so the model follows a provider that gets faster). Defaults to `50`. */
  maxSamples?: number;
  /** Models kept; the least recently recorded is dropped beyond this. Defaults to `200`. */
  maxModels?: number;
  /**
   * Log-scale spread assumed before any data, blended with the measured spread as if it were `priorWeight`
   * samples. Defaults to `0.5` (the 10th-90th percentile band spans about x3.6).
   */
  priorSigma?: number;
  /** How many samples the prior spread counts as. Defaults to `2`. */
  priorWeight?: number;
  /**
   * What to assume for a model with no finished job yet, e.g. `{ median: 95_000, p90: 300_000 }` for the
   * "30 s to 5 min" that video providers quote. Turns the ETA mode on for cold jobs: fewer minutes of
   * polling at the cap, more requests around the typical end. Defaults to none (cold jobs use growing
   * intervals).
   */
  prior?: DurationPrior;
  /**
   * Per-model priors, by the model key the client records under (`${provider}:${model}`): what to assume for that
   * model before its first finished job, in place of `prior`. The library ships none: pass your own, e.g. from your
   * provider dashboard or an earlier session (`toJSON()` keeps learned run times, which is better still).
   */
  priors?: Record<string, DurationPrior>;
}

/** A typical run time (ms): its median and 90th percentile. */
export interface DurationPrior {
  median: number;
  p90: number;
}

export interface DurationModel {
  /** Records one finished job's run time (ms from start of running to completion). Ignores non-positive values. */
  record(model: string, runMs: number): void;
  /** The learned distribution for `model`; before its first finished job its `priors` entry or the `prior` (count 0), else `undefined`. */
  estimate(model: string): DurationEstimate | undefined;
  /** Plain JSON to persist; feed it back to `createDurationModel` to start warm. */
  toJSON(): DurationModelState;
  /** Forgets one model, or everything. */
  clear(model?: string): void;
}

/** z-score of the 90th percentile of a standard normal. */
const Z90 = 1.2815515655446004;

export function createDurationModel(initial?: DurationModelState, options: DurationModelOptions = {}): DurationModel {
  const maxSamples = Math.max(1, options.maxSamples ?? 50);
  const maxModels = Math.max(1, options.maxModels ?? 200);
  const priorSigma = options.priorSigma ?? 0.5;
  const priorWeight = options.priorWeight ?? 2;
  const prior = options.prior ? fromQuantiles(options.prior.median, options.prior.p90) : undefined;
  const priors = new Map<string, RunTimeEstimate>();
  for (const [model, value] of Object.entries(options.priors ?? {}))
    priors.set(model, fromQuantiles(value.median, value.p90));
  // Map iteration order doubles as the recency order for eviction.
  const models = new Map<string, number[]>();

  if (initial && initial.version === 1 && typeof initial.models === 'object' && initial.models !== null) {
    for (const [model, samples] of Object.entries(initial.models)) {
      if (!Array.isArray(samples)) continue;
      const valid = samples.filter((value) => typeof value === 'number' && Number.isFinite(value) && value > 0);
      if (valid.length > 0) models.set(model, valid.slice(-maxSamples));
    }
    evict();
  }

  function evict(): void {
    while (models.size > maxModels) {
      const oldest = models.keys().next().value;
      if (oldest === undefined) break;
      models.delete(oldest);
    }
  }

  return {
    record(model, runMs) {
      if (!Number.isFinite(runMs) || runMs <= 0) return;
      const samples = models.get(model) ?? [];
      models.delete(model);
      samples.push(Math.round(runMs));
      if (samples.length > maxSamples) samples.splice(0, samples.length - maxSamples);
      models.set(model, samples);
      evict();
    },
    estimate(model) {
      const samples = models.get(model);
      if (!samples || samples.length === 0) {
        const assumed = priors.get(model) ?? prior;
        return assumed ? describe(assumed.mu, assumed.sigma, 0) : undefined;
      }
      const logs = samples.map((value) => Math.log(value));
      const n = logs.length;
      const mu = logs.reduce((sum, value) => sum + value, 0) / n;
      const squares = logs.reduce((sum, value) => sum + (value - mu) ** 2, 0);
      const sigma = Math.sqrt((squares + priorWeight * priorSigma ** 2) / (n - 1 + priorWeight));
      return describe(mu, sigma, n);
    },
    toJSON() {
      const state: DurationModelState = { version: 1, models: {} };
      for (const [model, samples] of models) state.models[model] = [...samples];
      return state;
    },
    clear(model) {
      if (model === undefined) models.clear();
      else models.delete(model);
    },
  };
}

function describe(mu: number, sigma: number, count: number): DurationEstimate {
  return { mu, sigma, count, median: Math.exp(mu), p10: Math.exp(mu - Z90 * sigma), p90: Math.exp(mu + Z90 * sigma) };
}

function fromQuantiles(median: number, p90: number): RunTimeEstimate {
  if (!(median > 0 && p90 > median && Number.isFinite(p90))) {
    throw new VideoJobError({
      kind: 'invalid_input',
      field: 'prior',
      message: `duration prior { median: ${median}, p90: ${p90} } is not a distribution; pass ms with 0 < median < p90`,
    });
  }
  return { mu: Math.log(median), sigma: Math.log(p90 / median) / Z90 };
}
