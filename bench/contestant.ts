import type { JobSnapshot } from '../src/core/jobSnapshot';
import type { Simulator } from '../src/testing';
import type { VirtualClock } from './virtualClock';
import type { BenchJob, Workload } from './workload';

/** What a contestant gets for one scenario: the simulator and the virtual clock. */
export interface ContestantEnv {
  sim: Simulator;
  clock: VirtualClock;
  workload: Workload;
}

/** One job as the caller saw it end. */
export interface JobRun {
  /** The provider's id of the job (the simulator's job id). */
  jobId: string;
  /** Virtual time the caller's code learnt the job had ended (its wait resolved or threw). */
  noticedAt: number;
  /** `ok`: the caller got the video; `failed`: the caller's wait threw or ended without a video. */
  outcome: 'ok' | 'failed';
  /** Why, when `failed`. */
  error?: string;
}

/** Requests the bench makes on a provider's behalf (building webhook bodies) carry this query, and are not counted. */
export const BENCH_INTERNAL = 'bench_internal=1';

/** A caller following jobs: fresh for each scenario, so no contestant carries knowledge between scenarios. */
export interface Caller {
  run(job: BenchJob): Promise<JobRun>;
  /** Requests for this job that did not reach the simulator (e.g. stream connections to the app's server). */
  requestsFor?(jobId: string): number;
  /** Stops whatever the caller keeps running (streams, servers). */
  close?(): Promise<void> | void;
}

export interface Contestant {
  /** Short name for the tables. */
  name: string;
  /** The simulator wire format (provider) it speaks. */
  wire: string;
  /** What the contestant is, in one line (its real code path and settings). */
  how: string;
  /** Counted in the tables as the status requests: polls, plus stream connections for push contestants. */
  statusEndpoints?: ReadonlyArray<'status' | 'stream'>;
  start(env: ContestantEnv): Caller | Promise<Caller>;
}

/** The job id a caller failed to learn (its submit threw): looked up from the simulator by prompt. */
export function jobIdByIndex(sim: Simulator, job: BenchJob): string {
  const found = sim.jobs().find((simJob) => new RegExp(`bench-job-${job.index}:`).test(JSON.stringify(simJob.input)));
  return found?.id ?? `unsubmitted-${job.index}`;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return String(error).slice(0, 200);
}

/** A caller's run that threw: timed now, with the job id it learnt, else looked up from the simulator. */
export function failedRun(sim: Simulator, job: BenchJob, jobId: string | undefined, error: unknown): JobRun {
  return {
    jobId: jobId ?? jobIdByIndex(sim, job),
    noticedAt: Date.now(),
    outcome: 'failed',
    error: describeError(error),
  };
}

/** Our client's terminal snapshot as a run: `ok` only with a video. */
export function finishedRun(jobId: string, final: JobSnapshot): JobRun {
  const noticedAt = Date.now();
  return final.status === 'completed' && final.video
    ? { jobId, noticedAt, outcome: 'ok' }
    : { jobId, noticedAt, outcome: 'failed', error: `ended ${final.status}: ${final.error?.message ?? ''}` };
}
