// tsc writes declaration files with the source's extensionless relative imports (`from './core/jobStatus'`).
// Bundlers accept them, but TypeScript's node16/nodenext ESM resolution does not, and this package is ESM-only.
// This post-build step gives every relative import in dist/types an explicit `.js` (or `/index.js`) specifier.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const typesDir = resolve(fileURLToPath(import.meta.url), '../../dist/types');
const specifier = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?\/[^'"]*)\2/g;
const hasExtension = /\.(m?js|cjs|json|css)$/;

function* declarationFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarationFiles(path);
    else if (entry.name.endsWith('.d.ts')) yield path;
  }
}

if (!existsSync(typesDir)) {
  console.error('fix-dts-imports: dist/types is missing; run `tsc -p tsconfig.build.json` first.');
  process.exit(1);
}

let rewritten = 0;
const unresolved = [];
for (const file of declarationFiles(typesDir)) {
  const source = readFileSync(file, 'utf8');
  const output = source.replace(specifier, (match, prefix, quote, spec) => {
    if (hasExtension.test(spec)) return match;
    const base = resolve(dirname(file), spec);
    const target = existsSync(`${base}.d.ts`)
      ? `${spec}.js`
      : existsSync(join(base, 'index.d.ts'))
        ? `${spec.replace(/\/$/, '')}/index.js`
        : undefined;
    if (!target) {
      unresolved.push(`${file}: ${spec}`);
      return match;
    }
    rewritten++;
    return `${prefix}${quote}${target}${quote}`;
  });
  if (output !== source) writeFileSync(file, output);
}

if (unresolved.length > 0) {
  console.error(`fix-dts-imports: cannot resolve these declaration imports:\n  ${unresolved.join('\n  ')}`);
  process.exit(1);
}
console.log(`fix-dts-imports: ${rewritten} relative imports now end in .js`);
