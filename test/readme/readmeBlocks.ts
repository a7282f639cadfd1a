// Every fenced code block of README.md, in order, written out as modules so the README's code is type-checked
// (typecheck.test.ts) and run (run.test.tsx, next.test.tsx, snippets.test.ts, testingSnippet.test.ts) as a user
// would paste it. README.md is read when a test runs, so blocks added by anyone are checked too.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** README.md; `README_CHECK_FILE` points the checks at another copy (to try an edit before making it). */
export const README = resolve(ROOT, process.env.README_CHECK_FILE ?? 'README.md');

/** Where the package's entry points live in the sources, so the README is checked before any build. */
export const PACKAGE_ENTRIES: Record<string, string> = {
  'react-video-jobs': join(ROOT, 'src/index.ts'),
  'react-video-jobs/adapter': join(ROOT, 'src/adapter.ts'),
  'react-video-jobs/vanilla': join(ROOT, 'src/vanilla.ts'),
  'react-video-jobs/server': join(ROOT, 'src/server/index.ts'),
  'react-video-jobs/testing': join(ROOT, 'src/testing/index.ts'),
  'react-video-jobs/testing/server': join(ROOT, 'src/testing/server.ts'),
  'react-video-jobs/styles.css': join(ROOT, 'src/components/styles.css'),
};

/** Fence languages compiled by the TypeScript compiler, with the file extension each is written out with. */
const CODE_LANGS: Record<string, string> = {
  ts: 'ts',
  typescript: 'ts',
  mts: 'mts',
  tsx: 'tsx',
  js: 'js',
  javascript: 'js',
  mjs: 'mjs',
  jsx: 'jsx',
};
/** Fence languages that are shell commands: checked by the npm-command check of typecheck.test.ts. */
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'zsh', 'console']);
/** Fence languages that are JSON: parsed. */
const JSON_LANGS = new Set(['json']);

/**
 * `<!-- readme: fragment (why) -->` on the line before a fence marks a block that is not a module by nature (an
 * excerpt, pseudo-code): it is only parsed, not compiled. The older `<!-- readme-check: skip (why) -->` means the same.
 * Keep these rare: the type check counts and names them.
 */
const FRAGMENT_MARKER = /^<!--\s*(?:readme:\s*fragment|readme-check:\s*skip)\s*(?:\((.*)\))?\s*-->$/;
/** A first comment line `// path/to/file.tsx` (optionally followed by `:` and words) names the file the block is. */
const FILE_COMMENT =
  /^\/\/ ((?:[\w.@-]+|\[(?:\.\.\.)?[\w.]+\])(?:\/(?:[\w.@-]+|\[(?:\.\.\.)?[\w.]+\]))*\.(?:[mc]?[jt]sx?))(?::|\s|$)/;
