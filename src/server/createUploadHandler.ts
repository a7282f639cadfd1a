import { IMAGE_HEADER_BYTES, readImageHeader, type ImageHeader } from '../core/imageHeader';
import { isDownloadableUrl } from '../core/downloadableUrl';
import { type Authorize, defaultEnv, runAuthorize } from './authorize';
import type { FetchHandler } from './createProxyHandler';
import { resolveSimulator, type ProxySimulatorOption } from './proxyTarget';
import {
  BodyTimeoutError,
  BodyTooLargeError,
  bodyTimeoutResponse,
  errorResponse,
  readBody,
  tooLargeResponse,
} from './serverResponses';

/** What the upload route learnt about a file before handing it to `store`: read from its bytes, not its name. */
export interface UploadedImage {
  type: ImageHeader['type'];
  width: number;
  height: number;
  /** Bytes. */
  size: number;
  /** Who uploaded it (`authorize`'s `ownerId`), e.g. for the storage key. */
  ownerId: string;
}

/** Keeps a checked image where the providers can download it (S3, R2, Vercel Blob...) and answers its URL. */
export type UploadStore = (bytes: Uint8Array, image: UploadedImage) => Promise<{ url: string }>;

export interface UploadHandlerOptions {
  /**
   * Keeps the file and answers its `https:` URL: public, or signed for at least as long as a job may wait in the
   * provider's queue (an hour or more). Only ever called with a checked image of an identified user; the bytes go
   * nowhere else. Required unless `simulator`; checked at the first request, so `next build` needs no storage secrets.
   */
  store?: UploadStore;
  /**
   * The app's gate. Required, and it must name the user (`{ ownerId }`): an upload route open to anyone is free file
   * hosting. An app without users returns a fixed id on purpose (`{ ownerId: 'app' }`). `false`, a `Response` of its
   * own (401, 429 with `Retry-After`) and a missing `ownerId` are refused as for the proxy.
   */
  authorize?: Authorize;
  /** The largest file accepted. Defaults to `10000000` (10 MB, the adapters' assumed image limit). */
  maxBytes?: number;
  /** The image types accepted, read from the bytes (a `.png` name or `content-type` counts for nothing). Defaults to PNG, JPEG and WebP. */
  types?: readonly ImageHeader['type'][];
  /** How long the file may take to arrive (a slow body holds a connection open). Defaults to `60000` ms. */
  bodyTimeoutMs?: number;
  /**
   * Stores files in the simulator (`react-video-jobs/testing`) instead of `store`, for tests and the playground: its
   * origin (`'http://127.0.0.1:4010'` from `startSimulatorServer`, or `sim.origin` with `fetch: sim.fetch`), which
   * keeps the file and serves it back at `<simulator>/sim-uploads/<id>`. Refused (500) while `NODE_ENV` is
   * `production` unless `allowInProduction`. Defaults to none.
   */
  simulator?: ProxySimulatorOption;
  /** Reaches the simulator. Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Where `NODE_ENV` is read from. Defaults to `process.env`. */
  env?: Record<string, string | undefined>;
}

const DEFAULT_TYPES: readonly ImageHeader['type'][] = ['image/png', 'image/jpeg', 'image/webp'];

/**
 * The app's upload route for providers that only download input images from URLs (AI gateway, visgate): the browser
 * POSTs a file's bytes (`uploadTo(url)` / the adapters' `uploadUrl`), the route checks who sends it, refuses a body
 * over `maxBytes` as it streams in (413, never buffering more) and anything whose bytes are not an accepted image
 * (415), hands the rest to `store` and answers `{ url }`.
 */
