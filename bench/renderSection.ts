/**
 * Section 3 entry, run by bench/run.ts as `node --expose-gc --import tsx bench/renderSection.ts`: sets up a DOM
 * and the virtual clock before React and React Query load, then prints the section (markdown and targets) as JSON.
 */
import { installDom } from './dom';
import { createVirtualClock } from './virtualClock';

/**
 * Who scheduled a timer, read from the stack: React Query (the poll schedule and its notifications), the 1 s
 * clocks of the hooks and cards (elapsed time), or anything else.
 */
function labelTimer(kind: 'timeout' | 'interval'): string {
  const files = callerFiles();
  if (files.some((file) => file.includes('query-core'))) return 'query';
  if (kind === 'interval' && files.some((file) => /src\/(react|components)\//.test(file))) return 'clock';
  return 'other';
}

/** The file of every frame on the stack, read from V8's call sites (skipping source-map formatting, which is slow). */
function callerFiles(): string[] {
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = (_error, callSites) => callSites;
  const holder: { stack?: unknown } = {};
  Error.captureStackTrace(holder, callerFiles);
  const sites = holder.stack as NodeJS.CallSite[];
  Error.prepareStackTrace = original;
  return sites.map((site) => site.getFileName() ?? '');
}

installDom();
const clock = createVirtualClock({ seed: 3, settleTurns: 4, labelTimer });
clock.install();
const { runRenderSection } = await import('./renderBench');
const result = await runRenderSection(clock);
clock.uninstall();
// One JSON document on stdout for bench/run.ts: the section's markdown and its targets for the summary.
process.stdout.write(`${JSON.stringify(result)}\n`);
// jsdom and React keep handles (MessageChannel, timers of the real clock) that would hold the process open.
process.exit(0);
