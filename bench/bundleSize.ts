import { build, type Metafile, type Plugin } from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { measureQuickStart } from '../test/readme/quickStartSize';
import { mark, table } from './markdown';

/**
 * Section 2: what an app ships. Each case is a one-line app (`import { x } from '...'; console.log(x)`)
 * bundled by esbuild for the browser, minified and tree-shaken, then gzipped at level 9: the same settings
 * as `@size-limit/preset-small-lib` (.size-limit.js). React, React DOM and React Query are the app's own
 * and stay external; zod (our only dependency) and every peer's dependencies are counted. A "first load" case
 * splits at each `import()` and counts the entry and the chunks it imports statically, as .size-limit.js does.
 * Our package is bundled from its sources (`src/`), so the figure is never that of a stale `dist/`. The Quick start
 * row is a Vite build of the README's block (test/readme/quickStartSize.ts), as issue 14 measures it.
 * KB here are 1000 bytes, as size-limit and the README count.
 */

const root = resolve(import.meta.dirname, '..');
const EXTERNAL = ['react', 'react-dom', 'react/jsx-runtime', 'react-dom/client', '@tanstack/react-query'];

export interface BundleCase {
  name: string;
  /** Module specifier (or source path) to import from. */
  from: string;
  /** Named imports, or `default`, or `*`. */
  imports: string[] | 'default' | '*';
  /** Node built-ins are external (a server bundle). */
  server?: boolean;
  /** The budget in .size-limit.js (bytes; size-limit's kB are 1000 bytes), when there is one. */
  budget?: number;
  /** Issue 6's target (bytes), when there is one. */
  target?: number;
  /** Issue 14's target (bytes), when there is one. */
  target14?: number;
  /** Count what loads at start only: split at each `import()`, keep the entry and its static imports. */
  firstLoad?: boolean;
  /** Measured as a Vite build of the README's Quick start block instead (JS of the first load). */
  viteQuickStart?: boolean;
  /** Diagnostic only: bundle as if every `import { z } from 'zod/mini'` in src/ were `import * as z`. */
  namespaceZod?: boolean;
  /** Diagnostic only: zod/mini replaced by a stub of no-op schemas, to show what zod weighs in the bundle. */
  stubZod?: boolean;
}

export interface BundleResult extends BundleCase {
  minified?: number;
  gzip?: number;
  /** Gzipped bytes of what loads later, through `import()` (first-load cases only). */
  lazyGzip?: number;
  /** Why it could not be built (e.g. an export that has not landed yet). */
  error?: string;
}

const src = (path: string) => resolve(root, path);

const QUICK_START = [
  'VideoJobsProvider',
  'createVideoClient',
  'fal',
  'useVideoGeneration',
  'VideoJobProgress',
  'VideoPlayer',
];

export const OUR_CASES: BundleCase[] = [
  {
    name: '(a) `{ useVideoGeneration, fal }`, first load (as .size-limit.js imports it)',
    from: src('src/index.ts'),
    imports: ['useVideoGeneration', 'fal'],
    firstLoad: true,
    budget: 13_200,
    target: 8 * 1024,
  },
  {
    name: "(a') a working minimal app: + `VideoJobsProvider`, `createVideoClient`, first load",
    from: src('src/index.ts'),
    imports: ['useVideoGeneration', 'VideoJobsProvider', 'createVideoClient', 'fal'],
    firstLoad: true,
    budget: 26_000,
    target: 8 * 1024,
    target14: 17_000,
  },
  {
    name: "(a') diagnostic: the same first load with zod/mini stubbed out (what is left without zod)",
    from: src('src/index.ts'),
    imports: ['useVideoGeneration', 'VideoJobsProvider', 'createVideoClient', 'fal'],
    firstLoad: true,
    stubZod: true,
  },
  {
    name: "(a') the same, everything it can load (input image code, fal's status stream)",
    from: src('src/index.ts'),
    imports: ['useVideoGeneration', 'VideoJobsProvider', 'createVideoClient', 'fal'],
    budget: 37_700,
  },
  {
    name: '(q) the Quick start: + `VideoJobProgress`, `VideoPlayer`, first load',
    from: src('src/index.ts'),
    imports: QUICK_START,
    firstLoad: true,
    budget: 32_800,
  },
  {
    name: '(q) the Quick start as a Vite build of the README block (JS, first load)',
    from: src('src/index.ts'),
    imports: QUICK_START,
    viteQuickStart: true,
    target14: 21_000,
  },
  {
    name: '(b) everything React-facing (react-video-jobs, all exports)',
    from: src('src/index.ts'),
    imports: '*',
    budget: 68_900,
    target: 14 * 1024,
  },
  {
    name: '(b) diagnostic: the same, with `import { z } from "zod/mini"` rewritten to `import * as z` in src/',
    from: src('src/index.ts'),
    imports: '*',
    namespaceZod: true,
  },
  {
    name: '(c) react-video-jobs/server (all exports)',
    from: src('src/server/index.ts'),
    imports: '*',
    server: true,
    budget: 19_700,
  },
];

