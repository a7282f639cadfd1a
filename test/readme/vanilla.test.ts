// @vitest-environment jsdom
// The README's "Outside React" block, run as written in a page without React: a form, an <output> and a <video>, the
// observer from react-video-jobs/vanilla, and the simulator behind the proxy URL (it reads the target header the
// adapter sends, as the app's proxy route would forward it).
import { join } from 'node:path';
import { createSimulator } from '../../src/testing';
import { findBlock, readmeBlocks, ROOT, RUN, writeBlocks } from './readmeBlocks';

const blocks = readmeBlocks();
const paths = writeBlocks(join(ROOT, 'test-output/readme/vanilla'), blocks, { rewrite: true });
const realSetTimeout = globalThis.setTimeout;

describe('README: Outside React (react-video-jobs/vanilla)', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('drives a plain page: the form generates, the <output> follows the job, the <video> gets the URL', async () => {
    document.body.innerHTML =
      '<form><input name="prompt" value="A paper boat in the rain"><button>Generate</button></form>' +
      '<output></output><video></video>';
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
    const proxied: string[] = [];
    // A browser's fetch resolves the relative proxy URL against the page; Node's does not, so this one does.
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(new URL(String(input), location.href), init);
      proxied.push(request.url);
      return sim.fetch(request);
    });
    // The block's module is imported with real time (it is transformed first), then the clock is faked.
    await import(/* @vite-ignore */ paths.get(findBlock(blocks, RUN.vanilla).id)!);
    vi.useFakeTimers();

    const seen: string[] = [];
    const output = document.querySelector('output')!;
    new MutationObserver(() => seen.push(output.textContent ?? '')).observe(output, { childList: true });
    document.querySelector('form')!.requestSubmit();
    for (let i = 0; i < 60 && output.textContent !== 'completed'; i++) {
      await vi.advanceTimersByTimeAsync(1000);
    }

    expect(output.textContent).toBe('completed');
    expect(sim.jobs()[0]).toMatchObject({ provider: 'fal', input: { prompt: 'A paper boat in the rain' } });
    expect(document.querySelector('video')!.src).toMatch(/^https:\/\/.*\.mp4$/);
    expect(proxied.every((url) => new URL(url).pathname === '/api/video/proxy')).toBe(true);
    await new Promise((resolve) => realSetTimeout(resolve, 0));
    expect(seen).toContain('submitting');
  });
});
