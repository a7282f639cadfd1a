/** Error codes the server handlers answer with, in `{ error: { code, message } }` bodies. */
export type ServerErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'forbidden_target'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
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

/**
 * Reads a request body, refusing it as soon as it passes `limit` bytes: `Content-Length` is checked first, and a
 * chunked body is counted while it streams in, so an oversized upload is never buffered whole.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
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
