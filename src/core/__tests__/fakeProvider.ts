import { createSnapshot, type JobRef, type JobSnapshot } from '../jobSnapshot';
import { UNCHANGED, type CancelOutcome, type ProviderAdapter } from '../provider';
import { VideoJobError } from '../videoJobError';

/**
 * A tiny in-memory provider for core tests: jobs are computed from `Date.now()` (fake timers drive them),
 * every call is logged, and faults are queued per method. No HTTP: the transport has its own tests.
 */
export interface FakeJob {
  id: string;
  model: string;
  createdAt: number;
  queueMs: number;
  runMs: number;
  outcome: 'completed' | 'failed';
  /** Queue position at submit, counting down evenly over `queueMs`; `undefined` reports none. */
  queuePosition?: number;
  /** Report progress while running. */
  progress: boolean;
  cancelledAt?: number;
  /** Ends the job now (like a provider finishing early). */
  forcedEndAt?: number;
}

export interface FakeProviderOptions {
  name?: string;
  queueMs?: number;
  runMs?: number;
  outcome?: 'completed' | 'failed';
  queuePosition?: number;
  progress?: boolean;
  /** What `cancel` answers; `false` leaves the adapter without a cancel method. Defaults to `'cancelled'`. */
  cancel?: CancelOutcome | false;
  /** Answer `UNCHANGED` when nothing changed since `previous` (like a 304). */
  notModified?: boolean;
  minPollIntervalMs?: number;
  stream?: boolean;
}

export type FakeCall = {
  method: 'submit' | 'getStatus' | 'cancel' | 'stream';
  at: number;
  id?: string;
  signal?: AbortSignal;
};

export function createFakeProvider(options: FakeProviderOptions = {}) {
  const jobs = new Map<string, FakeJob>();
  const calls: FakeCall[] = [];
  const faults: Record<string, Array<VideoJobError | 'hang'>> = { submit: [], getStatus: [], cancel: [] };
  let counter = 0;

  function phase(job: FakeJob, at: number): JobSnapshot['status'] {
    const end = job.forcedEndAt ?? job.createdAt + job.queueMs + job.runMs;
    if (job.cancelledAt !== undefined && job.cancelledAt < end) return 'cancelled';
    if (at >= end) return job.outcome;
    return at < job.createdAt + job.queueMs ? 'queued' : 'running';
  }

  function view(job: FakeJob, ref: JobRef, at: number): JobSnapshot {
    const status = phase(job, at);
    const startedAt = job.createdAt + job.queueMs;
    const base = { ref, status, createdAt: job.createdAt, raw: { polledAt: at } };
    if (status === 'queued') {
      const left =
        job.queuePosition === undefined
          ? undefined
          : Math.ceil(job.queuePosition * (1 - (at - job.createdAt) / job.queueMs));
      return createSnapshot({ ...base, queuePosition: left }, at);
    }
    if (status === 'running') {
      const progress = job.progress ? Math.floor(((at - startedAt) / job.runMs) * 100) / 100 : undefined;
      return createSnapshot({ ...base, startedAt, progress, logs: ['started'] }, at);
    }
    if (status === 'completed') {
      return createSnapshot(
        {
          ...base,
          startedAt,
          completedAt: startedAt + job.runMs,
          progress: 1,
          logs: ['started', 'done'],
          video: { url: `https://cdn.test/${job.id}.mp4`, contentType: 'video/mp4' },
        },
        at,
      );
    }
    if (status === 'failed') {
      return createSnapshot(
        {
          ...base,
          startedAt,
          logs: ['started'],
          error: new VideoJobError({ kind: 'provider_failed', message: 'content policy' }),
        },
        at,
      );
    }
    return createSnapshot({ ...base }, at);
  }

  async function takeFault(method: string, signal?: AbortSignal): Promise<void> {
    const fault = faults[method]!.shift();
    if (fault === undefined) return;
    if (fault === 'hang') {
      await new Promise<never>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    throw fault;
  }

  const adapter: ProviderAdapter = {
    name: options.name ?? 'fake',
    capabilities: {
      cancel: options.cancel !== false,
      progress: true,
      queuePosition: true,
      webhooks: false,
      streaming: !!options.stream,
    },
    minPollIntervalMs: options.minPollIntervalMs,
    validateInput(_model, input) {
      const record = input as Record<string, unknown>;
      if (typeof record.prompt !== 'string' || record.prompt === '') {
        throw new VideoJobError({
          kind: 'invalid_input',
          field: 'prompt',
          message: 'prompt must be a non-empty string',
        });
      }
      return record;
    },
    async submit(_ctx, request) {
      calls.push({ method: 'submit', at: Date.now(), signal: request.signal });
      await takeFault('submit', request.signal);
      const job: FakeJob = {
        id: `job-${++counter}`,
        model: request.model,
        createdAt: Date.now(),
        queueMs: options.queueMs ?? 2000,
        runMs: options.runMs ?? 8000,
        outcome: options.outcome ?? 'completed',
        queuePosition: options.queuePosition,
        progress: options.progress ?? false,
      };
      jobs.set(job.id, job);
      return view(
        job,
        { provider: adapter.name, id: job.id, model: job.model, urls: { status: `https://fake.test/${job.id}` } },
        Date.now(),
      );
    },
    async getStatus(_ctx, ref, request) {
      calls.push({ method: 'getStatus', at: Date.now(), id: ref.id, signal: request.signal });
      await takeFault('getStatus', request.signal);
      const job = jobs.get(ref.id);
      if (!job) throw new VideoJobError({ kind: 'not_found', status: 404, message: 'no such job' });
      const snapshot = view(job, ref, Date.now());
      const previous = request.previous;
      if (
        options.notModified &&
        previous &&
        previous.status === snapshot.status &&
        previous.progress === snapshot.progress &&
        previous.queuePosition === snapshot.queuePosition
      ) {
        return UNCHANGED;
      }
      return snapshot;
    },
  };
  if (options.cancel !== false) {
    adapter.cancel = async (_ctx, ref, request) => {
      calls.push({ method: 'cancel', at: Date.now(), id: ref.id, signal: request.signal });
      await takeFault('cancel', request.signal);
      const job = jobs.get(ref.id)!;
      const outcome: CancelOutcome = options.cancel || 'cancelled';
      if (phase(job, Date.now()) === 'completed') return 'already_completed';
      if (outcome === 'cancelled') job.cancelledAt = Date.now();
      return outcome;
    };
  }
  if (options.stream) {
    adapter.streamStatus = async function* (_ctx, ref, request) {
      calls.push({ method: 'stream', at: Date.now(), id: ref.id, signal: request.signal });
      const job = jobs.get(ref.id)!;
      let last: JobSnapshot['status'] | undefined;
      for (;;) {
        const snapshot = view(job, ref, Date.now());
        if (snapshot.status !== last) {
          last = snapshot.status;
          yield snapshot;
          if (snapshot.status !== 'queued' && snapshot.status !== 'running') return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (streamBreaksAt !== undefined && Date.now() >= streamBreaksAt) throw new Error('stream dropped');
      }
    };
  }
  let streamBreaksAt: number | undefined;

  return {
    adapter,
    jobs,
    calls,
    count: (method: FakeCall['method']) => calls.filter((call) => call.method === method).length,
    failNext(method: 'submit' | 'getStatus' | 'cancel', fault: VideoJobError | 'hang', times = 1) {
      for (let i = 0; i < times; i++) faults[method]!.push(fault);
    },
    breakStreamAt(at: number) {
      streamBreaksAt = at;
    },
  };
}
