// Loopback load test of the push path: N browsers hold job event streams while a provider POSTs signed webhooks.
// Every webhook is verified (Standard Webhooks, HMAC-SHA256), read by the Replicate adapter, published on the bus
// and streamed to the one browser following that job. Reports delivered/lost counts and latency percentiles.
//
//   npx tsx test/server/load.ts                    # 500 SSE clients, 5,000 webhooks, memory bus
//   npx tsx test/server/load.ts --redis            # the same across two instances through a real redis-server
//   npx tsx test/server/load.ts --clients 100 --deliveries 1000
//
// A smaller run is part of the test suite (test/server/load.test.ts) and asserts that nothing is lost.
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import type { JobSnapshot } from '../../src/core/jobSnapshot';
import { subscribeJobEvents, type JobEventSubscription } from '../../src/core/jobEventSource';
import { replicate } from '../../src/providers/replicate';
import { createMemoryJobEventBus, createRedisJobEventBus, type JobEventBus } from '../../src/server';
import { createSimulator } from '../../src/testing';
import { startAppServer, type AppServer } from './appServer';
import { callbackBody, standardHeaders, submitVia } from './providerCallbacks';
import { startRedisServer } from './redisServer';

export interface ServerLoadOptions {
  /** Concurrent SSE clients, one job each. Defaults to `500`. */
  clients?: number;
  /** Webhook deliveries in total, spread evenly over the jobs (the last one per job completes it). Defaults to `5000`. */
  deliveries?: number;
  /** Webhooks in flight at once. Defaults to `64`. */
  concurrency?: number;
  /** Two app instances sharing a real redis-server instead of one with the memory bus. Defaults to `false`. */
  redis?: boolean;
  /** Gives up waiting for stragglers after this long. Defaults to `20000` ms. */
  settleTimeoutMs?: number;
}

export interface ServerLoadReport {
  clients: number;
  deliveries: number;
  bus: 'memory' | 'redis (2 instances)';
  delivered: number;
  lost: number;
  duplicates: number;
  webhookErrors: number;
  /** Webhook POST sent -> the browser's stream handed over the snapshot. */
  latencyMs: Percentiles;
  /** Webhook POST sent -> the handler's answer. */
  webhookAnswerMs: Percentiles;
  durationMs: number;
  webhooksPerSecond: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const SECRET = 'whsec_' + Buffer.from('load-test-secret-0123456789abcdef').toString('base64');

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? NaN) };
}

/** Two prediction bodies (running, succeeded) as Replicate sends them, from the simulator's wire format. */
async function templates(): Promise<{ running: Record<string, unknown>; done: Record<string, unknown> }> {
  const sim = createSimulator({ job: { queueMs: 0, runMs: 3_600_000 } });
  const submitted = await submitVia(sim, replicate(), 'acme/video-model', { prompt: 'load' });
  const running = (await callbackBody(sim, submitted.ref)) as Record<string, unknown>;
  sim.complete(submitted.id);
  const done = (await callbackBody(sim, submitted.ref)) as Record<string, unknown>;
  return { running, done };
}

