import { createTransport, type HttpRequest } from '../transport';
import { VideoJobError } from '../videoJobError';

const bytes = (size: number) => new Blob([new Uint8Array(size)], { type: 'image/png' });

const put = (body: Blob | FormData, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'PUT',
  url: 'https://storage.example/upload/abc?sig=1',
  provider: 'fal',
  rawBody: body,
  responseType: 'none',
  ...extra,
});

/**
 * A scripted XMLHttpRequest: records what was sent, then plays upload progress events and an answer when `finish`
 * is called (or an abort when the signal fires).
 */
class FakeXhr {
  static last: FakeXhr | undefined;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  responseType = '';
  status = 0;
  statusText = '';
  response: ArrayBuffer | null = null;
  upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  responseHeaders = '';
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  getAllResponseHeaders() {
    return this.responseHeaders;
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total });
  }
  finish(status: number, body = '', headers = '') {
    this.status = status;
    this.responseHeaders = headers;
    this.response = body ? new TextEncoder().encode(body).buffer : null;
    this.onload?.();
  }
}

describe('transport uploads (rawBody, onUploadProgress)', () => {
  it('sends a Blob as it is, typed by the Blob, and reports its progress once it is sent through fetch', async () => {
    const sent: RequestInit[] = [];
    const transport = createTransport({
      fetch: (async (_url: string, init: RequestInit) => {
        sent.push(init);
        return new Response(null, { status: 200 });
      }) as typeof fetch,
    });
    const progress: Array<[number, number]> = [];
    const blob = bytes(1000);
    await transport.request(put(blob, { onUploadProgress: ({ loaded, total }) => progress.push([loaded, total]) }));
    expect(sent[0]!.body).toBe(blob);
    expect((sent[0]!.headers as Record<string, string>)['content-type']).toBe('image/png');
    expect(progress).toEqual([[1000, 1000]]);
  });

  it('sends a FormData without setting content-type (the runtime adds the multipart boundary)', async () => {
    const sent: RequestInit[] = [];
    const transport = createTransport({
      fetch: (async (_url: string, init: RequestInit) => {
        sent.push(init);
        return new Response('{"id":"f1"}', { status: 201 });
      }) as typeof fetch,
    });
    const form = new FormData();
    form.set('content', bytes(10), 'a.png');
    const answer = await transport.request<{ id: string }>(put(form, { method: 'POST', responseType: 'json' }));
    expect(answer.data).toEqual({ id: 'f1' });
    expect(sent[0]!.body).toBe(form);
    expect((sent[0]!.headers as Record<string, string>)['content-type']).toBeUndefined();
  });

  it('goes over XMLHttpRequest when given one, reporting each progress event and reading the answer', async () => {
    const fetch = vi.fn();
    const transport = createTransport({
      fetch: fetch as unknown as typeof globalThis.fetch,
      xhr: FakeXhr as unknown as typeof XMLHttpRequest,
    });
    const progress: number[] = [];
    const blob = bytes(2000);
    const pending = transport.request<{ url: string }>(
      put(blob, { method: 'POST', responseType: 'json', onUploadProgress: ({ loaded }) => progress.push(loaded) }),
    );
    await vi.waitFor(() => expect(FakeXhr.last?.body).toBe(blob));
    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe('POST');
    expect(xhr.headers['content-type']).toBe('image/png');
    xhr.progress(500, 2000);
    xhr.progress(2000, 2000);
    xhr.finish(200, '{"url":"https://cdn.example/a.png"}', 'content-type: application/json\r\nx-request-id: r1');
    const answer = await pending;
    expect(answer.data).toEqual({ url: 'https://cdn.example/a.png' });
    expect(answer.headers.get('x-request-id')).toBe('r1');
    expect(progress).toEqual([500, 2000]);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('without onUploadProgress, a request never goes over XMLHttpRequest', async () => {
    FakeXhr.last = undefined;
    const transport = createTransport({
      fetch: (async () => new Response(null, { status: 200 })) as unknown as typeof fetch,
      xhr: FakeXhr as unknown as typeof XMLHttpRequest,
    });
    await transport.request(put(bytes(10)));
    expect(FakeXhr.last).toBeUndefined();
  });

  it('an abort stops the XMLHttpRequest upload and rejects with the signal reason', async () => {
    const transport = createTransport({ xhr: FakeXhr as unknown as typeof XMLHttpRequest });
    const controller = new AbortController();
    const pending = transport.request(put(bytes(10), { signal: controller.signal, onUploadProgress: () => undefined }));
    await vi.waitFor(() => expect(FakeXhr.last?.body).toBeDefined());
    const reason = new VideoJobError({ kind: 'cancelled', message: 'stop' });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('a 403 from the storage is a typed error naming the provider', async () => {
    FakeXhr.last = undefined; // the previous test's request must not be taken for this one's
    const transport = createTransport({ xhr: FakeXhr as unknown as typeof XMLHttpRequest, retry: { retries: 0 } });
    const pending = transport.request(put(bytes(10), { onUploadProgress: () => undefined }));
    await vi.waitFor(() => expect(FakeXhr.last?.body).toBeDefined());
    FakeXhr.last!.finish(403, '<Error><Message>Request has expired</Message></Error>');
    await expect(pending).rejects.toMatchObject({ kind: 'auth', provider: 'fal', status: 403 });
  });

  it('gives a large body more time: the limit grows by 1 s per 50 KB', async () => {
    vi.useFakeTimers();
    try {
      const seen: number[] = [];
      const transport = createTransport({
        requestTimeoutMs: 1000,
        retry: { retries: 0 },
        fetch: ((_url: string, init: RequestInit) =>
          new Promise<Response>((_resolve, reject) => {
            const started = Date.now();
            init.signal!.addEventListener('abort', () => {
              seen.push(Date.now() - started);
              reject(new DOMException('aborted', 'AbortError'));
            });
          })) as unknown as typeof fetch,
      });
      const pending = transport.request(put(bytes(500_000))).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(20_000);
      expect(await pending).toMatchObject({ kind: 'timeout' });
      expect(seen).toEqual([11_000]);
      // A multipart form counts its files and fields the same way.
      const form = new FormData();
      form.set('content', bytes(250_000), 'a.png');
      form.set('model', 'x'.repeat(250_000));
      const multipart = transport.request(put(form, { method: 'POST' })).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(20_000);
      expect(await multipart).toMatchObject({ kind: 'timeout' });
      expect(seen).toEqual([11_000, 11_000]);
    } finally {
      vi.useRealTimers();
    }
  });
});
