// `next build` imports route modules with no runtime secrets: building every handler the README's way must not
// throw, and the first request says which setting is missing.
import { fal } from '../../providers/fal';
import { kling } from '../../providers/kling';
import { replicate } from '../../providers/replicate';
import { createJobEventsHandler } from '../createJobEventsHandler';
import { createProxyHandler } from '../createProxyHandler';
import { createWebhookHandler } from '../createWebhookHandler';
import { createMemoryJobEventBus } from '../jobEventBus';
import { createMemoryOwnerStore } from '../ownerStore';

/** What a build sees: none of the app's variables. */
const buildEnv: Record<string, string | undefined> = {};

function buildHandlers(env: Record<string, string | undefined>) {
  const bus = createMemoryJobEventBus();
  const owners = createMemoryOwnerStore();
  const upstream = vi.fn(async () => Response.json({ request_id: 'r1', task_id: 't1' }));
  return {
    upstream,
    proxy: createProxyHandler({
      providers: ['fal', 'kling', 'replicate'],
      env,
      owners,
      fetch: upstream as unknown as typeof fetch,
      webhook: { url: `${env.APP_URL}/api/video/webhooks`, token: env.KLING_WEBHOOK_SECRET },
    }),
    webhooks: createWebhookHandler({ providers: { fal: fal(), kling: kling(), replicate: replicate() }, bus, env }),
    events: createJobEventsHandler({ bus, owners: false }),
  };
}

describe('handlers built without runtime configuration', () => {
  it('build without APP_URL, KLING_WEBHOOK_SECRET, REPLICATE_WEBHOOK_SECRET or provider keys', () => {
    expect(() => buildHandlers(buildEnv)).not.toThrow();
  });

  it('a submit names the missing app URL instead of "Invalid URL", and sends nothing', async () => {
    const { proxy, upstream } = buildHandlers({ FAL_KEY: 'fal-key-0123456789' });
    const response = await proxy(
      new Request('https://app.example/api/video/proxy', {
        method: 'POST',
        headers: { 'x-fal-target-url': 'https://queue.fal.run/fal-ai/veo3', 'content-type': 'application/json' },
        body: '{"prompt":"a cat"}',
      }),
    );
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('APP_URL');
    expect(upstream).not.toHaveBeenCalled();
  });

  it("a Kling submit without the shared token is refused, naming it, rather than registering a callback that can't verify", async () => {
    const { proxy, upstream } = buildHandlers({ KLING_API_KEY: 'kling-key', APP_URL: 'https://app.example' });
    const response = await proxy(
      new Request('https://app.example/api/video/proxy', {
        method: 'POST',
        headers: {
          'x-video-jobs-target-url': 'https://api-singapore.klingai.com/v1/videos/text2video',
          'content-type': 'application/json',
        },
        body: '{"prompt":"a cat","model_name":"kling-v2-6"}',
      }),
    );
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('KLING_WEBHOOK_SECRET');
    expect(upstream).not.toHaveBeenCalled();
  });

  it('with the configuration set at run time, the same handlers work', async () => {
    const env: Record<string, string | undefined> = {};
    const { upstream } = buildHandlers(env);
    Object.assign(env, { FAL_KEY: 'fal-key-0123456789' });
    // The proxy's webhook URL was read when the handler was built from the app's own template: pass a function to
    // read it per request.
    const late = createProxyHandler({
      providers: ['fal'],
      env,
      fetch: upstream as unknown as typeof fetch,
      webhook: { url: () => `${env.APP_URL}/api/video/webhooks` },
    });
    env.APP_URL = 'https://app.example';
    const response = await late(
      new Request('https://app.example/api/video/proxy', {
        method: 'POST',
        headers: { 'x-fal-target-url': 'https://queue.fal.run/fal-ai/veo3', 'content-type': 'application/json' },
        body: '{"prompt":"a cat"}',
      }),
    );
    expect(response.status).toBe(200);
    expect(String((upstream.mock.calls.at(-1) as unknown[] | undefined)?.[0])).toContain(
      encodeURIComponent('https://app.example/api/video/webhooks/fal'),
    );
  });

  it('the webhook handler answers 503 naming REPLICATE_WEBHOOK_SECRET until it is set', async () => {
    const { webhooks } = buildHandlers(buildEnv);
    const response = await webhooks(
      new Request('https://app.example/api/video/webhooks/replicate', { method: 'POST', body: '{}' }),
    );
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'REPLICATE_WEBHOOK_SECRET',
    );
  });
});
