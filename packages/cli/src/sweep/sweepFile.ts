import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LtError } from '@lt/core';
import { loadConfigFile, validateConfig } from '../loadConfig.js';
import { resolveStages } from '../resolve.js';
import { defaultModel } from '../defaults.js';
import type { CliConfig, CliStage } from '../schema.js';

const gridPath = z.string().regex(/^[A-Za-z_][\w-]*(\.[\w-]+)*$/, 'a grid key is a dotted config path such as stages.1.lr');

/** The sweep file (DESIGN §11): a base `lt train` config and a grid of config paths → values. */
export const sweepFileSchema = z.strictObject({
  base: z.record(z.string(), z.unknown()).default({}),
  grid: z.record(gridPath, z.array(z.unknown()).min(1, 'give at least one value')),
  out: z.string().optional(),
});

/** A validated sweep file. */
export type SweepFile = z.output<typeof sweepFileSchema>;

/** One grid point: its values, its directory name and its fully resolved `lt train` configuration. */
export interface SweepCell {
  readonly name: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** The recipe name for comparisons: the grid's or the base's `method`, else the last stage's plugins (`ce+samn`). */
  readonly method: string;
  readonly config: CliConfig;
}

/** Reads and validates a sweep file; errors name the file and the path. */
export async function loadSweepFile(path: string): Promise<SweepFile> {
  const parsed = sweepFileSchema.safeParse((await loadConfigFile(path)) ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw new LtError('CONFIG_INVALID', `${path}: ${problems}`);
  }
  return parsed.data;
}

/** Every combination of the grid's values, in the grid's key order (the last key varies fastest). */
export function gridPoints(grid: SweepFile['grid']): Record<string, unknown>[] {
  return Object.entries(grid).reduce<Record<string, unknown>[]>(
    (points, [key, values]) => points.flatMap((point) => values.map((value) => ({ ...point, [key]: value }))),
    [{}],
  );
}

const shortHash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 8);

/** A filesystem-safe, stable directory name for a grid point: `key=value` joined by `__`; non-scalar values get a hash. */
export function cellName(values: Readonly<Record<string, unknown>>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
      const text = (scalar ? String(value) : JSON.stringify(value)).replace(/[^\w.+=-]+/g, '-').slice(0, 40);
      const exact = scalar && text === String(value);
      return `${key}=${text}${exact ? '' : `-${shortHash(value)}`}`;
    })
    .join('__');
}

/** Sets `path` (dot-separated; numeric segments index arrays) in a copy of `target`. */
export function setPath(target: unknown, path: readonly string[], value: unknown, where: string): unknown {
  if (path.length === 0) return structuredClone(value);
  const [head, ...rest] = path;
  if (Array.isArray(target)) {
    const index = Number(head);
    if (!Number.isInteger(index) || index < 0 || index >= target.length) {
      throw new LtError('CONFIG_INVALID', `${where}: no element ${head} (the list has ${target.length})`);
    }
    return target.map((item, i) => (i === index ? setPath(item, rest, value, where) : item));
  }
  const object = target !== null && typeof target === 'object' ? (target as Record<string, unknown>) : {};
  return { ...object, [head]: setPath(object[head], rest, value, where) };
}

/**
 * The `lt train` configuration of a grid point: defaults ← base ← grid values. Paths under `stages` apply to the
 * resolved stages (the `method`'s recipe when the config names one), after every other path has been applied.
 */
export function cellConfig(file: SweepFile, values: Readonly<Record<string, unknown>>, source: string): CliConfig {
  const entries = Object.entries(values);
  const isStagePath = (key: string) => key.split('.')[0] === 'stages';
  let raw: unknown = file.base;
  for (const [key, value] of entries.filter(([key]) => !isStagePath(key))) raw = setPath(raw, key.split('.'), value, `${source} grid.${key}`);
  const config = validateConfig(raw, source);
  let stages: unknown = resolveStages(config, source);
  for (const [key, value] of entries.filter(([key]) => isStagePath(key))) {
    const [, stage, ...field] = key.split('.');
    // A stage name (stages.classifier.epochs) sets every stage of that name and skips methods that have none, so
    // one grid can shorten stage 2 of two-stage methods next to a one-stage method.
    const indices = /^\d+$/.test(stage) ? [stage] : (stages as CliStage[]).flatMap((s, i) => (s.name === stage ? [String(i)] : []));
    for (const index of indices) stages = setPath(stages, [index, ...field], value, `${source} grid.${key}`);
  }
  const { method: _method, out: _out, ...rest } = config;
  return validateConfig({ ...rest, model: config.model ?? defaultModel(config.dataset.name), stages }, source);
}

/** A method label for explicit stages: the last stage's plugins, `ce+samn`. */
const pluginsLabel = (config: CliConfig): string =>
  config.stages![config.stages!.length - 1].plugins.map((p) => (typeof p === 'string' ? p : p.name)).join('+');

/** Expands a sweep file into its cells (each validated; errors name the file, the cell and the path). */
export function sweepCells(file: SweepFile, path: string): SweepCell[] {
  const cells = gridPoints(file.grid).map((values) => {
    const name = cellName(values);
    const config = cellConfig(file, values, `${path} (cell ${name})`);
    const method = values.method ?? file.base.method ?? (file.base.stages === undefined ? 'ce+samn' : pluginsLabel(config));
    return { name, values, method: typeof method === 'string' ? method : JSON.stringify(method), config };
  });
  const seen = new Set<string>();
  for (const cell of cells) {
    if (seen.has(cell.name)) throw new LtError('CONFIG_INVALID', `${path}: the grid gives cell ${cell.name} twice (repeated values)`);
    seen.add(cell.name);
  }
  return cells;
}
