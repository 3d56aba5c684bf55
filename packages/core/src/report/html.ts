import type { RunReport, StageReport } from '../engine/records.js';
import { lineChart, escapeXml } from './svgChart.js';
import { classAxis, MAX_CLASS_POINTS } from './classAxis.js';

/** The classes ordered by training count, most frequent first (ties by class index). */
function byCount(classCounts: readonly number[]): number[] {
  return classCounts.map((_, c) => c).sort((a, b) => classCounts[b] - classCounts[a] || a - b);
}

const pct = (v: number | null): string => (v === null ? '–' : `${(100 * v).toFixed(2)}`);

function stageRow(stage: StageReport): string {
  const m = stage.final.manyMediumFew;
  return `<tr><td>${stage.name}</td><td>${pct(stage.final.top1)}</td><td>${pct(m.many)}</td><td>${pct(m.medium)}</td><td>${pct(m.few)}</td><td>${pct(stage.best.top1)} (epoch ${stage.best.epoch + 1})</td></tr>`;
}

/** Per-class rows (name, training images, final accuracy per stage) when they fit on a page; else the tail's names. */
function classTable(order: readonly number[], manifest: Pick<RunReport, 'manifest'>['manifest'], stages: readonly StageReport[]): string {
  const names = manifest.classNames ?? [];
  const name = (c: number) => escapeXml(names[c] ?? String(c));
  if (order.length > MAX_CLASS_POINTS) {
    const tail = order.slice(-20).map(name).join(', ');
    return `<p>${order.length} classes (charts show group means). The 20 rarest in training: ${tail}. Per-class rows are in metrics.json.</p>`;
  }
  const head = `<tr><th>class</th><th>train images</th>${stages.map((s) => `<th>${escapeXml(s.name)} %</th>`).join('')}</tr>`;
  const rows = order.map((c) => `<tr><td>${name(c)}</td><td>${manifest.classCounts[c]}</td>${stages.map((s) => `<td>${pct(s.final.perClass[c])}</td>`).join('')}</tr>`);
  return `<h2>Per-class test accuracy</h2>\n<table>${head}\n${rows.join('\n')}</table>`;
}

/** The run's report page: Many/Medium/Few per stage, accuracy by class frequency, classifier norms per stage. */
export function reportHtml(report: Pick<RunReport, 'manifest' | 'stages'>): string {
  const { manifest, stages } = report;
  const order = byCount(manifest.classCounts);
  const axis = classAxis(order, manifest.classNames ?? []);
  const xLabels = axis.labels;
  const accuracy = lineChart({
    title: 'Per-class test accuracy, classes sorted by training count',
    xLabels,
    xTitle: axis.title,
    yTitle: 'accuracy',
    yRange: [0, 1],
    series: stages.map((s) => ({ name: s.name, values: axis.points(s.final.perClass) })),
  });
  const norms = lineChart({
    title: 'Per-class classifier weight norm after each stage',
    xLabels,
    xTitle: axis.title,
    yTitle: '‖w_k‖',
    series: stages.map((s) => ({ name: `after ${s.name}`, values: axis.points(s.headNorms) })),
  });
  const counts = lineChart({
    title: 'Training images per class',
    xLabels,
    xTitle: axis.title,
    yTitle: 'images',
    series: [{ name: 'train count', values: axis.points(manifest.classCounts) }],
  });
  return htmlPage(`lt run report — ${manifest.dataset.name}`, `<h1>lt run report</h1>
<p>${manifest.dataset.name} · ${manifest.model.name} · seed ${manifest.seed} · backend ${manifest.backend.name} · lt ${manifest.lt.version} · ${manifest.createdAt}</p>
<h2>Top-1 accuracy (%) at the final epoch</h2>
<table><tr><th>stage</th><th>overall</th><th>many</th><th>medium</th><th>few</th><th>best epoch (selected on test)</th></tr>
${stages.map(stageRow).join('\n')}
</table>
<p>Groups: ${manifest.evaluation.manyMediumFew === 'paper' ? 'Many n&gt;100 · Medium 20≤n≤100 · Few n&lt;20' : 'Many n&gt;100 · Medium 20&lt;n≤100 · Few n≤20 (reference code)'}. The best epoch is selected on the test set, as the reference code does, and is not a headline number.</p>
${accuracy}
${norms}
${counts}
${classTable(order, manifest, stages)}`);
}

/** A self-contained report page (no scripts, no network): the shell of report.html and compare.html. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:780px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child{text-align:left}</style>
</head><body>
${body}
</body></html>
`;
}
