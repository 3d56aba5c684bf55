import { describe, expect, it } from 'vitest';
import { createRng, LtError } from '@lt/core';
import { classHistogram } from './imageSet.js';
import { selectLongTailed } from './selectLongTailed.js';

// 3 classes interleaved in file order: class of item i is i mod 3, 10 items per class.
const labels = Int32Array.from({ length: 30 }, (_, i) => i % 3);

describe('selectLongTailed', () => {
  it("'first' keeps the first n_k images of each class in file order, sorted ascending", () => {
    const chosen = selectLongTailed(labels, [3, 2, 1], { selection: 'first' });
    expect(Array.from(chosen)).toEqual([0, 1, 2, 3, 4, 6]);
  });

  it("'random' keeps n_k images per class, sorted, reproducibly for a seed", () => {
    const pick = (seed: number) => selectLongTailed(labels, [5, 3, 1], { selection: 'random', rng: createRng(seed) });
    const chosen = pick(7);
    expect(classHistogram(Array.from(chosen, (i) => labels[i]))).toEqual([5, 3, 1]);
    expect(Array.from(chosen)).toEqual([...chosen].sort((a, b) => a - b));
    expect(new Set(chosen).size).toBe(chosen.length);
    expect(pick(7)).toEqual(chosen);
    expect(pick(8)).not.toEqual(chosen);
  });

  it("'random' differs from 'first' and picks nested subsets as n_k shrinks", () => {
    const first = selectLongTailed(labels, [5, 3, 1], { selection: 'first' });
    const large = selectLongTailed(labels, [5, 3, 1], { selection: 'random', rng: createRng(3) });
    const small = selectLongTailed(labels, [2, 1, 1], { selection: 'random', rng: createRng(3) });
    expect(large).not.toEqual(first);
    for (const index of small) expect(large).toContain(index);
  });

  it("'random' covers every image of a class over many seeds (sampling without replacement)", () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 60; seed++) {
      for (const index of selectLongTailed(labels, [2], { selection: 'random', rng: createRng(seed) })) seen.add(index);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
  });

  it('uses fewer classes than the labels hold when counts is shorter', () => {
    expect(Array.from(selectLongTailed(labels, [1, 1], { selection: 'first' }))).toEqual([0, 1]);
  });

  it('names the class and the numbers when a class has too few images', () => {
    expect(() => selectLongTailed(labels, [10, 11, 1], { selection: 'first' })).toThrow(
      expect.objectContaining({ code: 'DATA_NOT_ENOUGH_IMAGES', message: expect.stringMatching(/class 1 has 10 images but 11/) }),
    );
  });

  it('rejects counts with more classes than the labels contain', () => {
    expect(() => selectLongTailed(labels, [1, 1, 1, 1], { selection: 'first' })).toThrow(/4 classes.*only 3/);
  });

  it("rejects 'random' without an rng and non-integer counts", () => {
    expect(() => selectLongTailed(labels, [1], { selection: 'random' })).toThrow(LtError);
    expect(() => selectLongTailed(labels, [1.5], { selection: 'first' })).toThrow(/class 0/);
  });
});
