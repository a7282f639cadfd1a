// The simulator's webhook delivery: when a job ends (and, where the provider documents one, when it starts running),
// its provider's documented callback is POSTed to the job's webhook URL (or the provider's account-level endpoint),
// signed as that provider signs, each callback once, and retried with back-off when the receiver fails (5xx, 408,
// 429, no answer), as providers do. Timers drive it, so fake timers move it; Web Crypto signs, so it runs in a page.
// Nothing here throws into the simulator: every failure is a recorded delivery.
import { isTerminalPhase } from './simJob';
import type { SimJob } from './simJob';
import type { SimJobStore } from './simJobStore';
import { createWireContext } from './wireContext';
import type { WireContextOptions } from './wireContext';
import type { SimRequest, SimWebhookCallback, SimWebhookTarget, WireFormat } from './wireFormat';
import { createFalSigningKey, signCallback, type FalSigningKey } from './webhookSigning';

export interface SimWebhookOptions {
  /** Whether callbacks are sent. Defaults to `true` once `webhooks` is given. */
  deliver?: boolean;
  /**
   * Per provider, the signing secret, as the app's webhook handler is configured with it: a `whsec_...` Standard
   * Webhooks secret for `replicate`, `videogen` and `openai` (and `kling`, which signs only when it has one), the
   * endpoint secret for `aigateway`. fal is signed with the simulator's own ED25519 key (see `falJwksUrl`); Kling and
   * visgate without a secret carry the shared token in the webhook URL (`?token=`, set by the proxy's `webhook`).
   * Defaults to none: a callback that needs a secret is then recorded as failed, not sent.
   */
  secrets?: Partial<Record<string, string>>;
  /**
   * Per provider, the account-level endpoint (set in the provider's dashboard, not per job), where jobs with no webhook
   * URL of their own are delivered: VideoGen and OpenAI take webhooks only this way; the AI gateway's gets its
   * `job.completed` / `job.failed` events. Defaults to none.
   */
  endpoints?: Partial<Record<string, string>>;
  /** Sends the callbacks. Defaults to `globalThis.fetch`; pass a function to route them to an in-process handler. */
  fetch?: typeof fetch;
  /**
   * Further attempts after a failed one: a 5xx, 408 or 429 answer, or none (network error). Other 4xx answers (a
   * refused signature, an unknown provider) are final. Defaults to `3`.
   */
  retries?: number;
  /** Wait before the first retry; doubled before each next one. Defaults to `1000` ms. */
  retryDelayMs?: number;
  /** How long the receiver may take to answer (real time) before the attempt counts as failed. Defaults to `10000` ms. */
  timeoutMs?: number;
  /** fal's `X-Fal-Webhook-User-Id`. Defaults to `'sim-user'`. */
  falUserId?: string;
}

/** One attempt to deliver a callback. */
export interface SimWebhookDelivery {
  /** Clock time of the attempt (epoch ms). */
  at: number;
  provider: string;
  jobId: string;
  url: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Where it went: the job's own webhook URL, or the provider's account-level endpoint (`endpoints`). */
  target: SimWebhookTarget;
  /** The receiver's answer; `0` while waiting and when none came (network error, or not sent: see `error`). */
  status: number;
  /** The body sent, parsed. */
  body: unknown;
  /** The headers sent (signature headers included). */
  headers: Record<string, string>;
  /** Why the attempt failed or was not made. */
  error?: string;
}

export interface SimWebhooks {
  /** Every delivery attempt so far, oldest first. */
  readonly deliveries: readonly SimWebhookDelivery[];
  /**
   * Where the simulator publishes the public key of its fal signature: pass it as the webhook handler's `falJwks.url`.
   * Served under fal's prefix on any origin the simulator answers (`sim.fetch`, the loopback server), and at fal's own
   * `https://rest.fal.ai/.well-known/jwks.json` through `sim.fetch`. `origin` defaults to `sim.origin`.
   */
  falJwksUrl(origin?: string): string;
  /**
   * Sends the callbacks that are due (jobs that have ended, or reached a state their provider reports), and resolves
   * once every attempt in flight is answered. Retries waiting out their back-off are not awaited.
   */
  flush(): Promise<void>;
}

