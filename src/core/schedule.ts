import type { RunTimeEstimate } from './durationModel';
import {
  EXPECTED_DURATION_SIGMA,
  endFromProgress,
  etaStep,
  overdueAt,
  overdueScore,
  OVERDUE_Z,
  planPolls,
  planStep,
  type EndDistribution,
  type ProgressSample,
} from './etaEstimate';
import { isTerminalStatus, type JobStatus } from './jobStatus';
import { VideoJobError } from './videoJobError';

/**
 * The poll schedule: when to ask a provider about a job next, as a pure function of the job's history.
 *
 * 1. The first poll comes soon after submit (`initialDelayMs`): it catches instant failures and usually
 *    sees the job start.
 * 2. Without an estimate of the end, intervals grow by `multiplier` up to `maxDelayMs`, with jitter; while
 *    the job runs (and its polls succeed) only up to `blindMaxDelayMs`, the longest its end may go unnoticed
 *    when nothing predicts it.
 * 3. ETA mode (`eta`): once the job's end can be estimated, the schedule spends `pollBudget`.
 *    - From a progress rate: poll density follows the square root of the hazard (`etaStep`), dense just
 *      before the predicted end, the price of a request scaled from the budget.
 *    - From a run time (the caller's `expectedDurationMs`, or learned by the client's duration model, priors
 *      included) and no progress: a plan made once from the start of the run (`planPolls`): every `denseMs`
 *      over the stretch where ends are likely, sparsely before and after, sized so that the expected requests
 *      per job match the budget less what the queue took; the queue itself is watched at the sparse pace.
 *    Past the estimate's 99th percentile it falls back to growing intervals. The jitter then scales with the
 *    local poll spacing (it stays within +/-`jitter` of the delay).
 * 4. Guarantees applied last, in this order: the floor (`minDelayMs` and the provider's
 *    `minPollIntervalMs`, the larger wins), the cap (`maxDelayMs`, or `blindMaxDelayMs` as above, x
 *    `hiddenMultiplier` while hidden; a floor above the cap wins), then `Retry-After` (`notBefore`), which
 *    overrides everything.
 *
 * The trade-off it makes, requests per job against how soon the end is noticed, is measured side by side with
 * fixed loops and other clients in bench/results.md (`npm run bench`); `pollBudget` picks the point on that curve
 * (bench/frontier.svg).
 */
export interface PollingOptions {
  /** Delay before the first poll after submit. Defaults to `1000` ms. */
  initialDelayMs?: number;
  /** Each interval is the previous one times this. Defaults to `1.5`. */
  multiplier?: number;
  /**
   * The longest interval. Where a small `pollBudget` cannot afford it away from a job's likely end, intervals
   * there stretch to twice the dense spacing, at most 3 x `maxDelayMs`. Defaults to `10000` ms.
   */
  maxDelayMs?: number;
  /**
   * The longest interval while a running job's end cannot be estimated (no progress rate, no expected or
   * learned run time, or the estimate proved wrong): how long such a job's end may go unnoticed. Never above
   * `maxDelayMs`; failing polls back off to `maxDelayMs` regardless. Defaults to `5000` ms.
   */
  blindMaxDelayMs?: number;
  /** Random spread of each interval, as a fraction. Defaults to `0.2` (+/-20 %). */
  jitter?: number;
  /** The shortest interval; the provider's own floor applies too (the larger wins). Defaults to `0`. */
  minDelayMs?: number;
  /** Slow-down factor while the page is hidden (jobs keep finishing in background tabs). Defaults to `3`. */
  hiddenMultiplier?: number;
  /** Sleep until just before the estimated end when progress or an expected duration is known. Defaults to `true`. */
  eta?: boolean;
  /** Expected run time of the job (ms), when the caller knows it; enables the ETA mode without progress. */
  expectedDurationMs?: number;
  /** The shortest interval the ETA mode uses around the estimated end. Defaults to `1000` ms. */
  etaMinDelayMs?: number;
  /**
   * Status requests a job should take on average, when its run time can be predicted (learned run times, a
   * prior or `expectedDurationMs`, no progress): the schedule spends them where the job's end is likely, polling
   * densely there and every `maxDelayMs` elsewhere, so as to notice 95 % of ends as soon as the budget allows.
   * More requests notice sooner. Defaults to `12.5`.
   */
  pollBudget?: number;
  /** Flag a job that sits in the queue with no movement for this long (`stalledSince`). Defaults to `120000` ms. */
  stallAfterMs?: number;
}

export type ResolvedPollingOptions = Required<Omit<PollingOptions, 'expectedDurationMs'>> &
  Pick<PollingOptions, 'expectedDurationMs'>;

