// Inline SVG charts as strings: line charts (linear or log-percentile x axis) and bar charts, with
// no library and no network, so a report page opens anywhere. Pure functions of their data.

export interface Point {
  x: number;
  y: number;
}

export interface LineSeries {
  name: string;
  points: Point[];
  /** Dashed lines for references such as a target rate. */
  dashed?: boolean;
}

export interface Axis {
  label: string;
  /** Formats a tick value. */
  format?: (v: number) => string;
  /** Explicit ticks (value, label); default: 5 evenly spaced. */
  ticks?: { value: number; label: string }[];
  /** Logarithmic scale (y only): for values spanning decades, such as latency percentiles. */
  log?: boolean;
}

export interface LineChartOptions {
  title: string;
  x: Axis;
  y: Axis;
  width?: number;
  height?: number;
  /** Marks the chart for the page's self-check (data-chart attribute). */
  id: string;
  /** Vertical dashed lines at these x values, labelled (e.g. rebalances). */
  markers?: { x: number; label: string }[];
}

export interface Bar {
  label: string;
  value: number;
  /** Highlighted bar (e.g. the hottest partition). */
  highlight?: boolean;
}

export interface BarChartOptions {
  title: string;
  y: Axis;
  id: string;
  width?: number;
  height?: number;
}

/** Colour-blind-safe palette (Okabe-Ito) for series. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const defaultFormat = (v: number): string => {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(2)}k`;
  if (a >= 10 || a === 0) return `${Math.round(v)}`;
  return `${+v.toFixed(2)}`;
};

/** A "nice" upper bound (1, 2, 2.5, 5 × 10^n) at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(max)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= max) return m * exp;
  return 10 * exp;
}

function evenTicks(min: number, max: number, format: (v: number) => string): { value: number; label: string }[] {
  const out = [];
  for (let i = 0; i <= 4; i++) {
    const value = min + ((max - min) * i) / 4;
    out.push({ value, label: format(value) });
  }
  return out;
}

/** Ticks at round multiples (1, 2, 2.5, 5 × 10^n) between min and max, about five of them. */
export function roundTicks(
  min: number,
  max: number,
  format: (v: number) => string,
): { value: number; label: string }[] {
  const step = niceMax((max - min) / 5);
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    out.push({ value: v, label: format(v) });
  return out;
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();

/** A line chart; an empty series list renders an explicit "no data" chart (data-points="0"). */
export function lineChart(series: LineSeries[], o: LineChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 280;
  // The legend gets its own row under the title so long titles and many series never collide.
  const m = { top: series.length > 0 ? 44 : 28, right: 16, bottom: 44, left: 64 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xFormat = o.x.format ?? defaultFormat;
  const yFormat = o.y.format ?? defaultFormat;
  const xMin = o.x.ticks?.[0]?.value ?? Math.min(0, ...all.map((p) => p.x));
  const xMaxData = all.length > 0 ? Math.max(...all.map((p) => p.x)) : 1;
  const xMax = o.x.ticks ? Math.max(o.x.ticks[o.x.ticks.length - 1]!.value, xMaxData) : Math.max(xMaxData, xMin + 1e-9);
  const yMax = niceMax(all.length > 0 ? Math.max(...all.map((p) => p.y)) : 1);
  const sx = (x: number) => m.left + ((x - xMin) / (xMax - xMin || 1)) * plotW;
  let sy = (y: number) => m.top + plotH - (y / yMax) * plotH;
  let yTicks = evenTicks(0, yMax, yFormat);
  if (o.y.log) {
    // Whole decades around the data; values at or below the floor sit on the axis.
    const positive = all.map((p) => p.y).filter((y) => y > 0);
    const lo = Math.floor(Math.log10(positive.length > 0 ? Math.min(...positive) : 1));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(positive.length > 0 ? Math.max(...positive) : 10)));
    sy = (y: number) => m.top + plotH - ((Math.log10(Math.max(y, 10 ** lo)) - lo) / (hi - lo)) * plotH;
    yTicks = [];
    for (let e = lo; e <= hi; e++) yTicks.push({ value: 10 ** e, label: yFormat(10 ** e) });
  }

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${escapeXml(o.id)}" data-points="${all.length}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}">`,
  );
  parts.push(`<text x="${m.left}" y="16" class="title">${escapeXml(o.title)}</text>`);
  for (const t of yTicks) {
    const y = f(sy(t.value));
    parts.push(`<line class="grid" x1="${m.left}" x2="${m.left + plotW}" y1="${y}" y2="${y}"/>`);
    parts.push(
      `<text class="tick" x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(t.label)}</text>`,
    );
  }
  for (const t of o.x.ticks ?? roundTicks(xMin, xMax, xFormat)) {
    const x = f(sx(t.value));
    parts.push(`<line class="axis" x1="${x}" x2="${x}" y1="${m.top + plotH}" y2="${m.top + plotH + 4}"/>`);
    parts.push(
      `<text class="tick" x="${x}" y="${m.top + plotH + 16}" text-anchor="middle">${escapeXml(t.label)}</text>`,
    );
  }
  parts.push(`<line class="axis" x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}"/>`);
  parts.push(`<line class="axis" x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + plotH}"/>`);
  parts.push(
    `<text class="label" x="${m.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(o.x.label)}</text>`,
  );
  parts.push(
    `<text class="label" transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.y.label)}</text>`,
  );
  if (all.length === 0) {
    parts.push(
      `<text class="empty" x="${m.left + plotW / 2}" y="${m.top + plotH / 2}" text-anchor="middle">no data</text>`,
    );
  }
  for (const mk of o.markers ?? []) {
    if (!Number.isFinite(mk.x) || mk.x < xMin || mk.x > xMax) continue;
    const x = f(sx(mk.x));
    parts.push(
      `<line class="marker" x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + plotH}" stroke="#b00020" stroke-dasharray="3 3"><title>${escapeXml(mk.label)}</title></line>`,
    );
    parts.push(
      `<text class="tick" x="${x}" y="${m.top + 10}" text-anchor="middle" fill="#b00020">${escapeXml(mk.label)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (pts.length === 0) return;
    const colour = PALETTE[i % PALETTE.length]!;
    const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${f(sx(p.x))} ${f(sy(p.y))}`).join(' ');
    parts.push(
      `<path class="series" data-series="${escapeXml(s.name)}" d="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}><title>${escapeXml(s.name)}</title></path>`,
    );
    if (pts.length === 1)
      parts.push(`<circle cx="${f(sx(pts[0]!.x))}" cy="${f(sy(pts[0]!.y))}" r="3" fill="${colour}"/>`);
  });
  let lx = m.left;
  series.forEach((s, i) => {
    parts.push(`<rect x="${f(lx)}" y="26" width="12" height="3" fill="${PALETTE[i % PALETTE.length]}"/>`);
    parts.push(`<text class="legend" x="${f(lx + 16)}" y="31">${escapeXml(s.name)}</text>`);
    lx += 28 + s.name.length * 6;
  });
  parts.push('</svg>');
  return parts.join('');
}

