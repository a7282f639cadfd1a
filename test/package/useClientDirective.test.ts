// Source-level guard for React Server Components: every module under src/react and src/components that uses hooks,
// context or renders components starts with `'use client';`, per module (as @tanstack/react-query ships it), and the
// modules that must stay callable on the server (prefetching, storage, pure helpers) stay free of it. A new module
// must be classified here, so a hook can never ship without the directive by accident.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLIENT_DIRS = ['src/react', 'src/components'];

/** Modules that must stay free of `'use client'`, each with the reason a Server Component may call or import it. */
const SERVER_SAFE: Record<string, string> = {
  'src/react/cancelJob.ts': 'plain function over a QueryClient; no hooks',
  'src/react/createJSONStorage.ts': 'storage factory with no hooks; usable where the provider is configured',
  'src/react/jobQueryOptions.ts': 'query options for prefetching a job on the server (queryClient.prefetchQuery)',
  'src/react/persistedJob.ts': 'pure read/write of persisted jobs',
  'src/react/jobHistory.ts': 'pure read/write of the job history kept by the store',
  'src/react/historySync.ts': 'browser events that tell tabs the history changed; no React import',
  'src/react/persistedDurationModel.ts':
    'duration model factory with no hooks; called where the client is created, storage read on first use',
  'src/react/types.ts': 'types only',
  'src/react/videoJobKeys.ts': 'query keys for prefetching and invalidation on the server',
  'src/react/videoJobState.ts': 'pure view of a snapshot (re-exported from core/jobState)',
  'src/react/videoJobsStore.ts': 'framework-free store; no React import',
  'src/components/safeMediaUrl.ts': 'pure URL check, also run on server data',
  'src/components/videoJobProgressLabels.ts': 'default labels, plain data',
  'src/components/videoJobProgressView.ts': 'pure view model of a snapshot',
  'src/components/videoPlayerLabels.ts': 'default labels, plain data',
  'src/components/videoJobGalleryLabels.ts': 'default labels, plain data',
  'src/components/waitEstimate.ts': 'pure wait estimate for a snapshot, also for server-rendered labels',
  'src/components/visuallyHidden.ts': 'a style object; imports only a React type',
};

/** The modules that must carry the directive, named so a refactor that drops one is noticed. */
const MUST_BE_CLIENT = [
  'src/react/VideoJobsProvider.tsx',
  'src/react/useVideoGeneration.ts',
  'src/react/useJobStatus.ts',
  'src/react/useVideoJobs.ts',
  'src/react/useCancelJob.ts',
  'src/components/VideoJobProgress.tsx',
  'src/components/VideoPlayer.tsx',
  'src/components/VideoJobGallery.tsx',
  'src/components/useJobEndNotice.ts',
];

interface ModuleInfo {
  path: string;
  /** `'use client'` is the first statement of the file (comments before it are allowed, code is not). */
  isClient: boolean;
  /** Runtime (non-type-only) imports, by specifier. */
  valueImports: string[];
}

function listModules(): string[] {
  return CLIENT_DIRS.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((name) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts'))
      .map((name) => `${dir}/${name}`),
  ).sort();
}

function readModule(path: string): ModuleInfo {
  const source = ts.createSourceFile(path, readFileSync(join(root, path), 'utf8'), ts.ScriptTarget.ES2022, true);
  const [first] = source.statements;
  const isClient =
    first !== undefined &&
    ts.isExpressionStatement(first) &&
    ts.isStringLiteral(first.expression) &&
    first.expression.text === 'use client';
  const valueImports: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (clause?.isTypeOnly) continue;
    const bindings = clause?.namedBindings;
    // `import { type A, type B } from 'x'` is erased too (verbatimModuleSyntax keeps `import {} from`, which has no
    // bindings to call, so it cannot reach a hook either).
    if (clause && !clause.name && bindings && ts.isNamedImports(bindings)) {
      if (bindings.elements.every((element) => element.isTypeOnly)) continue;
    }
    valueImports.push(statement.moduleSpecifier.text);
  }
  return { path, isClient, valueImports };
}

/** Resolves a relative import of `from` to a module path under src (with its extension), or undefined. */
function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = relative(root, resolve(root, dirname(from), specifier))
    .split('\\')
    .join('/');
  return [`${base}.ts`, `${base}.tsx`].find((candidate) => {
    try {
      readFileSync(join(root, candidate));
      return true;
    } catch {
      return false;
    }
  });
}

const modules = listModules().map(readModule);
const byPath = new Map(modules.map((info) => [info.path, info]));

describe("'use client' directives in src/react and src/components", () => {
  it('finds the modules it classifies', () => {
    expect(modules.length).toBeGreaterThanOrEqual(Object.keys(SERVER_SAFE).length + MUST_BE_CLIENT.length);
    for (const path of [...Object.keys(SERVER_SAFE), ...MUST_BE_CLIENT]) expect(byPath.has(path), path).toBe(true);
  });

  it('classifies every module: it carries the directive or is listed as server-safe with a reason', () => {
    const unclassified = modules.filter((info) => !info.isClient && !(info.path in SERVER_SAFE)).map((m) => m.path);
    expect(unclassified).toEqual([]);
  });

  it("marks every module that imports values from 'react' unless it is listed as server-safe", () => {
    const missing = modules
      .filter((info) => info.valueImports.includes('react') && !info.isClient && !(info.path in SERVER_SAFE))
      .map((info) => info.path);
    expect(missing).toEqual([]);
    // No server-safe module may import React values at all: the `react-server` build has no hooks or context.
    const serverSafeWithReact = Object.keys(SERVER_SAFE).filter((path) =>
      byPath.get(path)?.valueImports.includes('react'),
    );
    expect(serverSafeWithReact).toEqual([]);
  });

  it('marks the hooks, the provider and the components', () => {
    expect(MUST_BE_CLIENT.filter((path) => !byPath.get(path)?.isClient)).toEqual([]);
  });

  it('keeps the server-safe modules free of the directive', () => {
    expect(Object.keys(SERVER_SAFE).filter((path) => byPath.get(path)?.isClient)).toEqual([]);
  });

  it('keeps server-safe modules from importing client modules (calling them on the server would fail)', () => {
    const crossings: string[] = [];
    for (const path of Object.keys(SERVER_SAFE)) {
      for (const specifier of byPath.get(path)?.valueImports ?? []) {
        const target = resolveLocal(path, specifier);
        if (target && byPath.get(target)?.isClient) crossings.push(`${path} -> ${target}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('puts the directive on the first line, exactly as bundlers and the package check look for it', () => {
    const misplaced = modules
      .filter((info) => info.isClient)
      .filter((info) => readFileSync(join(root, info.path), 'utf8').split('\n')[0] !== "'use client';")
      .map((info) => info.path);
    expect(misplaced).toEqual([]);
  });
});
