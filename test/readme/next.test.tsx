// @vitest-environment jsdom
// The README's Next.js (App Router) section, run as written: its `lib/videoServer.ts`, every `app/**/route.ts` it
// shows (mounted at the URL Next.js would give the file) and its `app/providers.tsx`, rendered in a page. The browser
// half talks to the route handlers with `Request` objects, the proxy reaches the simulator as the provider, a Kling
// callback comes back through the webhook route, and the page hears it over the job event stream. The blocks are
// the README's own text (readmeBlocks.ts writes them out at the paths they name); `@/auth` and `@/db`, the user's own
// modules, are appStubs.ts. Only the network is the simulator.
import { act, fireEvent, render, screen } from '@testing-library/react';
import { join } from 'node:path';
import type { ComponentType, ReactNode } from 'react';
import { useVideoGeneration, type JobRef } from '../../src';
import { createSimulator, type Simulator } from '../../src/testing';
import { callbackBody } from '../server/providerCallbacks';
import { session, upserts } from './appStubs';
import { findBlock, findBlocks, readmeBlocks, ROOT, RUN, writeBlocks, writeStubs } from './readmeBlocks';

const DIR = join(ROOT, 'test-output/readme/next');
const blocks = readmeBlocks();
const paths = writeBlocks(DIR, blocks, { rewrite: true });
const stubs = join(ROOT, 'test/readme/appStubs.ts');
writeStubs(
  DIR,
  { 'auth.ts': `export { auth } from '${stubs}';\n`, 'db.ts': `export { db } from '${stubs}';\n` },
  paths,
);

const APP = 'http://localhost:3000'; // jsdom's page
const APP_URL = 'https://app.example.com'; // the app's public URL, where providers send callbacks
const KLING_KEY = 'kling-server-key';
const KLING_SECRET = 'readme-kling-shared-secret-0123';

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
interface AppRoute {
  file: string;
  pattern: RegExp;
  names: string[];
  /** Per segment: 0 static, 1 dynamic, 2 catch-all; Next.js prefers the lowest, segment by segment. */
  rank: number[];
  module: Record<string, unknown>;
}

/** The URL pattern Next.js's file-system router gives `app/<...>/route.ts`. */
function appRoute(file: string, module: Record<string, unknown>): AppRoute {
  const segments = file
    .replace(/^(?:src\/)?app\//, '')
    .replace(/\/?route\.[mc]?[jt]sx?$/, '')
    .split('/')
    .filter((segment) => segment !== '' && !/^\(.*\)$/.test(segment));
  const names: string[] = [];
  const rank: number[] = [];
  const source = segments
    .map((segment) => {
      const dynamic = /^\[(\.\.\.)?(\w+)\]$/.exec(segment);
      if (!dynamic) {
        rank.push(0);
        return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
      }
      names.push(dynamic[2]!);
      rank.push(dynamic[1] ? 2 : 1);
      return dynamic[1] ? '/(.+)' : '/([^/]+)';
    })
    .join('');
  return { file, pattern: new RegExp(`^${source}/?$`), names, rank, module };
}

const byRank = (a: AppRoute, b: AppRoute) => {
  for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i++) {
    const difference = (a.rank[i] ?? -1) - (b.rank[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
};

interface AppRequestLog {
  method: string;
  path: string;
  status: number;
  file: string | undefined;
  authorization: string | null;
}

/** The app on `APP`: routes a request to the README's route handler for its path and method, as Next.js would. */
function createApp(routes: AppRoute[]) {
  const log: AppRequestLog[] = [];
  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const entry: AppRequestLog = {
      method: request.method,
      path: url.pathname,
      status: 404,
      file: undefined,
      authorization: request.headers.get('authorization'),
    };
    log.push(entry);
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      entry.file = route.file;
      const method = request.method === 'HEAD' && !route.module.HEAD ? 'GET' : request.method;
      const handler = route.module[method] as Handler | undefined;
      if (!handler) return new Response(null, { status: (entry.status = 405) });
      const params = Object.fromEntries(route.names.map((name, index) => [name, match[index + 1]!]));
      const response = await handler(request, { params: Promise.resolve(params) });
      entry.status = response.status;
      return response;
    }
    return new Response('not found', { status: 404 });
  }
  return { handle, log };
}

/** Signs in `user` (or signs out): for `@/auth`'s session, and as the `uid` cookie the browser sends. */
let user: string | undefined;
function signIn(id: string | undefined) {
  user = id;
  session.current = id ? { user: { id } } : null;
}

/**
 * The page's `fetch`: same-origin requests reach the app with the user's cookie, as a browser sends it; anything
 * else (the proxy's and webhook handler's own requests) goes to the simulator, standing in for the providers.
 */
function pageFetch(app: ReturnType<typeof createApp>, sim: Simulator, upstream: { url: string; key: string | null }[]) {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input instanceof Request ? input : new URL(String(input), location.href), init);
    if (new URL(request.url).origin === APP) {
      const headers = new Headers(request.headers);
      if (user) headers.set('cookie', `uid=${user}`);
      return app.handle(new Request(request, { headers }));
    }
    upstream.push({ url: request.url, key: request.headers.get('authorization') });
    return sim.fetch(request);
  }) as typeof fetch;
}

async function advanceUntil(done: () => boolean, maxMs = 60_000): Promise<number> {
  let elapsed = 0;
  while (!done() && elapsed < maxMs) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(250);
    });
    elapsed += 250;
  }
  return elapsed;
}

