/**
 * Inline SVG charts, drawn here (no script, no external asset): a report
 * opens offline in any browser and prints as it looks. Every data mark
 * carries class="mark" so a test can check that each chart drew something.
 * All text is escaped: names and expressions come from LLMs and files.
 */

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

const WIDTH = 880;
const MARGIN = { left: 64, right: 16, top: 28, bottom: 34 };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface LineSeries {
  readonly name: string;
  /** One value per x position; null breaks the line. */
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly dashed?: boolean;
  /** Fill between the line and zero (drawdowns). */
  readonly area?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  /** Labels of the x positions (dates); a few are printed. */
  readonly x: readonly string[];
  readonly series: readonly LineSeries[];
  readonly format: (value: number) => string;
  readonly height?: number;
  /** A vertical rule before x position `index` (e.g. where valid starts), labelled. */
  readonly divider?: { readonly index: number; readonly label: string };
}

/** Round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [0];
  if (lo === hi) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  if (ticks[ticks.length - 1]! < hi) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

function frame(title: string, height: number, inner: string, legend: readonly { name: string; color: string; dashed?: boolean }[]): string {
  const items = legend
    .map((l, k) => {
      const x = MARGIN.left + k * 190;
      const dash = l.dashed ? ' stroke-dasharray="5 3"' : '';
      return `<g transform="translate(${x},12)"><line x1="0" y1="0" x2="18" y2="0" stroke="${l.color}" stroke-width="2.5"${dash}/><text x="24" y="4">${escapeHtml(l.name)}</text></g>`;
    })
    .join('');
  return (
    `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<g class="legend">${items}</g>${inner}</svg></figure>`
  );
}

function yAxis(ticks: readonly number[], y: (v: number) => number, format: (v: number) => string, plotWidth: number): string {
  return ticks
    .map((t) => {
      const py = y(t).toFixed(1);
      const zero = t === 0 ? ' class="zero"' : ' class="grid"';
      return `<line${zero} x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${py}" y2="${py}"/><text class="tick" x="${MARGIN.left - 6}" y="${py}" dy="4" text-anchor="end">${escapeHtml(format(t))}</text>`;
    })
    .join('');
}

export function lineChart(options: LineChartOptions): string {
  const height = options.height ?? 280;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const n = options.x.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of options.series) {
    for (const v of s.values) {
      if (v === null) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (s.area) {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
  }
  if (lo === Infinity) return frame(options.title, 60, `<text x="${MARGIN.left}" y="44">no data</text>`, []);
  const ticks = niceTicks(lo, hi);
  const yLo = ticks[0]!;
  const yHi = ticks[ticks.length - 1]!;
  const x = (k: number) => MARGIN.left + (n > 1 ? (k / (n - 1)) * plotWidth : plotWidth / 2);
  const y = (v: number) => MARGIN.top + (1 - (v - yLo) / (yHi - yLo)) * plotHeight;
  const paths = options.series
    .map((s) => {
      let d = '';
      let pen = false;
      s.values.forEach((v, k) => {
        if (v === null) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${x(k).toFixed(1)} ${y(v).toFixed(1)}`;
        pen = true;
      });
      const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
      const line = `<path class="mark" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${dash}><title>${escapeHtml(s.name)}</title></path>`;
      if (!s.area || d === '') return line;
      const first = s.values.findIndex((v) => v !== null);
      let last = s.values.length - 1;
      while (last > 0 && s.values[last] === null) last--;
      const area = `${d}L${x(last).toFixed(1)} ${y(0).toFixed(1)}L${x(first).toFixed(1)} ${y(0).toFixed(1)}Z`;
      return `<path class="mark area" d="${area}" fill="${s.color}" fill-opacity="0.18" stroke="none"/>${line}`;
    })
    .join('');
  const labelEvery = Math.max(1, Math.ceil(n / 7));
  const xTicks: string[] = [];
  for (let k = 0; k < n; k += labelEvery) {
    // A label near the right edge ends at its point instead of running off the chart.
    const anchor = x(k) > WIDTH - MARGIN.right - 40 ? 'end' : 'middle';
    xTicks.push(`<text class="tick" x="${x(k).toFixed(1)}" y="${height - 12}" text-anchor="${anchor}">${escapeHtml(options.x[k]!)}</text>`);
  }
  let divider = '';
  if (options.divider && options.divider.index > 0 && options.divider.index < n) {
    const dx = ((x(options.divider.index - 1) + x(options.divider.index)) / 2).toFixed(1);
    divider = `<line class="zero" x1="${dx}" x2="${dx}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke-dasharray="3 3"/><text class="tick" x="${dx}" y="${MARGIN.top + 10}" dx="4">${escapeHtml(options.divider.label)}</text>`;
  }
  return frame(options.title, height, `${yAxis(ticks, y, options.format, plotWidth)}${divider}${paths}${xTicks.join('')}`, options.series);
}

export interface BarGroup {
  readonly name: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
}

export interface BarChartOptions {
  readonly title: string;
  readonly categories: readonly string[];
  readonly groups: readonly BarGroup[];
  readonly format: (value: number) => string;
  readonly height?: number;
}

/** Vertical bars, one cluster per category, one bar per group. */
export function barChart(options: BarChartOptions): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const slot = plotWidth / Math.max(1, options.categories.length);
  // Labels wider than their slot are turned to read upwards, with room made below the plot.
  const longest = Math.max(0, ...options.categories.map((c) => c.length));
  const slanted = longest * 6.5 > slot;
  const labelRoom = slanted ? Math.ceil(longest * 6.5 * 0.7) : 0;
  const height = (options.height ?? 260) + labelRoom;
  const plotHeight = height - MARGIN.top - MARGIN.bottom - labelRoom;
  const values = options.groups.flatMap((g) => g.values).filter((v): v is number => v !== null);
  if (values.length === 0) return frame(options.title, 60, `<text x="${MARGIN.left}" y="44">no data</text>`, []);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const yLo = ticks[0]!;
  const yHi = ticks[ticks.length - 1]!;
  const y = (v: number) => MARGIN.top + (1 - (v - yLo) / (yHi - yLo)) * plotHeight;
  const barWidth = Math.min(48, (slot * 0.8) / options.groups.length);
  const bars: string[] = [];
  options.categories.forEach((category, c) => {
    const start = MARGIN.left + c * slot + (slot - barWidth * options.groups.length) / 2;
    options.groups.forEach((g, k) => {
      const v = g.values[c];
      if (v === null || v === undefined) return;
      const top = Math.min(y(v), y(0));
      const h = Math.max(Math.abs(y(v) - y(0)), 1);
      bars.push(
        `<rect class="mark" x="${(start + k * barWidth).toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${g.color}"><title>${escapeHtml(`${g.name} ${category}: ${options.format(v)}`)}</title></rect>`,
      );
    });
    const lx = (MARGIN.left + (c + 0.5) * slot).toFixed(1);
    const ly = MARGIN.top + plotHeight + 14;
    bars.push(
      slanted
        ? `<text class="tick" x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-45 ${lx} ${ly})">${escapeHtml(category)}</text>`
        : `<text class="tick" x="${lx}" y="${height - 12}" text-anchor="middle">${escapeHtml(category)}</text>`,
    );
  });
  return frame(options.title, height, `${yAxis(ticks, y, options.format, plotWidth)}${bars.join('')}`, options.groups);
}

