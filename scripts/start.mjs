// `npm start`: the Storybook playground when it exists (stories run the simulator in the page, no API key needed),
// otherwise the terminal demo.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const isCI = Boolean(process.env.CI) && process.env.CI !== 'false';

let command;
let args;
if (existsSync(join(root, '.storybook'))) {
  command = bin('storybook');
  args = ['dev', '--port', '6006', '--host', '127.0.0.1', '--no-open', ...(isCI ? ['--ci'] : [])];
  console.log('Starting Storybook on http://127.0.0.1:6006 ...');
} else if (existsSync(join(root, 'scripts/demo.ts'))) {
  command = bin('tsx');
  args = ['scripts/demo.ts', ...process.argv.slice(2)];
} else {
  console.error('npm start: neither .storybook/ nor scripts/demo.ts exists yet; nothing to start.');
  process.exit(1);
}

const child = spawn(command, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
});
// Pass Ctrl-C and `kill` on to the server so it shuts down cleanly instead of being orphaned.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  console.error(`npm start: cannot run ${command}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
