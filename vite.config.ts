/// <reference types="vitest/config" />
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Library entries, keyed by output file name (`dist/<key>.js`). An entry whose source file does not exist yet is
 * left out, so the package builds while the layers are written; the package check then reports the missing file.
 */
const entries: Record<string, string> = {
  index: 'src/index.ts',
  // What adapter authors use (defineProvider, createSnapshot, the request types); server-safe like the root.
  adapter: 'src/adapter.ts',
  // The engine without React (client, providers, observers), as zustand/vanilla is to zustand.
  vanilla: 'src/vanilla.ts',
  server: 'src/server/index.ts',
  testing: 'src/testing/index.ts',
  // Node-only loopback server for the simulator: its own entry so no `node:` import reaches a browser bundle.
  'testing-server': 'src/testing/server.ts',
};

/**
 * The `react18` test project's React: `test/react18` is a local package (a devDependency, `file:test/react18`) with
 * react@18 and react-dom@18 in its own node_modules, where react-dom finds its own React. Every `react` and
 * `react-dom` import (subpaths included: `react/jsx-runtime`, `react-dom/client`, `react-dom/test-utils`, ...)
 * of the code Vite runs goes there.
 */
const react18 = fileURLToPath(new URL('./test/react18/node_modules/', import.meta.url));
const react18Aliases = [
  { find: /^react$/, replacement: `${react18}react/index.js` },
  { find: /^react-dom$/, replacement: `${react18}react-dom/index.js` },
  { find: /^(react|react-dom)\/(.+)$/, replacement: `${react18}$1/$2` },
  // Its ESM build, which Vite runs (inlined, below) and so points at React 18; the CommonJS `main` would be
  // handed to Node, whose `require('react-dom')` finds the root's React 19.
  {
    find: /^@testing-library\/react$/,
    replacement: fileURLToPath(
      new URL('./node_modules/@testing-library/react/dist/@testing-library/react.esm.js', import.meta.url),
    ),
  },
];

/** Peer and runtime dependencies stay imports; the app's bundler dedupes them. */
const external = [/^react(-dom)?($|\/)/, /^@tanstack\/react-query($|\/)/, /^zod($|\/)/, /^node:/];

const stylesSource = 'src/components/styles.css';

/** Ships the components' stylesheet as `dist/styles.css` (the `./styles.css` export), when it exists. */
function copyStyles(): Plugin {
  return {
    name: 'react-video-jobs:copy-styles',
    apply: 'build',
    buildStart() {
      if (existsSync(stylesSource)) this.addWatchFile(stylesSource);
    },
    generateBundle() {
      if (!existsSync(stylesSource)) return;
      this.emitFile({ type: 'asset', fileName: 'styles.css', source: readFileSync(stylesSource, 'utf8') });
    },
  };
}

/** `'use client'` as the first statement of a module; comments may come before it. */
const USE_CLIENT = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])use client\1;?/;

/**
 * Keeps each source module's `'use client'` directive at the top of its own output file, as @tanstack/react-query
 * ships it, so React Server Components treat the hooks and components as client references while the core,
 * providers, `jobQueryOptions` and the entry files stay callable on the server. Rolldown keeps module directives
 * under `preserveModules` today; this re-adds one it dropped (shifting the source map by the added line), and stops
 * the build if a chunk ever mixes client and server modules, where no single directive would be right.
 */
function preserveUseClient(): Plugin {
  const clientModules = new Set<string>();
  return {
    name: 'react-video-jobs:preserve-use-client',
    apply: 'build',
    transform: {
      order: 'pre',
      handler(code, id) {
        if (USE_CLIENT.test(code)) clientModules.add(id);
        else clientModules.delete(id);
        return null;
      },
    },
    generateBundle(output, bundle) {
      // Only the library build keeps one file per module; an app bundle (Storybook, the playground) merges modules
      // into chunks where a module directive means nothing, as in any app build.
      if (!output.preserveModules) return;
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const client = chunk.moduleIds.filter((id) => clientModules.has(id));
        if (client.length === 0) continue;
        if (client.length !== chunk.moduleIds.length) {
          this.error(
            `${chunk.fileName} mixes 'use client' modules (${client.join(', ')}) with server-safe ones; keep ` +
              '`preserveModules` on so each module keeps its own directive.',
          );
        }
        if (USE_CLIENT.test(chunk.code)) continue;
        chunk.code = `'use client';\n${chunk.code}`;
        if (chunk.map) chunk.map.mappings = `;${chunk.map.mappings}`;
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), copyStyles(), preserveUseClient()],
  build: {
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: {
      entry: Object.fromEntries(Object.entries(entries).filter(([, source]) => existsSync(source))),
      formats: ['es'],
    },
    rolldownOptions: {
      external,
      // One output file per source module: with `sideEffects` limited to CSS, an app's bundler then drops every
      // module it does not import (unused adapters and their zod schemas), which one big chunk would not allow.
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
  test: {
    // Shared by both projects (`extends: true`); each project names its own files.
    globals: true,
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'react19',
          provide: { reactMajor: '19' },
          include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
          exclude: ['test/browser/**', '**/node_modules/**'],
          typecheck: { enabled: true, include: ['src/**/*.test-d.{ts,tsx}', 'test/**/*.test-d.{ts,tsx}'] },
        },
      },
      {
        // The peer range says `^18 || ^19`: the hooks and components run again on React 18 (test/react18).
        extends: true,
        resolve: { alias: react18Aliases },
        test: {
          name: 'react18',
          provide: { reactMajor: '18' },
          include: [
            'src/react/**/*.test.{ts,tsx}',
            'src/components/**/*.test.{ts,tsx}',
            'test/react/**/*.test.{ts,tsx}',
            'test/server/hookPush.test.tsx',
          ],
          exclude: ['**/node_modules/**'],
          // Packages that import React must be run through Vite for the aliases to reach them; Node would hand
          // them the root's React 19 (a second React: "Invalid hook call").
          server: { deps: { inline: ['@tanstack/react-query', '@testing-library/react'] } },
        },
      },
    ],
  },
});
