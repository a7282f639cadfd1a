import type { RunTimeEstimate } from './durationModel';
import {
  EXPECTED_DURATION_SIGMA,
  endFromProgress,
  etaStep,
  overdueAt,
  overdueScore,
  OVERDUE_Z,
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
 * 3. ETA mode (`eta`): once the job runs and its end can be estimated (progress rate, the caller's
 *    `expectedDurationMs`, or run times learned by the client's duration model), the schedule sleeps at
 *    the cap through the stretch where the end is unlikely and polls densely (down to `etaMinDelayMs`)
 *    where it is likely; see `etaEstimate.ts`. Past the estimate's 99th percentile it falls back to
 *    growing intervals. The jitter then scales with the local poll spacing, so a long sleep towards a
 *    precise end does not scatter the landing by seconds (it stays within +/-`jitter` of the delay).
 * 4. Guarantees applied last, in this order: the floor (`minDelayMs` and the provider's
 *    `minPollIntervalMs`, the larger wins), the cap (`maxDelayMs`, or `blindMaxDelayMs` as above, x
 *    `hiddenMultiplier` while hidden; a floor above the cap wins), then `Retry-After` (`notBefore`), which
 *    overrides everything.
 *
 * Trade-off, as `npm run bench` measures it (bench/results.md: 200 jobs, run times log-normal with median
 * 75 s and 90th percentile 180 s, every wire format of the simulator, virtual time):
 * - progress reported (Replicate, VideoGen, OpenAI): 14.4-14.6 status requests per job, notice p95 1.7-2.0 s;
 * - learned run times only (fal, Kling, AI gateway): 14.3-15.3 requests, notice p95 ~8.5 s;
 * - a cold 90 s job without progress: ~23 requests, noticed within 5 s (`blindMaxDelayMs`); a cold 300 s
 *   one ~67, until the model's first finished job teaches the client its run time.
 * The cap bounds staleness, so a job costs at least one request per `maxDelayMs` of its life. From run
 * times alone, so wide a distribution admits no schedule with both <= 15 requests and a 2 s p95 notice:
 * covering 95 % of ends within 2 s takes at least 35 polls per job (bench/pollingBound.ts);
 * `etaRequestCostMs` picks the point on that curve. A duration model with a `prior` turns the ETA mode on
 * for cold jobs too.
 */
export interface PollingOptions {
  /** Delay before the first poll after submit. Defaults to `1000` ms. */
  initialDelayMs?: number;
  /** Each interval is the previous one times this. Defaults to `1.5`. */
  multiplier?: number;
  /** The longest interval. Defaults to `10000` ms. */
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
   * How many ms of delay in noticing the end one extra status request is worth to you: the ETA mode's
   * trade-off. Lower polls more densely where the end is likely. Defaults to `500` ms.
   */
  etaRequestCostMs?: number;
  /** Flag a job that sits in the queue with no movement for this long (`stalledSince`). Defaults to `120000` ms. */
  stallAfterMs?: number;
}

export type ResolvedPollingOptions = Required<Omit<PollingOptions, 'expectedDurationMs'>> &
  Pick<PollingOptions, 'expectedDurationMs'>;

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
  etaRequestCostMs: 500,
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
  check('etaRequestCostMs', resolved.etaRequestCostMs, Number.MIN_VALUE);
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
  const end = state.polls > 0 && o.eta && !state.errors ? endDistribution(state, o) : undefined;
  if (end) {
    if (overdueScore(end, state.now) > OVERDUE_Z) {
      // The estimate was wrong (a slow run, a stuck progress bar): grow intervals again from that moment.
      const late = state.now - overdueAt(end);
      nominal = Math.min(blindCap, o.initialDelayMs + (o.multiplier - 1) * late);
      spread = nominal;
    } else {
      longest = o.maxDelayMs;
      const step = etaStep(end, state.now, {
        minDelayMs: Math.max(o.etaMinDelayMs, floor),
        maxDelayMs: o.maxDelayMs,
        costMs: o.etaRequestCostMs,
      });
      nominal = step.delayMs;
      spread = Math.min(step.delayMs, step.localMs);
    }
  }

  const cap = Math.max(longest * slow, floor);
  let delay = (nominal + o.jitter * spread * (2 * random() - 1)) * slow;
  delay = Math.min(Math.max(delay, floor), cap);
  if (state.notBefore !== undefined) delay = Math.max(delay, state.notBefore - state.now);
  return Math.max(0, Math.ceil(delay));
}

/** The end distribution the ETA mode uses: progress first (it is about this very job), then run times. */
export function endDistribution(state: ScheduleState, options: ResolvedPollingOptions): EndDistribution | undefined {
  if (state.status !== 'running') return undefined;
  const fromProgress = endFromProgress(state.progress);
  if (fromProgress) return fromProgress;
  if (state.runningSince === undefined) return undefined;
  const runTime: RunTimeEstimate | undefined =
    options.expectedDurationMs !== undefined
      ? { mu: Math.log(options.expectedDurationMs), sigma: EXPECTED_DURATION_SIGMA }
      : state.runTime;
  return runTime ? { origin: state.runningSince, mu: runTime.mu, sigma: runTime.sigma } : undefined;
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
