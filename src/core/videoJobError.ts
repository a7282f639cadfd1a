export type VideoJobErrorKind =
  /** The request never got an answer (DNS, connection reset, offline). Retryable. */
  | 'network'
  /** The provider answered with an HTTP error that no other kind describes. */
  | 'http'
  /** 401/403: the key is missing, wrong, or not allowed to use this model. */
  | 'auth'
  /** 429: too many requests; `retryAfterMs` says when to come back. */
  | 'rate_limited'
  /** The provider's answer was not what its API documents (malformed JSON, schema drift, unknown status). */
  | 'invalid_response'
  /** The job itself failed on the provider's side; the message is the provider's reason. */
  | 'provider_failed'
  /** Watching gave up after `timeoutMs`; the job may still finish and can be resumed with its id. */
  | 'timeout'
  /** The caller aborted or cancelled. */
  | 'cancelled'
  /** 404: the provider does not know this job (expired, deleted, or another account's). */
  | 'not_found'
  /** The input was rejected before any request was sent; `field` names the culprit. */
  | 'invalid_input'
  /** Another job is still active where only one may run, so nothing was sent; cancel or replace it. */
  | 'busy'
  /** Following a job stopped before the job ended (it was forgotten meanwhile); follow it again to resume. */
  | 'watch_ended'
  /** A refresh of a completed job got no fresh video URL; the held completed snapshot is kept. */
  | 'not_refreshed';

export interface VideoJobErrorInit {
  kind: VideoJobErrorKind;
  /** What happened and what to do, without the `provider job id:` prefix (added automatically). */
  message: string;
  provider?: string;
  jobId?: string;
  /** HTTP status, when the error came from a response. */
  status?: number;
  /** Whether repeating the same request may succeed. Defaults by kind. */
  retryable?: boolean;
  retryAfterMs?: number;
  /** The provider's own error code, when it gives one. */
  code?: string;
  /** The input or response field at fault, for `invalid_input` and `invalid_response`. */
  field?: string;
  /** Where the provider documents the rule that was broken (e.g. an input image's limits): an `https:` URL. */
  docsUrl?: string;
  cause?: unknown;
}

export interface VideoJobErrorJSON {
  name: 'VideoJobError';
  kind: VideoJobErrorKind;
  message: string;
  detail: string;
  provider?: string;
  jobId?: string;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
  code?: string;
  field?: string;
  docsUrl?: string;
}

const RETRYABLE_BY_DEFAULT: Record<VideoJobErrorKind, boolean> = {
  network: true,
  http: false,
  auth: false,
  rate_limited: true,
  invalid_response: false,
  provider_failed: false,
  timeout: false,
  cancelled: false,
  not_found: false,
  invalid_input: false,
  busy: false,
  watch_ended: true,
  not_refreshed: false,
};

/**
 * The one error type the library throws or reports. `message` reads
 * `"fal job abc123: <what happened>. <what to do>."`; the parts are also fields.
 */
export class VideoJobError extends Error {
  override readonly name = 'VideoJobError';
  readonly kind: VideoJobErrorKind;
  readonly provider?: string;
  readonly jobId?: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly code?: string;
  readonly field?: string;
  /** Where the provider documents the rule that was broken (`https:` only; anything else is dropped). */
  readonly docsUrl?: string;
  /** The message without the provider/job prefix. */
  readonly detail: string;

  constructor(init: VideoJobErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.detail = init.message;
    this.retryable = init.retryable ?? RETRYABLE_BY_DEFAULT[init.kind];
    if (init.provider !== undefined) this.provider = init.provider;
    if (init.jobId !== undefined) this.jobId = init.jobId;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.code !== undefined) this.code = init.code;
    if (init.field !== undefined) this.field = init.field;
    if (typeof init.docsUrl === 'string' && /^https:\/\/[^\s]+$/.test(init.docsUrl)) this.docsUrl = init.docsUrl;
  }

  /** A copy with the provider (and job id) filled in, for errors raised before they were known. */
  withJob(provider: string, jobId: string | undefined = this.jobId): VideoJobError {
    if (this.jobId === jobId && this.provider === provider) return this;
    return new VideoJobError({ ...this.toInit(), provider, jobId, cause: this.cause });
  }

  toJSON(): VideoJobErrorJSON {
    const json: VideoJobErrorJSON = {
      name: 'VideoJobError',
      kind: this.kind,
      message: this.message,
      detail: this.detail,
      retryable: this.retryable,
    };
    if (this.provider !== undefined) json.provider = this.provider;
    if (this.jobId !== undefined) json.jobId = this.jobId;
    if (this.status !== undefined) json.status = this.status;
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    if (this.code !== undefined) json.code = this.code;
    if (this.field !== undefined) json.field = this.field;
    if (this.docsUrl !== undefined) json.docsUrl = this.docsUrl;
    return json;
  }

  static fromJSON(json: VideoJobErrorJSON): VideoJobError {
    return new VideoJobError({ ...json, message: json.detail });
  }

  static is(value: unknown): value is VideoJobError {
    return value instanceof VideoJobError;
  }

  private toInit(): VideoJobErrorInit {
    const { kind, detail: message, provider, jobId, status, retryable, retryAfterMs, code, field, docsUrl } = this;
    return { kind, message, provider, jobId, status, retryable, retryAfterMs, code, field, docsUrl };
  }
}

function formatMessage(init: VideoJobErrorInit): string {
  const who = [init.provider, init.jobId ? `job ${init.jobId}` : undefined].filter(Boolean).join(' ');
  return who ? `${who}: ${init.message}` : init.message;
}

/** Wraps anything thrown into a `VideoJobError`, keeping an existing one as it is. */
export function toVideoJobError(error: unknown, context: { provider?: string; jobId?: string } = {}): VideoJobError {
  if (error instanceof VideoJobError) {
    // Fill in what the raiser did not know (an adapter rarely knows its registration name), never override.
    const provider = error.provider ?? context.provider;
    const jobId = error.jobId ?? context.jobId;
    return provider !== undefined && (provider !== error.provider || jobId !== error.jobId)
      ? error.withJob(provider, jobId)
      : error;
  }
  if (isAbortError(error)) {
    return new VideoJobError({ kind: 'cancelled', message: 'the request was aborted', ...context, cause: error });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new VideoJobError({
    kind: 'network',
    message: `the request failed (${text}); check the connection, it will be retried`,
    ...context,
    cause: error,
  });
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    ((error as { name: unknown }).name === 'AbortError' || (error as { name: unknown }).name === 'TimeoutError')
  );
}