/** With progress, the ETA mode's price of one request in ms of notice time, at the default `pollBudget`. */
const PROGRESS_REQUEST_COST_MS = 200;

export const DEFAULT_POLLING_OPTIONS: Readonly<ResolvedPollingOptions> = Object.freeze({
  initialDelayMs: 1000,
  multiplier: 1.5,
  maxDelayMs: 10_000,
  blindMaxDelayMs: 5000,
  jitter: 0.2,
  minDelayMs: 0,
  hiddenMultiplier: 3,
  eta: true,
  etaMinDelayMs: 1000,
  pollBudget: 12.5,
  stallAfterMs: 120_000,
});

/**
 * Merges option layers (client, then job, ...) over the defaults; `undefined` values do not override.
 * Throws `invalid_input` for values that cannot make a schedule (negative delays, `multiplier` < 1, ...).
 */
export function resolvePollingOptions(...layers: Array<PollingOptions | undefined>): ResolvedPollingOptions {
  const resolved: ResolvedPollingOptions = { ...DEFAULT_POLLING_OPTIONS };
  const target = resolved as unknown as Record<string, unknown>;
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) target[key] = value;
    }
  }
  check('initialDelayMs', resolved.initialDelayMs, 0);
  check('multiplier', resolved.multiplier, 1);
  check('maxDelayMs', resolved.maxDelayMs, 1);
  check('blindMaxDelayMs', resolved.blindMaxDelayMs, 1);
  check('minDelayMs', resolved.minDelayMs, 0);
  check('hiddenMultiplier', resolved.hiddenMultiplier, 1);
  check('etaMinDelayMs', resolved.etaMinDelayMs, 1);
  check('pollBudget', resolved.pollBudget, 1);
  check('stallAfterMs', resolved.stallAfterMs, 0);
  if (!(resolved.jitter >= 0 && resolved.jitter < 1))
    invalid('jitter', resolved.jitter, 'a fraction from 0 to below 1');
  if (resolved.expectedDurationMs !== undefined) check('expectedDurationMs', resolved.expectedDurationMs, 1);
  return resolved;
}

/** A job's history as far as the schedule cares: plain JSON, kept per job by the client. */
export interface PollHistory {
  /** When following began: the submit, or the first sight of a resumed job (epoch ms). */
  since: number;
  /** Status requests made so far (failed ones included). */
  polls: number;
  /** When the latest answer (or failure) arrived (epoch ms). */
  lastPollAt?: number;
  /** Consecutive failed polls; the ETA mode pauses while the provider is failing. */
  errors?: number;
  /** Status of the latest snapshot. */
  status?: JobStatus;
  /** When the job started running: the provider's `startedAt`, or estimated between two polls (epoch ms). */
  runningSince?: number;
  /** The earliest the run can have started: the last sight of the job before it ran (epoch ms). */
  runningAfter?: number;
  /** `polls` when the job was first seen running: what the queue cost, out of `pollBudget`. */
  pollsAtRun?: number;
  /** Progress seen while running, oldest first (the client keeps the first and the latest few). */
  progress?: ProgressSample[];
  /** Do not poll before this instant: the provider's `Retry-After` (epoch ms). */
  notBefore?: number;
  /** Run-time distribution learned for this job's model (see `createDurationModel`). */
  runTime?: RunTimeEstimate;
  /** The provider's floor (`ProviderAdapter.minPollIntervalMs`). */
  providerMinDelayMs?: number;
  /** The job was resumed from its ref rather than submitted by this client. */
  resumed?: boolean;
}

export interface ScheduleState extends PollHistory {
  /** The clock now (epoch ms). */
  now: number;
  /** The page is hidden: everything slows down by `hiddenMultiplier`. */
  hidden?: boolean;
}

/**
 * Milliseconds until the next status poll. `Infinity` once the job is terminal. Pure: the same state,
 * options and random numbers give the same delay.
 */