function Generate() {
  const generation = useVideoGeneration({ provider: 'kling', model: 'kling-v2-master' });
  return (
    <>
      <button onClick={() => generation.generate({ prompt: 'a red fox in snow' })}>Generate</button>
      <output data-testid="status">{generation.status}</output>
      <output data-testid="url">{generation.videoUrl ?? ''}</output>
    </>
  );
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-03-01T09:00:00Z') });
  vi.stubEnv('APP_URL', APP_URL);
  vi.stubEnv('KLING_API_KEY', KLING_KEY);
  vi.stubEnv('KLING_WEBHOOK_SECRET', KLING_SECRET);
  vi.stubEnv('FAL_KEY', 'fal-server-key');
  vi.stubEnv('REPLICATE_API_TOKEN', 'replicate-server-key');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  signIn(undefined);
  upserts.length = 0;
});

describe('README: Next.js (App Router)', () => {
  it('proxy, webhook and events routes serve app/providers.tsx: submit, callback, pushed completion', async () => {
    const sim = createSimulator({ job: { queueMs: 2000, runMs: 8000 } });
    findBlock(blocks, RUN.nextServer); // the routes import it
    const routeBlocks = findBlocks(blocks, RUN.nextRoutes);
    expect(routeBlocks.length).toBeGreaterThanOrEqual(3); // proxy, webhooks, events
    const routes: AppRoute[] = [];
    for (const block of routeBlocks) {
      routes.push(
        appRoute(block.file!, (await import(/* @vite-ignore */ paths.get(block.id)!)) as Record<string, unknown>),
      );
    }
    routes.sort(byRank);
    const app = createApp(routes);
    const upstream: { url: string; key: string | null }[] = [];
    vi.stubGlobal('fetch', pageFetch(app, sim, upstream));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { Providers } = (await import(/* @vite-ignore */ paths.get(findBlock(blocks, RUN.nextProviders).id)!)) as {
      Providers: ComponentType<{ children: ReactNode }>;
    };
    signIn('user-1');

    render(
      <Providers>
        <Generate />
      </Providers>,
    );
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Generate' })));
    await advanceUntil(() => sim.jobs().length > 0, 2000);
    const [job] = sim.jobs();
    expect(job).toMatchObject({ provider: 'kling', model: 'kling-v2-master' });

    // The browser sent the submit to the proxy route without a key; the proxy added the server's key and set the
    // job's callback to the webhook route, with the shared secret the browser never saw.
    const submit = app.log.find((entry) => entry.method === 'POST' && entry.path === '/api/video/proxy');
    expect(submit).toMatchObject({ status: 200, authorization: null });
    expect(app.log.every((entry) => !entry.authorization)).toBe(true);
    expect(upstream[0]).toEqual({
      url: expect.stringMatching(/klingai\.com\/v1\/videos\/text2video$/),
      key: `Bearer ${KLING_KEY}`,
    });
    const webhookUrl = new URL(job!.webhookUrl!);
    expect(`${webhookUrl.origin}${webhookUrl.pathname}`).toBe(`${APP_URL}/api/video/webhooks/kling`);
    expect(webhookUrl.searchParams.get('token')).toBe(KLING_SECRET);

    // The page follows the job over the events route.
    await advanceUntil(() => app.log.some((entry) => entry.path === '/api/video/events'), 5000);
    expect(app.log.find((entry) => entry.path === '/api/video/events')?.status).toBe(200);

    // Only the job's owner reaches it: another user gets 404, nobody signed in 401.
    const ref = { provider: 'kling', id: job!.id } satisfies Pick<JobRef, 'provider' | 'id'>;
    const eventsUrl = `/api/video/events?provider=${ref.provider}&id=${encodeURIComponent(ref.id)}`;
    signIn('user-2');
    expect((await fetch(eventsUrl)).status).toBe(404);
    signIn(undefined);
    expect((await fetch(eventsUrl)).status).toBe(401);
    signIn('user-1');

    // Kling calls back when the job ends; the page learns it from the stream, not by polling.
    await advanceUntil(() => sim.job(job!.id)?.status === 'completed', 30_000);
    const body = await callbackBody(sim, { provider: 'kling', id: job!.id, model: 'kling-v2-master' });
    signIn(undefined); // a provider's callback carries no session
    const delivered = await app.handle(
      new Request(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    signIn('user-1');
    expect(delivered.status).toBeLessThan(300);
    await advanceUntil(() => screen.getByTestId('status').textContent === 'completed', 5000);

    expect(screen.getByTestId('status').textContent).toBe('completed');
    expect(screen.getByTestId('url').textContent).toMatch(new RegExp(`/files/${job!.id}\\.mp4$`));
    // A 10 s job followed by polling takes several status requests; pushed, the page made at most one.
    const polls = app.log.filter((entry) => entry.method === 'GET' && entry.path === '/api/video/proxy');
    expect(polls.length).toBeLessThanOrEqual(1);
    // A forged callback (wrong token) is refused.
    const forged = new URL(webhookUrl);
    forged.searchParams.set('token', 'not-the-secret-not-the-secret');
    const refused = await app.handle(new Request(forged, { method: 'POST', body: JSON.stringify(body) }));
    expect(refused.status).toBe(401);
    // The README's onJobUpdate stored the job, when it writes to the app's database.
    if (findBlock(blocks, RUN.nextServer).code.includes('@/db')) {
      expect(upserts).toContainEqual({
        id: job!.id,
        row: { status: 'completed', url: expect.stringMatching(/\.mp4$/) },
      });
    }
  });
});
