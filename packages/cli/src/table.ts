import type { EvalMetrics, StageReport } from '@lt/core';

const pct = (v: number | null): string => (v === null ? '–' : (100 * v).toFixed(2));

/** Names of a group's classes, at most `shown`, then how many more. */
function groupNames(classes: readonly number[], classNames: readonly string[], shown = 8): string {
  if (classes.length === 0) return '–';
  const names = classes.slice(0, shown).map((c) => classNames[c] ?? String(c));
  return classes.length > shown ? `${names.join(', ')} … and ${classes.length - shown} more` : names.join(', ');
}

/** The Many/Medium/Few table of one evaluation under a title line: overall and per-group top-1, the classes of each group by name. */
export function metricsTable(title: string, metrics: Pick<EvalMetrics, 'top1' | 'top5' | 'perClass' | 'manyMediumFew'>, classNames: readonly string[] = []): string {
  const mmf = metrics.manyMediumFew;
  const rows = [
    ['', 'Overall', 'Many', 'Medium', 'Few'],
    ['top-1 %', pct(metrics.top1), pct(mmf.many), pct(mmf.medium), pct(mmf.few)],
    ['classes', String(metrics.perClass.length), String(mmf.groups.many.length), String(mmf.groups.medium.length), String(mmf.groups.few.length)],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => '  ' + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  const rule =
    mmf.rule === 'paper' ? 'Many n>100 · Medium 20≤n≤100 · Few n<20' : 'Many n>100 · Medium 20<n≤100 · Few n≤20 (reference code)';
  return [
    `${title} · top-5 ${pct(metrics.top5)}% · ${rule}`,
    ...lines,
    ...(['many', 'medium', 'few'] as const).map((group) => `  ${group.padEnd(6)} ${groupNames(mmf.groups[group], classNames)}`),
  ].join('\n');
}

/** The Many/Medium/Few table of a stage: final epoch as the headline, the test-selected best epoch labelled as such; the classes of each group by name. */
export function manyMediumFewTable(report: StageReport, classNames: readonly string[] = []): string {
  const { final, best, history } = report;
  return [
    metricsTable(`Stage '${report.name}' — final epoch ${history.length}`, final, classNames),
    `  best epoch ${best.epoch + 1}: top-1 ${pct(best.top1)}% (selected on the test set, as the reference code does; not a headline)`,
  ].join('\n');
}
