// Builds storybook-static/ unless it is newer than everything it is built from.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'stories', '.storybook', 'package.json', 'vite.config.ts'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === '__tests__') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Resolves with `"reused"` or `"built"`; rejects when the build fails. */
export async function ensureStorybookBuild(root) {
  const index = join(root, 'storybook-static/index.json');
  const sources = Math.max(...SOURCES.map((source) => newestMtime(join(root, source))));
  if (!process.env.REBUILD_STORYBOOK && existsSync(index) && statSync(index).mtimeMs > sources) return 'reused';
  await new Promise((done, fail) => {
    const child = spawn(
      join(root, 'node_modules/.bin/storybook'),
      ['build', '-o', 'storybook-static', '--quiet', '--disable-telemetry'],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', CI: 'true' },
      },
    );
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done() : fail(new Error(`storybook build exited with ${code}\n${errors.slice(-4000)}`)),
    );
  });
  return 'built';
}
