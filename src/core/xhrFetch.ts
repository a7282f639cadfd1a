import type { UploadProgress } from './imageInput';

/**
 * A `fetch` over `XMLHttpRequest`, for uploads in a browser: `fetch` cannot report how many bytes of a request body
 * were sent (a streamed body needs HTTP/2 and `duplex: 'half'`), `XMLHttpRequest.upload.onprogress` can. Answers a
 * real `Response`, so the transport reads it like any other.
 */
export function xhrFetch(
  XHR: typeof XMLHttpRequest,
  onProgress: (progress: UploadProgress) => void,
): (url: string, init: RequestInit) => Promise<Response> {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const xhr = new XHR();
      xhr.open(init.method ?? 'GET', url, true);
      xhr.responseType = 'arraybuffer';
      for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) {
        xhr.setRequestHeader(name, value);
      }
      const signal = init.signal;
      const onAbort = () => xhr.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress({ loaded: event.loaded, total: event.total });
      };
      xhr.onload = () => {
        done();
        const headers = new Headers();
        for (const line of xhr
          .getAllResponseHeaders()
          .trim()
          .split(/[\r\n]+/)) {
          const colon = line.indexOf(':');
          if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        }
        const empty = xhr.status === 204 || xhr.status === 304;
        resolve(
          new Response(empty ? null : (xhr.response as ArrayBuffer | null), {
            status: xhr.status,
            statusText: xhr.statusText,
            headers,
          }),
        );
      };
      xhr.onerror = () => {
        done();
        reject(new TypeError(`network error (${init.method ?? 'GET'} upload)`));
      };
      xhr.onabort = () => {
        done();
        reject(signal?.reason ?? new DOMException('The upload was aborted', 'AbortError'));
      };
      xhr.send((init.body ?? null) as XMLHttpRequestBodyInit | null);
    });
}
