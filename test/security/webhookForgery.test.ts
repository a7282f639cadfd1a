// Forged, tampered, replayed, stale and oversized webhook deliveries, for every kind of verification the handler
// supports. None may reach the app; a genuine delivery is handled exactly once.
import type { JobSnapshot } from '../../src/core/jobSnapshot';
import type { ProviderAdapter } from '../../src/core/provider';
import { aigateway } from '../../src/providers/aigateway';
import { fal } from '../../src/providers/fal';
import { replicate } from '../../src/providers/replicate';
import { videogen } from '../../src/providers/videogen';
import { createWebhookHandler } from '../../src/server/createWebhookHandler';
import { createSimulator } from '../../src/testing';
import {
  aigatewayHeaders,
  callbackBody,
  createFalSigner,
  jwksFetch,
  standardHeaders,
  submitVia,
} from '../server/providerCallbacks';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const whsec = (text: string) => 'whsec_' + Buffer.from(text).toString('base64');
const SECRETS = {
  replicate: whsec('replicate-security-secret-32byte'),
  videogen: whsec('videogen-security-secret-32bytes'),
  aigateway: 'aig-endpoint-signing-secret',
};
const FORGER = {
  replicate: whsec('an-attackers-own-secret-32bytes!'),
  videogen: whsec('an-attackers-own-secret-32bytes!'),
  aigateway: 'an-attackers-own-secret',
};

type Signed = 'replicate' | 'videogen' | 'aigateway' | 'fal';
interface Case {
  provider: Signed;
  adapter: ProviderAdapter;
  model: string;
  /** Headers for `body` signed with the real secret (or the forger's), at `at`. */
  sign(body: string, options: { forged?: boolean; at?: number; id?: string }): Promise<Record<string, string>>;
}

async function cases(): Promise<{ list: Case[]; falKeys: ReturnType<typeof jwksFetch> }> {
  const signer = await createFalSigner();
  const forger = await createFalSigner();
  const falKeys = jwksFetch(() => signer.jwks);
  const standard =
    (provider: 'replicate' | 'videogen') =>
    async (
      body: string,
      { forged = false, at = Date.now(), id = 'msg_1' }: { forged?: boolean; at?: number; id?: string },
    ) =>
      standardHeaders(forged ? FORGER[provider] : SECRETS[provider], id, body, new Date(at));
  return {
    falKeys,
    list: [
      { provider: 'replicate', adapter: replicate(), model: 'acme/video-model', sign: standard('replicate') },
      { provider: 'videogen', adapter: videogen(), model: 'generate-video-clip', sign: standard('videogen') },
      {
        provider: 'aigateway',
        adapter: aigateway(),
        model: 'veo-3',
        sign: async (body, { forged = false, at = Date.now() }) =>
          aigatewayHeaders(forged ? FORGER.aigateway : SECRETS.aigateway, body, new Date(at)),
      },
      {
        provider: 'fal',
        adapter: fal(),
        model: 'fal-ai/veo3',
        sign: async (body, { forged = false, at = Date.now(), id }) => {
          const parsed = JSON.parse(body) as { request_id: string };
          return (forged ? forger : signer).headers(body, { requestId: id ?? parsed.request_id, at });
        },
      },
    ],
  };
}

describe('webhook forgery, replay, stale timestamps and oversized bodies', () => {
  beforeEach(() => vi.useFakeTimers({ now: NOW, toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('refuses every attack on every signed format and handles the genuine delivery once', async () => {
    const { list, falKeys } = await cases();
    for (const each of list) {
      const sim = createSimulator();
      const submitted = await submitVia(sim, each.adapter, each.model, { prompt: 'a cat' });
      sim.complete(submitted.id);
      const body = JSON.stringify(await callbackBody(sim, submitted.ref));
      const updates: JobSnapshot[] = [];
      const handler = createWebhookHandler({
        providers: { [each.provider]: each.adapter },
        secrets: { replicate: SECRETS.replicate, videogen: SECRETS.videogen, aigateway: SECRETS.aigateway },
        falJwks: { fetch: falKeys.fetch },
        env: {},
        maxBodyBytes: 64 * 1024,
        fetch: sim.fetch,
        onJobUpdate: (snapshot) => void updates.push(snapshot),
        onError: () => {},
      });
      const deliver = (payload: string, headers: Record<string, string>) =>
        handler(
          new Request(`https://app.example/api/video/webhooks/${each.provider}?model=${each.model}`, {
            method: 'POST',
            body: payload,
            headers: { 'content-type': 'application/json', ...headers },
          }),
        );
      const where = each.provider;
      const attacks: Array<[string, Promise<Response>, number]> = [
        ['no signature headers', deliver(body, {}), 401],
        ['a signature made with another secret', deliver(body, await each.sign(body, { forged: true })), 401],
        ['a tampered body', deliver(body.replace(/"/, ' "'), await each.sign(body, {})), 401],
        ['a stale timestamp (6 min old)', deliver(body, await each.sign(body, { at: NOW - 6 * 60_000 })), 401],
        ['a timestamp 6 min in the future', deliver(body, await each.sign(body, { at: NOW + 6 * 60_000 })), 401],
        ['an oversized body', deliver(`${body}${' '.repeat(70 * 1024)}`, await each.sign(body, {})), 413],
      ];
      for (const [what, response, status] of attacks) expect((await response).status, `${where}: ${what}`).toBe(status);
      expect(updates, `${where}: nothing reached the app`).toHaveLength(0);

      const headers = await each.sign(body, {});
      expect((await deliver(body, headers)).status, `${where}: genuine`).toBe(200);
      const replayed = await deliver(body, headers);
      expect((await replayed.json()) as object, `${where}: replay`).toMatchObject({ duplicate: true });
      expect(updates, `${where}: handled once`).toHaveLength(1);
    }
  });
});
