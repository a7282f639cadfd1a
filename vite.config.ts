/// <reference types="vitest/config" />
import { existsSync, readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Library entries, keyed by output file name (`dist/<key>.js`). An entry whose source file does not exist yet is
 * left out, so the package builds while the layers are written; the package check then reports the missing file.
 */
const entries: Record<string, string> = {
  index: 'src/index.ts',
  server: 'src/server/index.ts',
  testing: 'src/testing/index.ts',
  // Node-only loopback server for the simulator: its own entry so no `node:` import reaches a browser bundle.
  'testing-server': 'src/testing/server.ts',
};

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

export default defineConfig({
  plugins: [react(), copyStyles()],
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
    globals: true,
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    exclude: ['test/browser/**', 'node_modules/**'],
    setupFiles: ['test/setup.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.{ts,tsx}', 'test/**/*.test-d.{ts,tsx}'] },
    testTimeout: 20_000,
  },
});