export const PEER_CASES: BundleCase[] = [
  { name: '@fal-ai/client (`fal`)', from: '@fal-ai/client', imports: ['fal'] },
  { name: 'replicate (default export)', from: 'replicate', imports: 'default' },
  { name: '@runwayml/sdk (default export)', from: '@runwayml/sdk', imports: 'default' },
];

const NAMED_Z = /import \{ z \} from 'zod\/mini';/;

/**
 * `import { z } from 'zod/mini'` binds zod's whole namespace object, which esbuild cannot tree-shake (every
 * locale ships); `import * as z` lets it keep only the schemas used. This plugin shows what that would save.
 */
const namespaceZod: Plugin = {
  name: 'bench:namespace-zod',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!NAMED_Z.test(source)) return undefined;
      return {
        contents: source.replace(NAMED_Z, "import * as z from 'zod/mini';"),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
};

/** zod/mini as a module of no-op schemas (every export, so the bundle builds): what is left is our own code. */
async function stubZod(): Promise<Plugin> {
  const names = Object.keys(await import('zod/mini')).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  const contents = [
    'const schema = { safeParse: (data) => ({ success: true, data }), parse: (data) => data, check() { return this; } };',
    'const make = () => schema;',
    // Named by an export list: zod exports reserved words too (`catch`).
    `export { ${names.map((name) => `make as ${name}`).join(', ')} };`,
  ].join('\n');
  return {
    name: 'bench:stub-zod',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^zod\/mini$/ }, () => ({ path: 'zod-mini-stub', namespace: 'stub' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents, loader: 'js' }));
    },
  };
}

function entrySource(c: BundleCase): string {
  const from = JSON.stringify(c.from);
  if (c.imports === '*') return `import * as all from ${from};\nconsole.log(all);\n`;
  if (c.imports === 'default') return `import value from ${from};\nconsole.log(value);\n`;
  return `import { ${c.imports.join(', ')} } from ${from};\nconsole.log(${c.imports.join(', ')});\n`;
}

/**
 * The outputs a page loads at start (the build's entry and, transitively, the chunks it imports statically), or with
 * `later`, every output it can load (through `import()` too). esbuild makes a chunk of each `import()` target even when
 * tree shaking dropped the `import()` itself: such a chunk is in neither.
 */
function loadedOutputs(metafile: Metafile, later = false): Set<string> {
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file) || !metafile.outputs[file]) return;
    loaded.add(file);
    for (const item of metafile.outputs[file].imports) {
      if (item.kind === 'import-statement' || (later && item.kind === 'dynamic-import')) visit(item.path);
    }
  };
  // esbuild marks each `import()` target as an entry point too; the app's own is the stdin one.
  for (const [file, output] of Object.entries(metafile.outputs)) if (output.entryPoint?.endsWith('app.js')) visit(file);
  return loaded;
}