/** A vertical bar chart (e.g. events per partition). */
export function barChart(bars: Bar[], o: BarChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 260;
  const m = { top: 28, right: 16, bottom: 56, left: 64 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const yFormat = o.y.format ?? defaultFormat;
  const yMax = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const sy = (y: number) => m.top + plotH - (y / yMax) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${escapeXml(o.id)}" data-points="${bars.length}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}">`,
    `<text x="${m.left}" y="16" class="title">${escapeXml(o.title)}</text>`,
  ];
  for (const t of evenTicks(0, yMax, yFormat)) {
    const y = f(sy(t.value));
    parts.push(`<line class="grid" x1="${m.left}" x2="${m.left + plotW}" y1="${y}" y2="${y}"/>`);
    parts.push(
      `<text class="tick" x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(t.label)}</text>`,
    );
  }
  if (bars.length === 0)
    parts.push(
      `<text class="empty" x="${m.left + plotW / 2}" y="${m.top + plotH / 2}" text-anchor="middle">no data</text>`,
    );
  // Rotate labels when they would not fit side by side.
  const rotate = bars.some((b) => b.label.length * 6.5 > slot);
  bars.forEach((b, i) => {
    const cx = m.left + slot * i + slot / 2;
    const y = sy(b.value);
    parts.push(
      `<rect class="bar${b.highlight ? ' hot' : ''}" x="${f(cx - barW / 2)}" y="${f(y)}" width="${f(barW)}" height="${f(m.top + plotH - y)}"><title>${escapeXml(`${b.label}: ${yFormat(b.value)}`)}</title></rect>`,
    );
    const ly = m.top + plotH + 14;
    parts.push(
      rotate
        ? `<text class="tick" transform="translate(${f(cx)} ${ly}) rotate(-35)" text-anchor="end">${escapeXml(b.label)}</text>`
        : `<text class="tick" x="${f(cx)}" y="${ly}" text-anchor="middle">${escapeXml(b.label)}</text>`,
    );
  });
  parts.push(`<line class="axis" x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}"/>`);
  parts.push(
    `<text class="label" transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.y.label)}</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}

/** Percentiles for a latency curve, and where they sit on a log "1 / (1 - p)" axis. */
export const CURVE_PERCENTILES = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100] as const;

/** x position of a percentile on the log axis: 0 at p0, 1 at p90, 2 at p99, 3 at p99.9 … */
export function percentileX(p: number): number {
  const capped = Math.min(p, 99.999);
  return Math.log10(100 / (100 - capped));
}

export const PERCENTILE_TICKS = [
  { value: percentileX(0), label: 'p0' },
  { value: percentileX(90), label: 'p90' },
  { value: percentileX(99), label: 'p99' },
  { value: percentileX(99.9), label: 'p99.9' },
  { value: percentileX(99.99), label: 'p99.99' },
];

export interface HeatMapOptions {
  title: string;
  id: string;
  /** Row labels (top to bottom), e.g. partitions. */
  rows: string[];
  /** Column labels (left to right), e.g. seconds; every few are written under the map. */
  columns: string[];
  xLabel: string;
  yLabel: string;
  /** Describes a cell's value in its tooltip. */
  format?: (v: number) => string;
  width?: number;
}

/** Blends white into the hot colour (#D55E00) by v in 0..1. */
function heat(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  const c = (from: number, to: number) => Math.round(from + (to - from) * t);
  return `rgb(${c(255, 0xd5)},${c(255, 0x5e)},${c(255, 0x00)})`;
}

/**
 * A heat map: `cells[row][column]` in 0..1 (null: no data), one rect per cell, darker = higher. A
 * row × column grid such as partition × second, where a hot spot shows as a dark run of cells.
 */
export function heatMap(cells: (number | null)[][], o: HeatMapOptions): string {
  const width = o.width ?? 720;
  const m = { top: 28, right: 16, bottom: 40, left: 40 };
  const plotW = width - m.left - m.right;
  const cellH = Math.max(10, Math.min(28, 180 / Math.max(1, o.rows.length)));
  const plotH = cellH * o.rows.length;
  const height = m.top + plotH + m.bottom;
  const cellW = plotW / Math.max(1, o.columns.length);
  const format = o.format ?? ((v: number) => `${Math.round(v * 100)}%`);
  const filled = cells.flat().filter((v) => v !== null).length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${escapeXml(o.id)}" data-points="${filled}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(o.title)}">`,
    `<text x="${m.left}" y="16" class="title">${escapeXml(o.title)}</text>`,
  ];
  if (filled === 0) {
    parts.push(
      `<text class="empty" x="${m.left + plotW / 2}" y="${m.top + plotH / 2}" text-anchor="middle">no data</text>`,
    );
  }
  o.rows.forEach((label, r) => {
    const y = m.top + r * cellH;
    parts.push(
      `<text class="tick" x="${m.left - 6}" y="${f(y + cellH / 2)}" text-anchor="end" dominant-baseline="middle">${escapeXml(label)}</text>`,
    );
    o.columns.forEach((col, c) => {
      const v = cells[r]?.[c] ?? null;
      if (v === null) return;
      parts.push(
        `<rect class="cell" x="${f(m.left + c * cellW)}" y="${f(y)}" width="${f(Math.max(1, cellW - 0.5))}" height="${f(cellH - 1)}" fill="${heat(v)}"><title>${escapeXml(`${label}, ${col}: ${format(v)}`)}</title></rect>`,
      );
    });
  });
  const every = Math.max(1, Math.ceil(o.columns.length / 12));
  o.columns.forEach((col, c) => {
    if (c % every !== 0) return;
    parts.push(
      `<text class="tick" x="${f(m.left + c * cellW + cellW / 2)}" y="${m.top + plotH + 14}" text-anchor="middle">${escapeXml(col)}</text>`,
    );
  });
  parts.push(
    `<text class="label" x="${m.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`,
  );
  parts.push(
    `<text class="label" transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