export function nextPollDelay(
  state: ScheduleState,
  options: PollingOptions = DEFAULT_POLLING_OPTIONS,
  random: () => number = Math.random,
): number {
  if (state.status !== undefined && isTerminalStatus(state.status)) return Number.POSITIVE_INFINITY;
  const o = resolvePollingOptions(options);
  const slow = state.hidden ? o.hiddenMultiplier : 1;
  const floor = Math.max(o.minDelayMs, state.providerMinDelayMs ?? 0);
  // A running job whose end nothing predicts may end at any moment: bound how long that goes unnoticed.
  // Failing polls are not blind, they back off to the full cap.
  const blindCap = Math.min(o.blindMaxDelayMs, o.maxDelayMs);
  let longest = state.status === 'running' && !state.errors ? blindCap : o.maxDelayMs;

  let nominal = Math.min(longest, o.initialDelayMs * o.multiplier ** state.polls);
  let spread = nominal;
  const runTime = runTimeOf(state, o);
  if (state.status === 'queued' && state.polls > 0 && o.eta && !state.errors && runTime) {
    // The end is a run time away at least: the queue only needs watching as sparsely as the run's start does.
    // It cannot end before it has run: the queue is watched as sparsely as the start of the run's plan.
    const plan = planPolls(runTime, runPlanLimits(o, state.polls + 1, floor));
    nominal = plan.sparseMs;
    longest = Math.max(longest, nominal);
    spread = nominal;
  }
  const end = state.polls > 0 && o.eta && !state.errors ? endDistribution(state, o) : undefined;
  if (end) {
    if (overdueScore(end, state.now) > OVERDUE_Z) {
      // The estimate was wrong (a slow run, a stuck progress bar): grow intervals again from that moment.
      const late = state.now - overdueAt(end);
      nominal = Math.min(blindCap, o.initialDelayMs + (o.multiplier - 1) * late);
      spread = nominal;
    } else {
      longest = o.maxDelayMs;
      let step;
      if (end.fromProgress) {
        const minDelayMs = Math.max(o.etaMinDelayMs, floor);
        // Density goes as 1 / sqrt(cost), so the cost of a request scales with 1 / budget^2.
        const costMs = PROGRESS_REQUEST_COST_MS * (DEFAULT_POLLING_OPTIONS.pollBudget / o.pollBudget) ** 2;
        step = etaStep(end, state.now, { minDelayMs, maxDelayMs: o.maxDelayMs, costMs });
      } else {
        // Planned once from the start of the run, with what the queue left of the budget.
        const plan = planPolls(end, runPlanLimits(o, state.pollsAtRun ?? 1, floor));
        longest = plan.sparseMs;
        step = planStep(plan, end.origin, state.now);
        // The job reports progress: its rate, and a far better estimate, come with the next sample.
        if (state.progress?.length) step = { delayMs: Math.min(step.delayMs, blindCap), localMs: blindCap };
      }
      nominal = step.delayMs;
      spread = step.steady ? 0 : Math.min(step.delayMs, step.localMs);
    }
  }

  const cap = Math.max(longest * slow, floor);
  let delay = (nominal + o.jitter * spread * (2 * random() - 1)) * slow;
  delay = Math.min(Math.max(delay, floor), cap);
  if (state.notBefore !== undefined) delay = Math.max(delay, state.notBefore - state.now);
  return Math.max(0, Math.ceil(delay));
}

/** The end distribution the ETA mode uses: progress first (it is about this very job), then run times. */
export function endDistribution(
  state: ScheduleState,
  options: ResolvedPollingOptions,
): (EndDistribution & { fromProgress?: boolean }) | undefined {
  if (state.status !== 'running') return undefined;
  const fromProgress = endFromProgress(state.progress);
  if (fromProgress) return { ...fromProgress, fromProgress: true };
  if (state.runningSince === undefined) return undefined;
  const runTime = runTimeOf(state, options);
  // From the earliest possible start: a plan anchored there covers the ends of a run that started at once.
  const origin = state.runningAfter ?? state.runningSince;
  return runTime ? { origin, mu: runTime.mu, sigma: runTime.sigma } : undefined;
}

/** The run-time distribution the schedule plans with: the caller's `expectedDurationMs`, else the learned one. */
function runTimeOf(state: PollHistory, options: ResolvedPollingOptions): RunTimeEstimate | undefined {
  return options.expectedDurationMs !== undefined
    ? { mu: Math.log(options.expectedDurationMs), sigma: EXPECTED_DURATION_SIGMA }
    : state.runTime;
}

/**
 * What a run's plan may spend: the budget less the polls before the run (`pollsAtRun` counts the one that saw
 * it start, which the plan covers) and the poll that will see the end.
 */
function runPlanLimits(o: ResolvedPollingOptions, pollsAtRun: number, floor: number) {
  return {
    budget: Math.max(2, o.pollBudget - pollsAtRun),
    minDelayMs: Math.max(o.etaMinDelayMs, floor),
    maxDelayMs: o.maxDelayMs,
  };
}

function check(field: string, value: number, min: number): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= min))
    invalid(field, value, `a number >= ${min}`);
}

function invalid(field: string, value: unknown, expected: string): never {
  throw new VideoJobError({
    kind: 'invalid_input',
    field: `polling.${field}`,
    message: `polling option ${field} is ${String(value)}, expected ${expected}; fix it in createVideoClient({ polling }) or the per-job polling options`,
  });
}
