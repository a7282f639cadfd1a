// `npm test`: every check the project has, in order, each reported, continuing after failures so one run gives the
// whole picture. Vitest contributes one count per test; every other step counts as one test. The last line is
// exactly `N passed, N failed`, and the exit code is non-zero when anything failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from './provision.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const vitestJson = join(root, 'test-output/vitest.json');
const browserRunner = join(root, 'test/browser/run.mjs');
const exampleApp = join(root, 'examples/next-app/scripts/e2e.mjs');

/** The whole run must fit in 15 minutes on 2 cores; leave room for the report. */
const deadline = Date.now() + 14 * 60_000;
const SUMMARY_LINE = /(\d+) passed, (\d+) failed/;

/**
 * `kind`: 'step' counts as one test; 'vitest' counts vitest's tests; 'counted' parses the runner's own
 * `N passed, N failed` line. `needs`: a step whose output this one checks; when that step failed, this one is not
 * run (and counts as failed) rather than checking stale or missing files.
 */
const steps = [
  { name: 'typecheck', commands: [[bin('tsc'), '--noEmit', '-p', 'tsconfig.json']], timeoutMs: 180_000 },
  { name: 'lint: eslint', commands: [[bin('eslint'), '.', '--max-warnings', '0']], timeoutMs: 180_000 },
  { name: 'lint: prettier', commands: [[bin('prettier'), '--check', '.']], timeoutMs: 120_000 },
  {
    name: 'unit tests (vitest)',
    kind: 'vitest',
    commands: [
      [
        bin('vitest'),
        'run',
        '--passWithNoTests',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${vitestJson}`,
      ],
    ],
    // Two projects (React 19: everything; React 18: hooks and components): about 2.5 min alone on 2 cores.
    timeoutMs: 480_000,
  },
  {
    name: 'build',
    commands: [
      [bin('vite'), 'build'],
      [bin('tsc'), '-p', 'tsconfig.build.json'],
      [process.execPath, 'scripts/fix-dts-imports.mjs'],
    ],
    timeoutMs: 180_000,
  },
  {
    name: 'package check (publint, attw)',
    needs: 'build',
    commands: [[process.execPath, 'scripts/check-package.mjs']],
    timeoutMs: 180_000,
  },
  { name: 'size budget (size-limit)', needs: 'build', commands: [[bin('size-limit')]], timeoutMs: 120_000 },
  {
    // A real Next.js app on the packed package: `next build` with no environment, then Chromium flows against the
    // simulator (examples/next-app/scripts/e2e.mjs).
    name: 'example app (Next.js)',
    kind: 'counted',
    needs: 'build',
    optional: exampleApp,
    commands: [[process.execPath, exampleApp]],
    timeoutMs: 360_000,
  },
  {
    name: 'browser tests',
    kind: 'counted',
    optional: browserRunner,
    commands: [[process.execPath, browserRunner]],
    // About 3.8 min on 2 cores since every story is checked at two widths, light, dark and forced colours.
    timeoutMs: 450_000,
  },
];

let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current) killGroup(current, 'SIGTERM');
    process.exit(130);
  });
}

/** Children get their own process group so a timeout stops the whole tree (vitest workers, browsers). */
function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs one command with live output; resolves with its exit code and, when `capture`, its stdout. */
function run([command, ...args], { timeoutMs, capture }) {
  return new Promise((done) => {
    let output = '';
    let timedOut = false;
    const child = spawn(command, args, {
      cwd: root,
      detached: true,
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    current = child;
    if (capture) {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        process.stdout.write(chunk);
      });
    }
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n[test] ${command} took longer than ${Math.round(timeoutMs / 1000)} s; stopping it.`);
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 5_000).unref();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      current = undefined;
      console.error(`[test] cannot run ${command}: ${error.message}`);
      done({ code: 127, output, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      done({ code: code ?? (signal ? 1 : 0), output, timedOut });
    });
  });
}

/** Reads vitest's JSON report; a file that failed to load has no failing test, so it counts as one failure. */
function vitestCounts(code) {
  let report;
  try {
    report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  } catch {
    return { passed: 0, failed: 1, note: 'no JSON report (vitest crashed?)' };
  }
  let passed = report.numPassedTests ?? 0;
  let failed = report.numFailedTests ?? 0;
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
  failed += brokenFiles;
  let note = brokenFiles > 0 ? `${brokenFiles} test file(s) failed to run` : '';
  if (code !== 0 && failed === 0) {
    failed = 1;
    note = `vitest exited with code ${code} (unhandled error?)`;
  }
  if (passed + failed === 0) note = 'no tests found';
  return { passed, failed, note };
}

// System packages first: a fresh machine installs them here (as root), or the run stops at once with the command.
const provisioned = provision();
if (!provisioned.ok) {
  console.error(provisioned.message);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;
const results = [];
const stepStatus = new Map();

for (const [index, step] of steps.entries()) {
  if (step.optional && !existsSync(step.optional)) continue;
  const header = `[${index + 1}/${steps.length}] ${step.name}`;
  console.log(`\n━━━ ${header} ━━━`);
  const started = Date.now();
  let result;

  if (step.needs && stepStatus.get(step.needs) === false) {
    result = { passed: 0, failed: 1, note: `not run: ${step.needs} failed` };
    console.log(`[test] ${result.note}`);
  } else if (Date.now() >= deadline) {
    result = { passed: 0, failed: 1, note: 'not run: out of time' };
    console.log(`[test] ${result.note}`);
  } else {
    if (step.kind === 'vitest') {
      rmSync(vitestJson, { force: true });
      mkdirSync(join(root, 'test-output'), { recursive: true });
    }
    let code = 0;
    let output = '';
    let timedOut = false;
    for (const command of step.commands) {
      const timeoutMs = Math.max(1_000, Math.min(step.timeoutMs, deadline - Date.now()));
      ({ code, output, timedOut } = await run(command, { timeoutMs, capture: step.kind === 'counted' }));
      if (code !== 0) break;
    }
    if (step.kind === 'vitest') {
      result = vitestCounts(code);
    } else if (step.kind === 'counted') {
      const lines = output.split('\n').filter((line) => SUMMARY_LINE.test(line));
      const match = lines.at(-1)?.match(SUMMARY_LINE);
      if (match) {
        result = { passed: Number(match[1]), failed: Number(match[2]), note: '' };
        if (code !== 0 && result.failed === 0) result = { ...result, failed: 1, note: `exited with code ${code}` };
      } else {
        result = { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, note: 'no "N passed, N failed" line' };
      }
    } else {
      result = code === 0 ? { passed: 1, failed: 0, note: '' } : { passed: 0, failed: 1, note: `exit code ${code}` };
    }
    if (timedOut) result = { ...result, failed: Math.max(1, result.failed), note: 'timed out' };
  }

  const ok = result.failed === 0;
  stepStatus.set(step.name, ok);
  const counts = step.kind ? ` ${result.passed} passed, ${result.failed} failed` : '';
  const elapsed = seconds(Date.now() - started);
  console.log(`${ok ? '✔' : '✘'} ${step.name}${counts} (${elapsed})${result.note ? ` — ${result.note}` : ''}`);
  results.push({ name: step.name, ok, counts, elapsed, note: result.note, ...result });
}

const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
const width = Math.max(...results.map((r) => r.name.length));
console.log('\n━━━ summary ━━━');
for (const r of results) {
  const detail = [r.counts.trim(), r.note].filter(Boolean).join('; ');
  console.log(`${r.ok ? '✔' : '✘'} ${r.name.padEnd(width)}  ${r.elapsed.padStart(7)}${detail ? `  ${detail}` : ''}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
