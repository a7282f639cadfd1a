/** Markdown tables and number formats shared by every section of the results. */

export type Align = 'left' | 'right';

export function table(headers: string[], rows: Array<Array<string | number>>, align?: Align[]): string {
  const aligns = align ?? headers.map((_, index) => (index === 0 ? 'left' : 'right'));
  const cells = rows.map((row) => row.map(String));
  const widths = headers.map((header, index) =>
    Math.max(header.length, 3, ...cells.map((row) => (row[index] ?? '').length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, index) => (aligns[index] === 'right' ? value.padStart(widths[index]!) : value.padEnd(widths[index]!))).join(' | ')} |`;
  const rule = `| ${widths.map((width, index) => (aligns[index] === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(headers), rule, ...cells.map(line)].join('\n');
}

/** Milliseconds as seconds: `0.42 s`, `12.3 s`. */
export function seconds(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const s = ms / 1000;
  return `${Math.abs(s) < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Bytes as KB (1 KB = 1024 bytes, as size-limit counts). */
export function kb(bytes: number | undefined, digits = 1): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(digits)} KB`;
}

/** A pass/fail mark against a target. */
export function mark(ok: boolean): string {
  return ok ? 'met' : '**not met**';
}
