import { LtError } from '@lt/core';
import type { SweepUnit } from './plan.js';
import { startUnitChild, type UnitChild } from './childRunner.js';
import { unitJob } from './pending.js';
import type { SweepProgress } from './progress.js';

/** Options of a local sweep. */
export interface LocalOptions {
  readonly parallel: number;
  /** wasm threads per child (LT_WASM_THREADS). */
  readonly threads: number;
  /** Aborting kills the children; their units resume on the next run. */
  readonly signal?: AbortSignal;
}

/**
 * Trains the pending units in child processes, `parallel` at a time, each once its parent prefix has finished.
 * Returns the units that failed (with the reason), including the ones whose prefix failed.
 */
export async function runLocal(
  sweepDir: string,
  pending: readonly SweepUnit[],
  byId: ReadonlyMap<string, SweepUnit>,
  progress: SweepProgress,
  options: LocalOptions,
): Promise<Map<string, string>> {
  const waiting = [...pending];
  const unfinished = new Set(pending.map((u) => u.id));
  const failed = new Map<string, string>();
  const running = new Map<string, UnitChild>();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      for (const child of running.values()) child.kill();
      reject(new LtError('INTERRUPTED', 'sweep interrupted: finished cells are kept and interrupted ones resume from their checkpoints when you run it again'));
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const pump = () => {
      if (options.signal?.aborted) return;
      for (let i = 0; i < waiting.length; ) {
        const unit = waiting[i];
        const parentFailed = unit.parent !== undefined && failed.has(unit.parent);
        if (parentFailed) {
          failed.set(unit.id, `its shared prefix ${unit.parent} failed`);
          unfinished.delete(unit.id);
          waiting.splice(i, 1);
        } else if (running.size < options.parallel && (unit.parent === undefined || !unfinished.has(unit.parent))) {
          waiting.splice(i, 1);
          start(unit);
        } else i += 1;
      }
      if (running.size === 0 && waiting.length === 0) {
        options.signal?.removeEventListener('abort', onAbort);
        resolve(failed);
      }
    };
    const start = (unit: SweepUnit) => {
      const child = startUnitChild(unitJob(sweepDir, unit, byId), options.threads, (message) => progress.handle(unit, message));
      running.set(unit.id, child);
      child.done.then(
        () => progress.finish(unit, 'finished'),
        (error: Error) => {
          failed.set(unit.id, error.message);
          progress.finish(unit, `FAILED: ${error.message.split('\n')[0]}`);
        },
      ).finally(() => {
        running.delete(unit.id);
        unfinished.delete(unit.id);
        pump();
      });
    };
    pump();
  });
}
