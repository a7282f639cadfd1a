// Every TypeScript/JavaScript block of README.md compiles with `tsc --strict`, against the library's sources (so it
// runs before the build), each block a module of its own as a user would paste it; shell blocks name only npm scripts
// that exist, and the README says how to install the package. A block cannot be excluded here, only fixed, or marked
// in the README itself with `<!-- readme: fragment (why) -->` (then it is only parsed; such blocks are counted).
// To see the errors by hand: `npx tsc -p test-output/readme/typecheck` after a run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import {
  blockPath,
  findBlocks,
  isCompiled,
  isParsedFragment,
  PACKAGE_ENTRIES,
  README,
  readmeBlocks,
  ROOT,
  RUN,
  RUN_BY,
  writeBlocks,
  type ReadmeBlock,
} from './readmeBlocks';

const OUT = join(ROOT, 'test-output/readme/typecheck');
const AMBIENT = join(ROOT, 'test/readme/ambient.d.ts');

/** What a user's project looks like: strict, ES modules, a bundler, the automatic JSX runtime. */
function tsconfig(files: string[]) {
  const paths: Record<string, string[]> = { '@/*': [`${OUT}/*`] };
  for (const [name, path] of Object.entries(PACKAGE_ENTRIES)) if (path.endsWith('.ts')) paths[name] = [path];
  return {
    compilerOptions: {
      strict: true,
      target: 'ES2022',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      jsx: 'react-jsx',
      allowJs: true,
      checkJs: true,
      isolatedModules: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      paths,
    },
    files,
  };
}

const blocks = readmeBlocks();
const count = (kind: ReadmeBlock['kind']) => blocks.filter((block) => block.kind === kind).length;
/** Which test runs each compiled block, for the blocks the run tests execute (readmeBlocks.ts's RUN). */
const runBy = new Map<ReadmeBlock, string[]>();
for (const [name, query] of Object.entries(RUN)) {
  for (const block of findBlocks(blocks, query)) {
    runBy.set(block, [...(runBy.get(block) ?? []), `${RUN_BY[name as keyof typeof RUN]} (${name})`]);
  }
}
const summary =
  `${blocks.length} blocks: ${count('code')} compiled (${runBy.size} of them also run), ${count('shell')} shell, ` +
  `${count('json')} JSON, ${count('fragment')} marked fragment, ${count('unaccounted')} unaccounted`;
const where = (block: ReadmeBlock) => `README.md:${block.line} ${block.id} (${block.lang || 'no language'})`;

describe(`README code blocks (${summary})`, () => {
  it('are each compiled, checked as shell or JSON, or marked as a fragment', () => {
    console.info(`README.md: ${summary}`);
    for (const block of blocks.filter(isCompiled)) {
      console.info(
        `  ${runBy.has(block) ? 'run    ' : 'compile'} ${where(block)}: ${runBy.get(block)?.join(', ') ?? 'type-checked only'}`,
      );
    }
    for (const block of blocks.filter((candidate) => candidate.kind === 'fragment')) {
      console.info(`  fragment: ${where(block)}${block.fragment ? `: ${block.fragment}` : ''}`);
    }
    // A block in a language the check does not know must say so: `<!-- readme: fragment (why) -->` before its fence.
    expect(blocks.filter((block) => block.kind === 'unaccounted').map(where)).toEqual([]);
    expect(count('code')).toBeGreaterThanOrEqual(10);
    // Exceptions stay rare: no more than one in five code blocks may be a fragment.
    expect(blocks.filter(isParsedFragment).length).toBeLessThanOrEqual(Math.floor(count('code') / 5));
  });

  it(`compile with tsc --strict against the sources (${count('code')} blocks)`, () => {
    const written = writeBlocks(OUT, blocks);
    const files = [...written.values(), AMBIENT];
    const configPath = join(OUT, 'tsconfig.json');
    writeFileSync(configPath, JSON.stringify(tsconfig(files), null, 2));

    const parsed = ts.parseJsonConfigFileContent(tsconfig(files), ts.sys, OUT, undefined, configPath);
    expect(parsed.errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, '\n'))).toEqual([]);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    // Every block is in the program, none silently dropped.
    for (const path of written.values()) expect(program.getSourceFile(path), path).toBeDefined();

    // Each error as `README.md:<line> (<block id>): TS<code> <message>`, so it points at the README, not the copy.
    const byPath = new Map([...written].map(([id, path]) => [path, blocks.find((block) => block.id === id)!]));
    const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = `TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      if (!diagnostic.file || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const block = byPath.get(diagnostic.file.fileName);
      if (block) return `README.md:${block.line + line + 1} (${block.id}, ${blockPath(block)}): ${message}`;
      return `${relative(ROOT, diagnostic.file.fileName)}:${line + 1}: ${message}`;
    });
    expect(errors).toEqual([]);
  });

  it('marked fragments still parse', () => {
    const errors = blocks.filter(isParsedFragment).flatMap((block) => {
      const extension = /x$/.test(block.lang) ? 'tsx' : /^(?:ts|typescript|mts)$/.test(block.lang) ? 'ts' : 'js';
      const result = ts.transpileModule(block.code, {
        fileName: `fragment.${extension}`,
        reportDiagnostics: true,
        compilerOptions: { jsx: ts.JsxEmit.ReactJSX, target: ts.ScriptTarget.ES2022 },
      });
      return (result.diagnostics ?? []).map(
        (diagnostic) => `${where(block)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
      );
    });
    expect(errors).toEqual([]);
  });

  it('JSON blocks parse', () => {
    const errors = blocks
      .filter((block) => block.kind === 'json')
      .flatMap((block) => {
        try {
          JSON.parse(block.code);
          return [];
        } catch (error) {
          return [`${where(block)}: ${(error as Error).message}`];
        }
      });
    expect(errors).toEqual([]);
  });
});

