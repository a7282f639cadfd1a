import { VideoJobError } from './videoJobError';

/** Resolves after `ms`, or rejects with a `cancelled` `VideoJobError` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error to reject with when `signal` aborts: its reason when that is a `VideoJobError`. */
export function abortReason(signal: AbortSignal): VideoJobError {
  const reason: unknown = signal.reason;
  if (reason instanceof VideoJobError) return reason;
  return new VideoJobError({ kind: 'cancelled', message: 'aborted by the caller', cause: reason });
}

/** `promise`, or a rejection as soon as `signal` aborts (the promise itself keeps running). */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
