// lib/videoServer.ts: the server half. Nothing here needs a secret at import: `next build` runs with none.
import { fal, kling, replicate } from 'react-video-jobs';
import {
  createJobEventsHandler,
  createMemoryJobEventBus,
  createMemoryOwnerStore,
  createProxyHandler,
  createWebhookHandler,
  type Authorize,
} from 'react-video-jobs/server';

const bus = createMemoryJobEventBus(); // several instances: createRedisJobEventBus (see "Several instances")
const owners = createMemoryOwnerStore(); // several instances: createRedisOwnerStore

// A demo session: proxy.ts gives each browser a random `uid` cookie. Use your auth library's session here.
const authorize: Authorize = (request) => {
  const uid = /(?:^|;\s*)uid=([\w-]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
  if (!uid) return new Response('Sign in first', { status: 401 });
  return { ownerId: uid };
};

// Set only where the app runs against the simulator (development, the end-to-end test); unset in production.
const simulatorUrl = process.env.VIDEO_SIMULATOR_URL;

export const proxy = createProxyHandler({
  providers: ['fal', 'kling', 'replicate'],
  authorize,
  owners,
  // Off while the variable is unset. The end-to-end test runs `next start` (NODE_ENV=production) against it.
  simulator: { url: simulatorUrl, allowInProduction: true },
  // The server sets each job's webhook, so the browser never sees the Kling shared secret. Functions: read at the
  // first submit, and a missing variable is named in the error.
  webhook: {
    url: () => `${process.env.APP_URL}/api/video/webhooks`,
    token: () => process.env.KLING_WEBHOOK_SECRET,
  },
});

// Secrets are read at the first delivery: REPLICATE_WEBHOOK_SECRET, KLING_WEBHOOK_SECRET (fal signs with its keys).
export const webhooks = createWebhookHandler({
  providers: { fal: fal(), kling: kling(), replicate: replicate() },
  bus,
  // The simulator signs fal's callbacks with its own key, published here.
  ...(simulatorUrl ? { falJwks: { url: `${simulatorUrl}/fal/.well-known/jwks.json` } } : {}),
  onJobUpdate: async (snapshot) => {
    // Store it: await db.videoJob.upsert(snapshot.id, { status: snapshot.status, url: snapshot.video?.url });
    console.log(`[webhook] ${snapshot.provider} ${snapshot.id} ${snapshot.status}`);
  },
});

export const events = createJobEventsHandler({ bus, authorize, owners });
