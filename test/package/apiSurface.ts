// The public API surface of every package entry, read from the source entry files with the TypeScript compiler: one
// line per export, `<entry> <kind> <name>`, where the kind says whether an app gets a value (function, class, const)
// or only a type (interface, type, and values exported with `export type`).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Each `exports` subpath of package.json (code entries only) and its source file. */
export const ENTRY_SOURCES: Record<string, string> = {
  '.': 'src/index.ts',
  './adapter': 'src/adapter.ts',
  './vanilla': 'src/vanilla.ts',
  './server': 'src/server/index.ts',
  './testing': 'src/testing/index.ts',
  './testing/server': 'src/testing/server.ts',
};

export interface ExportEntry {
  entry: string;
  name: string;
  kind: 'function' | 'class' | 'const' | 'enum' | 'interface' | 'type';
}

export function readApiSurface(entries: Record<string, string> = ENTRY_SOURCES): ExportEntry[] {
  const files = Object.values(entries).map((path) => join(root, path));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const out: ExportEntry[] = [];
  for (const [entry, path] of Object.entries(entries)) {
    const source = program.getSourceFile(join(root, path));
    if (!source) throw new Error(`${path} (entry ${entry}) is missing`);
    const module = checker.getSymbolAtLocation(source);
    if (!module) continue;
    for (const symbol of checker.getExportsOfModule(module)) {
      out.push({ entry, name: symbol.getName(), kind: kindOf(checker, symbol) });
    }
  }
  return out.sort((a, b) => a.entry.localeCompare(b.entry) || a.name.localeCompare(b.name));
}

/** The surface as the committed text: a header per entry with its counts, then one export per line. */
export function formatApiSurface(surface: readonly ExportEntry[]): string {
  const lines: string[] = [];
  for (const entry of [...new Set(surface.map((item) => item.entry))]) {
    const items = surface.filter((item) => item.entry === entry);
    const values = items.filter((item) => !isTypeKind(item.kind)).length;
    lines.push(`# ${entry}: ${items.length} exports (${values} values, ${items.length - values} types)`);
    for (const item of items) lines.push(`${item.kind.padEnd(9)} ${item.name}`);
    lines.push('');
  }
  return lines.join('\n');
}

function isTypeKind(kind: ExportEntry['kind']): boolean {
  return kind === 'interface' || kind === 'type';
}

function kindOf(checker: ts.TypeChecker, exported: ts.Symbol): ExportEntry['kind'] {
  // `export type { X }` hands out a type only, whatever X is.
  const typeOnly = exported.declarations?.some(
    (declaration) =>
      (ts.isExportSpecifier(declaration) && (declaration.isTypeOnly || declaration.parent.parent.isTypeOnly)) ||
      (ts.isTypeAliasDeclaration(declaration) && declaration.parent.kind === ts.SyntaxKind.SourceFile),
  );
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const { flags } = symbol;
  if (typeOnly || !(flags & ts.SymbolFlags.Value)) return flags & ts.SymbolFlags.Interface ? 'interface' : 'type';
  if (flags & ts.SymbolFlags.Class) return 'class';
  if (flags & ts.SymbolFlags.Function) return 'function';
  if (flags & ts.SymbolFlags.Enum) return 'enum';
  return 'const';
}