export interface BoxPlotOptions {
  readonly title: string;
  readonly categories: readonly string[];
  /** Values per category. */
  readonly distributions: readonly (readonly number[])[];
  readonly color: string;
  readonly format: (value: number) => string;
  readonly height?: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Box (quartiles), whiskers (min, max) and median per category, with the count under each. */
export function boxPlot(options: BoxPlotOptions): string {
  const height = options.height ?? 280;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const all = options.distributions.flat().filter(Number.isFinite);
  if (all.length === 0) return frame(options.title, 60, `<text x="${MARGIN.left}" y="44">no data</text>`, []);
  const ticks = niceTicks(Math.min(0, ...all), Math.max(0, ...all));
  const yLo = ticks[0]!;
  const yHi = ticks[ticks.length - 1]!;
  const y = (v: number) => MARGIN.top + (1 - (v - yLo) / (yHi - yLo)) * plotHeight;
  const slot = plotWidth / options.categories.length;
  const boxWidth = Math.min(40, slot * 0.5);
  const marks = options.categories.map((category, c) => {
    const sorted = options.distributions[c]!.filter(Number.isFinite).sort((a, b) => a - b);
    const cx = MARGIN.left + (c + 0.5) * slot;
    const label = `<text class="tick" x="${cx.toFixed(1)}" y="${height - 12}" text-anchor="middle">${escapeHtml(`${category} (${sorted.length})`)}</text>`;
    if (sorted.length === 0) return label;
    const [min, q1, med, q3, max] = [0, 0.25, 0.5, 0.75, 1].map((q) => quantile(sorted, q)) as [number, number, number, number, number];
    const left = cx - boxWidth / 2;
    const summary = `${category}: n=${sorted.length}, median ${options.format(med)}, IQR ${options.format(q1)}..${options.format(q3)}, range ${options.format(min)}..${options.format(max)}`;
    return (
      `<path class="mark" d="M${cx.toFixed(1)} ${y(min).toFixed(1)}V${y(q1).toFixed(1)}M${cx.toFixed(1)} ${y(q3).toFixed(1)}V${y(max).toFixed(1)}" stroke="#444" fill="none"/>` +
      `<rect class="mark" x="${left.toFixed(1)}" y="${y(q3).toFixed(1)}" width="${boxWidth.toFixed(1)}" height="${Math.max(y(q1) - y(q3), 1).toFixed(1)}" fill="${options.color}" fill-opacity="0.35" stroke="${options.color}"><title>${escapeHtml(summary)}</title></rect>` +
      `<path class="mark" d="M${left.toFixed(1)} ${y(med).toFixed(1)}h${boxWidth.toFixed(1)}" stroke="${options.color}" stroke-width="2.5"/>` +
      label
    );
  });
  return frame(options.title, height, `${yAxis(ticks, y, options.format, plotWidth)}${marks.join('')}`, []);
}

export interface TreeNode {
  readonly label: string;
  /** Second line (origin, metric). */
  readonly detail: string;
  /** Hover text (hypothesis, expression). */
  readonly tooltip: string;
  readonly color: string;
  readonly children: readonly TreeNode[];
}

/** A left-to-right tree: the root (the accepted factor) on the left, its parents to the right. */
export function treeChart(title: string, root: TreeNode): string {
  const nodeWidth = 250;
  const nodeHeight = 38;
  const columnGap = 48;
  const rowGap = 10;
  const placed: { node: TreeNode; depth: number; row: number }[] = [];
  const edges: [number, number][] = [];
  let nextRow = 0;
  /** Leaves take consecutive rows; a parent sits at the middle of its children. */
  const place = (node: TreeNode, depth: number): { index: number; row: number } => {
    const index = placed.length;
    placed.push({ node, depth, row: 0 });
    if (node.children.length === 0) {
      placed[index]!.row = nextRow++;
    } else {
      const rows = node.children.map((child) => {
        const placedChild = place(child, depth + 1);
        edges.push([index, placedChild.index]);
        return placedChild.row;
      });
      placed[index]!.row = (rows[0]! + rows[rows.length - 1]!) / 2;
    }
    return { index, row: placed[index]!.row };
  };
  place(root, 0);
  const depth = Math.max(...placed.map((p) => p.depth)) + 1;
  const width = Math.max(WIDTH, depth * (nodeWidth + columnGap) + 20);
  const height = Math.max(1, nextRow) * (nodeHeight + rowGap) + 40;
  const px = (d: number) => 10 + d * (nodeWidth + columnGap);
  const py = (row: number) => 30 + row * (nodeHeight + rowGap);
  const clipText = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  const lines = edges.map(([a, b]) => {
    const from = placed[a]!;
    const to = placed[b]!;
    const x1 = px(from.depth) + nodeWidth;
    const y1 = py(from.row) + nodeHeight / 2;
    const x2 = px(to.depth);
    const y2 = py(to.row) + nodeHeight / 2;
    const mid = (x1 + x2) / 2;
    return `<path class="mark edge" d="M${x1} ${y1}C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}" fill="none" stroke="#999"/>`;
  });
  const boxes = placed.map(
    ({ node, depth: d, row }) =>
      `<g transform="translate(${px(d)},${py(row)})"><rect class="mark" width="${nodeWidth}" height="${nodeHeight}" rx="4" fill="${node.color}" fill-opacity="0.15" stroke="${node.color}"><title>${escapeHtml(node.tooltip)}</title></rect>` +
      `<text x="6" y="15" class="node">${escapeHtml(clipText(node.label, 38))}</text><text x="6" y="31" class="tick">${escapeHtml(clipText(node.detail, 44))}</text></g>`,
  );
  return (
    `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<text x="10" y="16" class="tick">accepted factor</text><text x="${px(1)}" y="16" class="tick">${depth > 1 ? 'parents →' : 'no recorded parents'}</text>` +
    `${lines.join('')}${boxes.join('')}</svg></figure>`
  );
}
