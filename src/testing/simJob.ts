/** How a simulated job behaves. Every field is optional; the defaults make a 10 s job that succeeds. */
export interface SimJobSpec {
  /** Time spent queued before a runner picks the job up. Defaults to `2000` ms. */
  queueMs?: number;
  /** Time spent running. Defaults to `8000` ms. */
  runMs?: number;
  /** Requests ahead of this one at submit; counts down to 0 over `queueMs`. Defaults to `0`. */
  queuePosition?: number;
  /** How the job ends. Defaults to `'completed'`. */
  outcome?: 'completed' | 'failed';
  /** The provider's reason when `outcome` is `'failed'`. Defaults to a content-policy style message. */
  errorMessage?: string;
  /** Whether wire formats that can report progress do. Defaults to `true`. */
  reportsProgress?: boolean;
  /** What the finished video claims to be. Defaults to 320x180, 2 s (the shipped sample). */
  video?: { width?: number; height?: number; durationSeconds?: number };
}

export type SimJobPhase = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface SimLogLine {
  /** Virtual time (epoch ms) the line was written. */
  at: number;
  level: 'INFO' | 'ERROR';
  message: string;
}

/** What the store keeps per job; wire formats read it through `SimJob` views. */
export interface SimJobRecord {
  id: string;
  provider: string;
  model: string;
  input: unknown;
  /** 0-based submit order across the simulator, for per-job specs. */
  index: number;
  createdAt: number;
  spec: ResolvedSimJobSpec;
  webhookUrl?: string;
  /** Facts a wire format keeps about the job (e.g. fal's app id, Replicate's version). */
  meta: Record<string, string>;
  /** Set by a cancel request that arrived before the job ended. */
  cancelledAt?: number;
  /** Set by `sim.complete` / `sim.fail`: ends the job now instead of at the end of its run time. */
  forcedEnd?: { at: number; outcome: 'completed' | 'failed'; errorMessage?: string };
}

export type ResolvedSimJobSpec = Required<Omit<SimJobSpec, 'video' | 'errorMessage'>> & {
  errorMessage: string;
  video: { width: number; height: number; durationSeconds: number };
};

/** A job as it stands at one instant of the simulator's clock. */
export interface SimJob {
  id: string;
  provider: string;
  model: string;
  input: unknown;
  index: number;
  webhookUrl?: string;
  meta: Readonly<Record<string, string>>;
  spec: ResolvedSimJobSpec;
  status: SimJobPhase;
  /** While queued. */
  queuePosition?: number;
  /** 0..1 while running (when the spec reports progress), 1 once completed. */
  progress?: number;
  logs: readonly SimLogLine[];
  createdAt: number;
  startedAt?: number;
  /** When the job reached a terminal phase. */
  endedAt?: number;
  /** The provider's reason, when failed. */
  errorMessage?: string;
  /** Whether a cancel request reached the job before it ended. */
  cancelRequested: boolean;
}

export const DEFAULT_ERROR_MESSAGE = 'The generated video was flagged by the content checker (simulated failure)';

export function resolveSpec(spec: SimJobSpec = {}): ResolvedSimJobSpec {
  return {
    queueMs: Math.max(0, spec.queueMs ?? 2000),
    runMs: Math.max(0, spec.runMs ?? 8000),
    queuePosition: Math.max(0, Math.floor(spec.queuePosition ?? 0)),
    outcome: spec.outcome ?? 'completed',
    errorMessage: spec.errorMessage ?? DEFAULT_ERROR_MESSAGE,
    reportsProgress: spec.reportsProgress ?? true,
    video: {
      width: spec.video?.width ?? 320,
      height: spec.video?.height ?? 180,
      durationSeconds: spec.video?.durationSeconds ?? 2,
    },
  };
}

/** Progress marks at which a running job writes a log line. */
const LOG_MARKS = [0.25, 0.5, 0.75];

/**
 * The job's state at `now`, computed from its record alone: nothing ticks in the background, so virtual
 * time (fake timers, an injected clock) moves every job without the simulator running timers.
 */
export function jobAt(record: SimJobRecord, now: number): SimJob {
  const { spec } = record;
  const startAt = record.createdAt + spec.queueMs;
  const naturalEnd = startAt + spec.runMs;
  const ends = [naturalEnd];
  if (record.forcedEnd) ends.push(record.forcedEnd.at);
  if (record.cancelledAt !== undefined) ends.push(record.cancelledAt);
  const endAt = Math.min(...ends);
  let outcome: 'completed' | 'failed' | 'cancelled' = spec.outcome;
  let errorMessage: string | undefined = spec.outcome === 'failed' ? spec.errorMessage : undefined;
  if (record.cancelledAt !== undefined && record.cancelledAt === endAt) {
    outcome = 'cancelled';
    errorMessage = undefined;
  } else if (record.forcedEnd && record.forcedEnd.at === endAt) {
    outcome = record.forcedEnd.outcome;
    errorMessage = outcome === 'failed' ? (record.forcedEnd.errorMessage ?? spec.errorMessage) : undefined;
  }

  const base = {
    id: record.id,
    provider: record.provider,
    model: record.model,
    input: record.input,
    index: record.index,
    meta: record.meta,
    spec,
    createdAt: record.createdAt,
    cancelRequested: record.cancelledAt !== undefined,
    ...(record.webhookUrl !== undefined ? { webhookUrl: record.webhookUrl } : {}),
  };
  const logs = logsAt(record, Math.min(now, endAt), startAt, endAt, now >= endAt ? outcome : undefined, errorMessage);

  if (now >= endAt) {
    const job: SimJob = { ...base, status: outcome, logs, endedAt: endAt };
    if (endAt > startAt || (endAt === startAt && outcome !== 'cancelled')) job.startedAt = startAt;
    if (outcome === 'completed') job.progress = 1;
    if (errorMessage !== undefined) job.errorMessage = errorMessage;
    return job;
  }
  if (now < startAt) {
    const remaining = spec.queueMs === 0 ? 0 : (startAt - now) / spec.queueMs;
    return { ...base, status: 'queued', logs, queuePosition: Math.floor(spec.queuePosition * remaining) };
  }
  const job: SimJob = { ...base, status: 'running', logs, startedAt: startAt };
  if (spec.reportsProgress) job.progress = spec.runMs === 0 ? 1 : Math.min(0.99, (now - startAt) / spec.runMs);
  return job;
}

function logsAt(
  record: SimJobRecord,
  until: number,
  startAt: number,
  endAt: number,
  outcome: SimJobPhase | undefined,
  errorMessage: string | undefined,
): SimLogLine[] {
  const logs: SimLogLine[] = [];
  if (until >= startAt && startAt < endAt) {
    logs.push({ at: startAt, level: 'INFO', message: `Loading ${record.model}` });
    for (const mark of LOG_MARKS) {
      const at = startAt + Math.round(record.spec.runMs * mark);
      if (at <= until && at < endAt)
        logs.push({ at, level: 'INFO', message: `Generating frames: ${Math.round(mark * 100)}%` });
    }
  }
  if (outcome === 'completed') logs.push({ at: endAt, level: 'INFO', message: 'Encoding video: done' });
  if (outcome === 'failed') logs.push({ at: endAt, level: 'ERROR', message: errorMessage ?? record.spec.errorMessage });
  if (outcome === 'cancelled') logs.push({ at: endAt, level: 'INFO', message: 'Request cancelled' });
  return logs;
}

export function isTerminalPhase(phase: SimJobPhase): boolean {
  return phase === 'completed' || phase === 'failed' || phase === 'cancelled';
}