export async function measureBundle(c: BundleCase): Promise<BundleResult> {
  if (c.from.startsWith('/') && !existsSync(c.from)) return { ...c, error: `${c.from} does not exist yet` };
  if (c.viteQuickStart) {
    const size = await measureQuickStart();
    return { ...c, minified: size.rawJs, gzip: size.js, lazyGzip: size.lazyJs };
  }
  try {
    const result = await build({
      stdin: { contents: entrySource(c), resolveDir: root, sourcefile: 'app.js', loader: 'js' },
      bundle: true,
      write: false,
      ...(c.firstLoad ? { splitting: true, outdir: resolve(root, 'test-output/bench-bundle'), metafile: true } : {}),
      minify: true,
      treeShaking: true,
      format: 'esm',
      platform: c.server ? 'node' : 'browser',
      target: 'es2022',
      external: c.server ? [...EXTERNAL, 'node:*'] : EXTERNAL,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
      plugins: [...(c.namespaceZod ? [namespaceZod] : []), ...(c.stubZod ? [await stubZod()] : [])],
    });
    if (c.firstLoad) {
      const paths = (later: boolean) => new Set([...loadedOutputs(result.metafile!, later)].map((out) => resolve(out)));
      const [first, all] = [paths(false), paths(true)];
      // The first load as one file, as .size-limit.js measures it: what a Rollup/Vite build puts in the entry chunk
      // (esbuild also splits the modules an import() target shares with the entry into chunks of their own).
      const chunkImport = /import\s*(?:\{[^}]*\}\s*from\s*)?"\.\/chunk-[A-Z0-9]+\.js";?/g;
      const firstCode = result.outputFiles
        .filter((file) => first.has(file.path))
        .map((file) => file.text.replace(chunkImport, ''))
        .join('\n');
      const lazyGzip = result.outputFiles
        .filter((file) => all.has(file.path) && !first.has(file.path))
        .reduce((total, file) => total + gzipSync(file.contents, { level: 9 }).length, 0);
      return {
        ...c,
        minified: Buffer.byteLength(firstCode),
        gzip: gzipSync(firstCode, { level: 9 }).length,
        lazyGzip,
      };
    }
    const code = result.outputFiles[0]!.contents;
    return { ...c, minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...c, error: message.split('\n').slice(0, 3).join(' ').slice(0, 300) };
  }
}

/** Whether any source file still imports zod's namespace object by name (then the diagnostic row is worth showing). */
function namedZodImports(): boolean {
  const files = readdirSync(src('src'), { recursive: true, encoding: 'utf8' });
  return files.some(
    (file) =>
      /\.tsx?$/.test(file) && !file.includes('__tests__') && NAMED_Z.test(readFileSync(src(`src/${file}`), 'utf8')),
  );
}

export async function measureBundles(): Promise<{ ours: BundleResult[]; peers: BundleResult[] }> {
  const ours: BundleResult[] = [];
  const diagnose = namedZodImports();
  for (const c of OUR_CASES) if (!c.namespaceZod || diagnose) ours.push(await measureBundle(c));
  const peers: BundleResult[] = [];
  for (const c of PEER_CASES) peers.push(await measureBundle(c));
  return { ours, peers };
}

/** Bytes as KB of 1000 bytes, as size-limit and the README count. */
function kB(bytes: number | undefined, digits = 1): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1000).toFixed(digits)} KB`;
}

/** The issue's target for a row: issue 14's when it set one, else issue 6's. */
function targetOf(r: BundleCase): { bytes: number; issue: 6 | 14 } | undefined {
  if (r.target14 !== undefined) return { bytes: r.target14, issue: 14 };
  return r.target !== undefined ? { bytes: r.target, issue: 6 } : undefined;
}

export function renderBundleSection(
  result: { ours: BundleResult[]; peers: BundleResult[] },
  /** Set when this section was measured alone (`--only=bundle`): the date, said under the heading. */
  aloneOn?: string,
): string {
  const row = (r: BundleResult) => {
    const target = targetOf(r);
    return [
      r.name,
      r.error ? `not measured: ${r.error}` : kB(r.minified),
      r.error ? '' : kB(r.gzip, 2),
      r.lazyGzip ? kB(r.lazyGzip, 2) : '',
      target
        ? `${kB(target.bytes, 0)} (issue ${target.issue})`
        : r.budget !== undefined
          ? `budget ${kB(r.budget, 1)}`
          : '',
      r.gzip !== undefined && target ? mark(r.gzip <= target.bytes) : '',
    ];
  };
  return [
    '## 2. Bundle size',
    '',
    ...(aloneOn
      ? [`Measured alone by \`npm run bench -- --only=bundle\` on ${aloneOn}, not in the run above.`, '']
      : []),
    'What an app ships: a one-line app importing the names shown, bundled by esbuild for the browser (minified, tree-shaken; react, react-dom and @tanstack/react-query external, zod and every other dependency counted), gzip level 9; KB are 1000 bytes. Same settings as `npm run size` (size-limit), measured here from the sources in the same run as the peers. "First load" splits the bundle at each `import()` and counts the entry and the chunks it imports statically, joined into one file as a Rollup/Vite build ships them; "later" is what the `import()`s load when first used (fal\'s schemas with zod/mini at its first request, the input image code, the upload\'s XMLHttpRequest fetch, fal\'s status stream reader). The push client is opt-in (`pushEvents`) and in none of these but (b). The Quick start is also measured as issue 14 does: a Vite production build of the README\'s block (test/readme/quickStartSize.ts).',
    '',
    table(
      ['bundle', 'minified', 'min+gzip', 'later (import())', 'target', 'status'],
      [...result.ours.map(row), ...result.peers.map(row)],
      ['left', 'right', 'right', 'right', 'right', 'left'],
    ),
    '',
    bundleNotes(result),
  ].join('\n');
}

