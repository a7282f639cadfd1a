// What the adapter tests build again and again: a ProviderContext over a real transport, a fetch that records
// what an adapter sent, canned JSON answers, and small readers for snapshots and errors.
import type { JobSnapshot } from '../../core/jobSnapshot';
import type { ProviderContext, Unchanged } from '../../core/provider';
import { createTransport, type TransportOptions } from '../../core/transport';
import { VideoJobError } from '../../core/videoJobError';

/** One request as it left the adapter, body parsed from JSON. */
export interface SentRequest {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

/** Wraps `inner` (usually `sim.fetch`) so every request is recorded in `sent` before it is answered. */
export function recordingFetch(inner: typeof fetch): { fetch: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    sent.push({ url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers), body });
    return inner(input, init);
  };
  return { fetch, sent };
}

/** A context like the client's: the transport built from `options`, `provider` filled in. */
export function transportContext(
  provider: string,
  options: TransportOptions,
  now: () => number = () => Date.now(),
): ProviderContext {
  const transport = createTransport(options);
  return { request: (request) => transport.request({ provider, ...request }), now };
}

/**
 * A context whose every request is answered with `answer`'s JSON and `status`, for checking response mapping in
 * isolation. Its clock stands at 1_700_000_000_000 unless `now` is given.
 */
export function jsonContext(
  provider: string,
  answer: (url: string, init: RequestInit) => unknown,
  { status = 200, now = () => 1_700_000_000_000 }: { status?: number; now?: () => number } = {},
): ProviderContext {
  const fetch: typeof globalThis.fetch = async (input, init) =>
    new Response(JSON.stringify(answer(String(input), init ?? {})), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  return transportContext(provider, { fetch }, now);
}

/** The snapshot `getStatus` answered; fails the test on `UNCHANGED`. */
export function snapshotOf(value: JobSnapshot | Unchanged): JobSnapshot {
  if (typeof value === 'symbol') throw new Error('expected a snapshot, got UNCHANGED');
  return value;
}

/** The `VideoJobError` that `run` throws synchronously; fails the test when it throws none or something else. */
export function rejection(run: () => unknown): VideoJobError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(VideoJobError);
    return error as VideoJobError;
  }
  throw new Error('expected a VideoJobError');
}

/** Collects what a promise settles to without failing the test, so fake time can run meanwhile. */
export function settledState<T>(promise: Promise<T>): { value?: T; error?: unknown; done: boolean } {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => Object.assign(state, { value, done: true }),
    (error: unknown) => Object.assign(state, { error, done: true }),
  );
  return state;
}

/** The `VideoJobError` a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<VideoJobError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(VideoJobError);
  return caught as VideoJobError;
}
