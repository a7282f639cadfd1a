import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// In this repository the app's dependencies (next, react) are installed once at the repository root; the library
// itself is the packed tarball unpacked into ./node_modules by scripts/e2e.mjs, as `npm install` would.
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

const config: NextConfig = {
  turbopack: { root },
  outputFileTracingRoot: root,
  // No telemetry, no image optimisation service: the app runs offline.
  images: { unoptimized: true },
};

export default config;
