// The simulator's webhook delivery: opt-in, one signed callback per ended job in the shape the providers document
// (test/fixtures/wire/<provider>/webhook-*.json), signed so the server's own verifiers accept it, retried on 5xx and
// network errors, never thrown into the simulator.
import { aigateway } from '../../providers/aigateway';
import { fal } from '../../providers/fal';
import { kling } from '../../providers/kling';
import { openaiVideos } from '../../providers/openaiVideos';
import { replicate } from '../../providers/replicate';
import { videogen } from '../../providers/videogen';
import { visgate } from '../../providers/visgate';
import type { ProviderAdapter } from '../../core/provider';
import { verifyAigatewayWebhook } from '../../server/aigatewaySignature';
import { createFalKeySet, verifyFalWebhook } from '../../server/falWebhookSignature';
import { decodeStandardSecret, verifyStandardWebhook } from '../../server/standardWebhookSignature';
import {
  expectDocumentedShape,
  fixturesOf,
  wireFixture,
  type WireFixture,
} from '../../../test/fixtures/wire/wireFixtures';
import { submitVia } from '../../../test/server/providerCallbacks';
import { createSimulator, type Simulator, type SimulatorOptions } from '../createSimulator';
import type { SimWebhookDelivery } from '../simWebhooks';
import { createOpenaiVideosWire } from '../wire/openaiVideos';

const START = Date.UTC(2026, 11, 1, 9, 0, 0);
const HOOK = 'https://app.example/api/video/webhooks';
const secret = (name: string) => 'whsec_' + Buffer.from(`${name}-webhook-test-secret-32b!`).toString('base64');
const SECRETS = {
  replicate: secret('replicate'),
  videogen: secret('videogen'),
  openai: secret('openai'),
  aigateway: 'aig-endpoint-secret',
};

beforeEach(() => vi.useFakeTimers({ now: START }));
afterEach(() => vi.useRealTimers());

/** A receiver that records each POST and answers `status(n)` to the n-th one (1-based). */
function receiver(status: (n: number) => number | Error = () => 200) {
  const received: Array<{ url: string; headers: Headers; text: string }> = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    received.push({ url: String(input), headers: new Headers(init?.headers), text: String(init?.body) });
    const answer = status(received.length);
    if (answer instanceof Error) throw answer;
    return new Response(null, { status: answer });
  }) as typeof globalThis.fetch;
  return { fetch, received };
}

/** Replicate with only the `completed` event, so each job gets one callback. */
const completedOnly = () => replicate({ webhookEventsFilter: ['completed'] });

/**
 * Moves virtual time in steps, letting each step's deliveries finish: signing runs on Web Crypto, outside the timer
 * queue, so a retry's back-off timer only exists once the attempt before it was signed and answered.
 */
async function settle(sim: Simulator, ms: number, step = 100): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    await vi.advanceTimersByTimeAsync(step);
    await sim.webhooks.flush();
  }
}

function simWith(webhooks: SimulatorOptions['webhooks'], options: SimulatorOptions = {}): Simulator {
  return createSimulator({ job: { queueMs: 1000, runMs: 4000 }, webhooks, ...options });
}

/** The server's verifier for what `provider` signs, over one delivery. */
async function verify(sim: Simulator, provider: string, delivery: SimWebhookDelivery) {
  const body = new TextEncoder().encode(JSON.stringify(delivery.body));
  const headers = new Headers(delivery.headers);
  const window = { now: Date.now(), toleranceMs: 300_000 };
  if (provider === 'fal') {
    const keys = createFalKeySet({ url: sim.webhooks.falJwksUrl(), fetch: sim.fetch });
    return verifyFalWebhook(body, headers, keys, window);
  }
  if (provider === 'aigateway') return verifyAigatewayWebhook(body, headers, [SECRETS.aigateway], window);
  const key = decodeStandardSecret(SECRETS[provider as 'replicate'], provider);
  return verifyStandardWebhook(body, headers, [key], window);
}

interface Case {
  adapter: () => ProviderAdapter;
  model: string;
  input: Record<string, unknown>;
  /** Per job (`webhookUrl` at submit) or the account's endpoint. */
  target: 'job' | 'account';
  /** The documented examples a delivery of each outcome is held to. */
  examples: Partial<Record<'completed' | 'failed' | 'cancelled', () => WireFixture[]>>;
}

