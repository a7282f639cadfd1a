// Attacks on a server-side key through URLs: a submit answer or a stored ref names a host that is not the
// provider's. The key must never be sent there.
import { createVideoClient } from '../../src/core/createVideoClient';
import type { JobRef } from '../../src/core/jobSnapshot';
import { VideoJobError } from '../../src/core/videoJobError';
import { fal } from '../../src/providers/fal';
import { replicate } from '../../src/providers/replicate';

const FAL_KEY = 'fal-server-key-0123456789';

/** A fetch that records every request's host and auth header, answering like fal's queue would. */
function recordingFal(answerSubmit: () => unknown) {
  const seen: Array<{ host: string; auth: string | null }> = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    seen.push({ host: url.host, auth: new Headers(init?.headers).get('authorization') });
    if (init?.method === 'POST') return Response.json(answerSubmit(), { status: 200 });
    if (url.pathname.endsWith('/status'))
      return Response.json({ status: 'IN_QUEUE', queue_position: 2 }, { status: 202 });
    return Response.json({ detail: 'not found' }, { status: 404 });
  }) as typeof fetch;
  return { seen, fetch: fetchFn };
}

const foreign = ['https://attacker.example', 'https://queue.fal.run.attacker.example', 'http://queue.fal.run'];

describe('a server-side fal key follows no foreign URL', () => {
  it.each(foreign)('ignores %s in a submit answer and keeps the job on queue.fal.run', async (origin) => {
    const upstream = recordingFal(() => ({
      request_id: 'req-1',
      status_url: `${origin}/fal-ai/veo3/requests/req-1/status`,
      response_url: `${origin}/fal-ai/veo3/requests/req-1`,
      cancel_url: `${origin}/fal-ai/veo3/requests/req-1/cancel`,
    }));
    const client = createVideoClient({
      providers: { fal: fal({ apiKey: FAL_KEY, streaming: false }) },
      fetch: upstream.fetch,
    });
    const submitted = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a cat' } });
    expect(submitted.ref.urls?.status).toBe('https://queue.fal.run/fal-ai/veo3/requests/req-1/status');
    await client.getStatus(submitted.ref);
    await client.cancel(submitted.ref).catch(() => undefined);
    expect(upstream.seen.length).toBeGreaterThanOrEqual(3);
    for (const request of upstream.seen) expect(request.host).toBe('queue.fal.run');
  });

  it.each(['status', 'result', 'cancel', 'stream'] as const)(
    'refuses a stored ref whose urls.%s names another host, sending nothing',
    async (field) => {
      const upstream = recordingFal(() => ({}));
      const adapter = fal({ apiKey: FAL_KEY, streaming: field === 'stream' });
      const client = createVideoClient({ providers: { fal: adapter }, fetch: upstream.fetch });
      const ref: JobRef = {
        provider: 'fal',
        id: 'req-1',
        model: 'fal-ai/veo3',
        urls: { [field]: 'https://attacker.example/s' },
      };
      const attempts = [client.getStatus(ref), client.cancel(ref)];
      const results = await Promise.allSettled(attempts);
      const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error).toBeInstanceOf(VideoJobError);
        expect((error as VideoJobError).message).toContain('attacker.example');
      }
      for (const request of upstream.seen) expect(request.host).not.toBe('attacker.example');
    },
  );
});

describe('other adapters build their URLs from baseUrl', () => {
  it('replicate never follows urls.get / urls.cancel from an answer', async () => {
    const seen: string[] = [];
    const fetchFn = (async (input: RequestInfo | URL) => {
      const url = new URL(String(input));
      seen.push(url.host);
      return Response.json(
        {
          id: 'p1',
          status: 'starting',
          urls: { get: 'https://attacker.example/get', cancel: 'https://attacker.example/cancel' },
        },
        { status: 201 },
      );
    }) as typeof fetch;
    const client = createVideoClient({ providers: { replicate: replicate({ apiKey: 'r8_key' }) }, fetch: fetchFn });
    const submitted = await client.submit({ provider: 'replicate', model: 'acme/video', input: { prompt: 'x' } });
    await client.getStatus(submitted.ref);
    await client.cancel(submitted.ref).catch(() => undefined);
    expect(new Set(seen)).toEqual(new Set(['api.replicate.com']));
  });
});
