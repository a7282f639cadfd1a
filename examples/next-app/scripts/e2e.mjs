// The example app's end-to-end check, run by the repository's `npm test`: packs the library as npm would, builds
// the app with no environment, starts it against the simulator's loopback server (which delivers signed webhooks to
// the app's webhook route), and drives it in Debian's Chromium. Ends with `N passed, N failed`.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(app, '../..');
const output = join(root, 'test-output/next-app');
const results = [];
const started = Date.now();

function log(message) {
  console.log(`[next-app] ${message}`);
}

async function check(name, run) {
  const at = Date.now();
  try {
    await run();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${((Date.now() - at) / 1000).toFixed(1)} s)`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(
      `  ✗ ${name}\n    ${String(error?.stack ?? error)
        .split('\n')
        .slice(0, 6)
        .join('\n    ')}`,
    );
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/** Packs the built library (dist/ must exist) and unpacks it into the app's node_modules, as `npm install` would. */
function installPackedLibrary() {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const packDir = mkdtempSync(join(tmpdir(), 'rvj-next-pack-'));
  try {
    const [info] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    execFileSync('tar', ['-xzf', join(packDir, info.filename), '-C', packDir]);
    const target = join(app, 'node_modules/react-video-jobs');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(packDir, 'package'), target);
    return info.filename;
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

/** Runs a command to completion with `env` (and nothing else of this process's environment), or throws. */
function run(command, args, env, timeoutMs) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: app, env, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) done();
      else fail(new Error(`${command} ${args.join(' ')} exited with ${code}`));
    });
  });
}

const baseEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME ?? tmpdir(),
  NEXT_TELEMETRY_DISABLED: '1',
  ...(process.env.CI ? { CI: process.env.CI } : {}),
};
const nextBin = join(root, 'node_modules/next/dist/bin/next');

// ---------------------------------------------------------------------------------------------------------------
// The run.

/** Waits until `predicate()` is truthy (polling every 100 ms) or throws after `timeoutMs`. */
async function until(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function main() {
  mkdirSync(output, { recursive: true });
  const tarball = installPackedLibrary();
  log(`installed ${tarball} into examples/next-app/node_modules`);

  await check('next build with no environment variables set', () =>
    run(process.execPath, [nextBin, 'build'], baseEnv, 240_000),
  );
  if (!results.at(-1).ok) return;

  // The packed library's simulator, as an app's own dev script would use it.
  const { createSimulator } = await import(join(app, 'node_modules/react-video-jobs/dist/testing.js'));
  const { startSimulatorServer } = await import(join(app, 'node_modules/react-video-jobs/dist/testing-server.js'));
  const { setupSimulator } = await import('./simulator.mjs');
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const { sim, env: simEnv } = setupSimulator(createSimulator);
  const simServer = await startSimulatorServer(sim);
  const env = { ...baseEnv, ...simEnv, VIDEO_SIMULATOR_URL: simServer.url, APP_URL: appUrl, PORT: String(appPort) };
  const server = spawn(process.execPath, [nextBin, 'start', '-p', String(appPort), '-H', '127.0.0.1'], {
    cwd: app,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let serverLog = '';
  server.stdout.on('data', (chunk) => (serverLog += chunk));
  const { launchBrowser } = await import(join(root, 'test/browser/browser.mjs'));
  const browser = await launchBrowser();
  try {
    await until(async () => (await fetch(appUrl).catch(() => undefined))?.ok, 60_000, 'next start');
    const { flows } = await import('./flows.mjs');
    await flows({ browser, appUrl, sim, check, assert, until, output, serverLog: () => serverLog });
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await simServer.close();
  }
}

try {
  await main();
} catch (error) {
  results.push({ name: 'example app run', ok: false });
  console.log(`  ✗ example app run\n    ${String(error?.stack ?? error)}`);
}
const passed = results.filter((r) => r.ok).length;
log(`${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${output}`);
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(results.length - passed > 0 ? 1 : 0);