const named =
  (provider: string, ...names: string[]) =>
  () =>
    names.map((name) => wireFixture(provider, name));

/** `fixture` with its body changed by `change`. */
const withBody = (fixture: WireFixture, change: (body: Record<string, unknown>) => unknown): WireFixture => ({
  ...fixture,
  body: change(fixture.body as Record<string, unknown>),
});

/**
 * A prediction created with a webhook carries it back (`webhook`, `webhook_events_filter`: the official SDK's
 * `Prediction` type); the documented examples were created without one.
 */
const withReplicateWebhook = (fixtures: WireFixture[]) =>
  fixtures.map((fixture) =>
    withBody(fixture, (body) => ({ ...body, webhook: HOOK, webhook_events_filter: ['start', 'completed'] })),
  );

const CASES: Record<string, Case> = {
  fal: {
    adapter: () => fal(),
    model: 'fal-ai/veo3',
    input: { prompt: 'a cat' },
    target: 'job',
    // An ERROR's payload is the result fetch's error body: the envelope of the failed example around each of those.
    examples: {
      completed: () => fixturesOf('fal', 'webhook', 'completed'),
      failed: () =>
        fixturesOf('fal', 'result', 'failed').map((result) =>
          withBody(wireFixture('fal', 'webhook-failed'), (body) => ({ ...body, payload: result.body })),
        ),
    },
  },
  replicate: {
    adapter: () => replicate(),
    model: 'replicate/hello-world',
    // The model's own input, as in the examples, so only the prediction's shape is compared.
    input: { text: 'Alice' },
    target: 'job',
    // Every completed event is the prediction object ("the same structure as the get a prediction API").
    examples: {
      completed: () =>
        withReplicateWebhook([
          wireFixture('replicate', 'webhook-completed'),
          ...fixturesOf('replicate', 'status', 'completed'),
        ]),
      failed: () => withReplicateWebhook(fixturesOf('replicate', 'status', 'failed')),
    },
  },
  kling: {
    adapter: () => kling(),
    model: 'kling-v2-6',
    input: { prompt: 'a cat', external_task_id: 'order-7731' },
    target: 'job',
    examples: { completed: named('kling', 'webhook-succeed'), failed: named('kling', 'webhook-failed') },
  },
  aigateway: {
    adapter: () => aigateway(),
    model: 'google/veo-3.1-fast',
    input: { prompt: 'a cat' },
    target: 'job',
    // "We POST the completed job record": a failed record has the status examples' shape.
    examples: {
      completed: named('aigateway', 'webhook-completed-job-record'),
      failed: () => fixturesOf('aigateway', 'status', 'failed'),
    },
  },
  videogen: {
    adapter: () => videogen(),
    model: 'generate-video-clip',
    input: { prompt: 'a cat' },
    target: 'account',
    // The event's `results` are the execution's: the event example, or its envelope around the status examples'
    // results (a video's sources), each file cut to the fields the event example shows.
    examples: {
      completed: () => {
        const event = wireFixture('videogen', 'webhook-completed');
        const fields = Object.keys((event.body as { results: Array<{ file: object }> }).results[0]!.file);
        const cut = (file: Record<string, unknown>) => Object.fromEntries(fields.map((field) => [field, file[field]]));
        return [
          event,
          ...fixturesOf('videogen', 'status', 'completed').map((status) =>
            withBody(event, (body) => ({
              ...body,
              results: (status.body as { results: Array<{ file: Record<string, unknown> }> }).results.map((result) => ({
                ...result,
                file: cut(result.file),
              })),
            })),
          ),
        ];
      },
      failed: named('videogen', 'webhook-failed'),
      cancelled: named('videogen', 'webhook-cancelled'),
    },
  },
  visgate: {
    adapter: () => visgate(),
    model: 'fal-ai/veo3',
    input: { prompt: 'a cat', callback_id: 'order-42' },
    target: 'job',
    // Only a completed callback is documented; a failed one is the failed request record with the id beside it.
    examples: {
      completed: named('visgate', 'webhook-completed'),
      failed: () =>
        fixturesOf('visgate', 'status', 'failed').map((fixture) =>
          withBody(fixture, (body) => ({ ...body, callback_id: 'x' })),
        ),
    },
  },
  openai: {
    adapter: () => openaiVideos({ baseUrl: 'https://api.openai.com/v1' }),
    model: 'sora-2',
    input: { prompt: 'a cat' },
    target: 'account',
    examples: { completed: named('openai', 'webhook-completed'), failed: named('openai', 'webhook-failed') },
  },
};

