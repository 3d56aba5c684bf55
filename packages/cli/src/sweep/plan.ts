import { createHash } from 'node:crypto';
import type { CliConfig } from '../schema.js';
import type { SweepCell } from './sweepFile.js';

/** One training job of a sweep: a cell's run, or a stage prefix several cells share (trained once, under `_shared/`). */
export interface SweepUnit {
  /** Stable id: the cell name, or `_shared/<hash>` for a prefix. */
  readonly id: string;
  /** Folder relative to the sweep directory. */
  readonly dir: string;
  readonly kind: 'cell' | 'prefix';
  /** The run's configuration (a prefix runs the first stages of its cells). */
  readonly config: CliConfig;
  /** The unit whose finished stage checkpoints this one starts from. */
  readonly parent?: string;
  /** How many parents lie above it: units of one depth run together (the phases of a queued sweep). */
  readonly depth: number;
}

/** Everything a prefix of stages depends on: two cells that agree on it train the same weights. */
function prefixKey(config: CliConfig, stages: number): string {
  const { dataset, model, seed, backend, evaluation } = config;
  const stable = JSON.stringify({ dataset, model, seed, backend, evaluation, stages: config.stages!.slice(0, stages) });
  return createHash('sha256').update(stable).digest('hex').slice(0, 12);
}

/**
 * Plans a sweep's units: each cell starts from the longest stage prefix it shares with another cell, and each shared
 * prefix from a shorter one shared by more cells. A prefix is not shared when the stage after it starts from the
 * best-on-test epoch, whose snapshot only a run that goes on to that stage keeps.
 */
export function planSweep(cells: readonly SweepCell[]): SweepUnit[] {
  const counts = new Map<string, number>();
  const shareable = (config: CliConfig, k: number) => config.stages![k]?.initFrom !== 'best-on-test';
  for (const cell of cells) {
    for (let k = 1; k < cell.config.stages!.length; k += 1) {
      if (shareable(cell.config, k)) counts.set(prefixKey(cell.config, k), (counts.get(prefixKey(cell.config, k)) ?? 0) + 1);
    }
  }
  const units = new Map<string, SweepUnit>();
  // The unit for the first `k` stages of `config` shared by `sharers` cells: its parent is the longest shorter prefix more cells share.
  const parentOf = (config: CliConfig, k: number, sharers: number): SweepUnit | undefined => {
    for (let j = k - 1; j >= 1; j -= 1) {
      const count = shareable(config, j) ? (counts.get(prefixKey(config, j)) ?? 0) : 0;
      if (count >= 2 && count > sharers) return prefixUnit(config, j, count);
    }
    return undefined;
  };
  const prefixUnit = (config: CliConfig, k: number, sharers: number): SweepUnit => {
    const id = `_shared/${prefixKey(config, k)}`;
    const known = units.get(id);
    if (known !== undefined) return known;
    const parent = parentOf(config, k, sharers);
    const unit: SweepUnit = {
      id,
      dir: id,
      kind: 'prefix',
      config: { ...config, stages: config.stages!.slice(0, k) },
      ...(parent !== undefined && { parent: parent.id }),
      depth: parent === undefined ? 0 : parent.depth + 1,
    };
    units.set(id, unit);
    return unit;
  };
  const cellUnits = cells.map((cell): SweepUnit => {
    const parent = parentOf(cell.config, cell.config.stages!.length, 1);
    return {
      id: cell.name,
      dir: cell.name,
      kind: 'cell',
      config: cell.config,
      ...(parent !== undefined && { parent: parent.id }),
      depth: parent === undefined ? 0 : parent.depth + 1,
    };
  });
  return [...units.values(), ...cellUnits];
}
