import type { JobRef, JobSnapshot } from '../core/jobSnapshot';
import { isTerminalStatus } from '../core/jobStatus';
import type { ProviderContext, StatusRequest } from '../core/provider';
import { abortReason } from '../core/sleep';
import { createSseParser } from '../core/sseParser';
import type { ServerSentEvent } from '../core/sseParser';
import { VideoJobError, toVideoJobError } from '../core/videoJobError';
import { parseWith } from './shared';
import { falStatusSchema } from './falStatus';
import type { FalStatus } from './falStatus';

export interface FalStreamOptions {
  ctx: ProviderContext;
  ref: JobRef;
  request: StatusRequest;
  /** `.../requests/<id>/status/stream?logs=1` */
  url: string;
  target(url: string): { url: string; headers: Record<string, string> };
  fetch?: typeof fetch | undefined;
  toSnapshot(body: FalStatus, lines: readonly string[], previous: JobSnapshot | undefined): Promise<JobSnapshot>;
}

/**
 * Follows `/status/stream` (server-sent events, one status object per change) until the job ends. Each event
 * carries only the log lines written since the previous one, so lines are accumulated here. A stream that
 * closes before a terminal status throws a retryable `network` error: the client goes back to polling.
 */
export async function* readFalStream(options: FalStreamOptions): AsyncGenerator<JobSnapshot> {
  const { ref, request } = options;
  const signal = request.signal;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const { url, headers } = options.target(options.url);
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: 'GET',
      headers: { accept: 'text/event-stream', ...headers },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw signal?.aborted ? abortReason(signal) : toVideoJobError(error, { provider: 'fal', jobId: ref.id });
  }
  if (!response.ok || !response.body) throw await refusal(response, ref.id);

  const events: ServerSentEvent[] = [];
  const parser = createSseParser({ onEvent: (event) => events.push(event) });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let previous = request.previous;
  let lines: string[] = [...(previous?.logs ?? [])];
  let first = true;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<string>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw signal?.aborted ? abortReason(signal) : toVideoJobError(error, { provider: 'fal', jobId: ref.id });
      }
      if (chunk.done) break;
      parser.feed(chunk.value);
      while (events.length > 0) {
        const event = events.shift()!;
        const body = parseWith(falStatusSchema, parseEventData(event.data, ref.id), {
          provider: 'fal',
          jobId: ref.id,
          what: 'status stream',
        });
        let fresh = (body.logs ?? []).map((line) => line.message);
        // The first event may repeat the lines a poll already saw: skip that overlap.
        if (first && lines.length > 0 && startsWith(fresh, lines)) fresh = fresh.slice(lines.length);
        lines = [...lines, ...fresh];
        first = false;
        const snapshot = await options.toSnapshot(body, lines, previous);
        previous = snapshot;
        yield snapshot;
        if (isTerminalStatus(snapshot.status)) return;
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  throw new VideoJobError({
    kind: 'network',
    provider: 'fal',
    jobId: ref.id,
    message: 'the status stream closed before the job ended; following it by polling instead',
  });
}

function parseEventData(data: string, jobId: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new VideoJobError({
      kind: 'invalid_response',
      provider: 'fal',
      jobId,
      retryable: true,
      message: `a status stream event is not JSON (${JSON.stringify(data.slice(0, 60))}); a proxy may be rewriting the stream`,
      cause: error,
    });
  }
}

async function refusal(response: Response, jobId: string): Promise<VideoJobError> {
  const text = await response.text().catch(() => '');
  const status = response.status;
  const base = { provider: 'fal', jobId, status };
  if (status === 401 || status === 403) {
    return new VideoJobError({
      kind: 'auth',
      ...base,
      message: `the status stream was refused (${status}); check the fal key on the server proxy`,
    });
  }
  if (status === 404)
    return new VideoJobError({ kind: 'not_found', ...base, message: 'fal does not know this request (404)' });
  return new VideoJobError({
    kind: 'http',
    retryable: true,
    ...base,
    message: `the status stream answered ${status}${text ? ` (${text.slice(0, 80)})` : ''}; following the job by polling instead`,
  });
}

function startsWith(list: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= list.length && prefix.every((item, index) => list[index] === item);
}
