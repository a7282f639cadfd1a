// @vitest-environment jsdom
// The README's React snippets, run as written against the simulator: the Quick start app through its proxy route,
// and "Follow a job". Each block is the README's own text (readmeBlocks.ts writes it out, pointing the package's
// imports at src/); only the network is the simulator.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import type { ComponentType } from 'react';
import { join } from 'node:path';
import { createVideoClient, fal, VideoJobsProvider, type JobRef } from '../../src';
import { createSimulator, sampleImageFile, type Simulator } from '../../src/testing';
import { findBlock, readmeBlocks, ROOT, RUN, writeBlocks, type BlockQuery } from './readmeBlocks';

const blocks = readmeBlocks();
const paths = writeBlocks(join(ROOT, 'test-output/readme/run'), blocks, { rewrite: true });
const load = (query: BlockQuery): Promise<Record<string, unknown>> =>
  import(/* @vite-ignore */ paths.get(findBlock(blocks, query).id)!);

/** The browser's `fetch` for a page served with the app: relative URLs (the proxy route) resolve on the page. */
function pageFetch(sim: Simulator, seen: string[]): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? new URL(input, location.href).href : input;
    seen.push(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url);
    return sim.fetch(url, init);
  };
}

/** Moves virtual time in 250 ms steps, each inside `act` as a browser would render, until `done()` or `maxMs`. */
async function advanceUntil(done: () => boolean, maxMs = 60_000): Promise<number> {
  let elapsed = 0;
  while (!done() && elapsed < maxMs) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(250);
    });
    elapsed += 250;
  }
  return elapsed;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  localStorage.clear();
});

describe('README: Quick start', () => {
  it('submits through the proxy route, shows progress, then plays the video and fires onCompleted', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
    const seen: string[] = [];
    vi.stubGlobal('fetch', pageFetch(sim, seen));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { App } = (await load(RUN.quickStart)) as { App: ComponentType };

    const { container } = render(<App />);
    const generate = screen.getByRole('button', { name: 'Generate' });
    act(() => fireEvent.click(generate));
    await advanceUntil(() => sim.jobs().length > 0, 2000);
    expect(generate).toBeDisabled(); // no second paid job while this one runs
    const elapsed = await advanceUntil(() => container.querySelector('video') !== null);

    const [job] = sim.jobs();
    expect(job).toMatchObject({ provider: 'fal', model: 'fal-ai/veo3', status: 'completed' });
    expect(elapsed).toBeLessThan(20_000);
    const video = container.querySelector('video')!;
    expect(video.getAttribute('src')).toMatch(new RegExp(`/files/${job!.id}\\.mp4$`));
    expect(container.querySelector('[data-status]')?.getAttribute('data-status')).toBe('completed');
    expect(log).toHaveBeenCalledWith('ready', video.getAttribute('src'));
    expect(log.mock.calls.filter(([first]) => first === 'ready')).toHaveLength(1);
    // Every API request left the page for the app's proxy route, none for the provider directly.
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((url) => url === 'http://localhost:3000/api/video/proxy')).toBe(true);
    expect(sim.requests.every((request) => request.proxied)).toBe(true);
  });
});

/**
 * The README's `Animate` inside the providers the Quick start sets up. The page's fetch is given to the client: without
 * one, a browser client uploads over XMLHttpRequest (for its progress events), which jsdom would send to the network.
 */
async function renderAnimate(sim: Simulator, seen: string[]) {
  const { Animate } = (await load(RUN.imageInput)) as { Animate: ComponentType };
  const client = createVideoClient({
    providers: { fal: fal({ proxyUrl: '/api/video/proxy' }) },
    fetch: pageFetch(sim, seen),
  });
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <VideoJobsProvider client={client}>
        <Animate />
      </VideoJobsProvider>
    </QueryClientProvider>,
  );
}

describe('README: Start from an image', () => {
  it('uploads the picked photo through the proxy route, shows the upload, then plays the video', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
    const seen: string[] = [];
    const { container } = await renderAnimate(sim, seen);
    const photo = sampleImageFile({ width: 640, height: 360 });
    act(() => fireEvent.change(screen.getByLabelText('Photo to animate'), { target: { files: [photo] } }));
    await advanceUntil(() => sim.jobs().length > 0, 5000);
    await advanceUntil(() => container.querySelector('video') !== null);

    // One upload, its bytes stored where fal's pre-signed URL pointed, and its URL in the model's image field.
    const [upload] = sim.uploads();
    expect(sim.uploads()).toHaveLength(1);
    expect(upload).toMatchObject({ provider: 'fal', status: 'stored', contentType: 'image/png' });
    expect(upload!.bytes.length).toBe(photo.size);
    const [job] = sim.jobs();
    expect(job).toMatchObject({ model: 'fal-ai/kling-video/v2.1/standard/image-to-video', status: 'completed' });
    expect(job!.input).toMatchObject({ prompt: 'the photo comes to life', image_url: upload!.url });
    // The key-bearing calls (initiate, submit, polls) went through the proxy route; only the bytes went to the
    // pre-signed URL the proxy obtained.
    const direct = seen.filter((url) => url !== 'http://localhost:3000/api/video/proxy');
    expect(direct).toHaveLength(1);
    expect(direct[0]).toContain('/sim-uploads/');
  });

  it('refuses a photo over the limit before sending anything, naming the limit', async () => {
    const sim = createSimulator();
    const { container } = await renderAnimate(sim, []);
    const tooSmall = sampleImageFile({ width: 200, height: 200 });
    act(() => fireEvent.change(screen.getByLabelText('Photo to animate'), { target: { files: [tooSmall] } }));
    await advanceUntil(() => container.querySelector('[data-status="failed"]') !== null, 2000);
    expect(container.textContent).toMatch(/300/);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('README: Follow a job', () => {
  it('JobCard follows a job submitted elsewhere to its end', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000, queuePosition: 2 } });
    const client = createVideoClient({ providers: { fal: fal({ baseUrl: sim.baseUrl('fal') }) }, fetch: sim.fetch });
    // Submitted by "the server": the card only gets the ref.
    const submitted = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a red fox' } });
    const { JobCard } = (await load(RUN.followJob)) as {
      JobCard: ComponentType<{ jobRef: JobRef }>;
    };

    const { container } = render(
      <QueryClientProvider client={new QueryClient()}>
        <VideoJobsProvider client={client}>
          <JobCard jobRef={JSON.parse(JSON.stringify(submitted.ref)) as JobRef} />
        </VideoJobsProvider>
      </QueryClientProvider>,
    );
    const status = () => container.querySelector('[data-part="root"]')?.getAttribute('data-status');
    expect(screen.getByRole('button', { name: /cancel/i })).toBeInTheDocument();
    await advanceUntil(() => status() === 'completed');

    expect(status()).toBe('completed');
    expect(container).toHaveTextContent('Completed');
    expect(sim.job(submitted.id)?.status).toBe('completed');
  });
});
