import type { SimEndpoint } from './simFaults';
import type { SimJob } from './simJob';
import type { SimUpload } from './simUploads';

/** A request as a wire format sees it, already routed to its provider. */
export interface SimRequest {
  method: string;
  url: URL;
  /**
   * The path below the provider: `/fal-ai/veo3/requests/abc/status` for both
   * `https://sim.local/fal/fal-ai/veo3/requests/abc/status` and `https://queue.fal.run/fal-ai/veo3/requests/abc/status`.
   */
  path: string;
  /**
   * The provider's API root as the caller reached it (`https://sim.local/fal`, `http://127.0.0.1:5173/fal`,
   * `https://queue.fal.run`). Build the URLs a response hands out from it, so they lead back to the simulator.
   */
  base: string;
  headers: Headers;
  /** The body parsed as JSON; `undefined` when empty or not JSON. */
  body: unknown;
  /** The raw body text. */
  text: string;
  /** The raw body bytes (file uploads, multipart forms). */
  bytes: Uint8Array;
  signal?: AbortSignal;
}

/** Which logical endpoint a request hits, and for which job: decided before faults are applied. */
export interface WireRoute {
  endpoint: SimEndpoint;
  /** The job the request is about (not for submits). */
  jobId?: string;
  /** Served without the API key, like a real signed media URL. Defaults to `false`. */
  public?: boolean;
}

export interface RoutedSimRequest extends SimRequest {
  route: WireRoute;
}

/** The finished video as the simulator serves it. */
export interface SimVideoFile {
  url: string;
  contentType: string;
  fileName: string;
  fileSize: number;
  width: number;
  height: number;
  durationSeconds: number;
}

/** One event of a server-sent event stream. */
export interface SimStreamEvent {
  event?: string;
  data: string;
}

/** What the simulator offers a wire format: the shared job store, virtual time and response builders. */
export interface WireContext {
  /** The simulator's clock (epoch ms). */
  now(): number;
  /** Creates a job in the shared store with the simulator's job spec; `id` defaults to a UUID. */
  createJob(init: {
    model: string;
    input: unknown;
    webhookUrl?: string;
    meta?: Record<string, string>;
    id?: string;
  }): SimJob;
  /** This provider's job as it stands now, or `undefined` when the id is unknown (or another provider's). */
  job(id: string): SimJob | undefined;
  /**
   * Asks to stop a job: `cancelled` when it was queued or running (it is cancelled now), `already_ended`
   * when it had completed, failed or been cancelled, `not_found` when unknown.
   */
  cancel(id: string): 'cancelled' | 'already_ended' | 'not_found';
  /** The finished video of a job (a URL served by `sim.fetch` unless the simulator's `videoUrl` says otherwise). */
  video(job: SimJob): SimVideoFile;
  /**
   * A pre-signed upload target, as a provider's storage hands out: `PUT` the bytes to `uploadUrl` (no key, once), then
   * read them at `url`. For upload APIs that answer an upload URL (fal, VideoGen).
   */
  reserveUpload(init?: { contentType?: string; fileName?: string }): SimUpload & { uploadUrl: string };
  /** Keeps bytes that came in the request itself (a multipart file, base64) as an upload readable at its `url`. */
  storeUpload(init: { bytes: Uint8Array; contentType: string; fileName?: string }): SimUpload;
  /** An upload by id, or by the URL it is read from; `undefined` when unknown. */
  upload(idOrUrl: string): SimUpload | undefined;
  /** A fresh UUID (v4 format) from the simulator's own seeded sequence. */
  uuid(): string;
  /** A JSON response. */
  json(status: number, body: unknown, headers?: Record<string, string>): Response;
  /** An error response in this wire format's error shape (`errorBody`). */
  error(status: number, message: string, headers?: Record<string, string>): Response;
  /**
   * A `text/event-stream` response following one job: `render` is called on every tick of the clock and
   * whenever it returns something new, that event is sent; the stream closes after the event rendered for a
   * terminal job (or when `render` returns `null`), and errors when the request's signal aborts.
   */
  sse(
    jobId: string,
    render: (job: SimJob) => SimStreamEvent | null | undefined,
    options?: { signal?: AbortSignal },
  ): Response;
}

/**
 * Where a callback goes: `job`, the webhook URL the job was submitted with; `account`, the endpoint registered in the
 * provider's dashboard (the simulator's `webhooks.endpoints`), for jobs that carry none.
 */
export type SimWebhookTarget = 'job' | 'account';

/** The callback a provider POSTs to a job's webhook URL when the job ends, as the simulator delivers it. */
export interface SimWebhookCallback {
  /** The JSON body: exactly the provider's documented callback. */
  body: unknown;
  /** How the provider signs it; the simulator's `webhooks.secrets` (or its own fal key) supply the key. */
  signing: 'fal-ed25519' | 'standard-webhooks' | 'aigateway-hmac' | 'openrouter-hmac' | 'none';
  /** Sent unsigned when no secret is configured, as Kling does until a Webhook Secret exists. Defaults to `false`. */
  secretOptional?: boolean;
  /** The delivery's id (Standard Webhooks `webhook-id`), the same on every retry so receivers can de-duplicate. */
  deliveryId: string;
  /** Other headers the provider sends with it. */
  headers?: Record<string, string>;
}

/**
 * One provider's wire format, spoken by the simulator over the shared job store. Register it in
 * `wireFormats.ts`; faults, auth, counts and the request log are applied around it by the simulator.
 */
export interface WireFormat {
  /** The provider name: the path prefix (`${origin}/<provider>/...`) and the `provider` of its jobs. */
  readonly provider: string;
  /** The real API hosts (`queue.fal.run`), so requests to the real URLs are routed here too. */
  readonly hosts: readonly string[];
  /** Status polls of one job faster than this are answered `304` (unless the simulator's faults override it). */
  readonly notModifiedWithinMs?: number;
  /** Classifies a request; `undefined` is answered 404. Must not change any state. */
  route(req: SimRequest): WireRoute | undefined;
  handle(req: RoutedSimRequest, ctx: WireContext): Response | Promise<Response>;
  /** The API key a request carries. Defaults to the `Authorization` header without its scheme word. */
  readApiKey?(headers: Headers): string | undefined;
  /** The body of an error answer (fault, 401, 404) in the provider's shape. Defaults to `{ error: { message } }`. */
  errorBody?(status: number, message: string): unknown;
  /**
   * The callback for a job that has ended, for the simulator's `webhooks` delivery; `req` is the request that
   * submitted the job (so URLs lead back to where the caller reached the simulator), `target` where it is going.
   * `undefined` when the provider sends none for that outcome or target. Without it, the provider's jobs get no
   * callbacks.
   */
  webhook?(job: SimJob, req: SimRequest, ctx: WireContext, target: SimWebhookTarget): SimWebhookCallback | undefined;
}
