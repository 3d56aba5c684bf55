import type { CompareRun } from './collect.js';

/** Mean and sample standard deviation (n − 1; 0 for one value) of the values that exist. */
export interface MeanStd {
  readonly mean: number | null;
  readonly std: number | null;
  readonly n: number;
}

/** Mean ± std of numbers, ignoring nulls (an empty Many/Medium/Few group). */
export function meanStd(values: ReadonlyArray<number | null>): MeanStd {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length === 1 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, std, n: xs.length };
}

/** The runs of one method at one setting of the other grid values, summarised over seeds. */
export interface CompareGroup {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly seeds: number[];
  readonly overall: MeanStd;
  readonly many: MeanStd;
  readonly medium: MeanStd;
  readonly few: MeanStd;
  /** Mean per-class accuracy over the seeds. */
  readonly perClass: number[];
}

/** Groups runs by method and non-seed grid values (in first-seen order) and averages over seeds. */
export function groupRuns(runs: readonly CompareRun[]): CompareGroup[] {
  const groups = new Map<string, CompareRun[]>();
  for (const run of runs) {
    const key = JSON.stringify([run.method, run.params]);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((members) => ({
    method: members[0].method,
    params: members[0].params,
    seeds: members.map((m) => m.seed),
    overall: meanStd(members.map((m) => m.top1)),
    many: meanStd(members.map((m) => m.many)),
    medium: meanStd(members.map((m) => m.medium)),
    few: meanStd(members.map((m) => m.few)),
    perClass: members[0].perClass.map((_, c) => meanStd(members.map((m) => m.perClass[c])).mean ?? 0),
  }));
}

/** Grid values every run shares (the study's fixed settings, said once), and the runs with only the values that vary. */
export function splitConstantParams(runs: readonly CompareRun[]): { constant: Record<string, unknown>; runs: CompareRun[] } {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))];
  const constant: Record<string, unknown> = {};
  for (const key of keys) {
    const values = new Set(runs.map((r) => (key in r.params ? JSON.stringify(r.params[key]) : undefined)));
    if (values.size === 1 && !values.has(undefined)) constant[key] = runs[0].params[key];
  }
  const varying = (params: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(params).filter(([k]) => !(k in constant)));
  return { constant, runs: runs.map((r) => ({ ...r, params: varying(r.params) })) };
}

/** How a group's other grid values read in a table or legend: `stages.1.lr=0.01, stages.1.epochs=4`. */
export const paramsText = (params: Readonly<Record<string, unknown>>): string =>
  Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');

/** `mean ± std` in percent. */
export const pctText = (m: MeanStd): string => (m.mean === null ? '–' : `${(100 * m.mean).toFixed(2)} ± ${(100 * m.std!).toFixed(2)}`);
