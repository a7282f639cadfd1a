// Code an app ships only when it uses it (issue 14 point 5). The push client travels on what `pushEvents` returns,
// and the client loads its input image code with import() when an input carries an image; so the Quick start's
// modules (client, fal adapter, hook, provider, both components) must not reach either through a static import,
// or every app ships them again. Only value imports count: a type import is erased.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const repo = resolve(import.meta.dirname, '../..');

const QUICK_START = [
  'src/core/createVideoClient.ts',
  'src/providers/fal.ts',
  'src/react/VideoJobsProvider.tsx',
  'src/react/useVideoGeneration.ts',
  'src/components/VideoJobProgress.tsx',
  'src/components/VideoPlayer.tsx',
];
const PUSH = ['clientPush', 'pushUpdates', 'jobEventSource', 'snapshotJson'].map((name) => `src/core/${name}.ts`);
const HISTORY = ['jobHistory', 'historySync'].map((name) => `src/react/${name}.ts`);
const IMAGES = ['submitImages', 'imageInput', 'imageHeader', 'prepareImages', 'xhrFetch'].map(
  (name) => `src/core/${name}.ts`,
);
/** fal's storage upload (initiate, then the PUT): it loads with fal's first input image. */
const FAL_UPLOAD = 'src/providers/falUpload.ts';

function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot resolve ${specifier} from ${relative(repo, from)}`);
}

/** Whether the declaration brings a value in (not `import type`, not only `type` specifiers, not a bare CSS file). */
function importsValues(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(statement)) {
    if (statement.isTypeOnly) return false;
    const clause = statement.exportClause;
    return !clause || !ts.isNamedExports(clause) || clause.elements.some((element) => !element.isTypeOnly);
  }
  const clause = statement.importClause;
  if (!clause) return true;
  if (clause.isTypeOnly) return false;
  if (clause.name) return true;
  const bindings = clause.namedBindings;
  return !bindings || !ts.isNamedImports(bindings) || bindings.elements.some((element) => !element.isTypeOnly);
}

/** Each module reachable from `entries` through static value imports, with the module that first imported it. */
function staticGraph(entries: string[]): Map<string, string | undefined> {
  const reached = new Map<string, string | undefined>();
  const queue: Array<[string, string | undefined]> = entries.map((entry) => [join(repo, entry), undefined]);
  while (queue.length > 0) {
    const [file, by] = queue.shift()!;
    if (reached.has(file)) continue;
    reached.set(file, by);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
      const specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
      if (specifier.text.endsWith('.css') || !importsValues(statement)) continue;
      queue.push([resolveRelative(file, specifier.text), file]);
    }
  }
  return reached;
}

/** `src/a.ts <- src/b.ts <- ...`: how `file` was reached, for the failure message. */
function chain(graph: Map<string, string | undefined>, file: string): string {
  const links: string[] = [];
  for (let at: string | undefined = file; at; at = graph.get(at)) links.push(relative(repo, at));
  return links.join(' <- ');
}

describe("the Quick start's modules, through static imports", () => {
  const graph = staticGraph(QUICK_START);

  it('reach the client, the adapter, the hook and the components (the walk follows imports)', () => {
    const files = [...graph.keys()].map((file) => relative(repo, file));
    expect(files).toEqual(expect.arrayContaining([...QUICK_START, 'src/core/transport.ts', 'src/core/jobObserver.ts']));
  });

  it('never reach the push client: it comes with pushEvents', () => {
    const reached = PUSH.map((file) => join(repo, file)).filter((file) => graph.has(file));
    expect(reached.map((file) => chain(graph, file))).toEqual([]);
  });

  it("never reach the input image code: the client's submit imports it with the first image", () => {
    const reached = IMAGES.map((file) => join(repo, file)).filter((file) => graph.has(file));
    expect(reached.map((file) => chain(graph, file))).toEqual([]);
    const submit = readFileSync(join(repo, 'src/core/submitJob.ts'), 'utf8');
    expect(submit).toContain("import('./submitImages')");
  });

  it("never reach fal's upload code: the adapter imports it with the first input image", () => {
    expect(graph.has(join(repo, FAL_UPLOAD)) ? chain(graph, join(repo, FAL_UPLOAD)) : undefined).toBeUndefined();
    const adapter = readFileSync(join(repo, 'src/providers/fal.ts'), 'utf8');
    expect(adapter).toContain("import('./falUpload')");
  });

  it("never import zod: fal's schemas (falWire.ts) come with its first request, the shared checks live in zodChecks.ts", () => {
    const importers = [...graph.keys()].filter((file) => {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      return source.statements.some(
        (statement) =>
          (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
          statement.moduleSpecifier !== undefined &&
          ts.isStringLiteral(statement.moduleSpecifier) &&
          statement.moduleSpecifier.text.startsWith('zod') &&
          importsValues(statement),
      );
    });
    expect(importers.map((file) => chain(graph, file))).toEqual([]);
    const adapter = readFileSync(join(repo, 'src/providers/fal.ts'), 'utf8');
    expect(adapter).toContain("import('./falWire')");
  });

  it('never reach the job history code: the store imports it with the first keepHistory (<VideoJobGallery>)', () => {
    const reached = HISTORY.map((file) => join(repo, file)).filter((file) => graph.has(file));
    expect(reached.map((file) => chain(graph, file))).toEqual([]);
    const store = readFileSync(join(repo, 'src/react/videoJobsStore.ts'), 'utf8');
    expect(store).toContain("import('./jobHistory')");
  });
});
