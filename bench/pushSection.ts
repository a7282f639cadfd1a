import { countsBrowser, oursEventsPush, type EventsPushCase } from './contestants/oursEventsPush';
import { WEBHOOK_LATENCY_MS } from './contestants/oursServerPush';
import { fixed, seconds, table } from './markdown';
import type { TargetCheck } from './requestsSection';
import { runScenario, type ScenarioResult } from './runScenario';
import { createVirtualClock, type VirtualClock } from './virtualClock';
import { coldWorkload, mainWorkload, quantile, type Workload } from './workload';

/**
 * Section 1b (issue 11.3, "push can leave the UI stuck"): a browser on `events` whose job's end may never be pushed.
 * fal's wire format throughout: no progress, and a webhook only at the end, so nothing but the end's webhook (or the
 * server's own watcher) can end a streamed job. Virtual time, like section 1.
 */

export const PUSH_CASES: EventsPushCase[] = [
  { name: 'events, webhooks delivered', webhooks: true, watch: false },
  { name: 'events, webhooks delivered, a browser per job', webhooks: true, watch: false, browserPerJob: true },
  { name: 'events + watch, webhooks delivered', webhooks: true, watch: true },
  { name: 'events, no webhook', webhooks: false, watch: false },
  { name: 'events + watch, no webhook', webhooks: false, watch: true },
  { name: 'events, no webhook, before 11.3', webhooks: false, watch: false, unwatchedIntervalMs: 300_000 },
];

export const PUSH_COLD_RUN_MS = 90_000;
export const PUSH_COLD_REPETITIONS = 20;

export interface PushRow {
  case: string;
  how: string;
  workload: string;
  jobs: number;
  ok: number;
  /** The browser's stream connections + status polls per job. */
  browserMean: number;
  browserMax: number;
  /** Every browser request per job: submit, stream, polls, result fetches. */
  browserAllMean: number;
  /** The server watcher's status polls per job. */
  serverMean: number;
  noticeP50: number;
  noticeP95: number;
  noticeMax: number;
  failures: string[];
}

export interface PushSection {
  workload: Workload;
  main: PushRow[];
  cold: PushRow[];
  wallMs: number;
}

async function runCase(
  config: EventsPushCase,
  workloads: Workload[],
  clock: VirtualClock,
  name: string,
): Promise<PushRow> {
  const { contestant, stats } = oursEventsPush(config);
  const results: ScenarioResult[] = [];
  let serverPolls = 0;
  for (const workload of workloads) {
    // Only the browser's requests count as the contestant's; the watcher's are read from its own counter.
    results.push(await runScenario(contestant, workload, clock, { reportsProgress: false, counts: countsBrowser }));
    serverPolls += stats.serverPolls();
  }
  const jobs = results.reduce((sum, result) => sum + result.jobs, 0);
  const notices = results.flatMap((result) => result.notices).sort((a, b) => a - b);
  const perJob = (pick: (result: ScenarioResult) => number) =>
    results.reduce((sum, result) => sum + pick(result) * result.jobs, 0) / Math.max(1, jobs);
  return {
    case: config.name,
    how: contestant.how,
    workload: name,
    jobs,
    ok: results.reduce((sum, result) => sum + result.ok, 0),
    browserMean: perJob((result) => result.statusMean),
    browserMax: Math.max(...results.map((result) => result.statusMax)),
    browserAllMean: perJob((result) => result.totalRequests / result.jobs),
    serverMean: serverPolls / Math.max(1, jobs),
    noticeP50: quantile(notices, 0.5),
    noticeP95: quantile(notices, 0.95),
    noticeMax: notices[notices.length - 1] ?? Number.NaN,
    failures: results.flatMap((result) => result.failures),
  };
}

export async function runPushSection(log: (line: string) => void = () => {}): Promise<PushSection> {
  const started = performance.now();
  const clock = createVirtualClock({ seed: 42 });
  clock.install();
  try {
    const workload = mainWorkload();
    const main: PushRow[] = [];
    const cold: PushRow[] = [];
    for (const config of PUSH_CASES) {
      main.push(await runCase(config, [workload], clock, workload.name));
      // A fresh browser (and server) per job, its end at every phase of the poll cycle: no webhook learnt yet.
      const colds = Array.from({ length: PUSH_COLD_REPETITIONS }, (_, rep) => {
        const single = coldWorkload(PUSH_COLD_RUN_MS);
        single.jobs[0]!.queueMs = 2_000 + rep * 1_013;
        return single;
      });
      cold.push(await runCase(config, colds, clock, `cold ${PUSH_COLD_RUN_MS / 1000} s`));
      log(`  push: ${config.name} done`);
    }
    return { workload, main, cold, wallMs: performance.now() - started };
  } finally {
    clock.uninstall();
  }
}

