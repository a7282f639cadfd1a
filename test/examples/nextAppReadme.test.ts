// The README's Next.js section is the example app's code (examples/next-app), so the two cannot drift: every block
// there names its file in its first comment line (`// app/providers.tsx: ...`), and that file of the example app,
// which `npm test` builds with `next build` and drives in Chromium, must hold exactly the block's text.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const app = join(root, 'examples/next-app');

/** The files a Next.js user needs, each of which the section must show. */
const REQUIRED = [
  'lib/videoServer.ts',
  'app/api/video/proxy/route.ts',
  'app/api/video/webhooks/[provider]/route.ts',
  'app/api/video/events/route.ts',
  'app/providers.tsx',
  'app/layout.tsx',
];

function nextSection(): { path: string; code: string }[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n### Next.js (App Router)\n');
  expect(start, 'README has a "### Next.js (App Router)" section').toBeGreaterThan(-1);
  const rest = readme.slice(start + 1);
  const end = rest.slice(4).search(/\n#{1,3} /);
  const section = end === -1 ? rest : rest.slice(0, end + 4);
  const blocks: { path: string; code: string }[] = [];
  for (const match of section.matchAll(/^```(?:ts|tsx)\n([\s\S]*?)^```$/gm)) {
    const code = match[1]!;
    const named = code
      .split('\n')
      .slice(0, 3)
      .map((line) => /^\/\/ ([\w@.[\]/-]+\.tsx?)(?::|\s|$)/.exec(line)?.[1])
      .find(Boolean);
    blocks.push({ path: named ?? '', code });
  }
  return blocks;
}

describe("README's Next.js section = examples/next-app", () => {
  it('shows every file a Next.js app needs', () => {
    const paths = nextSection().map((block) => block.path);
    for (const path of REQUIRED) expect(paths, `the section shows ${path}`).toContain(path);
  });

  it.each(nextSection().map((block, index) => [block.path || `block ${index + 1} (names no file)`, block] as const))(
    '%s is the example app file, character for character',
    (path, block) => {
      expect(block.path, 'a block in the section names its file in its first comment line').not.toBe('');
      const file = join(app, block.path);
      expect(existsSync(file), `examples/next-app/${path} exists`).toBe(true);
      expect(block.code.trim()).toBe(readFileSync(file, 'utf8').trim());
    },
  );
});
