import { pushEvents } from '../../src/core/clientPush';
import { createVideoClient } from '../../src/core/createVideoClient';
import { createSnapshot } from '../../src/core/jobSnapshot';
import { fal } from '../../src/providers/fal';
import { createJobEventsHandler } from '../../src/server/createJobEventsHandler';
import { createMemoryJobEventBus } from '../../src/server/jobEventBus';
import type { SimRequestLog } from '../../src/testing';
import { failedRun, finishedRun, type Contestant } from '../contestant';
import { benchPrompt } from '../workload';
import { WEBHOOK_LATENCY_MS } from './oursServerPush';

const APP = 'https://app.local';
/** The app server's own client reaches the simulator under this origin, so its polls are told apart from the browser's. */
export const SERVER_ORIGIN = 'https://server-side.sim';

/** One configuration of `createVideoClient({ events })` + `createJobEventsHandler` (issue 11.3). */
export interface EventsPushCase {
  /** Short name for the tables. */
  name: string;
  /** The provider's completion webhook reaches the app and is published to the bus. */
  webhooks: boolean;
  /** `createJobEventsHandler({ watch })`: the server polls each streamed job with its own client. */
  watch: boolean;
  /** The browser's `events.unwatchedIntervalMs`; `300000` (= the safety interval) is the behaviour before 11.3. */
  unwatchedIntervalMs?: number;
  /** A new browser (client) per job, as when each job is a different user's; one server for all. */
  browserPerJob?: boolean;
}

/** What the last scenario's app server did. */
export interface EventsPushStats {
  /** The watcher's status polls, all jobs together. */
  serverPolls(): number;
}

/** Browser requests only: the server's watcher reaches the simulator under `SERVER_ORIGIN`. */
export const countsBrowser = (entry: SimRequestLog) => !entry.url.startsWith(SERVER_ORIGIN);

/**
 * A browser following fal jobs (no progress, a webhook only at the end, as fal sends them) through the app's job
 * events stream, in one of the issue 11.3 configurations. The webhook, when delivered, is what the webhook handler
 * publishes to the bus `WEBHOOK_LATENCY_MS` after the job ends. Status requests counted: the browser's polls plus
 * its stream connections; the server's watcher polls are counted apart (`stats`).
 */
export function oursEventsPush(config: EventsPushCase): { contestant: Contestant; stats: EventsPushStats } {
  let serverPolls = 0;
  const contestant: Contestant = {
    name: config.name,
    wire: 'fal',
    how: [
      '`createVideoClient({ events })`',
      config.webhooks ? 'completion webhook -> bus' : 'no webhook',
      config.watch ? '`createJobEventsHandler({ watch })`' : '`createJobEventsHandler` (no watch)',
      config.unwatchedIntervalMs ? `\`unwatchedIntervalMs: ${config.unwatchedIntervalMs}\`` : '',
      config.browserPerJob ? 'a new browser per job' : '',
    ]
      .filter(Boolean)
      .join(' + '),
    start({ sim, workload }) {
      serverPolls = 0;
      const bus = createMemoryJobEventBus();
      const serverFetch = ((input: RequestInfo | URL, init?: RequestInit) => {
        if (/\/requests\/[^/?]+\/status/.test(input instanceof Request ? input.url : String(input))) serverPolls++;
        return sim.fetch(input, init);
      }) as typeof fetch;
      const events = createJobEventsHandler({
        bus,
        owners: false,
        ...(config.watch
          ? {
              watch: {
                client: () =>
                  createVideoClient({
                    providers: {
                      fal: fal({ baseUrl: `${SERVER_ORIGIN}/fal`, apiKey: 'server-key', streaming: false }),
                    },
                    fetch: serverFetch,
                  }),
              },
            }
          : {}),
      });
      const streams = new Map<string, number>();
      const eventsFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        const id = new URL(request.url).searchParams.get('id') ?? '';
        streams.set(id, (streams.get(id) ?? 0) + 1);
        return events(request);
      }) as typeof fetch;
      const newBrowser = () =>
        createVideoClient({
          providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), streaming: false }) },
          fetch: sim.fetch,
          events: pushEvents({
            url: `${APP}/api/video/events`,
            fetch: eventsFetch,
            ...(config.unwatchedIntervalMs ? { unwatchedIntervalMs: config.unwatchedIntervalMs } : {}),
          }),
        });
      const shared = config.browserPerJob ? undefined : newBrowser();
      return {
        requestsFor: (jobId: string) => streams.get(jobId) ?? 0,
        async run(job) {
          let jobId: string | undefined;
          const client = shared ?? newBrowser();
          try {
            const first = await client.submit({
              provider: 'fal',
              model: workload.model,
              input: { prompt: benchPrompt(job) },
            });
            jobId = first.ref.id;
            const simJob = sim.job(jobId)!;
            const endAt = simJob.createdAt + simJob.spec.queueMs + simJob.spec.runMs;
            if (config.webhooks) {
              const ref = { provider: 'fal', id: jobId, model: workload.model };
              const video = { url: `${sim.origin}/files/${jobId}.mp4` };
              setTimeout(
                () => void bus.publish(createSnapshot({ ref, status: 'completed', video })),
                endAt - Date.now() + WEBHOOK_LATENCY_MS,
              );
            }
            const final = await client.wait(first.ref, { timeoutMs: 6 * 3600_000 });
            return finishedRun(jobId, final);
          } catch (error) {
            return failedRun(sim, job, jobId, error);
          }
        },
      };
    },
  };
  return { contestant, stats: { serverPolls: () => serverPolls } };
}
