import { describe, expect, it } from 'vitest';
import { createRng } from '@lt/core';
import { ResampledStream } from './resampledStream.js';
import { samplingProbabilities } from './weights.js';

const counts = [400, 100, 25];
const labels = createRng(1).shuffle(Int32Array.from(counts.flatMap((count, k) => Array<number>(count).fill(k))));

describe('ResampledStream', () => {
  it('draws classes with frequency ∝ n_k^(1−ρ) over many draws', () => {
    for (const rho of [0, 0.5, 1]) {
      const stream = new ResampledStream({ labels, classCounts: counts, rho, batchSize: 64 });
      const expected = samplingProbabilities(counts, rho);
      const frequency = [0, 0, 0];
      let draws = 0;
      const rng = createRng(2);
      for (let epoch = 0; epoch < 40; epoch++) {
        for (let step = 0; step < 8; step++) {
          for (const i of stream.batch(rng, epoch, step, 64)) frequency[labels[i]]++;
          draws += 64;
        }
      }
      frequency.forEach((count, k) => expect(Math.abs(count / draws - expected[k])).toBeLessThan(0.015));
      stream.classProbabilities.forEach((p, k) => expect(p).toBeCloseTo(expected[k], 12));
    }
  });

  it('truncates the paired batch to the size of the instance-balanced batch', () => {
    const stream = new ResampledStream({ labels, classCounts: counts, rho: 0.2, batchSize: 64 });
    const rng = createRng(3);
    // 525 = 8·64 + 13: the last batch of the draw has 13 indices, as A's last batch has.
    expect(stream.batch(rng, 0, 8, 13)).toHaveLength(13);
    expect(Array.from(stream.batch(rng, 0, 2, 10))).toEqual(Array.from(stream.batch(rng, 0, 2, 64).slice(0, 10)));
    expect(() => stream.batch(rng, 0, 8, 20)).toThrow(/instance-balanced batch of 20 but the re-weighted batch holds 13/);
  });

  it('depends only on the stage rng, the epoch and the step', () => {
    const stream = new ResampledStream({ labels, classCounts: counts, rho: 0.2, batchSize: 32 });
    const other = new ResampledStream({ labels, classCounts: counts, rho: 0.2, batchSize: 32 });
    const a = createRng(4);
    const b = createRng(4);
    expect(stream.batch(a, 3, 5, 32)).toEqual(other.batch(b, 3, 5, 32));
    expect(stream.batch(a, 3, 5, 32)).not.toEqual(stream.batch(a, 4, 5, 32));
    expect(stream.batch(a, 3, 5, 32)).not.toEqual(stream.batch(createRng(5), 3, 5, 32));
  });

  it('restarts with a fresh draw when an epoch has more steps than re-weighted batches', () => {
    const stream = new ResampledStream({ labels, classCounts: counts, rho: 0.2, batchSize: 100 });
    const rng = createRng(6);
    // 6 batches per draw; step 6 is the first batch of a second draw, not a repeat of step 0.
    expect(stream.batch(rng, 0, 6, 100)).toHaveLength(100);
    expect(stream.batch(rng, 0, 6, 100)).not.toEqual(stream.batch(rng, 0, 0, 100));
  });
});
