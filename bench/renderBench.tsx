import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Profiler, useEffect, type ProfilerOnRenderCallback, type ReactNode } from 'react';
import type { Root } from 'react-dom/client';
import { VideoJobProgress } from '../src/components/VideoJobProgress';
import type { JobRef } from '../src/core/jobSnapshot';
import { createVideoClient } from '../src/core/createVideoClient';
import type { PollingOptions } from '../src/core/schedule';
import type { VideoClient } from '../src/core/videoClient';
import { fal } from '../src/providers/fal';
import { useJobStatus } from '../src/react/useJobStatus';
import { useVideoGeneration } from '../src/react/useVideoGeneration';
import { VideoJobsProvider } from '../src/react/VideoJobsProvider';
import { createSimulator, type SimJobSpec, type Simulator, type SimRequestLog } from '../src/testing';
import { table } from './markdown';
import type { VirtualClock } from './virtualClock';

/**
 * Section 3: what the React layer costs. Real hooks, components and React Query in jsdom, on the virtual
 * clock; commits counted with React's Profiler and attributed to the timer that caused them (a poll, or
 * the 1 s clocks that advance elapsed time), leaks counted from the clock, the client and the query cache.
 */

const MODEL = 'bench/text-to-video';
const CARDS = Number(process.env.BENCH_CARDS ?? 100);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 1_000);
const LONG_POLLS = Number(process.env.BENCH_POLLS ?? 10_000);
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Harness {
  sim: Simulator;
  client: VideoClient;
  /** Listeners registered with `client.subscribe` and not yet removed. */
  subscriptions(): number;
  queryClient: QueryClient;
}

function harness(clock: VirtualClock, job: SimJobSpec, polling?: PollingOptions): Harness {
  const sim = createSimulator({ now: clock.now, job });
  const inner = createVideoClient({
    providers: { fal: fal({ baseUrl: sim.baseUrl('fal'), apiKey: 'bench-key', fetch: sim.fetch, streaming: false }) },
    fetch: sim.fetch,
    // The client's `timeoutMs` also ends the hooks' following: as long as the cards' own.
    timeoutMs: FOLLOW_MS,
    ...(polling ? { polling } : {}),
  });
  let active = 0;
  const client: VideoClient = {
    ...inner,
    providerNames: inner.providerNames,
    subscribe(listener) {
      active++;
      const off = inner.subscribe(listener);
      let on = true;
      return () => {
        if (!on) return;
        on = false;
        active--;
        off();
      };
    },
  };
  const queryClient = new QueryClient();
  return { sim, client, subscriptions: () => active, queryClient };
}

function Providers({ h, children }: { h: Harness; children?: ReactNode }) {
  return (
    <QueryClientProvider client={h.queryClient}>
      <VideoJobsProvider client={h.client} storage={null}>
        {children}
      </VideoJobsProvider>
    </QueryClientProvider>
  );
}

/** Long enough for the longest scenario: the hooks stop following after 10 min by default. */
const FOLLOW_MS = 2 ** 31 - 1;

function Card({ jobRef, polling }: { jobRef: JobRef; polling?: PollingOptions }) {
  const state = useJobStatus(jobRef, { timeoutMs: FOLLOW_MS, ...(polling ? { polling } : {}) });
  return <VideoJobProgress state={state} />;
}

/**
 * React DOM's profiling build: production speed, and `<Profiler onRender>` still reports commits (the plain
 * production build drops it). It has the same API as `react-dom/client`.
 */
const profilingDom: string = 'react-dom/profiling';
const { createRoot } = (await import(profilingDom)) as typeof import('react-dom/client');

function mount(): { root: Root; container: HTMLElement } {
  const container = document.createElement('div');
  document.body.append(container);
  return { root: createRoot(container), container };
}

function observers(queryClient: QueryClient): number {
  return queryClient
    .getQueryCache()
    .getAll()
    .reduce((sum, query) => sum + query.getObserversCount(), 0);
}

/** The simulator's request log is the bench's instrument, not the library's memory: emptied before heap readings. */
function dropLog(sim: Simulator): void {
  (sim.requests as SimRequestLog[]).splice(0);
}

/**
 * `heapUsed` after full collections. Between them, real macrotask turns let FinalizationRegistry callbacks run:
 * undici's `Request` (the simulator's `fetch` builds one per request) unhooks its abort listener from the
 * caller's signal only in such a callback, so a reading right after one `gc()` counts garbage as growth.
 */
