import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSnapshot } from '../../core/jobSnapshot';
import { createJobEventsHandler } from '../createJobEventsHandler';
import { createMemoryJobEventBus } from '../jobEventBus';
import { toNodeHandler } from '../node';
import type { FetchHandler } from '../createProxyHandler';
import { readBody, BodyTooLargeError, tooLargeResponse } from '../serverResponses';

async function listen(handler: FetchHandler): Promise<{ url: string; server: Server }> {
  const server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('toNodeHandler', () => {
  it('passes method, URL, headers and body in, and status, headers and body out', async () => {
    const { url, server } = await listen(async (request) => {
      const body = await request.text();
      const headers = new Headers({ 'content-type': 'application/json', 'x-echo': request.headers.get('x-in') ?? '' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response(JSON.stringify({ method: request.method, url: request.url, body }), { status: 201, headers });
    });
    try {
      const response = await fetch(`${url}/api/video/x?y=1`, {
        method: 'POST',
        body: 'hello',
        headers: { 'x-in': 'v' },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-echo')).toBe('v');
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(await response.json()).toEqual({ method: 'POST', url: `${url}/api/video/x?y=1`, body: 'hello' });
    } finally {
      await close(server);
    }
  });

  it('answers 413 to an oversized upload and can still be read by the client', async () => {
    const { url, server } = await listen(async (request) => {
      try {
        await readBody(request, 1024);
        return new Response('ok');
      } catch (error) {
        if (error instanceof BodyTooLargeError) return tooLargeResponse(1024);
        throw error;
      }
    });
    try {
      const response = await fetch(url, { method: 'POST', body: 'x'.repeat(64 * 1024) });
      expect(response.status).toBe(413);
      expect((await response.json()).error.code).toBe('payload_too_large');
    } finally {
      await close(server);
    }
  });

  it('streams job events as they happen, and aborts the handler when the client leaves', async () => {
    const bus = createMemoryJobEventBus();
    const events = createJobEventsHandler({ bus, owners: false });
    let aborted = false;
    const { url, server } = await listen(async (request) => {
      request.signal.addEventListener('abort', () => (aborted = true));
      return events(request);
    });
    try {
      const chunks: string[] = [];
      const response = await new Promise<import('node:http').IncomingMessage>((resolve) =>
        httpRequest(`${url}/events?provider=fal&id=r1`, resolve).end(),
      );
      expect(response.headers['content-type']).toMatch(/event-stream/);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => chunks.push(chunk));
      const ref = { provider: 'fal', id: 'r1', model: 'm' };
      await bus.publish(createSnapshot({ ref, status: 'running' }, 1));
      await vi.waitFor(() => expect(chunks.join('')).toContain('"status":"running"'));
      response.destroy();
      await vi.waitFor(() => expect(aborted).toBe(true));
    } finally {
      await close(server);
    }
  });

  it('hands handler failures to next() (Express) or answers 500', async () => {
    const failing: FetchHandler = async () => {
      throw new Error('boom');
    };
    const { url, server } = await listen(failing);
    const nextErrors: unknown[] = [];
    const express = createServer((req, res) =>
      toNodeHandler(failing)(req, res, (error) => {
        nextErrors.push(error);
        res.statusCode = 502;
        res.end();
      }),
    );
    await new Promise<void>((resolve) => express.listen(0, '127.0.0.1', resolve));
    try {
      expect((await fetch(url)).status).toBe(500);
      expect((await fetch(`http://127.0.0.1:${(express.address() as AddressInfo).port}`)).status).toBe(502);
      expect(nextErrors).toHaveLength(1);
    } finally {
      await close(server);
      await close(express);
    }
  });
});
