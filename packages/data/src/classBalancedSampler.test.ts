import { describe, expect, it } from 'vitest';
import { createRng, LtError } from '@lt/core';
import { classBalancedSampler } from './classBalancedSampler.js';

// Long-tailed labels: 100 of class 0, 30 of class 1, 5 of class 2, interleaved.
const labels = Int32Array.from([...Array(100).fill(0), ...Array(30).fill(1), ...Array(5).fill(2)]);
createRng(9).shuffle(labels);

describe('classBalancedSampler', () => {
  it('yields ⌈N/B⌉ + 1 full batches per epoch', () => {
    const batches = classBalancedSampler({ labels, batchSize: 16, numClasses: 3 }).epoch(createRng(1));
    expect(batches).toHaveLength(Math.ceil(135 / 16) + 1);
    for (const batch of batches) expect(batch).toHaveLength(16);
  });

  it('draws samplesPerEpoch samples when given (decoupling: max n_k · C), the last batch holding the rest', () => {
    const batches = classBalancedSampler({ labels, batchSize: 16, numClasses: 3, samplesPerEpoch: 300 }).epoch(createRng(1));
    expect(batches.map((b) => b.length)).toEqual([...Array(18).fill(16), 12]);
    expect(() => classBalancedSampler({ labels, batchSize: 16, numClasses: 3, samplesPerEpoch: 0 })).toThrow(/samplesPerEpoch/);
  });

  it('draws samplesPerClass consecutive samples from each chosen class', () => {
    const batches = classBalancedSampler({ labels, batchSize: 12, numClasses: 3, samplesPerClass: 4 }).epoch(createRng(2));
    const stream = batches.flatMap((batch) => Array.from(batch, (i) => labels[i]));
    for (let group = 0; group < stream.length; group += 4) expect(new Set(stream.slice(group, group + 4)).size).toBe(1);
  });

  it('gives every class the same frequency over many draws', () => {
    const sampler = classBalancedSampler({ labels, batchSize: 16, numClasses: 3 });
    const rng = createRng(3);
    const frequency = [0, 0, 0];
    let draws = 0;
    for (let epoch = 0; epoch < 50; epoch++) {
      for (const batch of sampler.epoch(rng.fork('epoch', epoch))) {
        for (const i of batch) frequency[labels[i]]++;
        draws += batch.length;
      }
    }
    for (const count of frequency) expect(Math.abs(count / draws - 1 / 3)).toBeLessThan(0.02);
  });

  it('cycles through every sample of a class before repeating one', () => {
    const batches = classBalancedSampler({ labels, batchSize: 16, numClasses: 3, samplesPerClass: 1 }).epoch(createRng(4));
    const tail = batches.flatMap((batch) => Array.from(batch)).filter((i) => labels[i] === 2);
    const members = Array.from(labels.keys()).filter((i) => labels[i] === 2);
    expect(tail.length).toBeGreaterThanOrEqual(10);
    expect([...tail.slice(0, 5)].sort((a, b) => a - b)).toEqual(members);
    expect([...tail.slice(5, 10)].sort((a, b) => a - b)).toEqual(members);
  });

  it('gives the same batches for the same seed and different ones for another', () => {
    const sampler = classBalancedSampler({ labels, batchSize: 8, numClasses: 3 });
    expect(sampler.epoch(createRng(5))).toEqual(sampler.epoch(createRng(5)));
    expect(sampler.epoch(createRng(5))).not.toEqual(sampler.epoch(createRng(6)));
  });

  it('rejects an empty class and a label out of range, naming them', () => {
    expect(() => classBalancedSampler({ labels: [0, 0, 2], batchSize: 2, numClasses: 3 })).toThrow(/class 1 has no training samples/);
    expect(() => classBalancedSampler({ labels: [0, 3], batchSize: 2, numClasses: 3 })).toThrow(/label 3 of sample 1/);
    expect(() => classBalancedSampler({ labels, batchSize: 0, numClasses: 3 })).toThrow(LtError);
    expect(() => classBalancedSampler({ labels, batchSize: 4, numClasses: 3, samplesPerClass: 0 })).toThrow(/samplesPerClass/);
  });
});
