import type { SimStreamEvent } from './wireFormat';
import { abortError } from './simFaults';
import { SAMPLE_MP4_CONTENT_TYPE, sampleVideoBytes } from './sampleVideo';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = body === undefined ? null : JSON.stringify(body);
  return new Response(status === 204 || status === 304 ? null : text, {
    status,
    headers: { ...(text === null ? {} : { 'content-type': 'application/json' }), ...headers },
  });
}

/** The same answer with its JSON body cut in half: what a proxy that dropped the connection mid-body leaves. */
export async function malformedResponse(response: Response): Promise<Response> {
  const text = await response.text();
  const cut = text.length > 2 ? text.slice(0, Math.ceil(text.length / 2)) : '{"';
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(cut, { status: response.status, headers });
}

export interface SseOptions {
  /** Reads the event to send now; `null` ends the stream, `undefined` sends nothing this tick. */
  read(): { event: SimStreamEvent | null | undefined; done: boolean };
  intervalMs: number;
  signal?: AbortSignal;
}

/**
 * A `text/event-stream` response driven by timers (fake timers in tests): the first event goes out at once,
 * then every `intervalMs` a changed event is sent, until `done`.
 */
export function sseResponse(options: SseOptions): Response {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: string | undefined;
  let closed = false;
  let onAbort: (() => void) | undefined;
  const stop = () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const tick = () => {
        if (closed) return;
        const { event, done } = options.read();
        if (event) {
          const frame = `${event.event ? `event: ${event.event}\n` : ''}${event.data
            .split('\n')
            .map((line) => `data: ${line}`)
            .join('\n')}\n\n`;
          if (frame !== last) {
            last = frame;
            controller.enqueue(encoder.encode(frame));
          }
        }
        if (done || event === null) {
          stop();
          controller.close();
          return;
        }
        timer = setTimeout(tick, options.intervalMs);
      };
      if (options.signal) {
        onAbort = () => {
          if (closed) return;
          stop();
          controller.error(abortError(options.signal!));
        };
        if (options.signal.aborted) {
          onAbort();
          return;
        }
        options.signal.addEventListener('abort', onAbort, { once: true });
      }
      tick();
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' },
  });
}

/**
 * The sample MP4 with HTTP range support: browsers ask for `bytes=0-` first and seek with further ranges,
 * and will not play a video whose server ignores them.
 */
export function videoFileResponse(method: string, rangeHeader: string | null): Response {
  const data = sampleVideoBytes();
  const total = data.length;
  const common = {
    'content-type': SAMPLE_MP4_CONTENT_TYPE,
    'accept-ranges': 'bytes',
    'cache-control': 'public, max-age=3600',
  };
  const range = rangeHeader ? parseRange(rangeHeader, total) : undefined;
  if (range === null) {
    return new Response(null, { status: 416, headers: { ...common, 'content-range': `bytes */${total}` } });
  }
  const [start, end] = range ?? [0, total - 1];
  const slice = data.slice(start, end + 1);
  const headers: Record<string, string> = { ...common, 'content-length': String(slice.length) };
  if (range) headers['content-range'] = `bytes ${start}-${end}/${total}`;
  return new Response(method === 'HEAD' ? null : slice, { status: range ? 206 : 200, headers });
}

/** `[start, end]` inclusive; `undefined` for a header we ignore (serve it all); `null` when unsatisfiable. */
function parseRange(header: string, total: number): [number, number] | undefined | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined; // several ranges or another unit: answering 200 with everything is allowed
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return null;
    return [Math.max(0, total - suffix), total - 1];
  }
  const start = Number(from);
  const end = to === '' ? total - 1 : Math.min(Number(to), total - 1);
  if (start >= total || end < start) return null;
  return [start, end];
}
