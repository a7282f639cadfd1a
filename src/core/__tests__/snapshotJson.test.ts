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

  it('carries the thumbnail, also while the job runs (a still may come before the video)', () => {
    const thumbnail = { url: 'https://cdn.example/t.jpg', width: 256, height: 144, expiresAt: 9000 };
    for (const snapshot of [
      createSnapshot({ ref, status: 'running', progress: 0.99, thumbnail }, 10),
      createSnapshot({ ref, status: 'completed', video: { url: 'https://cdn.example/v.mp4' }, thumbnail }, 10),
    ]) {
      const back = snapshotFromJSON(JSON.parse(JSON.stringify(snapshotToJSON(snapshot))));
      expect(back.thumbnail).toEqual(thumbnail);
    }
  });

  it("carries the ref's uploaded images (URL or file id) and refuses anything else there", () => {
    const uploads = { image: 'https://v3.fal.media/files/a.png', endImage: 'vg_file_123' };
    const snapshot = createSnapshot({ ref: { ...ref, uploads }, status: 'queued' }, 1000);
    expect(snapshotFromJSON(JSON.parse(JSON.stringify(snapshotToJSON(snapshot)))).ref.uploads).toEqual(uploads);
    for (const image of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'x'.repeat(300), 42]) {
      const json = { ...snapshotToJSON(snapshot), ref: { ...ref, uploads: { image } } };
      expect(() => snapshotFromJSON(json)).toThrow(expect.objectContaining({ kind: 'invalid_response' }));
    }
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

// A pushed snapshot obeys the rules a polled one does: what a forged or broken events endpoint sends never
// becomes state (test/security keeps the end-to-end attack).
describe('snapshotFromJSON vets what it accepts', () => {
  const ref = { provider: 'fal', id: 'req-1', model: 'fal-ai/veo3' };
  const done = (video: Record<string, unknown>) => ({ ref, status: 'completed', updatedAt: 1, video });

  it.each([
    ['a javascript: video URL', done({ url: 'javascript:alert(1)' }), 'video.url'],
    ['a data: video URL', done({ url: 'data:text/html,<script>alert(1)</script>' }), 'video.url'],
    ['a relative video URL', done({ url: '/v.mp4' }), 'video.url'],
    ['progress above 1', { ref, status: 'running', updatedAt: 1, progress: 7 }, 'progress'],
    ['negative progress', { ref, status: 'running', updatedAt: 1, progress: -0.1 }, 'progress'],
    ['NaN-like progress', { ref, status: 'running', updatedAt: 1, progress: '0.5' }, 'progress'],
    ['a fractional queue position', { ref, status: 'queued', updatedAt: 1, queuePosition: 1.5 }, 'queuePosition'],
    ['a negative queue position', { ref, status: 'queued', updatedAt: 1, queuePosition: -1 }, 'queuePosition'],
    ['a non-numeric timestamp', { ref, status: 'queued', updatedAt: 1, startedAt: 'soon' }, 'startedAt'],
    [
      'a javascript: status URL in the ref',
      { ref: { ...ref, urls: { status: 'javascript:x' } }, status: 'queued', updatedAt: 1 },
      'ref.urls.status',
    ],
    [
      'an unknown cancel outcome',
      { ref, status: 'cancelled', updatedAt: 1, cancellation: { remote: 'maybe' } },
      'cancellation.remote',
    ],
    [
      'a javascript: thumbnail URL',
      { ref, status: 'running', updatedAt: 1, thumbnail: { url: 'javascript:alert(1)' } },
      'thumbnail.url',
    ],
    [
      'a data: thumbnail URL',
      { ref, status: 'running', updatedAt: 1, thumbnail: { url: 'data:image/svg+xml,<svg onload=alert(1)>' } },
      'thumbnail.url',
    ],
    ['a thumbnail without a URL', { ref, status: 'running', updatedAt: 1, thumbnail: {} }, 'thumbnail.url'],
    [
      'a thumbnail with a bad width',
      { ref, status: 'running', updatedAt: 1, thumbnail: { url: 'https://cdn.example/t.jpg', width: -1 } },
      'thumbnail.width',
    ],
    ['an empty job id', { ref: { ...ref, id: '' }, status: 'queued', updatedAt: 1 }, 'ref.id'],
  ])('refuses %s', (_what, value, field) => {
    expect(() => snapshotFromJSON(value)).toThrow(expect.objectContaining({ kind: 'invalid_response', field }));
  });

  it('keeps https, http and blob video URLs and drops fields it does not know', () => {
    for (const url of ['https://cdn.example/v.mp4', 'http://127.0.0.1/v.mp4', 'blob:https://app.example/1']) {
      const snapshot = snapshotFromJSON({ ...done({ url, width: 1280 }), injected: '<b>', progress: 1 });
      expect(snapshot.video).toEqual({ url, width: 1280 });
      expect(snapshot).not.toHaveProperty('injected');
    }
  });

  it('keeps https, http and blob thumbnail URLs and drops thumbnail fields it does not know', () => {
    for (const url of ['https://cdn.example/t.jpg', 'http://127.0.0.1/t.jpg', 'blob:https://app.example/2']) {
      const snapshot = snapshotFromJSON({ ref, status: 'queued', updatedAt: 1, thumbnail: { url, status: 'ready' } });
      expect(snapshot.thumbnail).toEqual({ url });
    }
  });
});
