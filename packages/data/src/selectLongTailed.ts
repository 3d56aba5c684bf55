import { LtError, type Rng } from '@lt/core';

/** `first`: the first n_k images of each class in file order (SAMN code); `random`: a seeded random n_k per class. */
export type Selection = 'first' | 'random';

/** Options of `selectLongTailed`. */
export interface SelectLongTailedOptions {
  readonly selection: Selection;
  /** Drives `random` selection (each class draws from `rng.fork('class', k)`); unused for `first`. */
  readonly rng?: Rng;
}

/** Returns the indices of the long-tailed training subset (n_k images of class k, ALGORITHMS A2), sorted ascending. */
export function selectLongTailed(labels: Int32Array, counts: readonly number[], options: SelectLongTailedOptions): Int32Array {
  const { selection, rng } = options;
  if (selection !== 'first' && selection !== 'random') {
    throw new LtError('DATA_OPTIONS', `selectLongTailed: selection must be 'first' or 'random', got ${String(selection)}`);
  }
  if (selection === 'random' && rng === undefined) {
    throw new LtError('DATA_OPTIONS', `selectLongTailed: selection 'random' needs an rng`);
  }
  counts.forEach((count, k) => {
    if (!Number.isInteger(count) || count < 0) {
      throw new LtError('DATA_OPTIONS', `selectLongTailed: count of class ${k} must be a non-negative integer, got ${count}`);
    }
  });
  let labelClasses = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) throw new LtError('DATA_LABEL_RANGE', `selectLongTailed: label ${labels[i]} of item ${i} is negative`);
    labelClasses = Math.max(labelClasses, labels[i] + 1);
  }
  if (counts.length > labelClasses) {
    throw new LtError(
      'DATA_TOO_FEW_CLASSES',
      `selectLongTailed: counts ask for ${counts.length} classes but the labels contain only ${labelClasses} (0..${labelClasses - 1})`,
    );
  }

  const byClass: number[][] = counts.map(() => []);
  for (let i = 0; i < labels.length; i++) if (labels[i] < counts.length) byClass[labels[i]].push(i);

  const chosen = new Int32Array(counts.reduce((total, count) => total + count, 0));
  let written = 0;
  byClass.forEach((members, k) => {
    const wanted = counts[k];
    if (members.length < wanted) {
      throw new LtError(
        'DATA_NOT_ENOUGH_IMAGES',
        `selectLongTailed: class ${k} has ${members.length} images but ${wanted} were asked for`,
      );
    }
    if (selection === 'random' && rng !== undefined) {
      // Partial Fisher–Yates on a per-class stream: a class's subset does not depend on the other classes'
      // sizes, and a smaller n_k picks a prefix of what a larger one would (nested subsets across IFs).
      const classRng = rng.fork('class', k);
      for (let i = 0; i < wanted; i++) {
        const j = i + classRng.int(members.length - i);
        const tmp = members[i];
        members[i] = members[j];
        members[j] = tmp;
      }
    }
    for (let i = 0; i < wanted; i++) chosen[written++] = members[i];
  });
  return chosen.sort();
}