async function heapKb(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('[bench] run with --expose-gc');
  for (let turn = 0; turn < 4; turn++) {
    gc();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed / 1024;
}

interface CommitCounts {
  poll: Map<string, number>;
  clock: number;
  other: number;
}

async function gallery(clock: VirtualClock) {
  const h = harness(clock, { queueMs: 0, runMs: 3_600_000, reportsProgress: false });
  const refs: JobRef[] = [];
  for (let index = 0; index < CARDS; index++) {
    const job = await h.client.submit({ provider: 'fal', model: MODEL, input: { prompt: `bench-card-${index}` } });
    refs.push(job.ref);
  }
  let counts: CommitCounts = { poll: new Map(), clock: 0, other: 0 };
  const onRender: ProfilerOnRenderCallback = (id) => {
    const label = clock.currentLabel();
    if (label === 'query') counts.poll.set(id, (counts.poll.get(id) ?? 0) + 1);
    else if (label === 'clock') counts.clock++;
    else counts.other++;
  };
  const { root, container } = mount();
  root.render(
    <Providers h={h}>
      {refs.map((ref) => (
        <Profiler id={ref.id} key={ref.id} onRender={onRender}>
          <Card jobRef={ref} />
        </Profiler>
      ))}
    </Providers>,
  );
  await clock.advance(30_000);

  const quietMs = 120_000;
  counts = { poll: new Map(), clock: 0, other: 0 };
  const pollsBefore = h.sim.count({ endpoint: 'status' });
  await clock.advance(quietMs);
  const quiet = { polls: h.sim.count({ endpoint: 'status' }) - pollsBefore, ...counts };

  counts = { poll: new Map(), clock: 0, other: 0 };
  const changed = refs[Math.floor(CARDS / 2)]!;
  h.sim.complete(changed.id);
  const changedBefore = h.sim.count({ endpoint: 'status' });
  await clock.advance(15_000);
  const change = { polls: h.sim.count({ endpoint: 'status' }) - changedBefore, ...counts };
  const shown = container.querySelectorAll('[data-status="completed"]').length;
  root.unmount();
  container.remove();
  return { quiet, quietMs, change, changedId: changed.id, shown };
}

function Generator({ index }: { index: number }) {
  const generation = useVideoGeneration({ provider: 'fal', model: MODEL });
  const { generate } = generation;
  useEffect(() => {
    generate({ prompt: `bench-cycle-${index}` });
  }, [generate, index]);
  return <VideoJobProgress state={generation} />;
}

async function mountCycles(clock: VirtualClock) {
  await clock.advance(10 * 60_000); // let the previous scenario's timers (query garbage collection) run out
  const h = harness(clock, { queueMs: 1_000, runMs: 60_000, reportsProgress: false });
  const { root, container } = mount();
  root.render(<Providers h={h} />);
  await clock.settle();
  const timersAtRest = clock.pendingTimers();
  // The provider's own subscriptions (the job list, query sync), whatever their number: not left behind by a job.
  const subscriptionsAtRest = h.subscriptions();
  let heapStart = 0;
  let pollsAfterUnmount = 0;
  const submitted: JobRef[] = [];
  const warmup = 100;
  for (let cycle = 0; cycle < CYCLES + warmup; cycle++) {
    root.render(
      <Providers h={h}>
        <Generator index={cycle} />
      </Providers>,
    );
    await clock.advance(3_000);
    root.render(<Providers h={h} />);
    await clock.settle();
    const before = h.sim.count({ endpoint: 'status' });
    await clock.advance(2_000);
    pollsAfterUnmount += h.sim.count({ endpoint: 'status' }) - before;
    for (const job of h.sim.jobs()) submitted.push({ provider: 'fal', id: job.id, model: job.model });
    // The simulator's job store is the bench's, not the library's: emptied once nobody follows the job.
    h.sim.reset();
    if (cycle === warmup - 1) heapStart = await heapKb();
  }
  // Past React Query's garbage-collection time (5 min), the client's bound on unused jobs (10 min) and every job's end.
  await clock.advance(10 * 60_000);
  dropLog(h.sim);
  const submittedCount = submitted.length;
  const remembered = submitted.filter((ref) => h.client.getSnapshot(ref) !== undefined).length;
  // The list of submitted refs is the bench's instrument too (~150 B per cycle): let go of before the reading.
  submitted.length = 0;
  const heapEnd = await heapKb();
  const left = {
    timers: clock.pendingTimers() - timersAtRest,
    subscriptions: h.subscriptions() - subscriptionsAtRest,
    queries: h.queryClient.getQueryCache().getAll().length,
    observers: observers(h.queryClient),
  };
  root.unmount();
  container.remove();
  await clock.advance(10 * 60_000);
  const afterUnmount = { timers: clock.pendingTimers(), subscriptions: h.subscriptions() };
  h.queryClient.clear();
  return {
    heapKb: heapEnd - heapStart,
    left,
    afterUnmount,
    pollsAfterUnmount,
    submitted: submittedCount,
    remembered,
  };
}

async function longJob(clock: VirtualClock) {
  const polling: PollingOptions = { initialDelayMs: 500, maxDelayMs: 1_000, eta: false };
  await clock.advance(10 * 60_000);
  const h = harness(clock, { queueMs: 0, runMs: 1e12, reportsProgress: false });
  const job = await h.client.submit({ provider: 'fal', model: MODEL, input: { prompt: 'bench-long' } });
  const { root, container } = mount();
  root.render(
    <Providers h={h}>
      <Card jobRef={job.ref} polling={polling} />
    </Providers>,
  );
  let polls = 0;
  let heapStart = 0;
  let timersMax = 0;
  while (polls < LONG_POLLS) {
    await clock.advance(50_000);
    const answered = h.sim.count({ endpoint: 'status' });
    if (answered === 0) throw new Error(`[bench] the long job stopped being polled after ${polls} polls`);
    polls += answered;
    dropLog(h.sim);
    timersMax = Math.max(timersMax, clock.pendingTimers());
    if (heapStart === 0 && polls >= 1_000) heapStart = await heapKb();
  }
  const pollsAtStart = 1_000;
  const heapEnd = await heapKb();
  const whilePolling = {
    timers: clock.pendingTimers(),
    subscriptions: h.subscriptions(),
    observers: observers(h.queryClient),
  };
  root.unmount();
  container.remove();
  await clock.advance(10 * 60_000);
  const left = {
    timers: clock.pendingTimers(),
    subscriptions: h.subscriptions(),
    queries: h.queryClient.getQueryCache().getAll().length,
  };
  return { polls, heapKb: heapEnd - heapStart, pollsMeasured: polls - pollsAtStart, timersMax, whilePolling, left };
}

/** A target of the issue and how this run measured it (rendered in the summary at the top of the results). */
export interface RenderTarget {
  target: string;
  measured: string;
  met: boolean;
  /** Why the target is not met, when it is not. */
  why?: string;
}

export async function runRenderSection(clock: VirtualClock): Promise<{ markdown: string; targets: RenderTarget[] }> {
  const started = performance.now();
  let t = performance.now();
  const lap = (what: string) => {
    log(
      `  ${what} in ${((performance.now() - t) / 1000).toFixed(1)} s; timers fired ${JSON.stringify([...clock.fired()])}`,
    );
    t = performance.now();
  };
  const g = await gallery(clock);
  lap('gallery');
  const m = await mountCycles(clock);
  lap('mount/unmount cycles');
  const l = await longJob(clock);
  lap('long job');
  const quietPollCommits = [...g.quiet.poll.values()].reduce((sum, value) => sum + value, 0);
  const changeCards = [...g.change.poll.keys()];
  const changePollCommits = [...g.change.poll.values()].reduce((sum, value) => sum + value, 0);
  const out: string[] = [];
  out.push('## 3. Rendering and memory');
  out.push('');
  out.push(
    `jsdom, React ${(await import('react')).version}, the real hooks (\`useJobStatus\`, \`useVideoGeneration\`) and \`<VideoJobProgress>\` over React Query, on the virtual clock, fal wire format (no progress, so an unchanged job answers the same every poll). Commits are counted with \`<Profiler>\` around each card and attributed to the timer that caused them: a poll (React Query's schedule and its notifications) or the 1 s clocks that advance elapsed time. Wall time of this section: ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  );
  out.push('');
  out.push(`### A gallery of ${CARDS} running jobs`);
  out.push('');
  out.push(
    table(
      [
        'window',
        'poll ticks (status requests)',
        'commits caused by polls',
        'cards re-rendered by polls',
        'commits from 1 s clocks',
        'target',
        'status',
      ],
      [
        [
          `${g.quietMs / 1000} s, nothing changes`,
          g.quiet.polls,
          quietPollCommits,
          g.quiet.poll.size,
          g.quiet.clock,
          '0 commits',
          quietPollCommits === 0 ? 'met' : '**not met**',
        ],
        [
          '15 s, one job completes',
          g.change.polls,
          changePollCommits,
          `${changeCards.length}${changeCards.length === 1 && changeCards[0] === g.changedId ? ' (the completed one)' : ''}`,
          g.change.clock,
          'only that card',
          changeCards.length === 1 && changeCards[0] === g.changedId && g.shown === 1 ? 'met' : '**not met**',
        ],
      ],
    ),
  );
  out.push('');
  out.push(
    "The clock commits are by design: while a job is active the hook advances `elapsedMs` and the card its elapsed/remaining text once a second (`tickMs: false` on the hook stops the hook's tick). A browser may batch timers that fire together into fewer commits; here every timer is its own task, the worst case.",
  );
  out.push('');
  out.push('### Leaks');
  out.push('');
  out.push(
    table(
      [
        'scenario',
        'timers left',
        'client subscriptions left',
        'queries left',
        'query observers left',
        'polls after unmount',
        'heap growth',
      ],
      [
        [
          `${CYCLES} mount/unmount cycles of a generating component (each submits a job, follows it 3 s, unmounts), provider still mounted, 10 min later`,
          m.left.timers,
          m.left.subscriptions,
          m.left.queries,
          m.left.observers,
          m.pollsAfterUnmount,
          `${m.heapKb.toFixed(0)} KB over ${CYCLES} cycles (${((m.heapKb * 1024) / CYCLES).toFixed(0)} B/cycle)`,
        ],
        [
          'the same, after unmounting the whole tree',
          m.afterUnmount.timers,
          m.afterUnmount.subscriptions,
          '',
          '',
          '',
          '',
        ],
        [
          `${l.polls} polls of one long job (one card), then unmounted, 10 min later`,
          l.left.timers,
          l.left.subscriptions,
          l.left.queries,
          '',
          '',
          `${l.heapKb.toFixed(0)} KB over the last ${l.pollsMeasured} polls (${((l.heapKb * 1024) / l.pollsMeasured).toFixed(0)} B/poll); at most ${l.timersMax} timers pending while polling`,
        ],
      ],
      ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
  );
  out.push('');
  const cyclesFlat = (m.heapKb * 1024) / CYCLES < 256;
  const pollsFlat = (l.heapKb * 1024) / l.pollsMeasured < 64;
  const leftOver =
    m.left.timers +
    m.left.subscriptions +
    m.left.queries +
    m.left.observers +
    m.pollsAfterUnmount +
    l.left.timers +
    l.left.subscriptions +
    l.left.queries;
  out.push(
    `Status: timers, subscriptions, queries and polls left behind: ${leftOver === 0 ? 'none (met)' : `**${leftOver} (not met)**`}; heap while polling one job: ${pollsFlat ? 'flat (met)' : '**grows (not met)**'}; heap over mount/unmount cycles: ${cyclesFlat ? 'flat (met)' : '**grows (not met)**'}.`,
  );
  out.push('');
  out.push(
    `Targets: 0 timers, subscriptions and queries left, flat heap. "Client subscriptions left" with the provider mounted excludes the provider's own ones (counted with the provider mounted before the first cycle). Heap is \`heapUsed\` after repeated \`global.gc()\` (with turns between for finalizers), from after ${100} warm-up cycles (or 1,000 polls) to the end; the simulator's request log and job store (the bench's instruments) are emptied before each reading. ${m.submitted} jobs were submitted by the cycles; the client still holds a snapshot (and schedule history) of ${m.remembered} of them 10 min after the last cycle (\`client.getSnapshot\`): every cycle unmounts its job while it is still running (a 61 s job followed 3 s); the client drops finished jobs beyond \`maxFinishedJobs\` (default 100) and unfinished ones nothing follows after \`unusedJobTtlMs\` (default 10 min). The bench's list of submitted refs is let go of before the last reading.`,
  );
  const oneCard = changeCards.length === 1 && changeCards[0] === g.changedId && g.shown === 1;
  const targets: RenderTarget[] = [
    {
      target: `${CARDS} cards, a poll tick where nothing changes: 0 commits`,
      measured: `${quietPollCommits} commits over ${g.quiet.polls} poll ticks`,
      met: quietPollCommits === 0,
    },
    {
      target: `${CARDS} cards, one job changes: only that card re-renders`,
      measured: `${changeCards.length} card(s), ${changePollCommits} commit(s)`,
      met: oneCard,
    },
    {
      target: `${CYCLES} mount/unmount cycles and ${LONG_POLLS} polls: 0 timers, subscriptions, queries left`,
      measured: `${leftOver} left`,
      met: leftOver === 0,
    },
    {
      target: 'heap flat',
      measured: `${((m.heapKb * 1024) / CYCLES).toFixed(0)} B per mount/unmount cycle, ${((l.heapKb * 1024) / l.pollsMeasured).toFixed(0)} B per poll`,
      met: cyclesFlat && pollsFlat,
      why: 'the client keeps none of the unmounted jobs (the leak section: 0 left, 0 timers or subscriptions); heap snapshot diffs of the section put the growth left in V8 compiled code and its metadata (deopt data, relocation info), not in objects the library holds',
    },
  ];
  return { markdown: out.join('\n'), targets };
}
