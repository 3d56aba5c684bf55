/**
 * Where the Many/Medium/Few boundaries sit (ALGORITHMS.md A4):
 * `paper` n > 100 | 20 ≤ n ≤ 100 | n < 20; `reference-code` n > 100 | 20 < n ≤ 100 | n ≤ 20.
 */
export type ManyMediumFewRule = 'paper' | 'reference-code';

/** How an empty group is reported: `null` (default; nothing to average) or `0` as the reference code prints it. */
export type EmptyGroupValue = 'null' | 'zero';

/** Mean per-class accuracy of each frequency group, and the classes in it. */
export interface ManyMediumFew {
  readonly many: number | null;
  readonly medium: number | null;
  readonly few: number | null;
  readonly groups: { readonly many: number[]; readonly medium: number[]; readonly few: number[] };
  readonly rule: ManyMediumFewRule;
}

/** The group ('many' | 'medium' | 'few') of a class with `count` training images under `rule`. */
export function frequencyGroup(count: number, rule: ManyMediumFewRule): 'many' | 'medium' | 'few' {
  if (count > 100) return 'many';
  if (rule === 'paper') return count >= 20 ? 'medium' : 'few';
  return count > 20 ? 'medium' : 'few';
}

/** Unweighted mean of per-class accuracies within Many/Medium/Few groups of the training counts. */
export function manyMediumFew(
  accuracy: readonly number[],
  classCounts: readonly number[],
  rule: ManyMediumFewRule = 'paper',
  emptyGroup: EmptyGroupValue = 'null',
): ManyMediumFew {
  if (accuracy.length !== classCounts.length) {
    throw new RangeError(`accuracy has ${accuracy.length} classes but classCounts has ${classCounts.length}`);
  }
  const groups = { many: [] as number[], medium: [] as number[], few: [] as number[] };
  classCounts.forEach((count, c) => groups[frequencyGroup(count, rule)].push(c));
  const mean = (classes: number[]): number | null => {
    if (classes.length === 0) return emptyGroup === 'zero' ? 0 : null;
    return classes.reduce((sum, c) => sum + (Number.isNaN(accuracy[c]) ? 0 : accuracy[c]), 0) / classes.length;
  };
  return { many: mean(groups.many), medium: mean(groups.medium), few: mean(groups.few), groups, rule };
}