function bundleNotes(result: { ours: BundleResult[]; peers: BundleResult[] }): string {
  const find = (prefix: string, flag?: keyof BundleCase) =>
    result.ours.find((c) => c.name.startsWith(prefix) && (flag ? c[flag] : !c.namespaceZod && !c.stubZod));
  const a = find('(a) ');
  const minimal = find("(a') a working");
  const withoutZod = find("(a') diagnostic", 'stubZod');
  const vite = find('(q)', 'viteQuickStart');
  const b = find('(b) everything');
  const bFixed = find('(b) diagnostic', 'namespaceZod');
  const peers = result.peers.filter((peer) => peer.gzip !== undefined);
  const smaller = peers.filter((peer) => a?.gzip !== undefined && peer.gzip! < a.gzip);
  const lines = ['### What the figures say', ''];
  if (minimal?.gzip !== undefined && withoutZod?.gzip !== undefined) {
    lines.push(
      `- (a') is what a minimal app loads at start (the hook cannot run without \`<VideoJobsProvider client={createVideoClient(...)}>\`): ${kB(minimal.gzip, 2)} against issue 14's 17 KB. zod/mini is ${kB(minimal.gzip - withoutZod.gzip, 2)} of it: it comes with the fal adapter's schemas of its wire format at the first request (${kB((minimal.lazyGzip ?? 0) - (withoutZod.lazyGzip ?? 0), 2)} of the later column). What is left is the client engine (transport, schedule and ETA, watch loop, observers, cancel, refresh), the hook's persistence and the fal adapter, code the hook runs, not dead code.`,
    );
  }
  if (vite?.gzip !== undefined) {
    lines.push(
      `- The Quick start, built by Vite as the README shows it, loads ${kB(vite.gzip, 1)} of JS at start against issue 14's 21 KB, and ${kB(vite.lazyGzip, 1)} more when first used.`,
    );
  }
  if (b?.gzip !== undefined && bFixed?.gzip !== undefined && bFixed.gzip < b.gzip) {
    lines.push(
      `- (b) is dominated by zod: adapters that write \`import { z } from 'zod/mini'\` bind zod's whole namespace object, which no bundler can tree-shake (every locale ships). Written \`import * as z from 'zod/mini'\` (as fal.ts and shared.ts already do), the same bundle is ${kB(bFixed.gzip, 2)} instead of ${kB(b.gzip, 2)}; still above the 14 KB target.`,
    );
  }
  if (smaller.length > 0) {
    lines.push(
      `- Smaller than (a): ${smaller.map((peer) => `${peer.name.split(' ')[0]} (${kB(peer.gzip, 2)})`).join(', ')}; these are API clients without React state, progress UI, resume or a poll schedule, but they do win on size.`,
    );
  }
  return lines.join('\n');
}

/** Issue 6's bundle targets against this run's figures. */
export function checkBundleTargets(result: {
  ours: BundleResult[];
}): Array<{ target: string; measured: string; met: boolean }> {
  return result.ours
    .filter((c) => c.target !== undefined)
    .map((c) => ({
      target: `bundle ${c.name.split(' ')[0]}: <= ${kB(c.target, 0)} min+gzip`,
      measured: c.gzip === undefined ? `not measured (${c.error ?? 'unknown'})` : kB(c.gzip, 2),
      met: c.gzip !== undefined && c.gzip <= c.target!,
    }));
}

/** Issue 14 point 5's bundle targets against this run's figures. */
export function checkBundleTargets14(result: {
  ours: BundleResult[];
}): Array<{ target: string; measured: string; met: boolean; why?: string }> {
  return result.ours
    .filter((c) => c.target14 !== undefined)
    .map((c) => ({
      target: `bundle ${c.name.split(' ')[0]}${c.viteQuickStart ? ' Quick start (Vite build, JS)' : ' minimal working app'}, first load: <= ${kB(c.target14, 0)} min+gzip`,
      measured: c.gzip === undefined ? `not measured (${c.error ?? 'unknown'})` : kB(c.gzip, 2),
      met: c.gzip !== undefined && c.gzip <= c.target14!,
      why: 'what is left is code the app runs: the transport, schedule, observers, cancel, refresh, persistence and the fal adapter; zod/mini with fal’s schemas, the push client, the input image code, the status stream reader and the job history already load only when used (section 2)',
    }));
}
