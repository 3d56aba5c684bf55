/** One line of a chart. */
export interface ChartSeries {
  readonly name: string;
  readonly values: ReadonlyArray<number | null>;
  /** A shaded range around the line (e.g. mean ± std over seeds), per x position. */
  readonly band?: { readonly lower: ReadonlyArray<number | null>; readonly upper: ReadonlyArray<number | null> };
}

/** A line chart over categorical x positions. */
export interface LineChartSpec {
  readonly title: string;
  readonly xLabels: readonly string[];
  readonly xTitle: string;
  readonly yTitle: string;
  readonly series: readonly ChartSeries[];
  /** Fixed y range; default: from 0 to the largest value. */
  readonly yRange?: readonly [number, number];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const WIDTH = 720;
const HEIGHT = 300;
const MARGIN = { left: 56, right: 150, top: 32, bottom: 52 };
/** Approximate width of one character of a 10-px axis label. */
const LABEL_CHAR_PX = 5.5;

/** Escapes text for XML and HTML. */
export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceTicks(low: number, high: number, count = 5): number[] {
  const span = high - low || 1;
  const step0 = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= step0) ?? step0;
  const ticks: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + 1e-9 * span; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Renders a self-contained SVG line chart (no scripts, no external resources). */
export function lineChart(spec: LineChartSpec): string {
  const finite = (vs: ReadonlyArray<number | null>) => vs.filter((v): v is number => v !== null && Number.isFinite(v));
  const all = spec.series.flatMap((s) => [...finite(s.values), ...finite(s.band?.upper ?? [])]);
  const [yLow, yHigh] = spec.yRange ?? [0, Math.max(1e-9, ...all) * 1.05];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const n = spec.xLabels.length;
  const x = (i: number) => MARGIN.left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => MARGIN.top + plotH - ((v - yLow) / (yHigh - yLow || 1)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(spec.title)}">`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of niceTicks(yLow, yHigh)) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11">${t}</text>`,
    );
  }
  const every = Math.max(1, Math.ceil(n / 25));
  // Labels wider than their slot (class names with counts) alternate between two rows instead of overlapping.
  const slot = n > 1 ? (plotW * every) / (n - 1) : plotW;
  const stagger = Math.max(0, ...spec.xLabels.map((label) => label.length)) * LABEL_CHAR_PX > slot;
  spec.xLabels.forEach((label, i) => {
    const row = stagger && (i / every) % 2 === 1 ? 12 : 0;
    if (i % every === 0) parts.push(`<text x="${x(i)}" y="${MARGIN.top + plotH + 16 + row}" text-anchor="middle" font-size="10">${escapeXml(label)}</text>`);
  });
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle" font-size="12">${escapeXml(spec.xTitle)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(spec.yTitle)}</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
  );
  spec.series.forEach((series, k) => {
    const color = COLORS[k % COLORS.length];
    const points = series.values
      .map((v, i) => (v === null || !Number.isFinite(v) ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
      .filter((p): p is string => p !== null);
    if (series.band !== undefined) {
      const { lower, upper } = series.band;
      const at = (vs: ReadonlyArray<number | null>, i: number) => (vs[i] === null || !Number.isFinite(vs[i]) ? null : `${x(i).toFixed(1)},${y(vs[i]!).toFixed(1)}`);
      const top = upper.map((_, i) => at(upper, i));
      const bottom = lower.map((_, i) => at(lower, i)).reverse();
      const outline = [...top, ...bottom].filter((p): p is string => p !== null);
      parts.push(`<polygon class="band" fill="${color}" fill-opacity="0.15" stroke="none" points="${outline.join(' ')}"/>`);
    }
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const p of points) {
      const [px, py] = p.split(',');
      parts.push(`<circle cx="${px}" cy="${py}" r="2.5" fill="${color}"/>`);
    }
    const ly = MARGIN.top + 14 + 18 * k;
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 36}" y="${ly + 4}" font-size="11">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
