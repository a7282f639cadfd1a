import { isTerminalPhase } from './simJob';
import type { SimJob } from './simJob';
import type { SimJobStore } from './simJobStore';
import type { SimUploadStore } from './simUploads';
import { jsonResponse, sseResponse } from './simResponses';
import { SAMPLE_MP4_CONTENT_TYPE, sampleVideoBytes } from './sampleVideo';
import type { SimRequest, SimVideoFile, WireContext, WireFormat } from './wireFormat';

export interface WireContextOptions {
  now: () => number;
  store: SimJobStore;
  streamIntervalMs: number;
  videoUrl: string | ((job: SimJob) => string) | undefined;
  uploads: SimUploadStore;
}

/** The error answer of a wire format, in its own shape. */
export function wireError(
  wire: WireFormat | undefined,
  status: number,
  message: string,
  headers?: Record<string, string>,
): Response {
  return jsonResponse(status, wire?.errorBody ? wire.errorBody(status, message) : { error: { message } }, headers);
}

/** What one request's wire format may do: the store scoped to its provider, plus response builders. */
export function createWireContext(wire: WireFormat, req: SimRequest, options: WireContextOptions): WireContext {
  const { store, now } = options;
  const provider = wire.provider;
  return {
    now,
    createJob: (init) => store.create(provider, init, { href: req.url.href, path: req.path, base: req.base }),
    job: (id) => store.get(id, provider),
    cancel: (id) => store.cancel(id, provider),
    video: (job) => videoFile(job, req.url.origin, options.videoUrl),
    uuid: () => store.uuid(),
    reserveUpload: (init) => options.uploads.reserve(provider, req.url.origin, init),
    storeUpload: (init) => options.uploads.store(provider, req.url.origin, init),
    upload: (idOrUrl) => options.uploads.get(idOrUrl) ?? options.uploads.byUrl(idOrUrl),
    json: jsonResponse,
    error: (status, message, headers) => wireError(wire, status, message, headers),
    sse(jobId, render, sseOptions) {
      return sseResponse({
        intervalMs: options.streamIntervalMs,
        ...(sseOptions?.signal ? { signal: sseOptions.signal } : {}),
        read() {
          const job = store.get(jobId, provider);
          if (!job) return { event: null, done: true };
          return { event: render(job), done: isTerminalPhase(job.status) };
        },
      });
    },
  };
}

/** By default the video is served by the simulator itself, on the origin the caller used (so a browser can reach it). */
function videoFile(job: SimJob, requestOrigin: string, videoUrl: WireContextOptions['videoUrl']): SimVideoFile {
  const url =
    typeof videoUrl === 'function'
      ? videoUrl(job)
      : (videoUrl ?? `${requestOrigin}/files/${encodeURIComponent(job.id)}.mp4`);
  return {
    url,
    contentType: SAMPLE_MP4_CONTENT_TYPE,
    fileName: `${job.id}.mp4`,
    fileSize: sampleVideoBytes().length,
    ...job.spec.video,
  };
}
