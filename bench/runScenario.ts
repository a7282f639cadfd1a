import { createSimulator, type SimFaults, type SimRequestLog } from '../src/testing';
import { BENCH_INTERNAL, type Contestant, type JobRun } from './contestant';
import type { VirtualClock } from './virtualClock';
import { runwayWire } from './wire/runway';
import { quantile, simJobSpec, type Workload } from './workload';

/** What one contestant did on one workload. */
export interface ScenarioResult {
  contestant: string;
  wire: string;
  workload: string;
  jobs: number;
  /** Jobs the caller got the video of. */
  ok: number;
  /** Status requests per job (polls; plus stream connections for push contestants). */
  statusMean: number;
  statusMax: number;
  /** ms from the job's real end to the caller noticing it, over the jobs that ended. */
  noticeP50: number;
  noticeP95: number;
  noticeMax: number;
  /** Every notice time (ms), sorted, for figures over several scenarios. */
  notices: number[];
  /** Every request the scenario sent: submits, polls, retries, results, streams. */
  totalRequests: number;
  /** Per job, requests that did not reach the provider (stream connections to the app's server). */
  appRequestsMean: number;
  /** Answers that were errors (4xx/5xx, dropped connections), i.e. what retries were for. */
  errorAnswers: number;
  /** Requests about a job sent before the `Retry-After` of an earlier 429 for that job had passed. */
  retryAfterViolations: number;
  /** Every failure message, for the notes. */
  failures: string[];
}

export interface ScenarioOptions {
  faults?: SimFaults;
  /** The wire format reports progress. Defaults to `true` (the simulator's default). */
  reportsProgress?: boolean;
  /** Virtual time allowed for the whole scenario. Defaults to 6 h. */
  limitMs?: number;
  /**
   * Which logged requests are the contestant's own, e.g. not the polls of its app server's watcher (counted apart).
   * Defaults to every request but the bench's own (`BENCH_INTERNAL`).
   */
  counts?: (entry: SimRequestLog) => boolean;
}

/**
 * Runs one contestant over one workload in virtual time: a fresh simulator and a fresh caller, each job
 * submitted at its arrival instant, all of them in flight together, until every job's wait has ended.
 */
export async function runScenario(
  contestant: Contestant,
  workload: Workload,
  clock: VirtualClock,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const sim = createSimulator({
    now: clock.now,
    seed: 7,
    job: simJobSpec(workload, options.reportsProgress ?? true),
    wireFormats: [runwayWire],
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const caller = await contestant.start({ sim, clock, workload });
  const runs: JobRun[] = [];
  const start = clock.now();
  for (const job of workload.jobs) {
    setTimeout(() => {
      caller.run(job).then(
        (run) => runs.push(run),
        (error: unknown) =>
          runs.push({ jobId: `crashed-${job.index}`, noticedAt: clock.now(), outcome: 'failed', error: String(error) }),
      );
    }, job.arrivalMs);
  }
  await clock.runUntil(() => runs.length === workload.jobs.length, options.limitMs ?? 6 * 3600_000);
  await caller.close?.();
  await clock.settle();
  if (runs.length < workload.jobs.length) {
    throw new Error(
      `[bench] ${contestant.name} on ${workload.name}: only ${runs.length} of ${workload.jobs.length} jobs ended within the time limit (started ${new Date(start).toISOString()})`,
    );
  }

  const endpoints = contestant.statusEndpoints ?? ['status'];
  // Requests the bench made on the provider's behalf (webhook bodies) are not the contestant's.
  const counts = options.counts ?? (() => true);
  const log = sim.requests.filter((entry) => !entry.url.includes(BENCH_INTERNAL) && counts(entry));
  const counted = new Map<string, number>();
  for (const entry of log) {
    if (entry.jobId !== undefined && (endpoints as readonly string[]).includes(entry.endpoint)) {
      counted.set(entry.jobId, (counted.get(entry.jobId) ?? 0) + 1);
    }
  }
  const extra = runs.reduce((sum, run) => sum + (caller.requestsFor?.(run.jobId) ?? 0), 0);
  const perJob = runs.map((run) => {
    const status = (counted.get(run.jobId) ?? 0) + (caller.requestsFor?.(run.jobId) ?? 0);
    const job = sim.job(run.jobId);
    const notice = run.outcome === 'ok' && job?.endedAt !== undefined ? run.noticedAt - job.endedAt : undefined;
    return { status, notice };
  });
  const statuses = perJob.map((job) => job.status);
  const notices = perJob
    .map((job) => job.notice)
    .filter((value): value is number => value !== undefined)
    .sort((a, b) => a - b);
  return {
    contestant: contestant.name,
    wire: contestant.wire,
    workload: workload.name,
    jobs: runs.length,
    ok: runs.filter((run) => run.outcome === 'ok').length,
    statusMean: statuses.reduce((sum, value) => sum + value, 0) / Math.max(1, statuses.length),
    statusMax: Math.max(0, ...statuses),
    noticeP50: quantile(notices, 0.5),
    noticeP95: quantile(notices, 0.95),
    noticeMax: notices[notices.length - 1] ?? Number.NaN,
    notices,
    totalRequests: log.length + extra,
    appRequestsMean: extra / Math.max(1, runs.length),
    errorAnswers: log.filter((entry) => entry.status === 0 || entry.status >= 400).length,
    retryAfterViolations: retryAfterViolations(log, (options.faults?.retryAfterSeconds ?? 1) * 1000),
    failures: runs.filter((run) => run.outcome === 'failed').map((run) => run.error ?? 'unknown'),
  };
}

/** Requests for a job that came sooner after a 429 for the same job than its `Retry-After` allowed. */
function retryAfterViolations(log: readonly SimRequestLog[], retryAfterMs: number): number {
  const until = new Map<string, number>();
  let violations = 0;
  for (const entry of log) {
    if (entry.jobId === undefined) continue;
    const blockedUntil = until.get(entry.jobId);
    if (blockedUntil !== undefined && entry.at < blockedUntil) violations++;
    if (entry.status === 429) until.set(entry.jobId, entry.at + retryAfterMs);
  }
  return violations;
}