/** Directives that come before a block's first comment (`'use client';`). */
const DIRECTIVE = /^(['"])use (?:client|server)\1;?\s*$/;

export type BlockKind = 'code' | 'shell' | 'json' | 'fragment' | 'unaccounted';

export interface ReadmeBlock {
  /** The slug of the nearest heading above and the block's 1-based index under it, e.g. `quick-start-2`. */
  id: string;
  heading: string;
  /** Position among all fenced blocks of the README (0-based). */
  order: number;
  lang: string;
  kind: BlockKind;
  code: string;
  /** 1-based README line of the opening fence; the block's line n is README line `line + n`. */
  line: number;
  /** The first line that is not blank or a directive (`// Follow a job ...`), trimmed. */
  firstLine: string;
  /** The file the block names in its first comment (`// lib/videoServer.ts`), when it does. */
  file?: string;
  /** Why the block is a fragment, when it carries the fragment marker (`''` when no reason is given). */
  fragment?: string;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[`'"]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function kindOf(lang: string, fragment: string | undefined): BlockKind {
  if (fragment !== undefined) return 'fragment';
  if (lang in CODE_LANGS) return 'code';
  if (SHELL_LANGS.has(lang)) return 'shell';
  if (JSON_LANGS.has(lang)) return 'json';
  return 'unaccounted';
}

export function readmeBlocks(markdown = readFileSync(README, 'utf8')): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  const perHeading = new Map<string, number>();
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const title = /^#{1,6} (.+)$/.exec(text);
    if (title) {
      heading = title[1]!.trim();
      continue;
    }
    // A fence may be indented (inside a list item): its body loses the same indentation.
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)[^`]*$/.exec(text);
    if (!fence) continue;
    const start = i;
    const indent = fence[1]!.length;
    const close = new RegExp(`^\\s*${fence[2]![0]}{${fence[2]!.length},}\\s*$`);
    const body: string[] = [];
    for (i++; i < lines.length && !close.test(lines[i]!); i++)
      body.push(lines[i]!.replace(new RegExp(`^ {0,${indent}}`), ''));
    if (i >= lines.length) throw new Error(`README.md:${start + 1}: a code fence is never closed`);
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? FRAGMENT_MARKER.exec(lines[before]!.trim()) : null;
    const fragment = marker ? (marker[1] ?? '').trim() : undefined;
    const index = (perHeading.get(heading) ?? 0) + 1;
    perHeading.set(heading, index);
    const lang = fence[3]!.toLowerCase();
    const firstLine = (body.find((line) => line.trim() !== '' && !DIRECTIVE.test(line.trim())) ?? '').trim();
    const file = FILE_COMMENT.exec(firstLine)?.[1];
    blocks.push({
      id: `${slug(heading) || 'top'}-${index}`,
      heading,
      order: blocks.length,
      lang,
      kind: kindOf(lang, fragment),
      code: body.join('\n') + '\n',
      line: start + 1,
      firstLine,
      ...(file ? { file } : {}),
      ...(fragment !== undefined ? { fragment } : {}),
    });
  }
  return blocks;
}

/** A block the TypeScript compiler type-checks: TS/JS, not marked as a fragment. */
export const isCompiled = (block: ReadmeBlock) => block.kind === 'code';
/** A fragment in a TS/JS language: parsed only. */
export const isParsedFragment = (block: ReadmeBlock) => block.kind === 'fragment' && block.lang in CODE_LANGS;

/** The block's path inside an output folder: the file it names, or `blocks/<id>.<ext>`. */
export const blockPath = (block: ReadmeBlock) => block.file ?? `blocks/${block.id}.${CODE_LANGS[block.lang] ?? 'txt'}`;

export interface BlockQuery {
  /** The heading the block sits under (exact text, or a pattern). */
  heading?: string | RegExp;
  /** The block's first line (after any directive), e.g. its `// Follow a job` comment. */
  firstLine?: RegExp;
  /** The file the block names (`lib/videoServer.ts`), or a pattern. */
  file?: string | RegExp;
  lang?: string;
  /** Something the block's code must contain: what the test that runs it relies on. */
  code?: RegExp;
}

const matches = (value: string | undefined, expected: string | RegExp | undefined) =>
  expected === undefined ||
  (value !== undefined && (typeof expected === 'string' ? value === expected : expected.test(value)));

/** Every compiled block matching `query`. */
export function findBlocks(blocks: readonly ReadmeBlock[], query: BlockQuery): ReadmeBlock[] {
  return blocks.filter(
    (block) =>
      isCompiled(block) &&
      matches(block.heading, query.heading) &&
      matches(block.firstLine, query.firstLine) &&
      matches(block.file, query.file) &&
      matches(block.lang, query.lang) &&
      matches(block.code, query.code),
  );
}

/**
 * The one compiled block matching `query` (a test runs it, so it is found by its heading, first line or file, not by
 * position). Throws, listing the blocks there are, when none or several match, so a renamed heading points at the fix.
 */
export function findBlock(blocks: readonly ReadmeBlock[], query: BlockQuery): ReadmeBlock {
  const found = findBlocks(blocks, query);
  if (found.length === 1) return found[0]!;
  const list = blocks
    .filter(isCompiled)
    .map((block) => `  README.md:${block.line} ${block.id} (${block.file ?? block.firstLine.slice(0, 60)})`)
    .join('\n');
  const what = JSON.stringify(query, (_key, value: unknown) => (value instanceof RegExp ? String(value) : value));
  throw new Error(
    `README.md has ${found.length} compiled code blocks matching ${what}, not 1; the blocks are:\n${list}`,
  );
}

/**
 * Writes every compiled block to `dir` (emptied first) at its `blockPath`. With `rewrite`, module specifiers are
 * pointed at real files for running under vitest, which has no `paths` mapping: the package's at the sources, `@/x`
 * at `<dir>/x`. Without, the code is written exactly as the README shows it. Returns the absolute path of each block,
 * by id.
 */
export function writeBlocks(
  dir: string,
  blocks: readonly ReadmeBlock[],
  options: { rewrite?: boolean } = {},
): Map<string, string> {
  rmSync(dir, { recursive: true, force: true });
  const paths = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const block of blocks.filter(isCompiled)) {
    const relative = blockPath(block);
    const other = taken.get(relative);
    if (other) throw new Error(`README blocks ${other} and ${block.id} both name the file ${relative}`);
    taken.set(relative, block.id);
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, options.rewrite ? rewriteSpecifiers(block.code, dir) : block.code);
    paths.set(block.id, path);
  }
  return paths;
}

