import { createVideoClient } from '../createVideoClient';
import type { JobSnapshot } from '../jobSnapshot';
import { rerunInput } from '../rerunInput';
import { fal } from '../../providers/fal';
import { kling } from '../../providers/kling';
import { createSimulator } from '../../testing/createSimulator';
import { sampleImageFile } from '../../testing/sampleImage';

const IMAGE_MODEL = 'fal-ai/kling-video/v2.1/master/image-to-video';

describe('rerunInput', () => {
  it('keeps plain JSON fields as given, and an image as the URL it was uploaded to', () => {
    const image = sampleImageFile();
    const input = { prompt: 'a fox', duration: 5, loop: false, extra: { seed: null, tags: ['a'] }, skipped: undefined };
    expect(rerunInput({ ...input, image }, { image: 'https://v3.fal.media/files/a.png' })).toEqual({
      prompt: 'a fox',
      duration: 5,
      loop: false,
      extra: { seed: null, tags: ['a'] },
      image: 'https://v3.fal.media/files/a.png',
    });
    expect(rerunInput({ prompt: 'a', image: 'https://cdn.example/start.png' }, {})).toEqual({
      prompt: 'a',
      image: 'https://cdn.example/start.png',
    });
    // An empty image field is no image: the job ran without one, so running it again passes none.
    expect(rerunInput({ prompt: 'a', image: null, endImage: '' }, {})).toEqual({ prompt: 'a' });
  });

  it('gives nothing when JSON cannot rebuild the job', () => {
    const image = sampleImageFile();
    // Sent as bytes (base64, multipart): nothing kept. Kept as a provider file id: `image` takes no file ids.
    expect(rerunInput({ prompt: 'a', image }, {})).toBeUndefined();
    expect(rerunInput({ prompt: 'a', image }, { image: 'file_8f2c' })).toBeUndefined();
    expect(rerunInput({ prompt: 'a', mask: image }, {})).toBeUndefined();
    expect(rerunInput({ prompt: 'a', at: new Date(0) }, {})).toBeUndefined();
    expect(rerunInput({ prompt: 'a', scale: Number.NaN }, {})).toBeUndefined();
    expect(rerunInput({ prompt: 'x'.repeat(9_000) }, {})).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(rerunInput({ prompt: 'a', cyclic }, {})).toBeUndefined();
  });
});

describe('JobRef.input, through the client', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('a job started from a photo keeps its input with the uploaded URL, on every snapshot to the end', async () => {
    const sim = createSimulator({ job: { queueMs: 1000, runMs: 3000 } });
    const client = createVideoClient({
      providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
      fetch: sim.fetch,
      random: () => 0.5,
    });
    const seen: JobSnapshot[] = [];
    client.subscribe((snapshot) => seen.push(snapshot));
    const image = sampleImageFile({ width: 640, height: 360 });
    const first = await client.submit({ provider: 'fal', model: IMAGE_MODEL, input: { prompt: 'a fox', image } });
    const url = sim.uploads()[0]!.url;
    expect(first.ref.input).toEqual({ prompt: 'a fox', image: url });
    const done = client.wait(first.ref);
    await vi.advanceTimersByTimeAsync(10_000);
    expect((await done).ref.input).toEqual({ prompt: 'a fox', image: url });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((snapshot) => snapshot.ref.input?.image === url)).toBe(true);

    // Run again: the same input, the photo by its URL; nothing is uploaded again.
    const again = await client.submit({ provider: 'fal', model: IMAGE_MODEL, input: first.ref.input! });
    expect(sim.uploads()).toHaveLength(1);
    expect(sim.jobs()[1]!.input).toEqual(sim.jobs()[0]!.input);
    expect(again.ref.input).toEqual(first.ref.input);
  });

  it('a provider that takes the photo as base64 (Kling) keeps no input: it could not run the same job again', async () => {
    const sim = createSimulator({ job: { queueMs: 1000, runMs: 3000 } });
    const client = createVideoClient({
      providers: { kling: kling({ baseUrl: sim.baseUrl('kling') }) },
      fetch: sim.fetch,
    });
    const image = sampleImageFile({ width: 640, height: 360 });
    const job = await client.submit({ provider: 'kling', model: 'kling-v2-6', input: { prompt: 'a fox', image } });
    expect(job.ref.input).toBeUndefined();
    const text = await client.submit({ provider: 'kling', model: 'kling-v2-6', input: { prompt: 'a fox' } });
    expect(text.ref.input).toEqual({ prompt: 'a fox' });
  });
});
