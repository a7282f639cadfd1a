// The made-up Acme Video API of the README's "Your own API in ~30 lines", simulated: defineProvider.test.ts runs its
// copy of the example against it, and test/readme/snippets.test.ts runs the README's own text; both through the
// provider contract suite (describeAcmeContract).
import { createVideoClient } from '../../core/createVideoClient';
import type { ProviderAdapter } from '../../core/provider';
import { createSimulator } from '../../testing/createSimulator';
import type { SimJob } from '../../testing/simJob';
import type { WireFormat } from '../../testing/wireFormat';
import { describeProviderContract } from './providerContract';

function acmeRecord(job: SimJob, videoUrl: () => string): Record<string, unknown> {
  const state = { queued: 'waiting', running: 'working', completed: 'done', failed: 'error', cancelled: 'cancelled' }[
    job.status
  ];
  const record: Record<string, unknown> = { generation_id: job.id, state };
  if (job.status === 'queued') record.position = job.queuePosition ?? 0;
  if (job.status === 'running' && job.progress !== undefined) record.percent = Math.round(job.progress * 100);
  if (job.status === 'completed') record.result_url = videoUrl();
  if (job.status === 'failed') record.failure_reason = job.errorMessage;
  return record;
}

export const acmeWire: WireFormat = {
  provider: 'acme',
  hosts: ['api.acme.video'],
  route(req) {
    const path = req.path.replace(/^\/v1(?=\/)/, '');
    if (req.method === 'POST' && path === '/generations') return { endpoint: 'submit' };
    const match = /^\/generations\/([^/]+)(\/cancel)?$/.exec(path);
    if (!match) return undefined;
    const jobId = decodeURIComponent(match[1]!);
    if (match[2] && req.method === 'POST') return { endpoint: 'cancel', jobId };
    if (!match[2] && req.method === 'GET') return { endpoint: 'status', jobId };
    return undefined;
  },
  handle(req, ctx) {
    if (req.route.endpoint === 'submit') {
      const body = req.body as { model?: string; prompt?: string; callback_url?: string };
      if (!body?.prompt) return ctx.json(400, { message: 'prompt is required' });
      const job = ctx.createJob({
        model: body.model ?? 'acme-1',
        input: body,
        ...(body.callback_url ? { webhookUrl: body.callback_url } : {}),
      });
      return ctx.json(
        201,
        acmeRecord(job, () => ctx.video(job).url),
      );
    }
    const id = req.route.jobId!;
    if (!ctx.job(id)) return ctx.error(404, 'no such generation');
    if (req.route.endpoint === 'cancel' && ctx.cancel(id) === 'already_ended') {
      return ctx.json(409, { message: 'generation already finished' });
    }
    const job = ctx.job(id)!;
    return ctx.json(
      req.route.endpoint === 'cancel' ? 202 : 200,
      acmeRecord(job, () => ctx.video(job).url),
    );
  },
  errorBody: (_status, message) => ({ message }),
};

/** Runs the provider contract suite on an Acme adapter factory (the test's copy of the example, or the README's). */
export function describeAcmeContract(name: string, acme: (options: { baseUrl: string }) => ProviderAdapter): void {
  describeProviderContract(name, (harness) => {
    const sim = createSimulator({ wireFormats: [acmeWire], job: { queuePosition: 3 } });
    const adapter = acme({ baseUrl: sim.baseUrl('acme') });
    const client = createVideoClient({ providers: { acme: adapter }, fetch: harness.fetch(sim.fetch) });
    return {
      provider: 'acme',
      adapter,
      sim,
      client,
      model: 'acme-video-2',
      input: { prompt: 'A paper boat sailing down a rainy street', duration: 5 },
      statusWords: ['waiting', 'working', 'done', 'error', 'cancelled'],
    };
  });
}
