// fal's official client, pointed at our proxy the way fal documents for its own proxy (`proxyUrl`, target in
// `x-fal-target-url`), reaches the (simulated) queue with the server's key and never holds one itself.
import { createFalClient } from '@fal-ai/client';
import { createProxyHandler } from '../../src/server';
import { createSimulator } from '../../src/testing';

const FAL_KEY = 'fal-server-key:secret';

describe('@fal-ai/client through createProxyHandler', () => {
  it('submits, reads status and fetches the result through the proxy', async () => {
    const sim = createSimulator({ apiKeys: { fal: FAL_KEY }, job: { queueMs: 0, runMs: 60_000 } });
    const proxy = createProxyHandler({ providers: ['fal'], env: { FAL_KEY }, fetch: sim.fetch });
    const seen: Request[] = [];
    const fal = createFalClient({
      proxyUrl: { url: 'https://app.example/api/fal/proxy', when: 'always' },
      credentials: undefined,
      suppressLocalCredentialsWarning: true,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        seen.push(request.clone());
        return proxy(request);
      },
    });

    const { request_id: id } = await fal.queue.submit('fal-ai/veo3', { input: { prompt: 'a cat' } });
    expect(sim.job(id)).toBeDefined();
    const status = await fal.queue.status('fal-ai/veo3', { requestId: id, logs: true });
    expect(status.status).toBe('IN_PROGRESS');
    sim.complete(id);
    const result = await fal.queue.result('fal-ai/veo3', { requestId: id });
    expect((result.data as { video: { url: string } }).video.url).toMatch(/\.mp4$/);

    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const request of seen) {
      expect(request.url).toBe('https://app.example/api/fal/proxy');
      expect(request.headers.get('x-fal-target-url')).toMatch(/^https:\/\/queue\.fal\.run\//);
      expect(request.headers.get('authorization')).toBeNull();
    }
    // The simulator only answers requests carrying the key: the proxy added it to every one.
    expect(sim.requests.every((entry) => entry.status !== 401)).toBe(true);
  });
});
