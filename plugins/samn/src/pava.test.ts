import { describe, expect, it } from 'vitest';
import { blockAverage, pava } from './pava.js';
import { expectClose, reference, uniform } from './reference.fixture.js';

/** The reference's parallel solver (ALGORITHMS.md F2), written naively: pool maximal strictly-decreasing runs. */
function parallelPava(y: number[]): { values: number[]; blocks: number[] } {
  let means = [...y];
  let sizes = y.map(() => 1);
  for (;;) {
    const nextMeans: number[] = [];
    const nextSizes: number[] = [];
    for (let i = 0; i < means.length; i++) {
      if (i === 0 || means[i - 1] <= means[i]) {
        nextMeans.push(means[i] * sizes[i]);
        nextSizes.push(sizes[i]);
      } else {
        nextMeans[nextMeans.length - 1] += means[i] * sizes[i];
        nextSizes[nextSizes.length - 1] += sizes[i];
      }
    }
    const pooled = nextMeans.map((sum, b) => sum / nextSizes[b]);
    if (pooled.length === means.length) break;
    means = pooled;
    sizes = nextSizes;
  }
  return { values: means.flatMap((m, b) => Array<number>(sizes[b]).fill(m)), blocks: sizes };
}

describe('pava', () => {
  it('matches every reference case (values and blocks)', () => {
    for (const c of reference.pava) {
      const fit = pava(c.y);
      expectClose(fit.values, c.z, 1e-12);
      expect(fit.blocks).toEqual(c.blocks);
    }
  });

  it('gives the worked values of ALGORITHMS.md I.4', () => {
    const cases: Array<[number[], number[], number[]]> = [
      [[1, 3, 2, 4], [1, 2.5, 2.5, 4], [1, 2, 1]],
      [[4, 3, 2, 1], [2.5, 2.5, 2.5, 2.5], [4]],
      [[1, 2, 2, 3], [1, 2, 2, 3], [1, 1, 1, 1]],
      [[5], [5], [1]],
      [[3, 3, 1], [7 / 3, 7 / 3, 7 / 3], [3]],
      [[3, 1, 2, 0], [1.5, 1.5, 1.5, 1.5], [4]],
      [[1, 5, 2, 2, 6, 0, 7], [1, 3, 3, 3, 3, 3, 7], [1, 3, 2, 1]],
      [[0.5, 0.9, 0.2], [0.5, 0.55, 0.55], [1, 2]],
    ];
    for (const [y, values, blocks] of cases) {
      const fit = pava(y);
      expectClose(fit.values, values, 1e-12);
      expect(fit.blocks).toEqual(blocks);
    }
  });

  it('keeps two equal-valued neighbouring blocks separate', () => {
    expect(pava([1, 5, 2, 2, 6, 0, 7]).blocks).toEqual([1, 3, 2, 1]);
    expect(pava([2, 2, 2]).blocks).toEqual([1, 1, 1]);
  });

  it('gives the weighted worked values of ALGORITHMS.md I.5', () => {
    expectClose(pava([1, 3, 2], [1, 1, 3]).values, [1, 2.25, 2.25], 1e-12);
    expectClose(pava([4, 2, 1, 5], [2, 1, 1, 1]).values, [2.75, 2.75, 2.75, 5], 1e-12);
    expect(pava([4, 2, 1, 5], [2, 1, 1, 1]).blocks).toEqual([3, 1]);
  });

  it('handles one value, all-equal, already-monotone and strictly decreasing inputs', () => {
    expect(pava([7])).toEqual({ values: Float64Array.from([7]), blocks: [1] });
    expect(Array.from(pava([4, 4, 4, 4]).values)).toEqual([4, 4, 4, 4]);
    expect(Array.from(pava([-1, 0, 2.5, 9]).values)).toEqual([-1, 0, 2.5, 9]);
    const decreasing = pava([5, 4, 3, 2, 1]);
    expect(Array.from(decreasing.values)).toEqual([3, 3, 3, 3, 3]);
    expect(decreasing.blocks).toEqual([5]);
  });

  it('accepts typed arrays and returns a Float64Array', () => {
    const fit = pava(Float32Array.from([2, 1]), Float64Array.from([1, 3]));
    expect(fit.values).toBeInstanceOf(Float64Array);
    expectClose(fit.values, [1.25, 1.25], 1e-12);
  });

  it('finds the same partitions as the reference parallel solver on random inputs with many ties', () => {
    const random = uniform(7);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random() * 12);
      const y = Array.from({ length: n }, () => Math.floor(random() * 4));
      const expected = parallelPava(y);
      const fit = pava(y);
      expect(fit.blocks, `y = [${y}]`).toEqual(expected.blocks);
      expectClose(fit.values, expected.values, 1e-12);
    }
  });

  it('is the least-squares non-decreasing fit (no monotone perturbation does better)', () => {
    const random = uniform(11);
    for (let trial = 0; trial < 50; trial++) {
      const y = Array.from({ length: 8 }, () => random() * 2 - 1);
      const w = Array.from({ length: 8 }, () => 0.5 + random());
      const z = pava(y, w).values;
      for (let i = 1; i < z.length; i++) expect(z[i]).toBeGreaterThanOrEqual(z[i - 1]);
      const cost = (v: ArrayLike<number>) => Array.from(v).reduce((s, vi, i) => s + w[i] * (vi - y[i]) ** 2, 0);
      // Mixing with any other non-decreasing vector stays feasible and must not lower the cost.
      const other = [...y].sort((a, b) => a - b);
      for (const t of [0.01, 0.1, 0.5]) {
        const mixed = z.map((zi, i) => (1 - t) * zi + t * other[i]);
        expect(cost(mixed)).toBeGreaterThanOrEqual(cost(z) - 1e-12);
      }
    }
  });

  it('rejects NaN and infinite values, naming the index', () => {
    expect(() => pava([1, NaN, 2])).toThrow(/pava input\[1\] is NaN/);
    expect(() => pava([1, 2, Infinity])).toThrow(/pava input\[2\] is Infinity/);
    expect(() => pava([-Infinity])).toThrow(/pava input\[0\] is -Infinity/);
  });

  it('rejects empty input and bad weights', () => {
    expect(() => pava([])).toThrow(/empty/);
    expect(() => pava([1, 2], [1])).toThrow(/weights have length 1 but the values have length 2/);
    expect(() => pava([1, 2], [1, 0])).toThrow(/weights\[1\] is 0/);
    expect(() => pava([1, 2], [-1, 1])).toThrow(/weights\[0\] is -1/);
    expect(() => pava([1, 2], [1, NaN])).toThrow(/weights\[1\] is NaN/);
    expect(() => pava([1, 2], [Infinity, 1])).toThrow(/weights\[0\] is Infinity/);
  });
});

describe('blockAverage (the PAVA backward pass)', () => {
  it('averages the upstream gradient within blocks (ALGORITHMS.md I.6)', () => {
    expectClose(blockAverage([1, 2, 3, 4], [1, 2, 1]), [1, 2.5, 2.5, 4], 1e-12);
    expectClose(blockAverage([1, 2, 3, 4, 5, 6, 7], [1, 3, 2, 1]), [1, 3, 3, 3, 5.5, 5.5, 7], 1e-12);
  });

  it('weights the block sum by w_j / W_B', () => {
    // y = [1, 3, 2], w = [1, 1, 3]: blocks [1, 2]; block 2 sums g = 4 + 6 = 10 and splits it 1:3.
    expectClose(blockAverage([5, 4, 6], [1, 2], [1, 1, 3]), [5, 2.5, 7.5], 1e-12);
  });
});
