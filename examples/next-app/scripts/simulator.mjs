// The simulator behind the example app in its end-to-end test (scripts/e2e.mjs): short jobs, a long one for prompts
// that say "[long]", and each provider's signed webhook delivered to the app, except Kling's, whose callbacks are
// dropped as if the provider could not reach the app (the "no webhook" case the events fallback must cover).
import { randomBytes } from 'node:crypto';

const LONG = '[long]';

/** `createSimulator` comes from the packed library, as an app's own dev script would import it. */
export function setupSimulator(createSimulator) {
  const replicateSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const klingToken = randomBytes(24).toString('hex');
  const dropped = [];
  const sim = createSimulator({
    job: ({ input }) =>
      JSON.stringify(input ?? '').includes(LONG)
        ? { queueMs: 2000, runMs: 120_000 }
        : { queueMs: 1500, queuePosition: 1, runMs: 3500 },
    webhooks: {
      secrets: { replicate: replicateSecret },
      retries: 1,
      fetch: (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url.includes('/api/video/webhooks/kling')) {
          dropped.push(url);
          return Promise.reject(new TypeError('fetch failed: the app is not reachable from the provider'));
        }
        return fetch(input, init);
      },
    },
  });
  return {
    sim,
    dropped,
    env: { REPLICATE_WEBHOOK_SECRET: replicateSecret, KLING_WEBHOOK_SECRET: klingToken },
  };
}
