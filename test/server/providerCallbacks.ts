// Test helpers: realistic provider callbacks built from the simulator's own wire formats, and the signatures the
// providers put on them (Standard Webhooks through the `standardwebhooks` package, fal's ED25519 through Web Crypto).
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { JobRef, JobSnapshot } from '../../src/core/jobSnapshot';
import type { ProviderAdapter, ProviderContext } from '../../src/core/provider';
import { createTransport } from '../../src/core/transport';
import type { Simulator } from '../../src/testing';

/** A ProviderContext over the simulator's in-process fetch, without the client. */
export function simContext(sim: Simulator, fetchFn: typeof fetch = sim.fetch): ProviderContext {
  const transport = createTransport({ fetch: fetchFn, retry: { retries: 0 } });
  return {
    now: () => Date.now(),
    request: (request) => transport.request({ ...request, provider: request.provider ?? 'test' }),
  };
}

/** Submits a job through the real adapter against the simulator. */
export async function submitVia(
  sim: Simulator,
  adapter: ProviderAdapter,
  model: string,
  input: Record<string, unknown>,
  webhookUrl?: string,
): Promise<JobSnapshot> {
  return adapter.submit(simContext(sim), { model, input, ...(webhookUrl ? { webhookUrl } : {}) });
}

async function getJson(sim: Simulator, url: string): Promise<unknown> {
  const response = await sim.fetch(url);
  return response.json();
}

/** The callback body the provider POSTs for a job that has ended (built from its status/result endpoints). */
export async function callbackBody(sim: Simulator, ref: JobRef): Promise<unknown> {
  const id = encodeURIComponent(ref.id);
  switch (sim.job(ref.id)?.provider ?? ref.provider) {
    case 'fal': {
      const appId = ref.model.split('/').slice(0, 2).join('/');
      const job = sim.job(ref.id)!;
      const root = `https://queue.fal.run/${appId}/requests/${id}`;
      if (job.status === 'failed') {
        return {
          request_id: ref.id,
          gateway_request_id: ref.id,
          status: 'ERROR',
          error: job.errorMessage ?? 'failed',
          payload: { detail: job.errorMessage ?? 'failed' },
        };
      }
      return { request_id: ref.id, gateway_request_id: ref.id, status: 'OK', payload: await getJson(sim, root) };
    }
    case 'kling':
      return ((await getJson(sim, `https://api-singapore.klingai.com/v1/videos/text2video/${id}`)) as { data: unknown })
        .data;
    case 'aigateway': {
      // The dashboard event (https://aigateway.sh/docs/webhooks), built from the job record.
      const job = (await getJson(sim, `https://api.aigateway.sh/v1/jobs/${id}`)) as {
        status: string;
        result?: { file_url?: string } | null;
        error?: unknown;
      };
      const completed = job.status === 'completed';
      return {
        id: `evt_${ref.id}_${job.status}`,
        type: completed ? 'job.completed' : 'job.failed',
        created: Math.floor(Date.now() / 1000),
        data: {
          job_id: ref.id,
          model: ref.model,
          ...(completed ? { result_url: job.result?.file_url } : { error: job.error }),
          usage: { cost_cents: completed ? 412 : 0 },
        },
      };
    }
    case 'replicate':
      return getJson(sim, `https://api.replicate.com/v1/predictions/${id}`);
    case 'visgate':
      return getJson(sim, `https://visgateai.com/api/v1/requests/${id}`);
    case 'videogen': {
      // An event, not the execution record (https://docs.videogen.io/handling-async-tasks/webhooks).
      const execution = (await getJson(sim, `https://api.videogen.io/v1/tools/executions/${id}`)) as Record<
        string,
        unknown
      >;
      const { toolExecutionId, toolType, results, error } = execution;
      return {
        event: `tool_execution.${String(execution.status)}`,
        toolExecutionId,
        toolType,
        occurredAt: Math.floor(Date.now() / 1000),
        ...(execution.status === 'succeeded' ? { results } : {}),
        ...(execution.status === 'failed' ? { error } : {}),
      };
    }
    case 'openai': {
      const job = sim.job(ref.id)!;
      return {
        id: `evt_${ref.id}`,
        object: 'event',
        type: job.status === 'failed' ? 'video.failed' : 'video.completed',
        created_at: Math.floor(Date.now() / 1000),
        data: { id: ref.id },
      };
    }
    default:
      throw new Error(`no callback shape for ${ref.provider}`);
  }
}

/** Standard Webhooks headers for `body`, signed by the reference implementation. */
export function standardHeaders(secret: string, messageId: string, body: string, at: Date = new Date()) {
  const signature = new Webhook(secret).sign(messageId, at, body);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/** The AI gateway's headers for `body` (https://aigateway.sh/docs/webhooks): hex HMAC-SHA256 of `${ts}.${body}`. */
export function aigatewayHeaders(secret: string, body: string, at: Date = new Date()) {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    'aig-timestamp': timestamp,
    'aig-signature': createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex'),
  };
}

/** A fal-like signer: an ED25519 key pair, its JWKS, and the headers fal puts on a delivery. */
export async function createFalSigner() {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: jwk.x!, kid: 'test', alg: 'EdDSA', use: 'sig' }] },
    async headers(body: string, options: { requestId: string; userId?: string; at?: number }) {
      const timestamp = String(Math.floor((options.at ?? Date.now()) / 1000));
      const bodyHash = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString(
        'hex',
      );
      const message = `${options.requestId}\n${options.userId ?? 'user-1'}\n${timestamp}\n${bodyHash}`;
      const signature = await crypto.subtle.sign('Ed25519', pair.privateKey, new TextEncoder().encode(message));
      return {
        'x-fal-webhook-request-id': options.requestId,
        'x-fal-webhook-user-id': options.userId ?? 'user-1',
        'x-fal-webhook-timestamp': timestamp,
        'x-fal-webhook-signature': Buffer.from(signature).toString('hex'),
      };
    },
  };
}

/** A `fetch` answering fal's JWKS URL with `jwks()` (so a test can rotate keys), counting calls. */
export function jwksFetch(jwks: () => unknown) {
  const calls: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    calls.push(String(input));
    return Response.json(jwks());
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}
