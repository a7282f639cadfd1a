// The in-page simulator answers at once, so an upload would be over before anyone saw it. This puts the adapter on a
// link of a chosen upstream speed: a request that carries a file takes its time going out, reporting bytes as a
// browser's XMLHttpRequest does, and stops when its signal aborts (Cancel). Only the time is simulated: the request
// itself then goes to the simulator as it is.
import type { ProviderAdapter, ProviderContext } from '../../src/core/provider';
import { sleep } from '../../src/core/sleep';
import type { HttpRequest } from '../../src/core/transport';

/** How often the simulated link reports bytes sent. */
const TICK_MS = 100;

/** `adapter` with its uploads (`image.prepare`'s requests, and a submit that carries the file) at `bytesPerSecond()`. */
export function withUploadSpeed(adapter: ProviderAdapter, bytesPerSecond: () => number): ProviderAdapter {
  const image = adapter.image;
  return {
    ...adapter,
    submit: (ctx, request) => adapter.submit(slowLink(ctx, bytesPerSecond), request),
    ...(image
      ? {
          image: {
            ...image,
            prepare: (ctx, blob, request) => image.prepare(slowLink(ctx, bytesPerSecond), blob, request),
          },
        }
      : {}),
  };
}

function slowLink(ctx: ProviderContext, bytesPerSecond: () => number): ProviderContext {
  return {
    ...ctx,
    async request(request) {
      const total = uploadSize(request);
      const speed = bytesPerSecond();
      if (total > 0 && speed > 0) {
        for (let loaded = 0; loaded < total;) {
          await sleep(TICK_MS, request.signal);
          loaded = Math.min(total, loaded + (speed * TICK_MS) / 1000);
          // The last bytes are reported by the transport once the answer is in, as on a real link.
          if (loaded < total) request.onUploadProgress?.({ loaded: Math.round(loaded), total });
        }
      }
      return ctx.request(request);
    },
  };
}

/** Bytes a request sends as an upload: a raw body (file, form), or a JSON body that reports its upload (base64). */
function uploadSize(request: Omit<HttpRequest, 'provider'>): number {
  const body = request.rawBody;
  if (body instanceof Blob) return body.size;
  if (typeof FormData !== 'undefined' && body instanceof FormData) {
    let size = 0;
    for (const [, value] of body.entries()) size += typeof value === 'string' ? value.length : value.size;
    return size;
  }
  if (request.onUploadProgress && request.body !== undefined) return JSON.stringify(request.body).length;
  return 0;
}
