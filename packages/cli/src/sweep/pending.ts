import { resolve } from 'node:path';
import type { SweepUnit } from './plan.js';
import { unitFinished, type UnitJob } from './runUnit.js';

/** The job of a unit, with absolute folders under `sweepDir`. */
export function unitJob(sweepDir: string, unit: SweepUnit, byId: ReadonlyMap<string, SweepUnit>): UnitJob {
  const parent = unit.parent === undefined ? undefined : byId.get(unit.parent)!;
  return {
    dir: resolve(sweepDir, unit.dir),
    config: unit.config,
    ...(parent !== undefined && { parent: { dir: resolve(sweepDir, parent.dir), stages: parent.config.stages!.map((s) => s.name) } }),
  };
}

/** Splits units into the ones still to train and the finished ones; a prefix is needed only by an unfinished cell. */
export async function pendingUnits(sweepDir: string, units: readonly SweepUnit[]): Promise<{ pending: SweepUnit[]; finished: SweepUnit[] }> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const done = new Set<string>();
  for (const unit of units) if (await unitFinished(resolve(sweepDir, unit.dir), unit.config.stages!.length)) done.add(unit.id);
  const needed = new Set<string>();
  for (const cell of units.filter((u) => u.kind === 'cell')) {
    for (let u: SweepUnit | undefined = cell; u !== undefined && !done.has(u.id); u = u.parent === undefined ? undefined : byId.get(u.parent)) {
      needed.add(u.id);
    }
  }
  return { pending: units.filter((u) => needed.has(u.id)), finished: units.filter((u) => done.has(u.id)) };
}
