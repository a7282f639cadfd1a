// @vitest-environment jsdom
// The README's "Testing your app" example of a rendered hook under fake timers, run as written (readmeBlocks.ts
// writes it out, pointing the package's imports at src/) in both vitest projects, so on React 18 and 19: one
// `act` with a 30 s jump takes a click to `completed`. Nothing else lives in this file, so the snippet's
// beforeEach/afterEach touch only its own test.
import { join } from 'node:path';
import { inject } from 'vitest';
import { findBlock, readmeBlocks, ROOT, writeBlocks } from '../readme/readmeBlocks';

const blocks = readmeBlocks();
// One folder per project: both projects may run this file at the same time.
const paths = writeBlocks(join(ROOT, `test-output/readme/timer-jump-react${inject('reactMajor')}`), blocks, {
  rewrite: true,
});
const snippet = findBlock(blocks, { heading: /^Testing your app/, lang: 'tsx', code: /\buseVideoGeneration\b/ });
expect(snippet.code).toMatch(/advanceTimersByTimeAsync\(30_000\)\);\n/); // one jump, not a loop of short ones
expect(snippet.code).toMatch(/\btest\(/); // the snippet must stay a test, or this file would run nothing
await import(/* @vite-ignore */ paths.get(snippet.id)!);
