// The README's snippets outside React, run as written against the simulator: "Your own API in ~30 lines" (through
// the provider contract suite, which the README promises, and end to end), "Outside React, the same engine", and
// the server-side prefetch. Each block is the README's own text (readmeBlocks.ts writes it out, pointing the
// package's imports at src/); only the network is the simulator.
import { join } from 'node:path';
import { QueryClient } from '@tanstack/react-query';
import { createVideoClient, fal, type JobRef, type JobSnapshot, type ProviderAdapter } from '../../src';
import { createSimulator } from '../../src/testing';
import { acmeWire, describeAcmeContract } from '../../src/providers/__tests__/acmeWire';
import { findBlock, readmeBlocks, ROOT, RUN, writeBlocks, type BlockQuery } from './readmeBlocks';

const blocks = readmeBlocks();
const paths = writeBlocks(join(ROOT, 'test-output/readme/snippets'), blocks, { rewrite: true });
const load = (query: BlockQuery): Promise<Record<string, unknown>> =>
  import(/* @vite-ignore */ paths.get(findBlock(blocks, query).id)!);
/** Real time, for waiting on work outside the fake clock (a module being transformed and imported). */
const realSetTimeout = globalThis.setTimeout;

// The contract suite registers its tests when called, so the README's adapter is loaded before any test runs.
const { acme } = (await load(RUN.ownApi)) as { acme: (options?: object) => ProviderAdapter };

/**
 * Settles `promise` while virtual time moves on in 1 s steps (at most `maxMs`). While no timer is pending (the
 * promise waits on real work, such as a module being imported), real time passes instead, up to 10 s.
 */
async function withTime<T>(promise: Promise<T>, maxMs = 120_000): Promise<T> {
  let done = false;
  const settled = promise.finally(() => (done = true));
  settled.catch(() => undefined);
  let idleMs = 0;
  for (let elapsed = 0; elapsed < maxMs && idleMs < 10_000 && !done;) {
    if (vi.getTimerCount() === 0) {
      await new Promise((resolve) => realSetTimeout(resolve, 10));
      idleMs += 10;
      continue;
    }
    await vi.advanceTimersByTimeAsync(1000);
    elapsed += 1000;
  }
  return settled;
}

describeAcmeContract("README's defineProvider example (acme)", acme);

describe('README snippets outside React', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') }));
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("defineProvider example: Acme's own words become queue position, progress and a video", async () => {
    const sim = createSimulator({ wireFormats: [acmeWire], job: { queuePosition: 4 }, apiKeys: { acme: 'acme-key' } });
    const client = createVideoClient({ providers: { acme: acme({ apiKey: 'acme-key' }) }, fetch: sim.fetch });
    const seen: JobSnapshot[] = [];

    const first = await client.submit({
      provider: 'acme',
      model: 'acme-video-2',
      input: { prompt: 'A paper boat', duration: 5 },
      webhookUrl: 'https://app.example.com/hooks/acme',
    });
    const done = await withTime(client.wait(first.ref, { onUpdate: (snapshot) => seen.push(snapshot) }));

    expect(first).toMatchObject({ status: 'queued', queuePosition: 4 });
    expect(sim.requests[0]!.url).toBe('https://api.acme.video/v1/generations');
    expect(sim.job(first.id)?.webhookUrl).toBe('https://app.example.com/hooks/acme');
    expect(seen.some((snapshot) => snapshot.status === 'running' && snapshot.progress !== undefined)).toBe(true);
    expect(done).toMatchObject({ status: 'completed', video: { url: `https://api.acme.video/files/${first.id}.mp4` } });
    // The input schema refuses a 30 s clip before any request.
    const before = sim.requests.length;
    await expect(
      client.submit({ provider: 'acme', model: 'acme-video-2', input: { prompt: 'x', duration: 30 } }),
    ).rejects.toMatchObject({ kind: 'invalid_input', field: 'duration' });
    expect(sim.requests).toHaveLength(before);
  });

  it('Outside React: submits with the key from FAL_KEY and watches the job to its end', async () => {
    vi.stubEnv('FAL_KEY', 'readme-fal-key');
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 }, apiKeys: { fal: 'readme-fal-key' } });
    vi.stubGlobal('fetch', sim.fetch);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    await withTime(load(RUN.outsideReact)); // the snippet's top-level await ends when the job does

    const [job] = sim.jobs();
    expect(job).toMatchObject({ provider: 'fal', model: 'fal-ai/veo3', status: 'completed' });
    expect(sim.count({ status: 401 })).toBe(0);
    const statuses = log.mock.calls.map(([status]) => status as string);
    expect(statuses[0]).toBe('queued');
    expect(statuses.at(-1)).toBe('completed');
    expect(log).toHaveBeenCalledWith('queued', expect.any(Number)); // queue position
  });

  it('Prefetch on the server: the finished job lands in the query cache', async () => {
    vi.stubEnv('FAL_KEY', 'readme-fal-key');
    const sim = createSimulator({ apiKeys: { fal: 'readme-fal-key' } });
    vi.stubGlobal('fetch', sim.fetch);
    const submitter = createVideoClient({ providers: { fal: fal({ apiKey: 'readme-fal-key' }) }, fetch: sim.fetch });
    const submitted = await submitter.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a fox' } });
    sim.complete(submitted.id);
    const { prefetchJob } = (await load(RUN.prefetch)) as {
      prefetchJob: (queryClient: QueryClient, ref: JobRef) => Promise<void>;
    };

    const queryClient = new QueryClient();
    await withTime(prefetchJob(queryClient, JSON.parse(JSON.stringify(submitted.ref)) as JobRef), 10_000);

    const cached = queryClient.getQueryCache().getAll();
    expect(cached).toHaveLength(1);
    expect(cached[0]!.state.data).toMatchObject({ id: submitted.id, status: 'completed', video: { url: /\.mp4$/ } });
    queryClient.clear();
  });
});
