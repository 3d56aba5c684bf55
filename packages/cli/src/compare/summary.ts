import type { CompareGroup } from './stats.js';

/** A method's best and worst setting by mean overall top-1, and the spread between them. */
export interface MethodSpread {
  readonly method: string;
  readonly best: { readonly params: Readonly<Record<string, unknown>>; readonly mean: number };
  readonly worst: { readonly params: Readonly<Record<string, unknown>>; readonly mean: number };
  readonly spread: number;
  readonly settings: number;
}

/** Per method: best and worst grid setting (mean over seeds) and their difference — the sensitivity in one number. */
export function methodSpreads(groups: readonly CompareGroup[]): MethodSpread[] {
  const methods = [...new Set(groups.map((g) => g.method))];
  return methods.map((method) => {
    const ranked = groups
      .filter((g) => g.method === method && g.overall.mean !== null)
      .sort((a, b) => b.overall.mean! - a.overall.mean!);
    const best = ranked[0];
    const worst = ranked[ranked.length - 1];
    return {
      method,
      best: { params: best.params, mean: best.overall.mean! },
      worst: { params: worst.params, mean: worst.overall.mean! },
      spread: best.overall.mean! - worst.overall.mean!,
      settings: ranked.length,
    };
  });
}

/** Every grid key varied across the groups (besides method and seed), in first-seen order. */
export function sweptParams(groups: readonly CompareGroup[]): string[] {
  const keys = [...new Set(groups.flatMap((g) => Object.keys(g.params)))];
  return keys.filter((k) => new Set(groups.map((g) => JSON.stringify(g.params[k]))).size > 1);
}