function rowsTable(rows: PushRow[]): string {
  return table(
    [
      'configuration',
      'browser stream + polls/job',
      'max',
      'all browser req/job',
      'server polls/job',
      'notice p50',
      'p95',
      'max',
      'jobs ok',
    ],
    rows.map((row) => [
      row.case,
      fixed(row.browserMean, 2),
      row.browserMax,
      fixed(row.browserAllMean, 2),
      fixed(row.serverMean, 1),
      seconds(row.noticeP50),
      seconds(row.noticeP95),
      seconds(row.noticeMax),
      `${row.ok}/${row.jobs}`,
    ]),
  );
}

export function renderPushSection(section: PushSection): string {
  const out: string[] = [];
  out.push('## 1b. Push when no webhook may come (issue 11.3)');
  out.push('');
  out.push(
    `A browser on \`createVideoClient({ events })\` following fal jobs through \`createJobEventsHandler\` (fal's wire format: no progress, a webhook only at the end, delivered ${WEBHOOK_LATENCY_MS} ms after it by publishing to the bus as the webhook handler does). "Browser stream + polls" counts its stream connections and status polls per job (not the submit); "all browser req/job" adds the submit and result fetches; "server polls" are the \`watch\` client's status polls. Without \`watch\`, a healthy stream is polled every 20 s (\`events.unwatchedIntervalMs\`) until a webhook of the provider is known to arrive: one came through a stream of this browser, or the server (which has seen one reach a stream in the last hour) says so on the stream; with \`watch\`, the server tells the stream it watches and the browser keeps only the 5 min safety poll. "A browser per job" is one server with a new browser for each job (different users). The last row is the behaviour before 11.3 (\`unwatchedIntervalMs\` = the safety interval).`,
  );
  out.push('');
  out.push(
    table(
      ['configuration', 'what runs'],
      PUSH_CASES.map((config) => [config.name, oursEventsPush(config).contestant.how]),
      ['left', 'left'],
    ),
  );
  out.push('');
  out.push(`### ${section.workload.name} (one browser and one server for all jobs)`);
  out.push('');
  out.push(rowsTable(section.main));
  out.push('');
  out.push(
    `### Single cold ${PUSH_COLD_RUN_MS / 1000} s jobs (a fresh browser and server per job, ${PUSH_COLD_REPETITIONS} runs, queue 2.0 to ${seconds(2_000 + (PUSH_COLD_REPETITIONS - 1) * 1_013)})`,
  );
  out.push('');
  out.push(rowsTable(section.cold));
  out.push('');
  const find = (rows: PushRow[], name: string) => rows.find((row) => row.case === name)!;
  const noWebhook = find(section.main, 'events, no webhook');
  const before = find(section.main, 'events, no webhook, before 11.3');
  const watched = find(section.main, 'events + watch, no webhook');
  const delivered = find(section.main, 'events, webhooks delivered, a browser per job');
  const coldDelivered = find(section.cold, 'events, webhooks delivered');
  out.push(
    `- **No webhook**: before 11.3 the end waited for the safety poll (max ${seconds(before.noticeMax)}, p95 ${seconds(
      before.noticeP95,
    )}); with the widened poll it is noticed within ${seconds(noWebhook.noticeMax)} at worst, for ${fixed(
      noWebhook.browserMean,
      1,
    )} stream + polls per job. With \`watch\` the server finds it (max ${seconds(watched.noticeMax)}) and the browser sends ${fixed(
      watched.browserMean,
      2,
    )} request per job after its submit, the stream; the polls move to the server (${fixed(watched.serverMean, 1)} per job, on its adaptive schedule).`,
  );
  out.push(
    `- **Webhooks delivered, no \`watch\`**: ${fixed(delivered.browserMean, 2)} stream + polls per job over ${section.workload.name} with a new browser per job (max ${delivered.browserMax}): only the jobs already running when the server's first webhook came through pay the widened poll; every later stream is told at once that fal's webhooks arrive. Nothing can tell a webhook that will come from one that never will before the first one comes, so a server's very first jobs always pay it (cold, a fresh server per job: ${fixed(
      coldDelivered.browserMean,
      1,
    )}). With \`watch\` as well, no job does, at the price of the server's polls until the webhook.`,
  );
  return out.join('\n');
}

export function checkPushTargets(section: PushSection): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const rows of [section.main, section.cold]) {
    for (const row of rows) {
      if (row.case.includes('before 11.3')) continue;
      const where = `${row.case} (${row.workload})`;
      if (row.case.includes('no webhook')) {
        checks.push({
          target: `${where}: end noticed within 30 s (max)`,
          measured: `max ${seconds(row.noticeMax)}, p95 ${seconds(row.noticeP95)}`,
          met: row.noticeMax <= 30_000 && row.ok === row.jobs,
        });
      }
      if (row.case.includes('webhooks delivered') || row.case.includes('watch')) {
        checks.push({
          target: `${where}: <= 2 browser requests/job (submit + stream)`,
          measured: `${fixed(row.browserAllMean, 2)} requests/job (stream + polls ${fixed(row.browserMean, 2)}, max ${row.browserMax})`,
          met: row.browserAllMean <= 2,
        });
      }
    }
  }
  return checks;
}
