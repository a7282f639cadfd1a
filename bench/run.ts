/**
 * `npm run bench`: every benchmark of issue 6 in one run on this machine, printed and written to
 * bench/results.md. Sections 1 and 1b run in virtual time in this process; section 3 runs in a child process with
 * `--expose-gc` and a DOM (jsdom), so its heap figures are not disturbed by the other sections.
 * `npm run bench -- --only=push` runs section 1b alone and prints it (bench/results.md is left as it is);
 * `--only=frontier` runs section 1c alone, prints it and writes bench/frontier.svg.
 * `--only=bundle` runs section 2 alone and puts it into bench/results.md in place of the last run's, with its rows of
 * the target tables; the other sections keep their figures.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { checkBundleTargets, checkBundleTargets14, measureBundles, renderBundleSection } from './bundleSize';
import { checkFrontierTargets, renderFrontierSection, runFrontierSection } from './frontierSection';
import { checkPushTargets, renderPushSection, runPushSection } from './pushSection';
import {
  checkIssue14Targets,
  checkRequestTargets,
  renderRequestsSection,
  renderTargets,
  runRequestsSection,
  type TargetCheck,
} from './requestsSection';

// The fal adapter keeps its schemas and its stream reader once its own import() of them resolves, and that import goes
// through the module loader in real time, which a virtual clock does not wait for (the sections' figures moved from
// run to run): prime both here, before any virtual clock runs. Nothing in the bench submits an image.
await primeFal();

const root = resolve(import.meta.dirname, '..');
const started = performance.now();
const log = (line: string) => process.stderr.write(`${line}\n`);

if (process.argv.includes('--only=push')) {
  log('[bench] 1b push when no webhook may come (virtual time)...');
  const push = await runPushSection(log);
  process.stdout.write(`${renderTargets(checkPushTargets(push))}\n\n${renderPushSection(push)}\n`);
  log(`[bench] 1b done in ${(push.wallMs / 1000).toFixed(1)} s (bench/results.md not written)`);
  process.exit(0);
}

if (process.argv.includes('--only=frontier')) {
  log('[bench] 1c requests against notice time, first job in a new tab (virtual time)...');
  const frontier = await runFrontierSection(log);
  writeFileSync(resolve(root, 'bench/frontier.svg'), frontier.svg);
  process.stdout.write(`${renderTargets(checkFrontierTargets(frontier))}\n\n${renderFrontierSection(frontier)}\n`);
  log(
    `[bench] 1c done in ${(frontier.wallMs / 1000).toFixed(1)} s (wrote bench/frontier.svg; bench/results.md not written)`,
  );
  process.exit(0);
}

if (process.argv.includes('--only=bundle')) {
  log('[bench] 2/3 bundle sizes...');
  const bundles = await measureBundles();
  const resultsPath = resolve(root, 'bench/results.md');
  const updated = spliceBundleSection(readFileSync(resultsPath, 'utf8'), bundles);
  writeFileSync(resultsPath, await format(updated, { ...(await resolveConfig(resultsPath)), filepath: resultsPath }));
  process.stdout.write(`${renderBundleSection(bundles)}\n`);
  log(
    `[bench] 2/3 done in ${((performance.now() - started) / 1000).toFixed(1)} s (wrote section 2 of bench/results.md)`,
  );
  process.exit(0);
}

log('[bench] 1/3 status requests and time to notice (virtual time)...');
const requests = await runRequestsSection(log);
log(`[bench] 1/3 done in ${(requests.wallMs / 1000).toFixed(1)} s`);

log('[bench] 1b push when no webhook may come (virtual time)...');
const push = await runPushSection(log);
log(`[bench] 1b done in ${(push.wallMs / 1000).toFixed(1)} s`);

log('[bench] 1c requests against notice time, first job in a new tab (virtual time)...');
const frontier = await runFrontierSection(log);
writeFileSync(resolve(root, 'bench/frontier.svg'), frontier.svg);
log(`[bench] 1c done in ${(frontier.wallMs / 1000).toFixed(1)} s`);

log('[bench] 2/3 bundle sizes...');
const bundleStarted = performance.now();
const bundles = await measureBundles();
log(`[bench] 2/3 done in ${((performance.now() - bundleStarted) / 1000).toFixed(1)} s`);

log('[bench] 3/3 rendering and memory (child process, jsdom, --expose-gc)...');
const renderStarted = performance.now();
const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', resolve(root, 'bench/renderSection.ts')], {
  cwd: root,
  // React's production builds (the profiling one for <Profiler>): what users ship, and 10x faster than development.
  env: { ...process.env, NODE_ENV: 'production' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  timeout: 180_000,
});
let render: { markdown: string; targets: TargetCheck[] };
try {
  if (child.status !== 0) throw new Error(child.error ? child.error.message : `exit code ${child.status}`);
  render = JSON.parse(child.stdout) as typeof render;
} catch (error) {
  const why = error instanceof Error ? error.message : String(error);
  render = { markdown: `## 3. Rendering and memory\n\nNot measured: the child process failed (${why}).`, targets: [] };
}
log(`[bench] 3/3 done in ${((performance.now() - renderStarted) / 1000).toFixed(1)} s`);

const wallS = (performance.now() - started) / 1000;
const markdown = [
  '# Benchmark results',
  '',
  `Generated by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}; whole run ${wallS.toFixed(0)} s of wall time. Every figure below comes from this one run.`,
  '',
  '## Targets (issue 6)',
  '',
  renderTargets([...checkRequestTargets(requests), ...checkBundleTargets(bundles), ...render.targets]),
  '',
  '## Targets (issue 11.3)',
  '',
  renderTargets(checkPushTargets(push)),
  '',
  '## Targets (issue 14)',
  '',
  renderTargets([
    ...checkIssue14Targets(requests),
    ...checkFrontierTargets(frontier),
    ...checkBundleTargets14(bundles),
    ...render.targets
      .filter((check) => check.target === 'heap flat')
      .map((check) => {
        const perCycle = Number(/^(-?\d+) B per mount/.exec(check.measured)?.[1] ?? Number.NaN);
        return {
          ...check,
          target: 'memory: <= 200 B per mount/unmount cycle of a running job, after GC (section 3, leaks)',
          met: perCycle <= 200,
        };
      }),
  ]),
  '',
  renderRequestsSection(requests),
  '',
  renderFrontierSection(frontier),
  '',
  renderPushSection(push),
  '',
  renderBundleSection(bundles),
  '',
  render.markdown,
  '',
].join('\n');

// Formatted as the repository's Prettier config wants, so `prettier --check .` passes on the committed file.
const resultsPath = resolve(root, 'bench/results.md');
const formatted = await format(markdown, { ...(await resolveConfig(resultsPath)), filepath: resultsPath });
writeFileSync(resultsPath, formatted);
process.stdout.write(formatted);
log(`[bench] wrote bench/results.md (${wallS.toFixed(0)} s)`);

/**
 * bench/results.md with this run's bundle figures: section 2 replaced, and the bundle rows of the issue 6 and issue 14
 * target tables (the last rows of the bundle kind in each, or appended to issue 14's) rewritten.
 */
