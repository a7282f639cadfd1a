// Real-browser tests: build (or reuse) Storybook, serve it on 127.0.0.1, drive Debian's Chromium with
// playwright-core. Prints one line per test and, last, `N passed, N failed`; exits non-zero on any failure.
// Screenshots of every component story land in test-output/screenshots/ for review.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchBrowser } from './browser.mjs';
import { componentTests } from './componentTests.mjs';
import { imageInputTests } from './imageInputTests.mjs';
import { playgroundTests } from './playgroundTests.mjs';
import { serveStatic } from './staticServer.mjs';
import { ensureStorybookBuild } from './storybookBuild.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const screenshots = join(root, 'test-output/screenshots');
const axeSource = join(createRequire(import.meta.url).resolve('axe-core'), '../axe.min.js');
/** Each test's own limit; the whole run stays well under the 7.5 minutes `npm test` allows it. */
const TEST_TIMEOUT_MS = 45_000;
const RUN_BUDGET_MS = 6 * 60_000;

const started = Date.now();
let passed = 0;
let failed = 0;

function report(name, error) {
  if (error) {
    failed++;
    console.log(
      `  ✗ ${name}\n      ${String(error?.stack ?? error)
        .split('\n')
        .slice(0, 6)
        .join('\n      ')}`,
    );
  } else {
    passed++;
    console.log(`  ✓ ${name}`);
  }
}

function withTimeout(promise, ms, name) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${name} took longer than ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    report(`Chromium at ${CHROMIUM}`, new Error('not found: apt-get install -y chromium (or set CHROMIUM_PATH)'));
    return;
  }
  try {
    const how = await ensureStorybookBuild(root);
    console.log(`[browser] storybook-static ${how} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    report('storybook build', error);
    return;
  }
  mkdirSync(screenshots, { recursive: true });
  const stories = JSON.parse(readFileSync(join(root, 'storybook-static/index.json'), 'utf8')).entries;
  const server = await serveStatic(join(root, 'storybook-static'));
  const browser = await launchBrowser();
  try {
    const env = { base: server.url, context: browser.context, stories, screenshots, axeSource };
    // BROWSER_TEST_FILTER=<regex> runs a subset while working on one area; `npm test` runs them all.
    const filter = process.env.BROWSER_TEST_FILTER ? new RegExp(process.env.BROWSER_TEST_FILTER, 'i') : undefined;
    const tests = [...componentTests(env), ...playgroundTests(env), ...imageInputTests(env)].filter(
      (test) => !filter || filter.test(test.name),
    );
    for (const test of tests) {
      if (Date.now() - started > RUN_BUDGET_MS) {
        report(test.name, new Error('skipped: the browser run is over its time budget'));
        continue;
      }
      const page = await browser.context.newPage();
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error));
      try {
        await withTimeout(test.run(page), test.timeoutMs ?? TEST_TIMEOUT_MS, test.name);
        if (pageErrors.length) throw new Error(`uncaught error in the page: ${pageErrors[0].message}`);
        report(test.name);
      } catch (error) {
        report(test.name, error);
      } finally {
        await page.close().catch(() => {});
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

try {
  await main();
} catch (error) {
  report('browser test run', error);
}
console.log(`[browser] ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${screenshots}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