/** Writes `files` (relative path -> content) into `dir`, skipping any a README block already provides. */
export function writeStubs(dir: string, files: Record<string, string>, written: Map<string, string>): string[] {
  const taken = new Set([...written.values()]);
  const added: string[] = [];
  for (const [relative, content] of Object.entries(files)) {
    const path = join(dir, relative);
    if (taken.has(path)) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    added.push(path);
  }
  return added;
}

const SPECIFIER = /(\bfrom\s+|\bimport\s*\(?\s*)(['"])([^'"]+)\2/g;

function rewriteSpecifiers(code: string, dir: string): string {
  return code.replace(SPECIFIER, (whole, keyword: string, quote: string, name: string) => {
    const target = PACKAGE_ENTRIES[name] ?? (name.startsWith('@/') ? join(dir, name.slice(2)) : undefined);
    return target ? `${keyword}${quote}${target}${quote}` : whole;
  });
}

/**
 * The blocks the run tests execute, by what identifies them (never by position), with the test that runs each. The
 * type check's summary counts them and lists the compiled blocks no test runs.
 */
export const RUN = {
  quickStart: { heading: 'Quick start', lang: 'tsx', code: /export function App\b/ },
  outsideReact: { heading: 'Quick start', lang: 'ts', code: /client\.watch\(/ },
  followJob: { firstLine: /^\/\/ Follow a job/ },
  imageInput: { firstLine: /^\/\/ Start from an image/ },
  prefetch: { firstLine: /^\/\/ Prefetch on the server/ },
  vanilla: { heading: /^Outside React: / },
  ownApi: { heading: /^Your own API/ },
  testing: { heading: /^Testing your app/, firstLine: /^import / },
  nextServer: { file: 'lib/videoServer.ts' },
  nextRoutes: { file: /^(?:src\/)?app\/.*\/route\.[mc]?[jt]sx?$/ },
  nextProviders: { file: /(?:^|\/)app\/providers\.tsx$/ },
} satisfies Record<string, BlockQuery>;

export const RUN_BY: Record<keyof typeof RUN, string> = {
  quickStart: 'run.test.tsx',
  outsideReact: 'snippets.test.ts',
  followJob: 'run.test.tsx',
  imageInput: 'run.test.tsx',
  prefetch: 'snippets.test.ts',
  vanilla: 'vanilla.test.ts',
  ownApi: 'snippets.test.ts',
  testing: 'testingSnippet.test.ts',
  nextServer: 'next.test.tsx',
  nextRoutes: 'next.test.tsx',
  nextProviders: 'next.test.tsx',
};
