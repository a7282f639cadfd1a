/** Error codes the server handlers answer with, in `{ error: { code, message } }` bodies. */
export type ServerErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'forbidden_target'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'request_timeout'
  | 'too_many_requests'
  | 'range_not_satisfiable'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'unknown_provider'
  | 'missing_key'
  | 'upstream_error'
  | 'upstream_redirect'
  | 'handler_failed';

/**
 * A JSON error response. Messages say what was refused and how to fix it; they never carry secrets or the
 * upstream's internals.
 */
export function errorResponse(
  status: number,
  code: ServerErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** Thrown by `readBody` when a request body exceeds its limit. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`the request body is larger than ${limit} bytes`);
  }
}

/** Thrown by `readBody` when a request body does not arrive in time (a slow-body attack holds a connection). */
export class BodyTimeoutError extends Error {
  override readonly name = 'BodyTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`the request body did not arrive within ${timeoutMs} ms`);
  }
}

/**
 * Reads a request body, refusing it as soon as it passes `limit` bytes: `Content-Length` is checked first, and a
 * chunked body is counted while it streams in, so an oversized upload is never buffered whole. A body that has not
 * arrived whole within `timeoutMs` is abandoned (`BodyTimeoutError`).
 */
export async function readBody(request: Request, limit: number, timeoutMs = 30_000): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyTimeoutError(timeoutMs)), timeoutMs);
  });
  expired.catch(() => undefined);
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), expired]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw new BodyTooLargeError(limit);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The payload-too-large answer both the proxy and the webhook handler give. */
export function tooLargeResponse(limit: number): Response {
  return errorResponse(413, 'payload_too_large', `the request body is larger than the ${limit}-byte limit`, {
    connection: 'close',
  });
}

/** The answer to a body that did not arrive in time. */
export function bodyTimeoutResponse(timeoutMs: number): Response {
  return errorResponse(408, 'request_timeout', `the request body did not arrive within ${timeoutMs} ms`, {
    connection: 'close',
  });
}

/** The deepest JSON nesting a server handler parses; deeper bodies are refused (400) before `JSON.parse`. */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests arrays/objects deeper than `max` (strings are skipped, so brackets in them don't count). */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      if (++depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
  return false;
}
