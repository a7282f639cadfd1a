// The README's size of "the Quick start app" is what a Vite build of its Quick start block ships (quickStartSize.ts):
// the JS and CSS of the first load, and the JS loaded when first used (import()), gzipped, each within 5 % of the
// measurement. When the library grows or shrinks, re-measure with `npx tsx test/readme/quickStartSize.ts` and update
// the sentence.
import { readFileSync } from 'node:fs';
import { measureQuickStart } from './quickStartSize';
import { README } from './readmeBlocks';

it("README's Quick start app size matches a Vite build of the Quick start (JS + CSS, gzip)", async () => {
  const size = await measureQuickStart();
  const kb = (bytes: number) => Number((bytes / 1000).toFixed(1));
  console.info(
    `Quick start app, Vite build, gzip: JS ${kb(size.js)} KB + CSS ${kb(size.css)} KB, then ${kb(size.lazyJs)} KB of JS`,
  );
  expect(size.css).toBeGreaterThan(0); // the stylesheet is part of the app

  const prose = readFileSync(README, 'utf8').replace(/\s+/g, ' ');
  const sentence = /Quick start app[^.]*?([\d.]+) KB of JS \+ ([\d.]+) KB of CSS/.exec(prose);
  expect(sentence, 'README: "The Quick start app ... <n> KB of JS + <n> KB of CSS"').not.toBeNull();
  const [quotedJs, quotedCss] = [Number(sentence![1]), Number(sentence![2])];
  const near = (quoted: number, measured: number) => Math.abs(quoted - measured) <= Math.max(0.05 * measured, 0.1);
  expect(near(quotedJs, kb(size.js)), `README says ${quotedJs} KB of JS, the build ships ${kb(size.js)} KB`).toBe(true);
  expect(near(quotedCss, kb(size.css)), `README says ${quotedCss} KB of CSS, the build ships ${kb(size.css)} KB`).toBe(
    true,
  );
  const lazy = /([\d.]+) KB more of JS when first used/.exec(prose);
  expect(lazy, 'README: "... and <n> KB more of JS when first used"').not.toBeNull();
  const quotedLazy = Number(lazy![1]);
  expect(
    near(quotedLazy, kb(size.lazyJs)),
    `README says ${quotedLazy} KB later, the build has ${kb(size.lazyJs)} KB`,
  ).toBe(true);
});
