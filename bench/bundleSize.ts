import { build, type Plugin } from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { kb, mark, table } from './markdown';

/**
 * Section 2: what an app ships. Each case is a one-line app (`import { x } from '...'; console.log(x)`)
 * bundled by esbuild for the browser, minified and tree-shaken, then gzipped at level 9: the same settings
 * as `@size-limit/preset-small-lib` (.size-limit.js). React, React DOM and React Query are the app's own
 * and stay external; zod (our only dependency) and every peer's dependencies are counted.
 * Our package is bundled from its sources (`src/`), so the figure is never that of a stale `dist/`.
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
  /** The issue's target (bytes), when there is one. */
  target?: number;
  /** Diagnostic only: bundle as if every `import { z } from 'zod/mini'` in src/ were `import * as z`. */
  namespaceZod?: boolean;
}

export interface BundleResult extends BundleCase {
  minified?: number;
  gzip?: number;
  /** Why it could not be built (e.g. an export that has not landed yet). */
  error?: string;
}

const src = (path: string) => resolve(root, path);

export const OUR_CASES: BundleCase[] = [
  {
    name: '(a) `{ useVideoGeneration, fal }` (as .size-limit.js imports it)',
    from: src('src/index.ts'),
    imports: ['useVideoGeneration', 'fal'],
    budget: 15_700,
    target: 8 * 1024,
  },
  {
    name: "(a') a working minimal app: + `VideoJobsProvider`, `createVideoClient`",
    from: src('src/index.ts'),
    imports: ['useVideoGeneration', 'VideoJobsProvider', 'createVideoClient', 'fal'],
    budget: 27_300,
    target: 8 * 1024,
  },
  {
    name: '(b) everything React-facing (react-video-jobs, all exports)',
    from: src('src/index.ts'),
    imports: '*',
    budget: 44_500,
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
    budget: 12_200,
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

function entrySource(c: BundleCase): string {
  const from = JSON.stringify(c.from);
  if (c.imports === '*') return `import * as all from ${from};\nconsole.log(all);\n`;
  if (c.imports === 'default') return `import value from ${from};\nconsole.log(value);\n`;
  return `import { ${c.imports.join(', ')} } from ${from};\nconsole.log(${c.imports.join(', ')});\n`;
}

export async function measureBundle(c: BundleCase): Promise<BundleResult> {
  if (c.from.startsWith('/') && !existsSync(c.from)) return { ...c, error: `${c.from} does not exist yet` };
  try {
    const result = await build({
      stdin: { contents: entrySource(c), resolveDir: root, sourcefile: 'app.js', loader: 'js' },
      bundle: true,
      write: false,
      minify: true,
      treeShaking: true,
      format: 'esm',
      platform: c.server ? 'node' : 'browser',
      target: 'es2022',
      external: c.server ? [...EXTERNAL, 'node:*'] : EXTERNAL,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
      plugins: c.namespaceZod ? [namespaceZod] : [],
    });
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

export function renderBundleSection(result: { ours: BundleResult[]; peers: BundleResult[] }): string {
  const row = (r: BundleResult) => [
    r.name,
    r.error ? `not measured: ${r.error}` : kb(r.minified),
    r.error ? '' : kb(r.gzip, 2),
    r.target !== undefined ? kb(r.target, 0) : r.budget !== undefined ? `budget ${kb(r.budget, 0)}` : '',
    r.gzip !== undefined && r.target !== undefined ? mark(r.gzip <= r.target) : '',
  ];
  return [
    '## 2. Bundle size',
    '',
    'What an app ships: a one-line app importing the names shown, bundled by esbuild for the browser (minified, tree-shaken; react, react-dom and @tanstack/react-query external, zod and every other dependency counted), gzip level 9. Same settings as `npm run size` (size-limit), measured here from the sources in the same run as the peers.',
    '',
    table(
      ['bundle', 'minified', 'min+gzip', 'target', 'status'],
      [...result.ours.map(row), ...result.peers.map(row)],
      ['left', 'right', 'right', 'right', 'left'],
    ),
    '',
    bundleNotes(result),
  ].join('\n');
}

function bundleNotes(result: { ours: BundleResult[]; peers: BundleResult[] }): string {
  const [a, minimal, b] = result.ours;
  const bFixed = result.ours.find((c) => c.namespaceZod);
  const peers = result.peers.filter((peer) => peer.gzip !== undefined);
  const smaller = peers.filter((peer) => a?.gzip !== undefined && peer.gzip! < a.gzip);
  const lines = ['### What the figures say', ''];
  if (a?.gzip !== undefined && minimal?.gzip !== undefined) {
    lines.push(
      `- (a) as budgeted imports only the hook and the adapter; the hook cannot run without \`<VideoJobsProvider client={createVideoClient(...)}>\`, so (a') is what a minimal app really ships: ${kb(minimal.gzip, 2)} against the 8 KB target. Its largest parts (minified): the client engine (\`createVideoClient\`, transport, schedule, watch loop, push, duration model), zod/mini's core, and the fal adapter.`,
    );
  }
  if (b?.gzip !== undefined && bFixed?.gzip !== undefined && bFixed.gzip < b.gzip) {
    lines.push(
      `- (b) is dominated by zod: adapters that write \`import { z } from 'zod/mini'\` bind zod's whole namespace object, which no bundler can tree-shake (every locale ships). Written \`import * as z from 'zod/mini'\` (as fal.ts and shared.ts already do), the same bundle is ${kb(bFixed.gzip, 2)} instead of ${kb(b.gzip, 2)}; still above the 14 KB target.`,
    );
  }
  if (smaller.length > 0) {
    lines.push(
      `- Smaller than (a): ${smaller.map((peer) => `${peer.name.split(' ')[0]} (${kb(peer.gzip, 2)})`).join(', ')}; these are API clients without React state, progress UI, resume or a poll schedule, but they do win on size.`,
    );
  }
  return lines.join('\n');
}

/** The issue's bundle targets against this run's figures. */
export function checkBundleTargets(result: {
  ours: BundleResult[];
}): Array<{ target: string; measured: string; met: boolean }> {
  return result.ours
    .filter((c) => c.target !== undefined)
    .map((c) => ({
      target: `bundle ${c.name.split(' ')[0]}: <= ${kb(c.target, 0)} min+gzip`,
      measured: c.gzip === undefined ? `not measured (${c.error ?? 'unknown'})` : kb(c.gzip, 2),
      met: c.gzip !== undefined && c.gzip <= c.target!,
    }));
}
