// fal's schemas (falWire.ts, with zod/mini) load with the adapter's first request. A load that fails, as a chunk does
// when the network drops while the app fetches it, must fail that request as a retryable `network` error (not as bad
// input, and without sending anything), and the next request must load them again.
import type { createVideoClient as CreateVideoClient } from '../../core/createVideoClient';
import type { fal as Fal } from '../fal';
import { createSimulator } from '../../testing/createSimulator';

const MODEL = 'fal-ai/kling-video/v2/master/text-to-video';

async function freshModules(): Promise<{ fal: typeof Fal; createVideoClient: typeof CreateVideoClient }> {
  vi.resetModules();
  const { fal } = await import('../fal');
  const { createVideoClient } = await import('../../core/createVideoClient');
  return { fal, createVideoClient };
}

afterEach(() => {
  vi.doUnmock('../falWire');
  vi.resetModules();
});

it('a schema load that fails is a retryable network error, nothing is sent, and the next submit loads them', async () => {
  vi.doMock('../falWire', () => {
    throw new Error('Failed to fetch dynamically imported module: /assets/falWire-1a2b.js');
  });
  const { fal, createVideoClient } = await freshModules();
  const sim = createSimulator({ job: { queueMs: 0, runMs: 0 } });
  const client = createVideoClient({ providers: { fal: fal({ baseUrl: sim.baseUrl('fal') }) }, fetch: sim.fetch });

  const refused = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refused).toMatchObject({ kind: 'network', retryable: true, provider: 'fal' });
  expect((refused as Error).message).toMatch(/schemas .* could not be loaded .*next request loads them again/);
  expect(sim.count({ endpoint: 'submit' })).toBe(0);

  vi.doUnmock('../falWire');
  const first = await client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });
  expect(first.status).toBe('queued');
  expect(sim.count({ endpoint: 'submit' })).toBe(1);
});

it('a poll whose schema load fails throws the same retryable error, and the next poll reads the job', async () => {
  const sim = createSimulator({ job: { queueMs: 0, runMs: 0 } });
  const loaded = await freshModules();
  const submitted = await loaded
    .createVideoClient({ providers: { fal: loaded.fal({ baseUrl: sim.baseUrl('fal') }) }, fetch: sim.fetch })
    .submit({ provider: 'fal', model: MODEL, input: { prompt: 'a fox' } });

  vi.doMock('../falWire', () => {
    throw new Error('Failed to fetch dynamically imported module');
  });
  const { fal, createVideoClient } = await freshModules();
  const client = createVideoClient({ providers: { fal: fal({ baseUrl: sim.baseUrl('fal') }) }, fetch: sim.fetch });
  await expect(client.getStatus(submitted.ref)).rejects.toMatchObject({ kind: 'network', retryable: true });
  expect(sim.count({ endpoint: 'status' })).toBe(0);

  vi.doUnmock('../falWire');
  const job = await client.getStatus(submitted.ref);
  expect(job.status).toBe('completed');
});
