import type { DurationModel } from './durationModel';
import type { UploadProgress } from './imageInput';
import type { JobRef, JobSnapshot } from './jobSnapshot';
import type { ProviderAdapter } from './provider';
import type { PushEvents } from './clientPush';
import type { ClientPushState } from './pushUpdates';
import type { PollingOptions } from './schedule';
import type { RetryOptions } from './transport';

export interface VideoClientOptions {
  /** The providers this client can talk to, by the name jobs will carry (`JobRef.provider`). */
  providers: Record<string, ProviderAdapter>;
  /** Poll schedule for every job; each option can be overridden per job. */
  polling?: PollingOptions;
  /** Transport retries for idempotent requests. */
  retry?: RetryOptions;
  /** Per-request time limit. Defaults to `30000` ms. */
  requestTimeoutMs?: number;
  /**
   * How long following a job lasts before it ends with a `timeout` error (the job keeps its status and can be
   * resumed): each `watch`/`wait`, and the schedule the hooks follow (`nextPollDelay`, counted from its first call for
   * the job; the poll due then makes `getStatus` reject instead). Defaults to `600000` (10 min).
   */
  timeoutMs?: number;
  /** Defaults to `globalThis.fetch` (looked up at call time, so test doubles installed later are used). */
  fetch?: typeof fetch;
  /** Clock (epoch ms). Defaults to `Date.now`. */
  now?: () => number;
  /** Random source for jitter. Defaults to `Math.random`. */
  random?: () => number;
  /**
   * Run times learned from finished jobs, per provider and model, for the schedule's ETA mode. Pass one
   * created from saved state (`createDurationModel(JSON.parse(saved))`) to start warm, and save its
   * `toJSON()` to keep what was learned. Defaults to a fresh `createDurationModel()` per client.
   */
  durationModel?: DurationModel;
  /**
   * Push updates over the app's job events route, served by `createJobEventsHandler` from `react-video-jobs/server`:
   * `pushEvents('/api/video/events')`, or `pushEvents({ url, ...options })`. Each job the client follows gets a
   * stream; while it is healthy, updates arrive as they happen and polls slow down: to a safety interval (5 min) once
   * the stream is known to deliver the job's end (the server watches the job, `createJobEventsHandler({ watch })`, or
   * a webhook update of the same provider already came through), else to every 20 s (`unwatchedIntervalMs`), so a job
   * whose webhook never arrives is still noticed within 30 s of its end. When the stream drops, polling resumes on the
   * schedule (the stream resumes with `Last-Event-ID`). Opt-in through `pushEvents`, so an app without it does not
   * ship the stream code; the bare route (`events: '/api/video/events'`) is refused with an `invalid_input`. Defaults
   * to none: polling only.
   */
  events?: PushEvents;
  /**
   * How many finished jobs (completed, failed, cancelled) the client keeps in memory (last snapshot, schedule
   * history), so an app that runs jobs all day does not grow without bound. Beyond it, the least recently used
   * finished jobs that nothing is working on are dropped; asking about one again (`getStatus`, `watch`, `refresh`)
   * fetches it from the provider. Unfinished jobs are bounded by `unusedJobTtlMs` instead. `Infinity` keeps every
   * job. Defaults to `100`.
   */
  maxFinishedJobs?: number;
  /**
   * How long the client keeps a job that has not ended once nothing uses it: no observer or hook follows it
   * (`retain`), no `watch`/`wait` runs, no request is in flight, and the app has not asked about it
   * (`getStatus`, `getSnapshot`, `nextPollDelay`, ...) for this long. A component unmounted while its job runs then
   * leaves nothing behind. A dropped job is fetched again when asked about (`getSnapshot` returns `undefined` until
   * then). Keep it longer than the gap between your own polls if you follow a job with `getStatus` (or
   * `jobQueryOptions`) alone: the default outlasts the 5 min safety poll of a pushed job. `Infinity` keeps every job.
   * Defaults to `600_000` (10 minutes).
   */
  unusedJobTtlMs?: number;
}

export interface SubmitOptions {
  provider: string;
  model: string;
  /**
   * The model's parameters. `image` and `endImage` take an `ImageInput` (a `File` or `Blob`, an `https:` URL, or a
   * `data:` URL): checked against the provider's limits before any byte is sent, uploaded the provider's way, and put
   * in its own field (`image_url`, `imageFileIds`, `input_reference`, ...).
   */
  input: Record<string, unknown>;
  webhookUrl?: string;
  idempotencyKey?: string;
  /** Aborts the upload or the submit (a submit already sent may still create the job). */
  signal?: AbortSignal;
  /** Bytes of the input images sent so far, over all of them, while they upload. */
  onUploadProgress?: (progress: UploadProgress) => void;
}

