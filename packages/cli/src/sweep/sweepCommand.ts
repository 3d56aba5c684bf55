import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { parseCommandArgs, numberFlag } from '../commandArgs.js';
import { LtError, writeFileAtomic } from '@lt/core';
import { loadSweepFile, sweepCells } from './sweepFile.js';
import { planSweep } from './plan.js';
import { pendingUnits } from './pending.js';
import { SweepProgress } from './progress.js';
import { runLocal } from './local.js';
import { runQueued } from './queue.js';
import { compare } from '../compare/compare.js';
import type { SweepRecord } from '../compare/collect.js';

/** Help text of `lt sweep`. */
export const sweepHelp = `Usage: lt sweep --config sweep.yaml [--queue redis://HOST:PORT] [--out DIR] [--parallel N]

Runs every cell of a grid of lt train configurations, each an ordinary run directory under DIR named by its grid
values; cells that share their first stages train them once (DIR/_shared/<hash>). A re-run skips finished cells
and resumes interrupted ones. Ends with the lt compare table.

Options:
  -c, --config FILE   sweep file: { base: <lt train config>, grid: { <config path>: [values…] } }; a stage is
                      stages.1.lr by index or stages.classifier.lr by name (every stage of that name; a
                      method without one, such as the one-stage ldam-drw, is left as it is)
      --queue URL     put the cells on a BullMQ queue on Redis for lt worker processes (shared storage at DIR)
  -o, --out DIR       sweep directory (default: the file's out, else sweeps/<file name>)
      --parallel N    local cells at once, the cores split between them (default: cores / 4, at least 1)
  -h, --help          this text
`;

/** Runs `lt sweep`; returns the exit code (1 when a cell failed). */
export async function sweep(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const { values } = parseCommandArgs('sweep', {
    args: argv,
    strict: true,
    options: { config: { type: 'string', short: 'c' }, queue: { type: 'string' }, out: { type: 'string', short: 'o' }, parallel: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out.write(sweepHelp);
    return 0;
  }
  if (values.config === undefined) throw new LtError('CLI_ARGS', 'lt sweep needs --config sweep.yaml');
  const cores = availableParallelism();
  const parallel = numberFlag('parallel', values.parallel, { integer: true, min: 1 }) ?? Math.max(1, Math.floor(cores / 4));
  const file = await loadSweepFile(values.config);
  const cells = sweepCells(file, values.config);
  const units = planSweep(cells);
  const dir = values.out ?? file.out ?? join('sweeps', basename(values.config, extname(values.config)));
  const record: SweepRecord & { units: typeof units } = { config: values.config, cells: cells.map(({ name, method, values: v }) => ({ name, method, values: v })), units };
  await writeFileAtomic(join(dir, 'sweep.json'), `${JSON.stringify(record, null, 2)}\n`);
  const { pending, finished } = await pendingUnits(dir, units);
  const byId = new Map(units.map((u) => [u.id, u]));
  const lanes = values.queue === undefined ? parallel : 1;
  const progress = new SweepProgress([...finished, ...pending], byId, lanes, (line) => err.write(`${line}\n`));
  const shared = units.filter((u) => u.kind === 'prefix').length;
  err.write(`sweep ${dir}: ${cells.length} cells, ${shared} shared prefix${shared === 1 ? '' : 'es'}; ${pending.length} unit(s) to train` +
    (values.queue === undefined ? `, ${parallel} at a time` : ` on ${values.queue}`) + '\n');
  for (const unit of finished) progress.finish(unit, 'already finished');
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const failed =
      values.queue === undefined
        ? await runLocal(dir, pending, byId, progress, { parallel, threads: Math.max(1, Math.floor(cores / parallel)), signal: abort.signal })
        : await runQueued(values.queue, dir, pending, byId, progress, abort.signal);
    if (failed.size > 0) {
      for (const [id, reason] of failed) err.write(`failed: ${id}: ${reason}\n`);
      return 1;
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  return compare([dir], out);
}