async function run(provider: string, outcome: 'completed' | 'failed' | 'cancelled') {
  const { adapter, model, input, target } = CASES[provider]!;
  const hook = receiver();
  const sim = simWith({
    fetch: hook.fetch,
    secrets: SECRETS,
    ...(target === 'account' ? { endpoints: { [provider]: `${HOOK}/${provider}` } } : {}),
  });
  const job = await submitVia(sim, adapter(), model, input, target === 'job' ? `${HOOK}/${provider}` : undefined);
  // Failures and cancels happen while the job runs, as in the examples.
  await vi.advanceTimersByTimeAsync(1500);
  if (outcome === 'failed') sim.fail(job.id, 'Flagged by the safety checker');
  // Only VideoGen documents a callback for a cancelled job.
  else if (outcome === 'cancelled')
    await sim.fetch(`https://api.videogen.io/v1/tools/executions/${job.id}/cancel`, { method: 'POST' });
  else await vi.advanceTimersByTimeAsync(5000);
  await sim.webhooks.flush();
  // The callback of the job's end is the last one (Replicate and Kling also report the start of the run).
  const delivery = sim.webhooks.deliveries.at(-1)!;
  return { sim, job, hook, delivery };
}

describe('the simulator delivers webhooks only when asked', () => {
  it('without the `webhooks` option, a job with a webhook URL only records it', async () => {
    const spy = vi.spyOn(globalThis, 'fetch');
    const sim = createSimulator({ job: { queueMs: 1000, runMs: 4000 } });
    const job = await submitVia(sim, fal(), 'fal-ai/veo3', { prompt: 'a cat' }, `${HOOK}/fal`);
    await vi.advanceTimersByTimeAsync(10_000);
    await sim.webhooks.flush();
    expect(sim.job(job.id)).toMatchObject({ status: 'completed', webhookUrl: `${HOOK}/fal` });
    expect(sim.webhooks.deliveries).toEqual([]);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('`deliver: false` keeps the option but sends nothing', async () => {
    const hook = receiver();
    const sim = simWith({ deliver: false, fetch: hook.fetch });
    await submitVia(sim, fal(), 'fal-ai/veo3', { prompt: 'a cat' }, `${HOOK}/fal`);
    await vi.advanceTimersByTimeAsync(10_000);
    await sim.webhooks.flush();
    expect(hook.received).toEqual([]);
  });
});

describe('each provider gets its documented callback, signed as it signs', () => {
  const outcomes = Object.entries(CASES).flatMap(([provider, { examples }]) =>
    (Object.keys(examples) as Array<'completed' | 'failed' | 'cancelled'>).map(
      (outcome) => [provider, outcome] as const,
    ),
  );

  it.each(outcomes)('%s, %s', async (provider, outcome) => {
    const { sim, job, hook, delivery } = await run(provider, outcome);
    expect(delivery).toMatchObject({
      provider,
      jobId: job.id,
      url: `${HOOK}/${provider}`,
      target: CASES[provider]!.target,
      attempt: 1,
      status: 200,
    });
    expect(delivery.error).toBeUndefined();
    expect(sim.webhooks.deliveries.every((each) => each.status === 200)).toBe(true);
    expect(hook.received).toHaveLength(sim.webhooks.deliveries.length);
    // What was sent is what was recorded, byte for byte.
    expect(JSON.parse(hook.received.at(-1)!.text)).toEqual(delivery.body);
    expectDocumentedShape(delivery.body, CASES[provider]!.examples[outcome]!());
    if (provider !== 'kling' && provider !== 'visgate') {
      expect(await verify(sim, provider, delivery)).toMatchObject({ ok: true });
    }
  });

  it("reports the documented intermediate events: Replicate's `start`, Kling's `processing`", async () => {
    const replicateRun = await run('replicate', 'completed');
    expect(replicateRun.sim.webhooks.deliveries.map((d) => (d.body as { status: string }).status)).toEqual([
      'processing',
      'succeeded',
    ]);
    expectDocumentedShape(
      replicateRun.sim.webhooks.deliveries[0]!.body,
      withReplicateWebhook(fixturesOf('replicate', 'status', 'running')),
    );
    expect(new Set(replicateRun.hook.received.map((r) => r.headers.get('webhook-id'))).size).toBe(2);

    const klingRun = await run('kling', 'completed');
    const [processing] = klingRun.sim.webhooks.deliveries;
    expect((processing!.body as { task_status: string }).task_status).toBe('processing');
    expectDocumentedShape(
      processing!.body,
      fixturesOf('kling', 'status', 'running').map((fixture) =>
        withBody(fixture, (body) => {
          const task = { ...(body.data as Record<string, unknown>) };
          delete task.watermark_info;
          return task;
        }),
      ),
    );
  });

  it('a `webhook_events_filter` without `start` gets only the completed event', async () => {
    const hook = receiver();
    const sim = simWith({ fetch: hook.fetch, secrets: SECRETS });
    const adapter = replicate({ webhookEventsFilter: ['completed'] });
    await submitVia(sim, adapter, 'replicate/hello-world', { text: 'Alice' }, `${HOOK}/replicate`);
    await vi.advanceTimersByTimeAsync(6000);
    await sim.webhooks.flush();
    expect(hook.received.map((r) => r.headers.get('webhook-id'))).toEqual([`msg_${sim.jobs()[0]!.id}_completed`]);
  });

  it('Kling and visgate send no signature without a secret (their check is the `?token=` in the URL)', async () => {
    for (const provider of ['kling', 'visgate']) {
      const { sim } = await run(provider, 'completed');
      for (const { headers } of sim.webhooks.deliveries)
        expect(Object.keys(headers).filter((name) => name.startsWith('webhook-'))).toEqual([]);
    }
  });

  it('Kling signs with Standard Webhooks once it has a Webhook Secret', async () => {
    const hook = receiver();
    const sim = simWith({ fetch: hook.fetch, secrets: { kling: secret('kling') } });
    await submitVia(sim, kling(), 'kling-v2-6', { prompt: 'a cat' }, `${HOOK}/kling`);
    await vi.advanceTimersByTimeAsync(5000);
    await sim.webhooks.flush();
    const delivery = sim.webhooks.deliveries.at(-1);
    const check = await verifyStandardWebhook(
      new TextEncoder().encode(hook.received.at(-1)!.text),
      new Headers(delivery!.headers),
      [decodeStandardSecret(secret('kling'), 'kling')],
      { now: Date.now(), toleranceMs: 300_000 },
    );
    expect(check.ok).toBe(true);
  });

  it("the AI gateway's dashboard endpoint gets job.completed / job.failed events, not the job record", async () => {
    const hook = receiver();
    const sim = simWith({
      fetch: hook.fetch,
      secrets: SECRETS,
      endpoints: { aigateway: `${HOOK}/aigateway` },
    });
    const ok = await submitVia(sim, aigateway(), 'google/veo-3.1-fast', { prompt: 'a cat' });
    const bad = await submitVia(sim, aigateway(), 'google/veo-3.1-fast', { prompt: 'a dog' });
    sim.fail(bad.id, 'blocked');
    await vi.advanceTimersByTimeAsync(5000);
    await sim.webhooks.flush();
    const byJob = new Map(sim.webhooks.deliveries.map((delivery) => [delivery.jobId, delivery]));
    expect(byJob.get(ok.id)).toMatchObject({ target: 'account', body: { type: 'job.completed' } });
    expect(byJob.get(bad.id)).toMatchObject({ target: 'account', body: { type: 'job.failed' } });
    expectDocumentedShape(byJob.get(ok.id)!.body, wireFixture('aigateway', 'webhook-completed'));
    expectDocumentedShape(byJob.get(bad.id)!.body, wireFixture('aigateway', 'webhook-failed'));
    expect(await verify(sim, 'aigateway', byJob.get(ok.id)!)).toMatchObject({ ok: true });
  });

  it("OpenRouter's per-job callback_url gets the job record event with its idempotency key", async () => {
    const hook = receiver();
    const sim = simWith({ fetch: hook.fetch }, { wireFormats: [createOpenaiVideosWire({ shape: 'openrouter' })] });
    const adapter = openaiVideos({
      name: 'openrouter',
      baseUrl: `${sim.baseUrl('openrouter')}/api/v1`,
      webhookField: 'callback_url',
      sizes: false,
      seconds: false,
    });
    const job = await submitVia(sim, adapter, 'google/veo-3.1-lite', { prompt: 'a cat' }, `${HOOK}/openrouter`);
    await vi.advanceTimersByTimeAsync(5000);
    await sim.webhooks.flush();
    const [delivery] = sim.webhooks.deliveries;
    expect(delivery).toMatchObject({ jobId: job.id, status: 200 });
    expect(delivery!.headers['x-openrouter-idempotency-key']).toBe(`${job.id}-completed`);
    expectDocumentedShape(delivery!.body, named('openai', 'openrouter-webhook-completed')());
  });

  it('a cancelled job gets no callback where none is documented (fal)', async () => {
    const hook = receiver();
    const sim = simWith({ fetch: hook.fetch });
    const job = await submitVia(sim, fal(), 'fal-ai/veo3', { prompt: 'a cat' }, `${HOOK}/fal`);
    await sim.fetch(`https://queue.fal.run/fal-ai/veo3/requests/${job.id}/cancel`, { method: 'PUT' });
    await vi.advanceTimersByTimeAsync(10_000);
    await sim.webhooks.flush();
    expect(sim.job(job.id)!.status).toBe('cancelled');
    expect(hook.received).toEqual([]);
  });
});

describe('delivery', () => {
  it('happens when the job ends, driven by timers alone (no request needed)', async () => {
    const hook = receiver();
    const sim = simWith({ fetch: hook.fetch, secrets: SECRETS });
    await submitVia(sim, completedOnly(), 'acme/video-model', { prompt: 'a cat' }, `${HOOK}/replicate`);
    await vi.advanceTimersByTimeAsync(4900);
    expect(hook.received).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    await sim.webhooks.flush();
    expect(hook.received).toHaveLength(1);
    expect(JSON.parse(hook.received[0]!.text)).toMatchObject({ status: 'succeeded' });
    // Once per job: later requests and time do not send it again.
    await vi.advanceTimersByTimeAsync(60_000);
    await sim.fetch(`${sim.baseUrl('replicate')}/v1/predictions/${sim.jobs()[0]!.id}`);
    await sim.webhooks.flush();
    expect(hook.received).toHaveLength(1);
  });

  it('retries 5xx answers and network errors with back-off, keeping the same delivery id', async () => {
    const hook = receiver((n) => (n === 1 ? 503 : n === 2 ? new TypeError('fetch failed') : 200));
    const sim = simWith({ fetch: hook.fetch, secrets: SECRETS, retryDelayMs: 1000 });
    await submitVia(sim, completedOnly(), 'acme/video-model', { prompt: 'a cat' }, `${HOOK}/replicate`);
    await vi.advanceTimersByTimeAsync(5000);
    await sim.webhooks.flush();
    expect(hook.received).toHaveLength(1);
    // Each attempt is signed off the timer queue: `flush` waits for it before the next back-off is looked at.
    await vi.advanceTimersByTimeAsync(1000); // first back-off
    await sim.webhooks.flush();
    expect(hook.received).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999); // doubled
    await sim.webhooks.flush();
    expect(hook.received).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await sim.webhooks.flush();
    expect(hook.received).toHaveLength(3);
    expect(sim.webhooks.deliveries.map((d) => [d.attempt, d.status, d.error])).toEqual([
      [1, 503, 'the receiver answered 503'],
      [2, 0, 'fetch failed'],
      [3, 200, undefined],
    ]);
    const ids = new Set(hook.received.map((request) => request.headers.get('webhook-id')));
    expect(ids.size).toBe(1);
    // Each retry is signed anew, with its own timestamp.
    expect(new Set(hook.received.map((request) => request.headers.get('webhook-timestamp'))).size).toBe(3);
  });

  it("sends a job's callbacks in order: `completed` waits for the answer to `start`", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      const id = new Headers(init?.headers).get('webhook-id')!;
      if (id.endsWith('_start')) await gate;
      order.push(id.replace(/^.*_/, ''));
      return new Response(null, { status: 200 });
    }) as typeof globalThis.fetch;
    const sim = simWith({ fetch, secrets: SECRETS });
    await submitVia(sim, replicate(), 'acme/video-model', { prompt: 'a cat' }, `${HOOK}/replicate`);
    await vi.advanceTimersByTimeAsync(6000);
    expect(order).toEqual([]);
    release();
    await sim.webhooks.flush();
    expect(order).toEqual(['start', 'completed']);
  });

  it('counts a receiver that does not answer within `timeoutMs` as a failed attempt', async () => {
    const hanging = (async (_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init!.signal!.addEventListener('abort', () => reject(new Error('the receiver did not answer'))),
      )) as typeof globalThis.fetch;
    const sim = simWith({ fetch: hanging, secrets: SECRETS, timeoutMs: 20, retries: 0 });
    await submitVia(sim, completedOnly(), 'acme/video-model', { prompt: 'a cat' }, `${HOOK}/replicate`);
    await vi.advanceTimersByTimeAsync(5000);
    await sim.webhooks.flush();
    expect(sim.webhooks.deliveries).toMatchObject([{ status: 0, error: 'the receiver did not answer' }]);
  });

  it('gives up after `retries` further attempts, and does not retry a refusal (4xx)', async () => {
    const down = receiver(() => 500);
    const sim = simWith({ fetch: down.fetch, secrets: SECRETS, retries: 2, retryDelayMs: 10 });
    await submitVia(sim, completedOnly(), 'acme/video-model', { prompt: 'a cat' }, `${HOOK}/replicate`);
    await settle(sim, 10_000);
    expect(down.received).toHaveLength(3);

    const refusing = receiver(() => 401);
    const other = simWith({ fetch: refusing.fetch, secrets: SECRETS, retryDelayMs: 10 });
    await submitVia(other, completedOnly(), 'acme/video-model', { prompt: 'a cat' }, `${HOOK}/replicate`);
    await settle(other, 10_000);
    expect(refusing.received).toHaveLength(1);
    expect(other.webhooks.deliveries[0]).toMatchObject({ status: 401, error: 'the receiver answered 401' });
  });

  it('never throws into the simulator: a missing secret or a throwing fetch is a recorded failure', async () => {
    const hook = receiver();
    const sim = simWith({ fetch: hook.fetch, retries: 0 }); // no Replicate secret
    const job = await submitVia(sim, completedOnly(), 'acme/video-model', { prompt: 'a cat' }, `${HOOK}/replicate`);
    await vi.advanceTimersByTimeAsync(5000);
    await sim.webhooks.flush();
    expect(hook.received).toEqual([]);
    expect(sim.webhooks.deliveries[0]!.error).toMatch(/webhooks\.secrets\.replicate/);
    // The simulator goes on answering.
    expect((await sim.fetch(`${sim.baseUrl('replicate')}/v1/predictions/${job.id}`)).status).toBe(200);

    const throwing = simWith({
      fetch: () => {
        throw new Error('boom');
      },
      secrets: SECRETS,
      retries: 0,
    });
    await submitVia(throwing, completedOnly(), 'acme/video-model', { prompt: 'a cat' }, `${HOOK}/replicate`);
    await vi.advanceTimersByTimeAsync(5000);
    await throwing.webhooks.flush();
    expect(throwing.webhooks.deliveries[0]).toMatchObject({ status: 0, error: 'boom' });
  });

  it('sim.complete / sim.fail deliver at once; sim.reset stops pending retries and forgets deliveries', async () => {
    const hook = receiver(() => 503);
    const sim = simWith({ fetch: hook.fetch, secrets: SECRETS, retryDelayMs: 1000 });
    const job = await submitVia(sim, completedOnly(), 'acme/video-model', { prompt: 'a cat' }, `${HOOK}/replicate`);
    sim.complete(job.id);
    await sim.webhooks.flush();
    expect(hook.received).toHaveLength(1);
    sim.reset();
    expect(sim.webhooks.deliveries).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(hook.received).toHaveLength(1);
  });

  it("serves its fal key set at fal's JWKS URL and under /fal on any origin", async () => {
    const sim = simWith({});
    expect(sim.webhooks.falJwksUrl()).toBe('https://sim.local/fal/.well-known/jwks.json');
    expect(sim.webhooks.falJwksUrl('http://127.0.0.1:4010/')).toBe('http://127.0.0.1:4010/fal/.well-known/jwks.json');
    const here = await (await sim.fetch(sim.webhooks.falJwksUrl())).json();
    const there = await (await sim.fetch('https://rest.fal.ai/.well-known/jwks.json')).json();
    expect(here).toEqual(there);
    expect(here).toMatchObject({ keys: [{ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' }] });
    // Faults never reach it: a webhook handler can always fetch the key.
    sim.failNext({ status: 503 });
    expect((await sim.fetch(sim.webhooks.falJwksUrl())).status).toBe(200);
    expect(sim.count({ endpoint: 'jwks' })).toBe(3);
  });
});
