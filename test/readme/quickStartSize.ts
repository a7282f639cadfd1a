// What the README's Quick start app ships: its own code block, built as a Vite app (index.html -> main.tsx rendering
// the block's <App />) with the library taken from src/, then the JS chunks and CSS assets gzipped. React, React DOM and
// React Query are left out (marked external): they are the app's own peer dependencies, as in the size-limit budgets
// (.size-limit.js); zod, this package's real dependency, is counted. `js` is the first load: the entry chunk and the
// chunks it imports statically. The chunks only an `import()` reaches (the input image code, fal's status stream
// reader) load when first used, and are counted apart (`lazyJs`). quickStartSize.test.ts checks the README quotes
// this; `npx tsx test/readme/quickStartSize.ts` prints it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { build, type Rolldown } from 'vite';
import { findBlock, readmeBlocks, ROOT, RUN, writeBlocks } from './readmeBlocks';

export const PEERS_EXTERNAL = [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\/react-query($|\/)/];

export interface QuickStartSize {
  /** Gzipped bytes of the JS the page loads at start: the entry chunk and what it imports statically. */
  js: number;
  /** Gzipped bytes of the JS chunks only an `import()` reaches, loaded when first used. */
  lazyJs: number;
  /** Gzipped bytes of every CSS asset. */
  css: number;
  /** Minified, not gzipped (first load). */
  rawJs: number;
  rawCss: number;
  files: { name: string; bytes: number; gzip: number; lazy: boolean }[];
}

export async function measureQuickStart(dir = join(ROOT, 'test-output/readme/size')): Promise<QuickStartSize> {
  const blocks = readmeBlocks();
  const quickStart = findBlock(blocks, RUN.quickStart);
  const paths = writeBlocks(join(dir, 'src'), [quickStart], { rewrite: true });
  const app = basename(paths.get(quickStart.id)!).replace(/\.tsx$/, '');
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html>\n<html><body><div id="root"></div><script type="module" src="/main.tsx"></script></body></html>\n',
  );
  writeFileSync(
    join(dir, 'main.tsx'),
    `import { createRoot } from 'react-dom/client';\nimport { App } from './src/blocks/${app}';\n\n` +
      `createRoot(document.getElementById('root')!).render(<App />);\n`,
  );
  mkdirSync(join(dir, 'dist'), { recursive: true });
  // A production build, also under vitest: Vite keeps a NODE_ENV already set (vitest's `test`), and then builds
  // development JSX and keeps development-only branches.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const result = await build({
    configFile: false,
    root: dir,
    logLevel: 'silent',
    mode: 'production',
    plugins: [react()],
    build: {
      outDir: join(dir, 'dist'),
      emptyOutDir: true,
      write: false,
      rolldownOptions: { external: PEERS_EXTERNAL },
    },
  }).finally(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const emitted = outputs.flatMap((output) => output.output);
  const initial = firstLoad(emitted.filter((file): file is Rolldown.OutputChunk => file.type === 'chunk'));
  const files = emitted
    .filter((file) => file.type === 'chunk' || file.fileName.endsWith('.css'))
    .map((file) => {
      const content = file.type === 'chunk' ? file.code : file.source;
      const bytes = Buffer.from(content);
      const lazy = file.type === 'chunk' && !initial.has(file.fileName);
      return { name: file.fileName, bytes: bytes.length, gzip: gzipSync(bytes).length, lazy };
    });
  const sum = (ext: string, key: 'bytes' | 'gzip', lazy = false) =>
    files.filter((file) => file.name.endsWith(ext) && file.lazy === lazy).reduce((total, file) => total + file[key], 0);
  return {
    js: sum('.js', 'gzip'),
    lazyJs: sum('.js', 'gzip', true),
    css: sum('.css', 'gzip'),
    rawJs: sum('.js', 'bytes'),
    rawCss: sum('.css', 'bytes'),
    files,
  };
}

/** The chunks a page loads at start: the entries and, transitively, the chunks they import statically. */
function firstLoad(chunks: Rolldown.OutputChunk[]): Set<string> {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const loaded = new Set<string>();
  const visit = (name: string) => {
    if (loaded.has(name) || !byName.has(name)) return;
    loaded.add(name);
    for (const imported of byName.get(name)!.imports) visit(imported);
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
  return loaded;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const size = await measureQuickStart();
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
  console.log(`Quick start app (Vite build, React, React DOM and React Query external), gzip:`);
  console.log(`  JS ${kb(size.js)} (${kb(size.rawJs)} minified) + CSS ${kb(size.css)} (${kb(size.rawCss)} minified)`);
  console.log(`  + ${kb(size.lazyJs)} of JS loaded when first used (import())`);
  for (const file of size.files) {
    console.log(`  ${file.name}: ${file.bytes} B, ${file.gzip} B gzip${file.lazy ? ' (lazy)' : ''}`);
  }
}
