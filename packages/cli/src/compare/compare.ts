import { join } from 'node:path';
import { parseCommandArgs } from '../commandArgs.js';
import { LtError, writeFileAtomic } from '@lt/core';
import { collectRuns } from './collect.js';
import { groupRuns, paramsText, pctText, splitConstantParams } from './stats.js';
import { methodSpreads, sweptParams } from './summary.js';
import { compareHtml } from './compareHtml.js';

/** Help text of `lt compare`. */
export const compareHelp = `Usage: lt compare DIR… [--out DIR]

Per method (and grid setting): mean ± std over seeds of overall / Many / Medium / Few top-1 at the final epoch,
each method's best and worst setting, and compare.json + compare.html (sensitivity curves, per-class accuracy).
DIR is a sweep directory (lt sweep) or a run directory (lt train).

Options:
  -o, --out DIR   where compare.json and compare.html go (default: the first DIR)
  -h, --help      this text
`;

/** Left-aligned first columns, right-aligned numbers. */
function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Runs `lt compare`; returns the exit code. */
export async function compare(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const parsed = parseCommandArgs('compare', { args: argv, strict: true, allowPositionals: true, options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } });
  if (parsed.values.help) {
    out.write(compareHelp);
    return 0;
  }
  const dirs = parsed.positionals;
  if (dirs.length === 0) throw new LtError('CLI_ARGS', 'lt compare needs at least one sweep or run directory');
  const { runs, missing } = await collectRuns(dirs);
  if (runs.length === 0) throw new LtError('COMPARE_INPUT', `no finished run in ${dirs.join(', ')}: run the sweep first`);
  const { constant, runs: varying } = splitConstantParams(runs);
  const groups = groupRuns(varying);
  const spreads = methodSpreads(groups);
  const swept = sweptParams(groups).length > 0;
  if (Object.keys(constant).length > 0) out.write(`every cell: ${paramsText(constant)}\n`);
  out.write(
    `${textTable(
      ['method', 'setting', 'seeds', 'overall', 'many', 'medium', 'few'],
      groups.map((g) => [g.method, paramsText(g.params) || '–', String(g.seeds.length), pctText(g.overall), pctText(g.many), pctText(g.medium), pctText(g.few)]),
    )}\n\n${
      swept
        ? textTable(
            ['method', 'best', 'worst', 'spread'],
            spreads.map((s) => [s.method, `${(100 * s.best.mean).toFixed(2)} (${paramsText(s.best.params) || '–'})`, `${(100 * s.worst.mean).toFixed(2)} (${paramsText(s.worst.params) || '–'})`, (100 * s.spread).toFixed(2)]),
          )
        : 'no grid key besides method and seed varies: no best / worst setting per method'
    }\n`,
  );
  if (missing.length > 0) out.write(`${missing.length} cell(s) not finished yet, left out (all listed in compare.json): ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}\n`);
  const target = parsed.values.out ?? dirs[0];
  await writeFileAtomic(join(target, 'compare.json'), `${JSON.stringify({ constant, groups, spreads, missing }, null, 2)}\n`);
  await writeFileAtomic(join(target, 'compare.html'), compareHtml(groups, spreads, runs[0], constant));
  out.write(`wrote ${join(target, 'compare.json')} and compare.html\n`);
  return 0;
}
