/**
 * bench/frontier.svg, written by hand (no dependency): status requests per job against the p95 notice time, on
 * log-log axes, with our schedule swept over `pollBudget`, the fixed loops, the peers and the lower bound.
 */
export interface FrontierPoint {
  requests: number;
  noticeP95: number;
  label?: string;
}

export interface FrontierSeries {
  name: string;
  color: string;
  points: FrontierPoint[];
  /** Joined by a line (a curve) or drawn as separate markers. */
  line: boolean;
  dashed?: boolean;
  marker: 'circle' | 'square' | 'diamond' | 'none';
}

const WIDTH = 760;
const HEIGHT = 500;
const PLOT = { left: 70, right: 220, top: 40, bottom: 60 };
const X_RANGE = [4, 250];
const Y_RANGE = [0.2, 16];

export function renderFrontierSvg(series: FrontierSeries[], title: string): string {
  const plotW = WIDTH - PLOT.left - PLOT.right;
  const plotH = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (requests: number) =>
    PLOT.left + (plotW * Math.log(requests / X_RANGE[0]!)) / Math.log(X_RANGE[1]! / X_RANGE[0]!);
  const y = (ms: number) =>
    PLOT.top + plotH - (plotH * Math.log(ms / 1000 / Y_RANGE[0]!)) / Math.log(Y_RANGE[1]! / Y_RANGE[0]!);
  const inside = (p: FrontierPoint) =>
    p.requests >= X_RANGE[0]! &&
    p.requests <= X_RANGE[1]! &&
    p.noticeP95 / 1000 >= Y_RANGE[0]! &&
    p.noticeP95 / 1000 <= Y_RANGE[1]!;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<title>${escape(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="22" font-size="14" font-weight="600" fill="#111">${escape(title)}</text>`,
  );
  for (const tick of [5, 10, 15, 20, 30, 50, 100, 200]) {
    out.push(
      `<line x1="${r(x(tick))}" y1="${PLOT.top}" x2="${r(x(tick))}" y2="${PLOT.top + plotH}" stroke="#e5e7eb"/>`,
      `<text x="${r(x(tick))}" y="${PLOT.top + plotH + 16}" text-anchor="middle" fill="#374151">${tick}</text>`,
    );
  }
  for (const tick of [0.25, 0.5, 1, 2, 4, 8, 16]) {
    out.push(
      `<line x1="${PLOT.left}" y1="${r(y(tick * 1000))}" x2="${PLOT.left + plotW}" y2="${r(y(tick * 1000))}" stroke="#e5e7eb"/>`,
      `<text x="${PLOT.left - 6}" y="${r(y(tick * 1000) + 4)}" text-anchor="end" fill="#374151">${tick} s</text>`,
    );
  }
  out.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${PLOT.left + plotW / 2}" y="${HEIGHT - 18}" text-anchor="middle" fill="#111">status requests per job (log scale)</text>`,
    `<text transform="translate(18 ${PLOT.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111">p95 time to notice the end (log scale)</text>`,
  );
  for (const s of series) {
    const points = s.points.filter(inside).sort((a, b) => a.requests - b.requests);
    if (s.line && points.length > 1) {
      const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(x(p.requests))},${r(y(p.noticeP95))}`).join(' ');
      out.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      );
    }
    for (const p of points) {
      out.push(marker(s.marker, x(p.requests), y(p.noticeP95), s.color));
      if (p.label) {
        out.push(
          `<text x="${r(x(p.requests) + 7)}" y="${r(y(p.noticeP95) - 6)}" fill="${s.color}" font-size="11">${escape(p.label)}</text>`,
        );
      }
    }
  }
  // Legend.
  let ly = PLOT.top + 8;
  const lx = PLOT.left + plotW + 16;
  for (const s of series) {
    if (s.line) {
      out.push(
        `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
      );
    }
    out.push(marker(s.marker, lx + 11, ly, s.color));
    const lines = wrap(s.name, 26);
    lines.forEach((line, i) =>
      out.push(`<text x="${lx + 30}" y="${ly + 4 + i * 14}" fill="#111">${escape(line)}</text>`),
    );
    ly += 14 * lines.length + 10;
  }
  out.push(
    `<text x="${PLOT.left + plotW}" y="${HEIGHT - 4}" text-anchor="end" fill="#6b7280" font-size="10">lower and further left is better; bench/run.ts</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

function marker(kind: FrontierSeries['marker'], cx: number, cy: number, color: string): string {
  if (kind === 'circle') return `<circle cx="${r(cx)}" cy="${r(cy)}" r="4" fill="${color}"/>`;
  if (kind === 'square') return `<rect x="${r(cx - 4)}" y="${r(cy - 4)}" width="8" height="8" fill="${color}"/>`;
  if (kind === 'diamond')
    return `<path d="M${r(cx)},${r(cy - 5)} L${r(cx + 5)},${r(cy)} L${r(cx)},${r(cy + 5)} L${r(cx - 5)},${r(cy)} Z" fill="${color}"/>`;
  return '';
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && `${line} ${word}`.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function r(value: number): string {
  return value.toFixed(1);
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
