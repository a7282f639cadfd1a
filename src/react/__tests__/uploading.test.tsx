// @vitest-environment jsdom
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLayoutEffect } from 'react';
import { VideoJobProgress } from '../../components/VideoJobProgress';
import { VideoPlayer } from '../../components/VideoPlayer';
import { createVideoClient } from '../../core/createVideoClient';
import type { ProviderImageSupport } from '../../core/imageInput';
import type { ProviderAdapter } from '../../core/provider';
import { sleep } from '../../core/sleep';
import { fal } from '../../providers/fal';
import { createSimulator, sampleImageFile } from '../../testing';
import type { UseVideoGenerationResult } from '../types';
import { useVideoGeneration } from '../useVideoGeneration';
import { advance, createHarness, MODEL } from './harness';

/** A 640x360 sample PNG: 691,331 bytes. */
const image = sampleImageFile();
const SIZE = image.size;
/** The fake link: 100,000 bytes every 100 ms. */
const CHUNK = 100_000;

interface UploadLog {
  started: number;
  aborted: number;
  finished: number;
}

/**
 * fal's adapter with a slow fake upload in front: `prepare` reports bytes over time and honours the signal, like a
 * real upload on a slow link. The submit drops the prepared URL (this test is about the waiting, not fal's fields).
 */
function slowUploadFal(baseUrl: string, log: UploadLog): ProviderAdapter {
  const base = fal({ baseUrl, streaming: false });
  const support: ProviderImageSupport = {
    fields: ['image'],
    limits: { types: ['image/png'], maxBytes: 10_000_000, source: 'test' },
    async prepare(_ctx, blob, { signal, onProgress }) {
      log.started++;
      try {
        for (let loaded = 0; loaded < blob.size;) {
          await sleep(100, signal);
          loaded = Math.min(blob.size, loaded + CHUNK);
          onProgress?.({ loaded, total: blob.size });
        }
      } catch (error) {
        log.aborted++;
        throw error;
      }
      log.finished++;
      return 'https://uploads.example.com/sample.png';
    },
  };
  return { ...base, image: support, submit: (ctx, request) => base.submit(ctx, { ...request, images: undefined }) };
}

function setup() {
  const log: UploadLog = { started: 0, aborted: 0, finished: 0 };
  const sim = createSimulator();
  const h = createHarness({
    reuseSim: sim,
    client: { providers: { fal: slowUploadFal(sim.baseUrl('fal'), log) } },
  });
  return { h, log };
}

let api: UseVideoGenerationResult;
function Studio() {
  const generation = useVideoGeneration({ provider: 'fal', model: MODEL });
  useLayoutEffect(() => {
    api = generation;
  });
  return (
    <>
      <VideoJobProgress state={generation} />
      <VideoPlayer job={generation.job} status={generation.status} />
    </>
  );
}

function startWithImage() {
  act(() => api.generate({ prompt: 'a fox', image }));
}

// The client loads its image code on the first submit with an image (a chunk of its own): load it once here, with
// real timers, so the fake-timer tests below see the upload start at once.
beforeAll(async () => {
  const sim = createSimulator();
  const log: UploadLog = { started: 0, aborted: 0, finished: 0 };
  const client = createVideoClient({ providers: { fal: slowUploadFal(sim.baseUrl('fal'), log) }, fetch: sim.fetch });
  await client.submit({
    provider: 'fal',
    model: MODEL,
    input: { prompt: 'warm up', image: sampleImageFile({ width: 8, height: 8 }) },
  });
});

beforeEach(() => {
  vi.useFakeTimers();
  (globalThis as { jest?: unknown }).jest = { advanceTimersByTime: (ms: number) => vi.advanceTimersByTime(ms) };
});
afterEach(() => {
  vi.useRealTimers();
  delete (globalThis as { jest?: unknown }).jest;
});

describe('useVideoGeneration with a start image on a slow link', () => {
  it('reports uploading with bytes sent, then submits once the upload is done, then follows the job to the end', async () => {
    const { h, log } = setup();
    h.mount(<Studio />);
    startWithImage();
    await advance(0);
    expect(api).toMatchObject({ status: 'uploading', isUploading: true, isSubmitting: true, isActive: true });
    expect(api.upload).toEqual({ loaded: 0, total: SIZE, progress: 0 });
    await advance(300);
    expect(api.status).toBe('uploading');
    expect(api.upload).toEqual({ loaded: 3 * CHUNK, total: SIZE, progress: (3 * CHUNK) / SIZE });
    expect(h.submitRequests()).toBe(0);
    await advance(500);
    expect(log).toEqual({ started: 1, aborted: 0, finished: 1 });
    expect(api.isUploading).toBe(false);
    expect(h.submitRequests()).toBe(1);
    await advance(20_000);
    expect(api.status).toBe('completed');
    expect(api.upload).toBeUndefined();
  });

  it('given cancel() while uploading, the upload is aborted, nothing is submitted, and it is idle without an error', async () => {
    const { h, log } = setup();
    h.mount(<Studio />);
    startWithImage();
    await advance(200);
    expect(api.status).toBe('uploading');
    let cancelled: unknown = 'pending';
    await act(async () => {
      cancelled = await api.cancel();
    });
    expect(cancelled).toBeUndefined();
    await advance(0);
    expect(log).toEqual({ started: 1, aborted: 1, finished: 0 });
    expect(api).toMatchObject({ status: 'idle', isActive: false, isUploading: false, error: undefined });
    expect(api.upload).toBeUndefined();
    await advance(2_000);
    expect(h.sim.requests).toHaveLength(0);

    // The aborted upload is not remembered: the next generate sends the file again, and goes through.
    startWithImage();
    await advance(1_000);
    expect(log).toEqual({ started: 2, aborted: 1, finished: 1 });
    expect(h.submitRequests()).toBe(1);
  });

  it('shows "Uploading – 43 %" in the progress card, keeps the player frame waiting, and Cancel stops the upload', async () => {
    const { h, log } = setup();
    h.mount(<Studio />);
    startWithImage();
    await advance(300);
    expect(screen.getByText('Uploading – 43 %', { selector: '[data-part="status"]' })).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Upload progress' })).toHaveAttribute('aria-valuenow', '43');
    expect(document.querySelector('[data-video-player]')).toHaveAttribute('data-status', 'waiting');
    expect(document.querySelector('[data-part="waiting-status"]')).toHaveTextContent('Uploading…');
    expect(screen.getByRole('status')).toHaveTextContent('Uploading the image');

    const person = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    await person.click(screen.getByRole('button', { name: 'Cancel' }));
    await advance(0);
    expect(log.aborted).toBe(1);
    expect(screen.getByText('Not started', { selector: '[data-part="status"]' })).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Upload cancelled');
    expect(screen.getByRole('group', { name: 'Video generation' })).toHaveFocus();
    expect(document.querySelector('[data-video-player]')).toHaveAttribute('data-status', 'empty');
    expect(h.submitRequests()).toBe(0);
  });

  it('announces "Image uploaded" once the bytes are sent, then the queue', async () => {
    const { h } = setup();
    // The submit takes a moment, so the announcement between upload and queue has time to be said.
    h.sim.failNext({ latencyMs: 500 });
    h.mount(<Studio />);
    const said: string[] = [];
    const region = () => screen.getByRole('status').textContent ?? '';
    startWithImage();
    for (let step = 0; step < 16; step++) {
      await advance(100);
      if (said.at(-1) !== region()) said.push(region());
    }
    expect(said.filter(Boolean)).toEqual(['Uploading the image', 'Image uploaded', 'Video generation queued']);
    expect(api.status).toBe('queued');
  });
});
