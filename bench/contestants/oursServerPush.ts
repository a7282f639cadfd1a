import { Webhook } from 'standardwebhooks';
import { pushEvents } from '../../src/core/clientPush';
import { createVideoClient } from '../../src/core/createVideoClient';
import { replicate } from '../../src/providers/replicate';
import { createJobEventsHandler } from '../../src/server/createJobEventsHandler';
import { createWebhookHandler } from '../../src/server/createWebhookHandler';
import { createMemoryJobEventBus } from '../../src/server/jobEventBus';
import { BENCH_INTERNAL, describeError, failedRun, finishedRun, type Contestant } from '../contestant';
import { benchPrompt } from '../workload';

/** How long after a job starts or ends the provider's webhook reaches the app (a modelling choice, stated in the results). */
export const WEBHOOK_LATENCY_MS = 100;

const APP = 'https://app.local';
const SECRET = `whsec_${Buffer.from('react-video-jobs bench webhook secret').toString('base64')}`;

/**
 * Push through the app's server: the job is submitted with a webhook URL; the simulated provider calls it
 * (`start` and `completed`, Replicate's default filter, signed with Standard Webhooks) `WEBHOOK_LATENCY_MS`
 * after the event; `createWebhookHandler` verifies it and publishes to a memory bus; `createJobEventsHandler`
 * streams it; and the client follows each job over that stream (`createVideoClient({ events })`), polling only
 * as a safety net. Status requests counted: the client's polls of the provider plus its stream connections to the
 * app.
 */
export const oursServerPush: Contestant = {
  name: 'react-video-jobs, push (webhook -> server SSE)',
  wire: 'replicate',
  how: '`createVideoClient({ events })` + `createWebhookHandler` + `createJobEventsHandler`, memory bus',
  start({ sim, workload, clock }) {
    const adapter = replicate({ baseUrl: sim.baseUrl('replicate'), apiKey: 'bench-key' });
    const bus = createMemoryJobEventBus();
    const webhooks = createWebhookHandler({
      providers: { replicate: adapter },
      bus,
      secrets: { replicate: SECRET },
      env: {},
      fetch: sim.fetch,
    });
    const events = createJobEventsHandler({ bus, owners: false });
    const streams = new Map<string, number>();
    const eventsFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const id = new URL(request.url).searchParams.get('id') ?? '';
      streams.set(id, (streams.get(id) ?? 0) + 1);
      return events(request);
    }) as typeof fetch;
    const client = createVideoClient({
      providers: { replicate: adapter },
      fetch: sim.fetch,
      events: pushEvents({ url: `${APP}/api/video/events`, fetch: eventsFetch }),
    });
    const signer = new Webhook(SECRET);
    let deliveries = 0;

    async function deliver(id: string): Promise<void> {
      const job = sim.job(id);
      if (!job?.webhookUrl) return;
      // The provider builds its callback from its own record; random faults of the run must not stop it.
      let body: string | undefined;
      for (let attempt = 0; attempt < 10 && body === undefined; attempt++) {
        const url = `${sim.baseUrl('replicate')}/v1/predictions/${encodeURIComponent(id)}?${BENCH_INTERNAL}`;
        const answer = await sim.fetch(url).catch(() => undefined);
        const text = answer?.ok ? await answer.text() : undefined;
        if (text !== undefined && isJson(text)) body = text;
      }
      if (body === undefined) throw new Error(`[bench] could not build the webhook body of ${id}`);
      const messageId = `msg_${id}_${deliveries++}`;
      const at = new Date(Date.now());
      const response = await webhooks(
        new Request(job.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': messageId,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signer.sign(messageId, at, body),
          },
          body,
        }),
      );
      if (!response.ok)
        throw new Error(`[bench] the webhook handler answered ${response.status}: ${await response.text()}`);
    }

    return {
      requestsFor: (jobId: string) => streams.get(jobId) ?? 0,
      async run(job) {
        let jobId: string | undefined;
        try {
          const first = await client.submit({
            provider: 'replicate',
            model: workload.model,
            input: { prompt: benchPrompt(job) },
            webhookUrl: `${APP}/api/video/webhooks?provider=replicate`,
          });
          jobId = first.ref.id;
          const simJob = sim.job(jobId)!;
          const startAt = simJob.createdAt + simJob.spec.queueMs;
          const endAt = startAt + simJob.spec.runMs;
          const id = jobId;
          // Verifying the signature uses WebCrypto (real thread-pool work): the clock waits for the delivery.
          const send = () =>
            clock.hold(deliver(id)).catch((error: unknown) => process.stderr.write(`${describeError(error)}\n`));
          setTimeout(send, startAt - Date.now() + WEBHOOK_LATENCY_MS);
          setTimeout(send, endAt - Date.now() + WEBHOOK_LATENCY_MS);
          const final = await client.wait(first.ref);
          return finishedRun(jobId, final);
        } catch (error) {
          return failedRun(sim, job, jobId, error);
        }
      },
      close: () => undefined,
    };
  },
};

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
