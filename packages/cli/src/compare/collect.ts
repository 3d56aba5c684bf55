import { access, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LtError, type RunReport } from '@lt/core';

/** The final-stage result of one run, with the grid values it was run with. */
export interface CompareRun {
  readonly dir: string;
  readonly method: string;
  /** Grid values other than `method`, `seed` and stage plugins. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly top1: number;
  readonly many: number | null;
  readonly medium: number | null;
  readonly few: number | null;
  readonly perClass: readonly number[];
  readonly classCounts: readonly number[];
  /** Class names in class order, as the run's manifest records them. */
  readonly classNames: readonly string[];
}

/** What `lt sweep` records in `<sweep>/sweep.json` for `lt compare`. */
export interface SweepRecord {
  readonly config: string;
  readonly cells: ReadonlyArray<{ readonly name: string; readonly method: string; readonly values: Readonly<Record<string, unknown>> }>;
}

const exists = (path: string) => access(path).then(() => true, () => false);

async function readReport(dir: string): Promise<RunReport | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as RunReport;
  } catch {
    return undefined;
  }
}

function fromReport(dir: string, report: RunReport, method: string, values: Readonly<Record<string, unknown>>): CompareRun {
  const { final } = report.stages[report.stages.length - 1];
  // Method and seed are what groups and averages; a stage's plugins are the method's label already.
  const params = Object.fromEntries(Object.entries(values).filter(([key]) => key !== 'method' && key !== 'seed' && !/^stages\.\d+\.plugins$/.test(key)));
  return {
    dir,
    method,
    params,
    seed: report.manifest.seed,
    top1: final.top1,
    ...final.manyMediumFew,
    perClass: final.perClass,
    classCounts: report.manifest.classCounts,
    classNames: report.manifest.classNames ?? report.manifest.classCounts.map((_, k) => String(k)),
  };
}

/** A plain run's method: its last stage's plugins (`@lt/ce` + `@lt/samn` → `ce+samn`). */
const runMethod = (report: RunReport): string =>
  (report.manifest.stages[report.manifest.stages.length - 1].plugins as Array<{ name: string }> | undefined)?.map((p) => p.name.replace(/^@lt\//, '')).join('+') ?? basename(report.manifest.dataset.name);

/** Reads sweep directories (their finished cells) and run directories; `missing` counts cells without results. */
export async function collectRuns(dirs: readonly string[]): Promise<{ runs: CompareRun[]; missing: string[] }> {
  const runs: CompareRun[] = [];
  const missing: string[] = [];
  for (const dir of dirs) {
    if (await exists(join(dir, 'sweep.json'))) {
      const sweep = JSON.parse(await readFile(join(dir, 'sweep.json'), 'utf8')) as SweepRecord;
      for (const cell of sweep.cells) {
        const report = await readReport(join(dir, cell.name));
        if (report === undefined) missing.push(join(dir, cell.name));
        else runs.push(fromReport(join(dir, cell.name), report, cell.method, cell.values));
      }
    } else {
      const report = await readReport(dir);
      if (report === undefined) throw new LtError('COMPARE_INPUT', `${dir} is neither a sweep directory (sweep.json) nor a finished run directory (metrics.json)`);
      runs.push(fromReport(dir, report, runMethod(report), {}));
    }
  }
  return { runs, missing };
}
