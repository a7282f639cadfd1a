import { jsonResponse } from './simResponses';

/** A file uploaded to the simulator, as a provider's storage would hold it. */
export interface SimUpload {
  id: string;
  /** The provider whose upload API took it; `'app'` for a file stored through `POST /sim-uploads` (the app's own storage). */
  provider: string;
  /** Where the file is read back (served by `sim.fetch` and the loopback server, no key needed). */
  url: string;
  /** `pending`: a pre-signed target was handed out and no bytes arrived yet. */
  status: 'pending' | 'stored';
  contentType: string;
  fileName?: string;
  bytes: Uint8Array;
  createdAt: number;
}

export interface SimUploadStore {
  /** A pre-signed `PUT` target (`uploadUrl`) and the URL the stored file is read from (`fileUrl`). */
  reserve(
    provider: string,
    origin: string,
    init?: { contentType?: string; fileName?: string },
  ): SimUpload & {
    uploadUrl: string;
  };
  /** Stores bytes that came in the provider's own request (multipart, base64). */
  store(
    provider: string,
    origin: string,
    init: { bytes: Uint8Array; contentType: string; fileName?: string },
  ): SimUpload;
  get(id: string): SimUpload | undefined;
  /** The stored upload a URL points at (`<any origin>/sim-uploads/<id>`), e.g. an `image_url` in a submit. */
  byUrl(url: string): SimUpload | undefined;
  all(): SimUpload[];
  /** `PUT` (a pre-signed upload), `GET` / `HEAD` (read back) on `/sim-uploads/<id>`. */
  answer(method: string, url: URL, headers: Headers, bytes: Uint8Array): Response;
  reset(): void;
}

/**
 * `/sim-uploads/<id>`, and `/sim-uploads` itself: a `POST` there stands in for the app's own storage (S3, Vercel Blob)
 * behind `createUploadHandler({ simulator })`, keeping the bytes and answering `{ id, url }`.
 */
export const SIM_UPLOAD_PATH = /^\/sim-uploads(?:\/([A-Za-z0-9_-]+))?$/;

/** Every stored upload together stays under this; the oldest go first. */
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

export function createUploadStore(now: () => number, uuid: () => string): SimUploadStore {
  let uploads = new Map<string, SimUpload & { token: string }>();

  function add(provider: string, origin: string, init: Partial<SimUpload>): SimUpload & { token: string } {
    const id = uuid().replace(/-/g, '');
    const upload = {
      id,
      provider,
      url: `${origin}/sim-uploads/${id}`,
      status: 'pending' as const,
      contentType: init.contentType ?? 'application/octet-stream',
      ...(init.fileName ? { fileName: init.fileName } : {}),
      bytes: new Uint8Array(0),
      createdAt: now(),
      token: uuid().replace(/-/g, ''),
      ...init,
    };
    uploads.set(id, upload);
    evict();
    return upload;
  }

  function evict(): void {
    let total = [...uploads.values()].reduce((sum, upload) => sum + upload.bytes.length, 0);
    for (const [id, upload] of uploads) {
      if (total <= MAX_TOTAL_BYTES) break;
      total -= upload.bytes.length;
      uploads.delete(id);
    }
  }

  return {
    reserve(provider, origin, init = {}) {
      const upload = add(provider, origin, { ...init, status: 'pending' });
      return { ...upload, uploadUrl: `${upload.url}?token=${upload.token}` };
    },
    store(provider, origin, init) {
      return add(provider, origin, { ...init, status: 'stored' });
    },
    get: (id) => uploads.get(id),
    byUrl(url) {
      try {
        const id = SIM_UPLOAD_PATH.exec(new URL(url).pathname)?.[1];
        return id ? uploads.get(id) : undefined;
      } catch {
        return undefined;
      }
    },
    all: () => [...uploads.values()],
    answer(method, url, headers, bytes) {
      const id = SIM_UPLOAD_PATH.exec(url.pathname)?.[1] ?? '';
      if (!id) {
        if (method !== 'POST') return jsonResponse(405, { error: { message: 'Method Not Allowed' } });
        const contentType = headers.get('content-type') ?? 'application/octet-stream';
        const stored = add('app', url.origin, { status: 'stored', bytes, contentType });
        return jsonResponse(201, { id: stored.id, url: stored.url });
      }
      const upload = uploads.get(id);
      if (method === 'PUT') {
        // A pre-signed URL: the token in the query is the only credential, and it works once.
        if (!upload || upload.status !== 'pending' || url.searchParams.get('token') !== upload.token) {
          return jsonResponse(403, { error: { message: 'The upload URL is invalid, used or expired' } });
        }
        const contentType = headers.get('content-type') ?? upload.contentType;
        uploads.set(id, { ...upload, status: 'stored', bytes, contentType });
        evict();
        return new Response(null, { status: 200, headers: { etag: `"${id}"` } });
      }
      if (method !== 'GET' && method !== 'HEAD') return jsonResponse(405, { error: { message: 'Method Not Allowed' } });
      if (!upload || upload.status !== 'stored') return jsonResponse(404, { error: { message: 'No such file' } });
      return new Response(method === 'HEAD' ? null : (upload.bytes as Uint8Array<ArrayBuffer>), {
        status: 200,
        headers: {
          'content-type': upload.contentType,
          'content-length': String(upload.bytes.length),
          'access-control-allow-origin': '*',
        },
      });
    },
    reset() {
      uploads = new Map();
    },
  };
}