export function createUploadHandler(options: UploadHandlerOptions): FetchHandler {
  const maxBytes = options.maxBytes ?? 10_000_000;
  const types = options.types ?? DEFAULT_TYPES;
  const env = options.env ?? defaultEnv();
  const simulator = resolveSimulator(options.simulator);
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) {
    throw new TypeError(
      `[react-video-jobs/server] createUploadHandler's maxBytes must be a positive number, got ${maxBytes}`,
    );
  }

  return async function upload(request: Request): Promise<Response> {
    const method = request.method.toUpperCase();
    if (method !== 'POST' && method !== 'PUT') {
      return errorResponse(405, 'method_not_allowed', `${method} is not an upload; POST the file's bytes`, {
        allow: 'POST, PUT',
      });
    }
    const store = simulator ? undefined : options.store;
    if (!options.authorize || (!simulator && !store)) {
      return errorResponse(
        500,
        'handler_failed',
        `[react-video-jobs/server] createUploadHandler needs ${options.authorize ? 'store' : 'authorize'}: ${options.authorize ? 'pass store(bytes, image) => Promise<{ url }> writing to your storage (S3, Vercel Blob...), or simulator for tests' : 'pass authorize returning { ownerId } for the signed-in user, so only your users can upload'}`,
      );
    }
    if (simulator && !simulator.allowInProduction && env.NODE_ENV === 'production') {
      return errorResponse(
        500,
        'handler_failed',
        "[react-video-jobs/server] the upload route's `simulator` is set while NODE_ENV is production: unset it, or pass `simulator: { url, allowInProduction: true }` (an end-to-end test)",
      );
    }

    const auth = await runAuthorize(options.authorize, request);
    if (auth.response) return auth.response;
    if (auth.ownerId === undefined) {
      return errorResponse(
        401,
        'unauthorized',
        "authorize let the upload through without naming the user: return { ownerId } with the signed-in user's id, or a 401 Response when nobody is signed in",
      );
    }

    let bytes: Uint8Array;
    try {
      bytes = await readBody(request, maxBytes, options.bodyTimeoutMs ?? 60_000);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return tooLargeResponse(maxBytes);
      if (error instanceof BodyTimeoutError) return bodyTimeoutResponse(error.timeoutMs);
      throw error;
    }
    if (bytes.byteLength === 0)
      return errorResponse(400, 'bad_request', "the request has no body: POST the file's bytes");
    const header = readImageHeader(bytes.subarray(0, IMAGE_HEADER_BYTES));
    if (!header || !types.includes(header.type)) {
      const accepted = types.map((type) => type.replace('image/', '').toUpperCase()).join(', ');
      return errorResponse(
        415,
        'unsupported_media_type',
        `the file is ${header ? `a ${header.type.replace('image/', '').toUpperCase()}` : 'not an image this route reads'} (its bytes were checked, not its name or content-type); send ${accepted}`,
      );
    }

    const image: UploadedImage = { ...header, size: bytes.byteLength, ownerId: auth.ownerId };
    let stored: { url?: unknown } | undefined;
    try {
      stored = simulator
        ? await storeInSimulator(options.fetch ?? globalThis.fetch, simulator.origin, bytes, image)
        : await store!(bytes, image);
    } catch {
      // The storage's own error may carry bucket names or credentials: it stays on the server.
      return errorResponse(502, 'upstream_error', 'the file could not be stored; try again');
    }
    const url = stored?.url;
    if (typeof url !== 'string' || !isDownloadableUrl(url)) {
      return errorResponse(
        500,
        'handler_failed',
        "[react-video-jobs/server] the upload store answered no https: url; store must resolve to { url } with the file's public or signed https: URL",
      );
    }
    return new Response(JSON.stringify({ url }), {
      status: 201,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    });
  };
}

/** The simulator's stand-in for the app's storage: `POST <simulator>/sim-uploads` keeps the bytes, answers `{ url }`. */
async function storeInSimulator(
  fetchFn: typeof fetch,
  origin: string,
  bytes: Uint8Array,
  image: UploadedImage,
): Promise<{ url?: unknown }> {
  const response = await fetchFn(`${origin}/sim-uploads`, {
    method: 'POST',
    headers: { 'content-type': image.type },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  if (!response.ok) throw new Error(`the simulator answered ${response.status}`);
  return (await response.json()) as { url?: unknown };
}