export async function runServerLoad(options: ServerLoadOptions = {}): Promise<ServerLoadReport> {
  const clients = options.clients ?? 500;
  const perJob = Math.max(1, Math.round((options.deliveries ?? 5000) / clients));
  const deliveries = perJob * clients;
  const concurrency = options.concurrency ?? 64;
  const cleanups: Array<() => Promise<unknown>> = [];
  const started = performance.now();
  try {
    // The app: one instance with the memory bus, or two instances (webhooks on A, streams on B) through Redis.
    const buses: JobEventBus[] = [];
    if (options.redis) {
      const redis = await startRedisServer();
      cleanups.push(() => redis.stop());
      for (let i = 0; i < 2; i++) {
        const publisher = createClient({ url: redis.url });
        await publisher.connect();
        const subscriber = publisher.duplicate();
        await subscriber.connect();
        const bus = createRedisJobEventBus({ publisher, subscriber, prefix: 'load:' });
        buses.push(bus);
        cleanups.push(async () => {
          await bus.close();
          await subscriber.close();
          await publisher.close();
        });
      }
    } else {
      buses.push(createMemoryJobEventBus());
    }
    const apps: AppServer[] = [];
    for (const bus of buses) {
      const app = await startAppServer({
        bus,
        providers: { replicate: replicate() },
        secrets: { replicate: SECRET },
        upstream: fetch,
        heartbeatMs: 5000,
      });
      apps.push(app);
      cleanups.push(() => app.close());
    }
    const webhookApp = apps[0]!;
    const streamApp = apps.at(-1)!;
    const { running, done } = await templates();

    // The browsers: one stream per job, all open before the first webhook.
    const sentAt = new Map<string, number>();
    const received = new Map<string, Set<number>>();
    const latencies: number[] = [];
    let duplicates = 0;
    const subscriptions: JobEventSubscription[] = [];
    const onSnapshot = (snapshot: JobSnapshot) => {
      const seq = Number(/delivery (\d+)/.exec(snapshot.logs.at(-1) ?? '')?.[1]);
      const seen = received.get(snapshot.id)!;
      if (seen.has(seq)) return void duplicates++;
      seen.add(seq);
      const sent = sentAt.get(`${snapshot.id}#${seq}`);
      if (sent !== undefined) latencies.push(performance.now() - sent);
    };
    for (let i = 0; i < clients; i++) {
      const id = `load-${i}`;
      received.set(id, new Set());
      subscriptions.push(
        subscribeJobEvents(`${streamApp.url}/api/video/events`, { provider: 'replicate', id }, { onSnapshot }),
      );
    }
    cleanups.push(async () => subscriptions.forEach((subscription) => subscription.close()));
    await waitFor(() => subscriptions.every((subscription) => subscription.healthy), 30_000, 'streams to open');

    // The provider: round by round (per-job order is kept), each round one webhook per job, `concurrency` in flight.
    const answerTimes: number[] = [];
    let webhookErrors = 0;
    const webhookStart = performance.now();
    for (let seq = 0; seq < perJob; seq++) {
      const last = seq === perJob - 1;
      const queue = Array.from({ length: clients }, (_, i) => i);
      await Promise.all(
        Array.from({ length: Math.min(concurrency, clients) }, async () => {
          for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
            const id = `load-${i}`;
            const body = JSON.stringify({ ...(last ? done : running), id, logs: `delivery ${seq}` });
            const headers = standardHeaders(SECRET, `msg_${id}_${seq}`, body);
            const at = performance.now();
            sentAt.set(`${id}#${seq}`, at);
            const response = await fetch(`${webhookApp.url}/api/video/webhooks/replicate`, {
              method: 'POST',
              body,
              headers: { 'content-type': 'application/json', ...headers },
            });
            await response.arrayBuffer();
            answerTimes.push(performance.now() - at);
            if (response.status !== 200) webhookErrors++;
          }
        }),
      );
    }
    const webhookSeconds = (performance.now() - webhookStart) / 1000;

    const count = () => [...received.values()].reduce((sum, seen) => sum + seen.size, 0);
    await waitFor(() => count() >= deliveries, options.settleTimeoutMs ?? 20_000, 'events to arrive').catch(
      () => undefined,
    );
    const delivered = count();
    return {
      clients,
      deliveries,
      bus: options.redis ? 'redis (2 instances)' : 'memory',
      delivered,
      lost: deliveries - delivered,
      duplicates,
      webhookErrors,
      latencyMs: percentiles(latencies),
      webhookAnswerMs: percentiles(answerTimes),
      durationMs: Math.round(performance.now() - started),
      webhooksPerSecond: Math.round(deliveries / webhookSeconds),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function formatReport(report: ServerLoadReport): string {
  const p = (x: Percentiles) => `p50 ${x.p50} ms, p95 ${x.p95} ms, p99 ${x.p99} ms, max ${x.max} ms`;
  return [
    `server push load (loopback, ${report.bus}): ${report.clients} SSE clients, ${report.deliveries} webhooks, ${(report.durationMs / 1000).toFixed(1)} s`,
    `  delivered ${report.delivered} / ${report.deliveries}, lost ${report.lost}, duplicates ${report.duplicates}, webhook errors ${report.webhookErrors}`,
    `  webhook -> browser: ${p(report.latencyMs)}`,
    `  webhook answered:   ${p(report.webhookAnswerMs)} (${report.webhooksPerSecond} webhooks/s)`,
  ].join('\n');
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runServerLoad({
    clients: Number(argument('clients') ?? 500),
    deliveries: Number(argument('deliveries') ?? 5000),
    redis: process.argv.includes('--redis'),
  });
  console.log(formatReport(report));
  if (process.argv.includes('--json')) console.log(JSON.stringify(report));
  process.exitCode = report.lost === 0 && report.webhookErrors === 0 ? 0 : 1;
}
