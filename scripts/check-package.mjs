// Packs the package the way npm publishes it, then lints the tarball: publint (strict) for package.json and file
// layout, and Are The Types Wrong for what TypeScript users get. The package is ESM-only, so attw checks the
// `esm-only` profile (node16 ESM and bundler resolution; CommonJS `require` is not offered).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const bin = (name) => join(root, 'node_modules/.bin', name);

if (!existsSync(join(root, 'dist/index.js'))) {
  console.error('check-package: dist/index.js is missing; run `npm run build` first.');
  process.exit(1);
}

let failed = 0;

// 'use client' per output module, as React Server Components read it: every dist file built from a source module
// that starts with the directive must start with it too (hooks, provider, components), and every other file must not
// (the entry files, core, providers, jobQueryOptions, server), or a Server Component could no longer import them.
const USE_CLIENT = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])use client\1/;
/** Named on purpose, so a build that loses the directive everywhere cannot pass by deriving an empty list. */
const MUST_BE_CLIENT = [
  'react/VideoJobsProvider.js',
  'react/useVideoGeneration.js',
  'react/useJobStatus.js',
  'react/useVideoJobs.js',
  'react/useCancelJob.js',
  'components/VideoJobProgress.js',
  'components/VideoPlayer.js',
];
const MUST_BE_SERVER_SAFE = [
  'index.js',
  'adapter.js',
  'vanilla.js',
  'server.js',
  'testing.js',
  'testing-server.js',
  'react/jobQueryOptions.js',
  'react/videoJobKeys.js',
  'react/createJSONStorage.js',
  'core/formatDuration.js',
];

function listJs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'types' ? [] : listJs(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

function checkUseClient() {
  const dist = join(root, 'dist');
  const problems = [];
  const expected = new Set(MUST_BE_CLIENT);
  for (const dir of ['react', 'components']) {
    for (const name of readdirSync(join(root, 'src', dir))) {
      if (!/\.tsx?$/.test(name) || name.endsWith('.d.ts')) continue;
      if (USE_CLIENT.test(readFileSync(join(root, 'src', dir, name), 'utf8'))) {
        expected.add(`${dir}/${name.replace(/\.tsx?$/, '.js')}`);
      }
    }
  }
  for (const file of MUST_BE_SERVER_SAFE) {
    if (expected.has(file)) problems.push(`${file} is listed as server-safe but its source carries 'use client'`);
  }
  const files = listJs(dist).map((path) => relative(dist, path).split('\\').join('/'));
  for (const file of [...MUST_BE_CLIENT, ...MUST_BE_SERVER_SAFE]) {
    if (!files.includes(file)) problems.push(`dist/${file} is missing`);
  }
  for (const file of files) {
    const carries = USE_CLIENT.test(readFileSync(join(dist, file), 'utf8'));
    if (expected.has(file) && !carries) problems.push(`dist/${file} must start with 'use client' (it uses React)`);
    if (!expected.has(file) && carries) problems.push(`dist/${file} must not carry 'use client' (server-safe)`);
  }
  console.log(
    `\n> 'use client' directives (${expected.size} client modules, ${files.length - expected.size} server-safe)`,
  );
  if (problems.length > 0) {
    failed++;
    for (const problem of problems) console.error(`check-package: ${problem}`);
  }
}
checkUseClient();

const packDir = mkdtempSync(join(tmpdir(), 'react-video-jobs-pack-'));
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
else console.log("\ncheck-package: 'use client' directives, publint and attw passed");
