import type { RunReport } from '@lt/core';

/** The parts of a run report that must repeat exactly: losses, test metrics and head norms per epoch and stage. */
export interface Outcome {
  readonly stages: ReadonlyArray<{
    readonly name: string;
    readonly epochs: ReadonlyArray<{ readonly epoch: number; readonly lr: number; readonly trainLoss: number; readonly test: unknown }>;
    readonly finalTop1: number;
    readonly finalPerClass: readonly number[];
    readonly headNorms: readonly number[];
  }>;
}

/** Extracts what a check compares from a report (timings dropped). */
export function outcomeOf(report: RunReport): Outcome {
  return {
    stages: report.stages.map((s) => ({
      name: s.name,
      epochs: s.history.map((r) => ({ epoch: r.epoch, lr: r.lr, trainLoss: r.trainLoss, test: r.test ?? null })),
      finalTop1: s.final.top1,
      finalPerClass: s.final.perClass,
      headNorms: s.headNorms,
    })),
  };
}

/** The path and both values of the first place two JSON-like values differ, or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const label = Array.isArray(a) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], label);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return `${path || '(value)'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}
