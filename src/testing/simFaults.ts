/** Logical endpoint names, the same for every wire format, so counts compare across providers. */
/** `upload`: a provider's file upload API, and the simulator's pre-signed upload URLs (`/sim-uploads/<id>`). */
export type SimEndpoint = 'submit' | 'status' | 'result' | 'cancel' | 'stream' | 'file' | 'upload';

/** Faults applied at random (seeded) to every request except video file downloads, unless `endpoints` says otherwise. */
export interface SimFaults {
  /** Share of requests answered `500`. Defaults to `0`. */
  serverErrorRate?: number;
  /** Share of requests answered `429` with `Retry-After`. Defaults to `0`. */
  rateLimitRate?: number;
  /** `Retry-After` sent with each `429`, in seconds. Defaults to `1`. */
  retryAfterSeconds?: number;
  /** Share of answers whose JSON body is cut short. Defaults to `0`. */
  malformedRate?: number;
  /** Share of requests whose connection drops (the `fetch` promise rejects with a `TypeError`). Defaults to `0`. */
  dropRate?: number;
  /** Delay before every answer, honouring the request's `AbortSignal`. Defaults to `0`. */
  latencyMs?: number;
  /**
   * A status poll of the same job within this many ms of the previous one is answered `304 Not Modified`.
   * Defaults to the wire format's own floor (e.g. 3000 for the AI gateway), else `0` (never).
   */
  notModifiedWithinMs?: number;
  /** Endpoints the random faults apply to. Defaults to every endpoint but `'file'`. */
  endpoints?: readonly SimEndpoint[];
}

/** A fault for the next matching request(s) only: see `sim.failNext`. */
export type SimOneShotFault = (
  | { status: 429; retryAfter?: number; message?: string }
  | { status: 500 | 502 | 503 | 504 | 400 | 401 | 403 | 404 | 422; message?: string }
  | { malformed: true }
  | { drop: true }
  | { latencyMs: number }
) & {
  /** Only requests whose path (or full URL) matches. Defaults to any request but video file downloads. */
  match?: RegExp;
};

export const DEFAULT_FAULT_ENDPOINTS: readonly SimEndpoint[] = ['submit', 'status', 'result', 'cancel', 'stream'];

/** Resolves after `ms` of timer time, rejecting like `fetch` does when `signal` aborts. */
export function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What `fetch` rejects with on abort: the signal's reason, or an `AbortError` DOMException. */
export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
