// Packs the package the way npm publishes it, then lints the tarball: publint (strict) for package.json and file
// layout, and Are The Types Wrong for what TypeScript users get. The package is ESM-only, so attw checks the
// `esm-only` profile (node16 ESM and bundler resolution; CommonJS `require` is not offered).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const bin = (name) => join(root, 'node_modules/.bin', name);

if (!existsSync(join(root, 'dist/index.js'))) {
  console.error('check-package: dist/index.js is missing; run `npm run build` first.');
  process.exit(1);
}

const packDir = mkdtempSync(join(tmpdir(), 'react-video-jobs-pack-'));
let failed = 0;
try {
  // --ignore-scripts: check the dist that was just built instead of rebuilding it.
  const packed = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [info] = JSON.parse(packed);
  const tarball = join(packDir, info.filename);
  console.log(`packed ${info.filename}: ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} KB`);

  const checks = [
    ['publint --strict', bin('publint'), ['run', tarball, '--strict']],
    // A stylesheet has no types to resolve, so its export is not an attw entrypoint.
    [
      'attw --profile esm-only',
      bin('attw'),
      [tarball, '--profile', 'esm-only', '--format', 'ascii', '--exclude-entrypoints', './styles.css'],
    ],
  ];
  for (const [label, command, args] of checks) {
    console.log(`\n> ${label}`);
    const { status, error } = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
    if (error || status !== 0) {
      failed++;
      console.error(`check-package: ${label} failed${error ? ` (${error.message})` : ''}`);
    }
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}

if (failed > 0) process.exitCode = 1;
else console.log('\ncheck-package: publint and attw passed');
