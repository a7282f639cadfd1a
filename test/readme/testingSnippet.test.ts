// The README's "Testing your app" snippet is a whole test file: importing it here registers its hooks and test in
// this file, so vitest runs the README's text itself (readmeBlocks.ts writes it out, pointing the package's imports
// at src/). Nothing else lives in this file, so the snippet's beforeEach/afterEach touch only its own test.
import { join } from 'node:path';
import { findBlock, readmeBlocks, ROOT, RUN, writeBlocks } from './readmeBlocks';

const blocks = readmeBlocks();
const paths = writeBlocks(join(ROOT, 'test-output/readme/testing'), blocks, { rewrite: true });
const snippet = findBlock(blocks, RUN.testing);
expect(snippet.code).toMatch(/\btest\(/); // the snippet must stay a test, or this file would run nothing
await import(/* @vite-ignore */ paths.get(snippet.id)!);