describe('README commands', () => {
  const markdown = readFileSync(README, 'utf8');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    peerDependencies: Record<string, string>;
  };

  /** Every command line: the lines of shell blocks, and inline code spans in the prose that start with a command. */
  function commands(): { text: string; where: string }[] {
    const found: { text: string; where: string }[] = [];
    for (const block of blocks.filter((candidate) => candidate.kind === 'shell')) {
      block.code.split('\n').forEach((line, index) => {
        const text = line.replace(/^\$\s+/, '').trim();
        if (text && !text.startsWith('#')) found.push({ text, where: `README.md:${block.line + index + 1}` });
      });
    }
    const fenced = new Set(blocks.flatMap((block) => block.code.split('\n').map((_, index) => block.line + index)));
    markdown.split('\n').forEach((line, index) => {
      if (fenced.has(index + 1) || fenced.has(index)) return;
      for (const span of line.matchAll(/`([^`]+)`/g)) {
        if (/^(?:sudo |cd |npm |npx |node )/.test(span[1]!))
          found.push({ text: span[1]!, where: `README.md:${index + 1}` });
      }
    });
    return found;
  }

  /** The scripts of the package.json in `dir` (relative to the repository), or undefined when there is none. */
  function scriptsIn(dir: string): Record<string, string> | undefined {
    const path = join(ROOT, dir, 'package.json');
    if (!existsSync(path)) return undefined;
    return (JSON.parse(readFileSync(path, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  }

  it('say how to install the package with its peer dependencies', () => {
    const wanted = [pkg.name, ...Object.keys(pkg.peerDependencies), 'react-dom'];
    const installs = commands()
      .flatMap(({ text }) => text.split(/\s*(?:&&|;)\s*/))
      .map((command) => /^npm (?:install|i|add) (.+)$/.exec(command)?.[1]?.split(/\s+/))
      .filter((names): names is string[] => names !== undefined && names.includes(pkg.name));
    expect(installs, `README needs \`npm install ${wanted.join(' ')}\``).not.toEqual([]);
    expect(
      installs.some((names) => wanted.every((name) => names.includes(name))),
      installs.join(' | '),
    ).toBe(true);
  });

  it('run only npm scripts that exist', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { text, where: at } of commands()) {
      let dir = '.';
      for (const command of text.split(/\s*(?:&&|;|\|\|)\s*/)) {
        const cd = /^cd\s+(\S+)$/.exec(command);
        if (cd) {
          dir = join(dir, cd[1]!);
          continue;
        }
        const npm = /^npm\s+(?:--prefix\s+(\S+)\s+)?(run(?:-script)?\s+([\w:.-]+)|start|test|t|stop|restart)\b/.exec(
          command,
        );
        if (!npm) continue;
        const script = npm[3] ?? (npm[2] === 't' ? 'test' : npm[2]!);
        const scripts = scriptsIn(npm[1] ? join(dir, npm[1]) : dir);
        checked++;
        if (!scripts) problems.push(`${at}: \`${command}\` runs in ${dir}, which has no package.json`);
        else if (!(script in scripts))
          problems.push(`${at}: \`${command}\`: no "${script}" script in ${dir}/package.json`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