export interface WatchOptions {
  signal?: AbortSignal;
  /** Overrides the client's polling options for this job. */
  polling?: PollingOptions;
  /** Overrides the client's `timeoutMs` for this job. */
  timeoutMs?: number;
  /** Cancel the remote job when watching times out. Defaults to `false`: the job may still finish and be resumed. */
  cancelOnTimeout?: boolean;
  /** Use the provider's status stream when it has one, polling when it drops. Defaults to `false`. */
  stream?: boolean;
  /** Called with every changed snapshot (also yielded by `watch`). */
  onUpdate?: (snapshot: JobSnapshot) => void;
}

export interface NextPollOptions {
  polling?: PollingOptions;
  /** The page is hidden: poll at the slower background pace. */
  hidden?: boolean;
  /**
   * How long the schedule follows this job, counted from the first `nextPollDelay` for it: the poll due then makes
   * `getStatus` reject with a `timeout` error, and `nextPollDelay` returns `false` until `getStatus` is called again.
   * Defaults to the client's `timeoutMs`.
   */
  timeoutMs?: number;
}

export interface VideoClient {
  /** Names of the registered providers. */
  readonly providerNames: readonly string[];
  getProvider(name: string): ProviderAdapter;
  /** Validates the input, submits the job (never retried blindly) and returns its first snapshot. */
  submit(options: SubmitOptions): Promise<JobSnapshot>;
  /**
   * Fetches the job once. A `304` or an unchanged answer returns the very same snapshot object as before, so
   * consumers comparing by reference do not re-render. A terminal snapshot is returned without a request. Once the
   * schedule's time for the job ran out (see `timeoutMs`), the call rejects with `timeout` instead, once.
   */
  getStatus(ref: JobRef, options?: { signal?: AbortSignal }): Promise<JobSnapshot>;
  /**
   * Asks the provider about a job again even though the client holds it as `completed`: signed video URLs expire,
   * and a fresh job record carries a fresh one. Resolves with the new completed snapshot (also sent to
   * `subscribe` listeners), or the held one when nothing changed. Status never goes backwards: when the provider now
   * reports the job as not completed, answers without a video, or cannot be reached, the held snapshot is kept and
   * this rejects with a `VideoJobError` saying why. For a job that has not ended it is `getStatus`; a failed or
   * cancelled job has no video to refresh (`invalid_input`, no request).
   */
  refresh(ref: JobRef, options?: { signal?: AbortSignal }): Promise<JobSnapshot>;
  /**
   * Stops local work for the job, asks the provider to cancel, and returns the final snapshot: `cancelled`,
   * or `completed` (with its video) when the job finished first.
   */
  cancel(ref: JobRef, options?: { signal?: AbortSignal }): Promise<JobSnapshot>;
  /** Follows the job on the poll schedule, yielding each real change, ending after the terminal snapshot. */
  watch(ref: JobRef, options?: WatchOptions): AsyncIterable<JobSnapshot>;
  /** `watch` to the end; resolves with the terminal snapshot (a failed job resolves, it does not throw). */
  wait(ref: JobRef, options?: WatchOptions): Promise<JobSnapshot>;
  /** Milliseconds until this job should be polled again, or `false` once it is terminal or its time ran out. */
  nextPollDelay(ref: JobRef, options?: NextPollOptions): number | false;
  /**
   * The latest snapshot this client holds of a job; `undefined` for a job it never saw, forgot, or dropped (one of
   * more than `maxFinishedJobs` finished jobs, or an unfinished one unused for `unusedJobTtlMs`; `getStatus` fetches
   * it again).
   */
  getSnapshot(ref: JobRef): JobSnapshot | undefined;
  /**
   * Marks the job as followed until the returned release is called: it is not dropped for lack of use
   * (`unusedJobTtlMs`) meanwhile. The observers (`JobObserver`, `GenerationObserver`, the hooks) retain the job they
   * follow; `watch` and `wait` need not.
   */
  retain(ref: JobRef): () => void;
  /** Called with every new snapshot of any job this client follows. Returns the unsubscribe function. */
  subscribe(listener: (snapshot: JobSnapshot) => void): () => void;
  /** Forgets what the client keeps for a job (schedule history, last snapshot). To re-fetch a finished job, use `refresh`. */
  forget(ref: JobRef): void;
  /** Present when the client was created with `events`: which jobs are pushed, for bindings that schedule polls. */
  readonly push?: ClientPushState;
}
