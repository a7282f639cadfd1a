// Attacks through the job event stream: an events endpoint (compromised, misconfigured, or a man in the middle on
// plain http) sends snapshots with a script URL or impossible figures. None of it may reach the client's state.
import { pushEvents } from '../../src/core/clientPush';
import { createVideoClient } from '../../src/core/createVideoClient';
import type { JobSnapshot } from '../../src/core/jobSnapshot';
import { fal } from '../../src/providers/fal';
import { createSimulator } from '../../src/testing';

const EVENTS_URL = 'https://app.test/api/video/events';

/** An events route that streams whatever `forged` says for the job it is asked about. */
function forgedEvents(forged: (ref: { provider: string; id: string; model: string }) => unknown) {
  return (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    const ref = { provider: url.searchParams.get('provider')!, id: url.searchParams.get('id')!, model: 'fal-ai/veo3' };
    const body = `retry: 1000\n\nid: 1\nevent: snapshot\ndata: ${JSON.stringify(forged(ref))}\n\n`;
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
}

const attacks: Array<[string, (ref: { provider: string; id: string; model: string }) => unknown]> = [
  [
    'a javascript: video URL',
    (ref) => ({ ref, status: 'completed', updatedAt: 1, video: { url: 'javascript:alert(document.cookie)' } }),
  ],
  ['progress 7', (ref) => ({ ref, status: 'running', updatedAt: 1, progress: 7 })],
  ['a negative queue position', (ref) => ({ ref, status: 'queued', updatedAt: 1, queuePosition: -3 })],
  [
    'a data: URL posing as the video',
    (ref) => ({ ref, status: 'completed', updatedAt: 1, video: { url: 'data:text/html,<script>x</script>' } }),
  ],
];

describe('pushed snapshots are vetted like polled ones', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it.each(attacks)('refuses %s: the client keeps its own view of the job', async (_what, forged) => {
    const sim = createSimulator({ job: { queueMs: 0, runMs: 3_600_000 } });
    const client = createVideoClient({
      providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
      fetch: sim.fetch,
      events: pushEvents({ url: EVENTS_URL, fetch: forgedEvents(forged) }),
    });
    const submitted = await client.submit({ provider: 'fal', model: 'fal-ai/veo3', input: { prompt: 'a cat' } });
    const seen: JobSnapshot[] = [];
    client.subscribe((snapshot) => seen.push(snapshot));
    const watching = client.wait(submitted.ref).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(2000);
    for (const snapshot of [...seen, client.getSnapshot(submitted.ref)!]) {
      expect(snapshot.status).not.toBe('completed');
      expect(snapshot.video).toBeUndefined();
      if (snapshot.progress !== undefined) expect(snapshot.progress).toBeLessThanOrEqual(1);
      if (snapshot.queuePosition !== undefined) expect(snapshot.queuePosition).toBeGreaterThanOrEqual(0);
    }
    client.forget?.(submitted.ref);
    void watching;
  });
});
