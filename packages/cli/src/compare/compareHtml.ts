import { htmlPage, lineChart } from '@lt/core';
import type { CompareGroup } from './stats.js';
import { paramsText, pctText } from './stats.js';
import { sweptParams, type MethodSpread } from './summary.js';

/** The classes of the compared runs: training counts and names, in class order. */
export interface ClassInfo {
  readonly classCounts: readonly number[];
  readonly classNames: readonly string[];
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const valueText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Sorts grid values numerically when they are numbers, else by their text. */
function ordered(values: unknown[]): unknown[] {
  const unique = [...new Map(values.map((v) => [JSON.stringify(v), v])).values()];
  return unique.every((v) => typeof v === 'number') ? (unique as number[]).sort((a, b) => a - b) : unique.sort((a, b) => valueText(a).localeCompare(valueText(b)));
}

/**
 * The y-axis of the sensitivity curves, fitted to their values and ±std bands with a margin of a tenth of their range
 * (at least one point), in whole points: on a fixed 0–1 axis a 2-point spread would be a flat line.
 */
export function fittedRange(values: readonly (number | null)[]): [number, number] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return [0, 1];
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const margin = Math.max(0.01, (high - low) / 10);
  // The 1e-9 keeps float noise (0.86 · 100 = 86.00000000000001) from adding a point.
  return [Math.max(0, Math.floor((low - margin) * 100 + 1e-9) / 100), Math.min(1, Math.ceil((high + margin) * 100 - 1e-9) / 100)];
}

/** One chart per swept key and setting of the other keys: overall top-1 against the key, a line and ±std band per method. */
function sensitivityCharts(groups: readonly CompareGroup[]): string[] {
  const params = sweptParams(groups);
  const methods = [...new Set(groups.map((g) => g.method))];
  return params.flatMap((param) => {
    const xs = ordered(groups.map((g) => g.params[param]));
    const others = (g: CompareGroup) => {
      const { [param]: _, ...rest } = g.params;
      return rest;
    };
    const settings = [...new Map(groups.map((g) => [JSON.stringify(others(g)), others(g)])).values()];
    return settings.map((setting) => {
      const at = (method: string, x: unknown) =>
        groups.find((g) => g.method === method && JSON.stringify(g.params[param]) === JSON.stringify(x) && JSON.stringify(others(g)) === JSON.stringify(setting));
      const pick = (method: string, f: (g: CompareGroup) => number | null) => xs.map((x) => { const g = at(method, x); return g === undefined ? null : f(g); });
      const series = methods.map((method) => ({
        name: method,
        values: pick(method, (g) => g.overall.mean),
        band: { lower: pick(method, (g) => g.overall.mean! - g.overall.std!), upper: pick(method, (g) => g.overall.mean! + g.overall.std!) },
      }));
      const yRange = fittedRange(series.flatMap((s) => [...s.band.lower, ...s.band.upper]));
      return lineChart({
        title: `Top-1 vs ${param}${Object.keys(setting).length > 0 ? ` (${paramsText(setting)})` : ''}`,
        xLabels: xs.map(valueText),
        xTitle: param,
        yTitle: `overall top-1, mean ± std over seeds (axis fitted: ${Math.round(100 * yRange[0])}–${Math.round(100 * yRange[1])} %)`,
        yRange,
        series,
      });
    });
  });
}

/** Per-class accuracy of each method at its best setting, classes sorted by training count. */
function perClassChart(groups: readonly CompareGroup[], spreads: readonly MethodSpread[], classes: ClassInfo): string {
  const { classCounts, classNames } = classes;
  const order = classCounts.map((_, c) => c).sort((a, b) => classCounts[b] - classCounts[a] || a - b);
  return lineChart({
    title: 'Per-class test accuracy of each method at its best setting (mean over seeds)',
    xLabels: order.map((c) => `${classNames[c] ?? c} (${classCounts[c]})`),
    xTitle: 'class (training images), most frequent on the left',
    yTitle: 'accuracy',
    yRange: [0, 1],
    series: spreads.map((s) => {
      const group = groups.find((g) => g.method === s.method && JSON.stringify(g.params) === JSON.stringify(s.best.params))!;
      return { name: s.method, values: order.map((c) => group.perClass[c]) };
    }),
  });
}

/** The comparison page: the mean ± std table, each method's spread, sensitivity curves and per-class accuracy. */
export function compareHtml(groups: readonly CompareGroup[], spreads: readonly MethodSpread[], classes: ClassInfo, constant: Readonly<Record<string, unknown>> = {}): string {
  const rows = groups.map(
    (g) => `<tr><td>${escape(g.method)}</td><td>${escape(paramsText(g.params))}</td><td>${g.seeds.length}</td><td>${pctText(g.overall)}</td><td>${pctText(g.many)}</td><td>${pctText(g.medium)}</td><td>${pctText(g.few)}</td></tr>`,
  );
  const spreadRows = spreads.map(
    (s) => `<tr><td>${escape(s.method)}</td><td>${(100 * s.best.mean).toFixed(2)} (${escape(paramsText(s.best.params) || '–')})</td><td>${(100 * s.worst.mean).toFixed(2)} (${escape(paramsText(s.worst.params) || '–')})</td><td>${(100 * s.spread).toFixed(2)}</td></tr>`,
  );
  const curves = sensitivityCharts(groups);
  const fixed = Object.keys(constant).length > 0 ? `<p>Every cell: ${escape(paramsText(constant))}</p>\n` : '';
  const spreadTable =
    curves.length > 0
      ? `<h2>Sensitivity: best and worst setting per method</h2>
<table><tr><th>method</th><th>best</th><th>worst</th><th>spread (points)</th></tr>
${spreadRows.join('\n')}
</table>
<h2>Sensitivity curves</h2>
${curves.join('\n')}`
      : '<p>No hyper-parameter besides method and seed was swept: no sensitivity table or curves.</p>';
  return htmlPage('lt compare', `<h1>lt compare</h1>
${fixed}<h2>Top-1 accuracy (%) at the final epoch, mean ± std over seeds</h2>
<table><tr><th>method</th><th>setting</th><th>seeds</th><th>overall</th><th>many</th><th>medium</th><th>few</th></tr>
${rows.join('\n')}
</table>
${spreadTable}
<h2>Per-class accuracy</h2>
${perClassChart(groups, spreads, classes)}`);
}
