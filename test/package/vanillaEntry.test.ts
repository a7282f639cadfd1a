// react-video-jobs/vanilla is the engine without React: following every relative import from src/vanilla.ts must
// never reach a module that imports react, react-dom or @tanstack/react-query, or one under src/react or
// src/components, so a Vue, Svelte or plain-TypeScript app can bundle it with no React installed. And it offers the
// root's client, providers and observers themselves (the same functions and classes, not copies).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import * as root from '../../src/index';
import * as vanilla from '../../src/vanilla';

const repo = resolve(import.meta.dirname, '../..');
const REACT_PACKAGES = /^(?:react|react-dom|@tanstack\/react-query)(?:\/|$)/;

function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (candidate.match(/\.tsx?$/) && existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot resolve ${specifier} from ${relative(repo, from)}`);
}

/** Every module reachable from `entry` through relative imports, with the bare imports each makes. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (graph.has(file)) continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const bare: string[] = [];
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
      const specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier)) continue;
      if (specifier.text.startsWith('.')) queue.push(resolveRelative(file, specifier.text));
      else bare.push(specifier.text);
    }
    graph.set(file, bare);
  }
  return graph;
}

describe('react-video-jobs/vanilla', () => {
  const graph = importGraph(join(repo, 'src/vanilla.ts'));

  it('reaches the client, the providers and the observers', () => {
    const files = [...graph.keys()].map((file) => relative(repo, file));
    for (const expected of [
      'src/core/createVideoClient.ts',
      'src/core/generationObserver.ts',
      'src/core/jobObserver.ts',
      'src/providers/fal.ts',
    ]) {
      expect(files).toContain(expected);
    }
  });

  it('imports nothing of React, directly or through any module it reaches', () => {
    const offenders: string[] = [];
    for (const [file, bare] of graph) {
      const path = relative(repo, file);
      if (path.startsWith('src/react/') || path.startsWith('src/components/')) offenders.push(path);
      for (const name of bare) if (REACT_PACKAGES.test(name)) offenders.push(`${path} imports ${name}`);
    }
    expect(offenders).toEqual([]);
  });

  it('exports the same client, providers and observers as the root, not copies', () => {
    for (const name of [
      'createVideoClient',
      'GenerationObserver',
      'JobObserver',
      'fal',
      'replicate',
      'VideoJobError',
    ]) {
      expect(vanilla[name as keyof typeof vanilla], name).toBeDefined();
      expect(vanilla[name as keyof typeof vanilla]).toBe(root[name as keyof typeof root]);
    }
  });
});
