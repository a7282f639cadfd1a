import { isDownloadableUrl } from './downloadableUrl';
import type { UploadProgress } from './imageInput';
import type { ProviderContext } from './provider';
import { providerReason } from './transport';
import { VideoJobError } from './videoJobError';

/** What an `uploadImage` function is handed besides the file. */
export interface UploadImageOptions {
  /** Aborts the upload (the job's submit was cancelled). */
  signal?: AbortSignal;
  /** Report bytes sent, for the upload's progress bar. */
  onProgress?: (progress: UploadProgress) => void;
  /**
   * The client's transport (retries, typed errors, byte progress over `XMLHttpRequest` in a browser), for an uploader
   * that sends the file over HTTP. Requests are named after the provider the image is for.
   */
  request: ProviderContext['request'];
}

/**
 * Puts a file somewhere a provider can download it and resolves to its URL: your upload route
 * (`uploadTo('/api/video/upload')`), or your own code for S3 / Vercel Blob. Must answer an `https:` URL (`http:` only on
 * `localhost`, for tests).
 */
export type UploadImage = (file: Blob, options: UploadImageOptions) => Promise<string>;

export interface UploadToOptions {
  /** Extra headers sent with the file (e.g. a CSRF token). */
  headers?: Record<string, string>;
}

/**
 * An `uploadImage` that POSTs the file's bytes to your app's upload route (`createUploadHandler` from
 * `react-video-jobs/server`) and resolves to the `url` it answers. Goes through the client's transport, so the upload
 * reports byte progress in a browser, is retried on a dropped connection or a 5xx (a repeat stores one more copy and
 * starts nothing), and fails with a `VideoJobError` naming the provider and what the route said.
 */
export function uploadTo(url: string, options: UploadToOptions = {}): UploadImage {
  return async (file, { signal, onProgress, request }) => {
    const response = await request<unknown>({
      method: 'POST',
      url,
      rawBody: file,
      headers: { ...options.headers },
      // The route only stores the file: sending it again stores another copy, it never starts or bills a job.
      idempotent: true,
      ...(signal ? { signal } : {}),
      ...(onProgress ? { onUploadProgress: onProgress } : {}),
      classifyError: (error, body) => routeError(error, body),
    });
    const answered = (response.data as { url?: unknown } | undefined)?.url;
    if (typeof answered !== 'string' || !isDownloadableUrl(answered)) {
      throw new VideoJobError({
        kind: 'invalid_response',
        status: response.status,
        field: 'url',
        message: `the upload route ${describeRoute(url)} answered ${answered === undefined ? 'no `url`' : `${JSON.stringify(String(answered).slice(0, 80))} as its \`url\``}; it must answer { url } with the stored file's https: URL (see createUploadHandler)`,
      });
    }
    return answered;
  };
}

/** The transport's error, told as the upload route's refusal (its `{ error: { message } }`), not a provider's. */
function routeError(error: VideoJobError, body: string): VideoJobError {
  const status = error.status ?? 0;
  const reason = providerReason(body);
  const said = reason ? `: "${reason}"` : '';
  const base = {
    status,
    cause: error,
    retryable: error.retryable,
    ...(error.provider ? { provider: error.provider } : {}),
  };
  if (status === 401 || status === 403) {
    return new VideoJobError({
      ...base,
      kind: 'auth',
      message: `the upload route refused the file (${status})${said}; sign in again, or check the route's authorize`,
    });
  }
  if (status === 411 || status === 413 || status === 415 || status === 400) {
    return new VideoJobError({
      ...base,
      kind: 'invalid_input',
      field: 'image',
      message: `the upload route refused the file (${status})${said}; use a smaller PNG, JPEG or WebP, or raise the route's maxBytes / types`,
    });
  }
  return new VideoJobError({
    ...base,
    kind: error.kind,
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    message: `the upload route answered ${status}${said}; ${error.retryable ? 'it is tried again' : 'the image was not uploaded, try again later'}`,
  });
}

function describeRoute(url: string): string {
  try {
    return new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return url;
  }
}
