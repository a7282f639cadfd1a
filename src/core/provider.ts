import type { ImageField, PreparedImage, ProviderImageSupport, UploadProgress } from './imageInput';
import type { JobRef, JobSnapshot } from './jobSnapshot';
import type { HttpRequest, HttpResponse } from './transport';

/** What a provider's API can do, for feature checks and the README's table. */
export interface ProviderCapabilities {
  /** The API can stop a job remotely. */
  cancel: boolean;
  /** The API reports progress (0..1). */
  progress: boolean;
  /** The API reports a queue position. */
  queuePosition: boolean;
  /** The API calls a webhook when the job ends. */
  webhooks: boolean;
  /** The API streams status (SSE) so polling can stop. */
  streaming: boolean;
}

/** What the client hands an adapter for each call. */
export interface ProviderContext {
  /** The client's transport (retries, Retry-After, 304, abort, typed errors); `provider` is filled in. */
  request<T = unknown>(request: Omit<HttpRequest, 'provider'> & { provider?: string }): Promise<HttpResponse<T>>;
  /** The client's clock (epoch ms). */
  now(): number;
  /**
   * The client's own `fetch`, for the rare request the transport cannot carry: a long-lived stream (SSE)
   * that must be read incrementally. Everything else goes through `request`.
   */
  fetch?: typeof fetch;
}

export interface SubmitRequest<Input = unknown> {
  model: string;
  input: Input;
  /** Passed to the provider's webhook/callback field where it has one. */
  webhookUrl?: string;
  /** Sent where the provider accepts an idempotency key (the only case where a submit is retried). */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /**
   * The job's input images (`image`, `endImage`), checked against `image.limits` and prepared by `image.prepare`: a
   * URL, a provider file id, base64 text, or the bytes. The adapter puts each in its API's own field.
   */
  images?: Partial<Record<ImageField, PreparedImage>>;
  /** For a submit that carries file bytes itself (multipart): pass to `request` to report them going out. */
  onUploadProgress?: (progress: UploadProgress) => void;
}

export interface StatusRequest {
  signal?: AbortSignal;
  /** The last snapshot the client saw, for adapters that need it (e.g. to keep logs or a video on 304). */
  previous?: JobSnapshot;
}

/** Returned by `getStatus` when the provider says nothing changed (`304 Not Modified`). */
export const UNCHANGED: unique symbol = Symbol.for('react-video-jobs.unchanged');
export type Unchanged = typeof UNCHANGED;

/**
 * The provider's answer to a cancel request. `cancelled`: confirmed; `requested`: accepted, the job may still
 * finish; `already_completed`: the job ended first (not an error: fetch it to keep the result);
 * `unsupported`: the API has no cancel.
 */
export type CancelOutcome = 'cancelled' | 'requested' | 'already_completed' | 'unsupported';

/**
 * One provider's wire format. Adapters are pure mappings: no timers, no retries, no React; the client
 * supplies transport and time through `ProviderContext`.
 */
export interface ProviderAdapter<Input = Record<string, unknown>> {
  /** The default registration name, e.g. `"fal"`. */
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  /** The shortest interval between status polls the provider tolerates (e.g. 3000 when it answers 304 faster). */
  readonly minPollIntervalMs?: number;
  /** How the API takes a start image or end frame (`generate({ prompt, image })`); absent when it takes none. */
  readonly image?: ProviderImageSupport;
  /**
   * Validates (and normalises) the input before any request is sent; throws (or rejects with) a `VideoJobError` of
   * kind `invalid_input` naming the field. May return a Promise, e.g. while the adapter loads its schemas on first use
   * (fal); a retryable error from it (the schemas could not be loaded) reaches the caller as it is.
   */
  validateInput?(model: string, input: unknown): Input | Promise<Input>;
  submit(ctx: ProviderContext, request: SubmitRequest<Input>): Promise<JobSnapshot>;
  /**
   * Reads the job. Must have no side effect: the client makes its requests idempotent whatever their method
   * (retried on transient failures, a 500 included) unless a request sets `idempotent: false`.
   */
  getStatus(ctx: ProviderContext, ref: JobRef, request: StatusRequest): Promise<JobSnapshot | Unchanged>;
  cancel?(ctx: ProviderContext, ref: JobRef, request: { signal?: AbortSignal }): Promise<CancelOutcome>;
  /** Follows the job over the provider's own push channel (e.g. fal's `/status/stream`). Ends at a terminal snapshot. */
  streamStatus?(ctx: ProviderContext, ref: JobRef, request: StatusRequest): AsyncIterable<JobSnapshot>;
}
