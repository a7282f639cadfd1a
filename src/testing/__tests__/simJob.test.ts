import { jobAt, resolveSpec } from '../simJob';
import type { SimJobRecord } from '../simJob';

const T0 = 1_700_000_000_000;

function record(overrides: Partial<SimJobRecord> = {}, spec = {}): SimJobRecord {
  return {
    id: 'job-1',
    provider: 'fal',
    model: 'fal-ai/veo3',
    input: { prompt: 'a cat' },
    index: 0,
    createdAt: T0,
    spec: resolveSpec({ queueMs: 2000, runMs: 8000, queuePosition: 4, ...spec }),
    meta: {},
    ...overrides,
  };
}

describe('jobAt', () => {
  it('counts the queue position down to 0 while queued, then runs, then completes', () => {
    const job = record();
    expect(jobAt(job, T0)).toMatchObject({ status: 'queued', queuePosition: 4 });
    expect(jobAt(job, T0 + 1000)).toMatchObject({ status: 'queued', queuePosition: 2 });
    expect(jobAt(job, T0 + 1999).queuePosition).toBe(0);
    expect(jobAt(job, T0 + 2000)).toMatchObject({ status: 'running', startedAt: T0 + 2000, progress: 0 });
    expect(jobAt(job, T0 + 6000).progress).toBeCloseTo(0.5);
    const done = jobAt(job, T0 + 10_000);
    expect(done).toMatchObject({ status: 'completed', progress: 1, startedAt: T0 + 2000, endedAt: T0 + 10_000 });
  });

  it('writes log lines as the run goes, with their virtual time', () => {
    const job = record();
    expect(jobAt(job, T0 + 1000).logs).toEqual([]);
    expect(jobAt(job, T0 + 2000).logs.map((line) => line.message)).toEqual(['Loading fal-ai/veo3']);
    expect(jobAt(job, T0 + 6000).logs.map((line) => line.message)).toEqual([
      'Loading fal-ai/veo3',
      'Generating frames: 25%',
      'Generating frames: 50%',
    ]);
    expect(jobAt(job, T0 + 6000).logs[1]!.at).toBe(T0 + 4000);
    expect(jobAt(job, T0 + 10_000).logs.at(-1)!.message).toBe('Encoding video: done');
  });

  it('fails at the end of the run with the spec message', () => {
    const job = record({}, { outcome: 'failed', errorMessage: 'NSFW content detected' });
    expect(jobAt(job, T0 + 9999).status).toBe('running');
    expect(jobAt(job, T0 + 10_000)).toMatchObject({ status: 'failed', errorMessage: 'NSFW content detected' });
    expect(jobAt(job, T0 + 10_000).logs.at(-1)).toMatchObject({ level: 'ERROR', message: 'NSFW content detected' });
  });

  it('leaves out progress when the spec does not report it', () => {
    expect(jobAt(record({}, { reportsProgress: false }), T0 + 5000).progress).toBeUndefined();
  });

  it('is cancelled from the moment of the cancel, queued or running, and never started when queued', () => {
    const queued = jobAt(record({ cancelledAt: T0 + 500 }), T0 + 20_000);
    expect(queued).toMatchObject({ status: 'cancelled', endedAt: T0 + 500, cancelRequested: true });
    expect(queued.startedAt).toBeUndefined();
    const running = jobAt(record({ cancelledAt: T0 + 3000 }), T0 + 20_000);
    expect(running).toMatchObject({ status: 'cancelled', startedAt: T0 + 2000, endedAt: T0 + 3000 });
    expect(running.progress).toBeUndefined();
  });

  it('a cancel after the natural end changes nothing', () => {
    expect(jobAt(record({ cancelledAt: T0 + 11_000 }), T0 + 20_000).status).toBe('completed');
  });

  it('ends early when forced', () => {
    const job = record({ forcedEnd: { at: T0 + 3000, outcome: 'failed', errorMessage: 'runner crashed' } });
    expect(jobAt(job, T0 + 2999).status).toBe('running');
    expect(jobAt(job, T0 + 3000)).toMatchObject({
      status: 'failed',
      errorMessage: 'runner crashed',
      endedAt: T0 + 3000,
    });
  });
});
