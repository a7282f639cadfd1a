import type { HttpRequest, HttpResponse } from '../core/transport';
import { VideoJobError } from '../core/videoJobError';

/**
 * One plain request for an adapter reading a webhook (OpenAI's callbacks name the video, the adapter fetches it).
 * No retries on purpose: a failure answers the webhook 503 and the provider's redelivery is the retry. Errors are
 * `VideoJobError`s as the client's transport would throw them, so adapters read them the same way.
 */
export async function directRequest<T>(fetchFn: typeof fetch, request: HttpRequest): Promise<HttpResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  const init: RequestInit = { method: request.method, headers, ...(request.signal ? { signal: request.signal } : {}) };
  if (request.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    init.body = JSON.stringify(request.body);
  }
  const response = await fetchFn(request.url, init);
  if (response.status === 304)
    return { status: 304, headers: response.headers, data: undefined as T, notModified: true };
  const text = await response.text();
  const { status } = response;
  const base = { provider: request.provider, jobId: request.jobId, status };
  if (!response.ok && !request.allowStatus?.includes(status)) {
    const kind =
      status === 401 || status === 403
        ? 'auth'
        : status === 404
          ? 'not_found'
          : status === 429
            ? 'rate_limited'
            : 'http';
    throw new VideoJobError({
      kind,
      ...base,
      message: `the provider answered ${status} while the webhook was read; it is delivered again`,
    });
  }
  let data: unknown;
  if (request.responseType === 'text') data = text;
  else if (request.responseType !== 'none' && text.trim() !== '') {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new VideoJobError({
        kind: 'invalid_response',
        ...base,
        message: 'the provider answered a body that is not JSON',
        cause: error,
      });
    }
  }
  return { status, headers: response.headers, data: data as T, notModified: false };
}
