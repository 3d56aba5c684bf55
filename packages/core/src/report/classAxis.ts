/** The class axis of the report's charts: one point per class, or per group of classes when there are many. */
export interface ClassAxis {
  readonly labels: readonly string[];
  /** What a point stands for, for the axis title. */
  readonly title: string;
  /** Values per class (class order) → values per point (mean over a group, nulls ignored). */
  readonly points: (perClass: ReadonlyArray<number | null>) => Array<number | null>;
}

/** Classes beyond which the charts plot groups of classes (means) instead of single classes. */
export const MAX_CLASS_POINTS = 200;

/** Returns the axis over classes `order` (most frequent first): names as labels, or about 100 groups of ranks. */
export function classAxis(order: readonly number[], classNames: readonly string[]): ClassAxis {
  if (order.length <= MAX_CLASS_POINTS) {
    return {
      labels: order.map((c) => classNames[c] ?? String(c)),
      title: 'class (most frequent on the left)',
      points: (perClass) => order.map((c) => perClass[c] ?? null),
    };
  }
  const size = Math.ceil(order.length / 100);
  const groups: number[][] = [];
  for (let start = 0; start < order.length; start += size) groups.push(order.slice(start, start + size));
  return {
    labels: groups.map((group, g) => `${g * size + 1}–${g * size + group.length}`),
    title: `classes by training count, mean over groups of ${size} (most frequent on the left)`,
    points: (perClass) =>
      groups.map((group) => {
        const values = group.map((c) => perClass[c]).filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
        return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
      }),
  };
}