function spliceBundleSection(markdown: string, bundles: Awaited<ReturnType<typeof measureBundles>>): string {
  const section = /## 2\. Bundle size\n[\s\S]*?(?=\n## )/;
  if (!section.test(markdown)) {
    throw new Error('bench/results.md has no "## 2. Bundle size" section; run npm run bench');
  }
  /** The target table under `heading`, with its bundle rows replaced by `checks` (where the first one was). */
  const retarget = (text: string, heading: string, checks: ReturnType<typeof checkBundleTargets>) => {
    const table = new RegExp(`## ${heading.replace(/[()]/g, '\\$&')}\\n\\n(?:\\|.*\\n)+`);
    return text.replace(table, (found: string) => {
      const lines = found.trimEnd().split('\n');
      const first = lines.findIndex((line) => line.startsWith('| bundle '));
      const kept = lines.filter((line) => !line.startsWith('| bundle '));
      // The new rows without their table's header and rule.
      const rows = renderTargets(checks).split('\n').slice(2);
      kept.splice(first === -1 ? kept.length : first, 0, ...rows);
      return `${kept.join('\n')}\n`;
    });
  };
  const today = new Date().toISOString().slice(0, 10);
  let out = markdown.replace(section, `${renderBundleSection(bundles, today)}\n`);
  out = retarget(out, 'Targets (issue 6)', checkBundleTargets(bundles));
  out = retarget(out, 'Targets (issue 14)', checkBundleTargets14(bundles));
  return out;
}

/** Has the fal adapter import its schemas (a validation) and its stream reader (a stream, aborted at once). */
async function primeFal(): Promise<void> {
  const { fal } = await import('../src/providers/fal');
  // Nothing is sent: the stream's fetch refuses, and its signal is aborted before it starts.
  const adapter = fal({ fetch: () => Promise.reject(new Error('not sent')) });
  await Promise.resolve(adapter.validateInput!('fal-ai/prime', {})).catch(() => undefined);
  const controller = new AbortController();
  controller.abort();
  const ctx = { request: () => Promise.reject(new Error('not sent')), now: () => 0 };
  const ref = { provider: 'fal', id: 'prime', model: 'fal-ai/prime' };
  const stream = adapter.streamStatus?.(ctx, ref, { signal: controller.signal });
  await stream?.[Symbol.asyncIterator]()
    .next()
    .catch(() => undefined);
}
