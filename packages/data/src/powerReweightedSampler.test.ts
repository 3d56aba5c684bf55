import { describe, expect, it } from 'vitest';
import { createRng, LtError } from '@lt/core';
import { longTailedCounts } from './longTailedCounts.js';
import { powerReweightedSampler } from './powerReweightedSampler.js';

function labelsFor(counts: number[]): Int32Array {
  const labels = Int32Array.from(counts.flatMap((count, k) => Array<number>(count).fill(k)));
  return createRng(1).shuffle(labels);
}

function classFrequencies(counts: number[], rho: number, epochs: number): number[] {
  const labels = labelsFor(counts);
  const sampler = powerReweightedSampler({ labels, classCounts: counts, rho, batchSize: 64 });
  const frequency = counts.map(() => 0);
  let draws = 0;
  const rng = createRng(2);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const batch of sampler.epoch(rng.fork(epoch))) {
      for (const i of batch) frequency[labels[i]]++;
      draws += batch.length;
    }
  }
  return frequency.map((count) => count / draws);
}

describe('powerReweightedSampler', () => {
  const counts = [400, 100, 25];

  it('draws classes with probability ∝ n_k^(1−ρ)', () => {
    const expected = [20, 10, 5].map((value) => value / 35); // ρ = 0.5: √n
    classFrequencies(counts, 0.5, 40).forEach((frequency, k) => expect(Math.abs(frequency - expected[k])).toBeLessThan(0.015));
  });

  it('samples instances uniformly at ρ = 0 and classes uniformly at ρ = 1', () => {
    classFrequencies(counts, 0, 40).forEach((frequency, k) => expect(Math.abs(frequency - counts[k] / 525)).toBeLessThan(0.015));
    classFrequencies(counts, 1, 40).forEach((frequency) => expect(Math.abs(frequency - 1 / 3)).toBeLessThan(0.015));
  });

  it('exposes the class probabilities of ALGORITHMS I.12 (CIFAR-10 IF100, ρ = 0.2)', () => {
    const cifar = longTailedCounts({ maxCount: 5000, numClasses: 10, imbalanceFactor: 100 });
    const sampler = powerReweightedSampler({ labels: labelsFor(cifar), classCounts: cifar, rho: 0.2, batchSize: 64 });
    const expected = [0.341701, 0.226893, 0.150632, 0.100056, 0.066392, 0.04412, 0.0293, 0.019448, 0.012875, 0.008583];
    Array.from(sampler.classProbabilities).forEach((p, k) => expect(p).toBeCloseTo(expected[k], 6));
  });

  it('draws N indices with replacement, last partial batch kept', () => {
    const labels = labelsFor(counts);
    const batches = powerReweightedSampler({ labels, classCounts: counts, rho: 1, batchSize: 100 }).epoch(createRng(3));
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 100, 100, 100, 25]);
    const all = batches.flatMap((batch) => Array.from(batch));
    expect(new Set(all).size).toBeLessThan(all.length);
    for (const index of all) expect(index >= 0 && index < 525).toBe(true);
  });

  it('gives the same batches for the same seed and different ones for another', () => {
    const sampler = powerReweightedSampler({ labels: labelsFor(counts), classCounts: counts, rho: 0.2, batchSize: 32 });
    expect(sampler.epoch(createRng(4))).toEqual(sampler.epoch(createRng(4)));
    expect(sampler.epoch(createRng(4))).not.toEqual(sampler.epoch(createRng(5)));
  });

  it('rejects class counts that disagree with the labels, and bad options', () => {
    const labels = labelsFor(counts);
    expect(() => powerReweightedSampler({ labels, classCounts: [400, 100, 24], rho: 0, batchSize: 8 })).toThrow(
      /classCounts\[2\] is 24 but the labels hold 25/,
    );
    expect(() => powerReweightedSampler({ labels, classCounts: [400, 125], rho: 0, batchSize: 8 })).toThrow(/label 2/);
    expect(() => powerReweightedSampler({ labels, classCounts: counts, rho: Number.NaN, batchSize: 8 })).toThrow(/rho/);
    expect(() => powerReweightedSampler({ labels, classCounts: counts, rho: 0, batchSize: -1 })).toThrow(LtError);
  });
});