export interface WebhookDeliverer extends SimWebhooks {
  /** Starts the callbacks that are due and arms a timer at each job's next change of phase. */
  sweep(): void;
  /** The JWKS body. */
  jwks(): Promise<unknown>;
  reset(): void;
}

export const FAL_JWKS_PATH = '/.well-known/jwks.json';

type Entry = Pick<SimWebhookDelivery, 'provider' | 'jobId' | 'url' | 'target'>;

export function createWebhookDeliverer(
  options: SimWebhookOptions | undefined,
  deps: {
    store: SimJobStore;
    wires: ReadonlyMap<string, WireFormat>;
    now: () => number;
    origin: string;
    contextOptions: WireContextOptions;
  },
): WebhookDeliverer {
  const enabled = options !== undefined && options.deliver !== false;
  const retries = Math.max(0, options?.retries ?? 3);
  const retryDelayMs = Math.max(0, options?.retryDelayMs ?? 1000);
  const timeoutMs = Math.max(1, options?.timeoutMs ?? 10_000);
  const { store, wires, now } = deps;
  let falKey: Promise<FalSigningKey> | undefined;
  const falSigningKey = () => (falKey ??= createFalSigningKey());
  let log: SimWebhookDelivery[] = [];
  // Each callback is sent once: keyed by job and delivery id, so a job's events (Replicate's `start`, then its
  // `completed`) each go out when the job reaches them. A job is done once its last state's callback was handled.
  let sent = new Set<string>();
  let done = new Set<string>();
  let timers = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();
  // What `flush` waits for: first attempts (queued or running) and retries being sent, not back-offs.
  let inFlight = new Set<Promise<void>>();
  // Per job, the first answer of its latest callback, which its next callback waits for.
  let firstAnswers = new Map<string, Promise<void>>();
  let generation = 0;

  /** The job's own webhook URL, else its provider's account-level endpoint. */
  function targetOf(job: SimJob): { url: string; target: SimWebhookTarget } | undefined {
    if (job.webhookUrl !== undefined) return { url: job.webhookUrl, target: 'job' };
    const endpoint = options?.endpoints?.[job.provider];
    return endpoint ? { url: endpoint, target: 'account' } : undefined;
  }

  function sweep(): void {
    if (!enabled) return;
    for (const job of store.all()) {
      if (done.has(job.id)) continue;
      const wire = wires.get(job.provider);
      const to = targetOf(job);
      if (!wire?.webhook || !to) {
        // Nothing will ever be sent for it: the URL and the endpoints are fixed once the job exists.
        done.add(job.id);
        continue;
      }
      if (isTerminalPhase(job.status)) {
        done.add(job.id);
        clearTimer(job.id);
      } else {
        arm(job);
      }
      const entry: Entry = { provider: job.provider, jobId: job.id, ...to };
      let callback: SimWebhookCallback | undefined;
      try {
        const req = submitRequest(job);
        callback = wire.webhook(job, req, createWireContext(wire, req, deps.contextOptions), to.target);
      } catch (error) {
        record({ ...entry, at: now(), attempt: 1, status: 0, body: undefined, headers: {}, error: describe(error) });
        continue;
      }
      if (!callback) continue;
      const key = `${job.id}\n${callback.deliveryId}`;
      if (sent.has(key)) continue;
      sent.add(key);
      deliver(callback, entry, generation);
    }
  }

  /**
   * A timer at the job's next change of phase (its start, its natural end), so callbacks go out on time with no
   * request to prompt them; a forced end, a cancel or a clock that is not `Date.now` is caught by the next `sweep`.
   */
  function arm(job: SimJob): void {
    const startsAt = job.createdAt + job.spec.queueMs;
    const at = job.status === 'queued' ? startsAt : startsAt + job.spec.runMs;
    if (timers.get(job.id)?.at === at) return;
    clearTimer(job.id);
    const timer = setTimeout(
      () => {
        timers.delete(job.id);
        sweep();
      },
      Math.max(0, at - now()),
    );
    unref(timer);
    timers.set(job.id, { at, timer });
  }

  function clearTimer(id: string): void {
    const armed = timers.get(id);
    if (armed !== undefined) clearTimeout(armed.timer);
    timers.delete(id);
  }

  /**
   * Sends one callback, retrying as configured. A job's callbacks go out in order: each first attempt waits for the
   * previous callback's first answer (not for its retries), so a receiver sees Replicate's `start` before `completed`.
   */
  function deliver(callback: SimWebhookCallback, entry: Entry, round: number): void {
    const text = JSON.stringify(callback.body);
    const before = firstAnswers.get(entry.jobId);
    let answered = () => {};
    const first = new Promise<void>((resolve) => (answered = resolve));
    firstAnswers.set(entry.jobId, first);
    // Registered now, so a `flush` right after the sweep waits for it.
    inFlight.add(first);
    const settleFirst = () => {
      inFlight.delete(first);
      answered();
    };
    void (async () => {
      await before;
      for (let attempt = 1; round === generation; attempt++) {
        const attempted = attemptOnce(callback, text, { ...entry, attempt }, round);
        const retry = await (attempt === 1 ? attempted : track(attempted));
        if (attempt === 1) settleFirst();
        if (!retry || attempt > retries) return;
        await sleep(retryDelayMs * 2 ** (attempt - 1));
      }
    })().finally(settleFirst);
  }

  /** Lets `flush` wait for `promise`. */
  function track<T>(promise: Promise<T>): Promise<T> {
    const done = promise.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
    return promise;
  }

  /** One POST, recorded before it is signed; resolves whether another attempt may succeed (not after a 2xx or 4xx). */
  async function attemptOnce(
    callback: SimWebhookCallback,
    text: string,
    entry: Entry & { attempt: number },
    round: number,
  ): Promise<boolean> {
    const delivery: SimWebhookDelivery = { ...entry, at: now(), status: 0, body: callback.body, headers: {} };
    record(delivery);
    try {
      delivery.headers = {
        'content-type': 'application/json',
        'user-agent': 'react-video-jobs-simulator',
        ...callback.headers,
        ...(await signCallback(callback, text, {
          provider: entry.provider,
          jobId: entry.jobId,
          nowMs: delivery.at,
          secret: options?.secrets?.[entry.provider],
          falKey: falSigningKey,
          falUserId: options?.falUserId ?? 'sim-user',
        })),
      };
    } catch (error) {
      delivery.error = describe(error);
      return false;
    }
    // `sim.reset()` while it was being signed: the job is forgotten, so is its callback.
    if (round !== generation) return false;
    try {
      const response = await (options?.fetch ?? globalThis.fetch)(entry.url, {
        method: 'POST',
        headers: delivery.headers,
        body: text,
        signal: AbortSignal.timeout(timeoutMs),
      });
      delivery.status = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return false;
      delivery.error = `the receiver answered ${response.status}`;
      return response.status >= 500 || response.status === 408 || response.status === 429;
    } catch (error) {
      delivery.error = describe(error);
      return true;
    }
  }

  /** The request that submitted the job, rebuilt, so the callback's URLs lead where the caller reached the simulator. */
  function submitRequest(job: SimJob): SimRequest {
    const via = store.via(job.id);
    const base = via?.base ?? `${deps.origin}/${job.provider}`;
    return {
      method: 'POST',
      url: new URL(via?.href ?? base),
      path: via?.path ?? '/',
      base,
      headers: new Headers(),
      body: job.input,
      text: '',
      bytes: new Uint8Array(0),
    };
  }

  function record(entry: SimWebhookDelivery): void {
    log.push(entry);
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => unref(setTimeout(resolve, ms)));
  }

  return {
    get deliveries() {
      return log;
    },
    falJwksUrl: (origin = deps.origin) => `${origin.replace(/\/+$/, '')}/fal${FAL_JWKS_PATH}`,
    sweep,
    async flush() {
      sweep();
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async jwks() {
      return (await falSigningKey()).jwks;
    },
    reset() {
      generation++;
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers = new Map();
      sent = new Set();
      done = new Set();
      inFlight = new Set();
      firstAnswers = new Map();
      log = [];
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Timers of a test double or a long-running dev server must not keep a Node process alive on their own. */
function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}
