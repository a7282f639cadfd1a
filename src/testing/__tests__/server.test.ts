import { createSimulator } from '../createSimulator';
import { sampleVideoBytes } from '../sampleVideo';
import { startSimulatorServer } from '../server';
import type { SimulatorServer } from '../server';

// Real sockets on 127.0.0.1 and real timers: jobs here take no time (queueMs/runMs 0) or run on a manual clock.
let clock = Date.parse('2026-11-23T12:00:00Z');
const sim = createSimulator({ now: () => clock, job: { queueMs: 1000, runMs: 1000 }, streamIntervalMs: 10 });
let server: SimulatorServer;

beforeAll(async () => {
  server = await startSimulatorServer(sim);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => sim.reset());

async function submit() {
  const response = await fetch(`${server.url}/fal/fal-ai/veo3`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:6006' },
    body: JSON.stringify({ prompt: 'a lighthouse at dawn' }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:6006');
  return (await response.json()) as {
    request_id: string;
    status_url: string;
    response_url: string;
    cancel_url: string;
  };
}

describe('startSimulatorServer', () => {
  it('listens on 127.0.0.1 and hands out URLs that lead back to itself', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const job = await submit();
    expect(job.status_url).toBe(`${server.url}/fal/fal-ai/veo3/requests/${job.request_id}/status`);
    expect(await (await fetch(job.status_url)).json()).toMatchObject({ status: 'IN_QUEUE' });
    expect(sim.job(job.request_id)?.input).toEqual({ prompt: 'a lighthouse at dawn' });
  });

  it('answers CORS preflights for pages on another port', async () => {
    const response = await fetch(`${server.url}/fal/fal-ai/veo3`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:6006',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization, x-fal-target-url',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, x-fal-target-url');
    expect(sim.count()).toBe(0);
  });

  it('serves the finished MP4 with range requests, so a browser can play it', async () => {
    const job = await submit();
    clock += 2000;
    const result = (await (await fetch(job.response_url)).json()) as { video: { url: string } };
    expect(result.video.url).toBe(`${server.url}/files/${job.request_id}.mp4`);
    const total = sampleVideoBytes().length;
    const range = await fetch(result.video.url, { headers: { range: 'bytes=0-1023' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 0-1023/${total}`);
    expect(range.headers.get('content-type')).toBe('video/mp4');
    expect(new Uint8Array(await range.arrayBuffer())).toEqual(sampleVideoBytes().slice(0, 1024));
    const head = await fetch(result.video.url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(total));
  });

  it('streams status events as they happen', async () => {
    const job = await submit();
    const response = await fetch(`${job.status_url}/stream`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const first = await reader.read();
    expect(first.value).toContain('"status":"IN_QUEUE"');
    clock += 2000; // the job completes; the next tick sends COMPLETED and closes the stream
    let rest = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      rest += chunk.value;
    }
    expect(rest).toContain('"status":"COMPLETED"');
  });

  it('drops the socket for a simulated dropped connection', async () => {
    sim.failNext({ drop: true });
    await expect(fetch(`${server.url}/fal/fal-ai/veo3`, { method: 'POST', body: '{}' })).rejects.toThrow(TypeError);
  });
});
