import { createSnapshot } from '../jobSnapshot';
import { snapshotFromJSON, snapshotToJSON } from '../snapshotJson';
import { VideoJobError } from '../videoJobError';

const ref = { provider: 'fal', id: 'req-1', model: 'fal-ai/veo3' };

describe('snapshotToJSON / snapshotFromJSON', () => {
  it('round-trips a completed snapshot through JSON text, leaving raw out by default', () => {
    const snapshot = createSnapshot(
      {
        ref,
        status: 'completed',
        progress: 1,
        video: { url: 'https://cdn.example/v.mp4', width: 320 },
        raw: { big: 1 },
        logs: ['a'],
      },
      1000,
    );
    const json = JSON.parse(JSON.stringify(snapshotToJSON(snapshot)));
    expect(json.raw).toBeUndefined();
    const back = snapshotFromJSON(json);
    expect(back).toEqual({ ...snapshot, raw: undefined });
    expect(Object.isFrozen(back)).toBe(true);
    expect(snapshotToJSON(snapshot, { includeRaw: true }).raw).toEqual({ big: 1 });
  });

  it('revives the error as a VideoJobError', () => {
    const error = new VideoJobError({ kind: 'provider_failed', provider: 'fal', jobId: 'req-1', message: 'NSFW' });
    const snapshot = createSnapshot({ ref, status: 'failed', error }, 5);
    const back = snapshotFromJSON(JSON.parse(JSON.stringify(snapshotToJSON(snapshot))));
    expect(back.error).toBeInstanceOf(VideoJobError);
    expect(back.error!.kind).toBe('provider_failed');
    expect(back.error!.message).toBe(error.message);
  });

  it.each([
    ['not an object', 'x', 'snapshot'],
    ['no ref', { status: 'queued', updatedAt: 1 }, 'ref'],
    ['an unknown status', { ref, status: 'done', updatedAt: 1 }, 'status'],
    ['no timestamp', { ref, status: 'queued' }, 'updatedAt'],
    ['bad logs', { ref, status: 'queued', updatedAt: 1, logs: [1] }, 'logs'],
    ['a completed job without a video', { ref, status: 'completed', updatedAt: 1 }, 'video'],
    ['a video without a URL', { ref, status: 'completed', updatedAt: 1, video: {} }, 'video.url'],
  ])('refuses %s with invalid_response naming the field', (_what, value, field) => {
    expect(() => snapshotFromJSON(value)).toThrow(expect.objectContaining({ kind: 'invalid_response', field }));
  });
});
