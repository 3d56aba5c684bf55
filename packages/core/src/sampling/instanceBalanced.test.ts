import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.js';
import { LtError } from '../errors.js';
import { instanceBalancedSampler } from './instanceBalanced.js';

describe('instanceBalancedSampler', () => {
  it('visits every index exactly once per epoch and keeps the last partial batch', () => {
    const batches = instanceBalancedSampler({ size: 10, batchSize: 4 }).epoch(createRng(1));
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    const seen = batches.flatMap((b) => Array.from(b)).sort((a, b) => a - b);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('shuffles: the order is not the identity', () => {
    const [batch] = instanceBalancedSampler({ size: 100, batchSize: 100 }).epoch(createRng(2));
    expect(Array.from(batch)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('gives the same batches for the same seed and different ones for another seed', () => {
    const sampler = instanceBalancedSampler({ size: 50, batchSize: 8 });
    const a = sampler.epoch(createRng(3));
    const b = sampler.epoch(createRng(3));
    const c = sampler.epoch(createRng(4));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('yields no batches for an empty training set', () => {
    expect(instanceBalancedSampler({ size: 0, batchSize: 4 }).epoch(createRng(0))).toEqual([]);
  });

  it('rejects a non-positive batch size, naming the field', () => {
    expect(() => instanceBalancedSampler({ size: 10, batchSize: 0 })).toThrow(LtError);
    expect(() => instanceBalancedSampler({ size: 10, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => instanceBalancedSampler({ size: -1, batchSize: 2 })).toThrow(/size/);
  });
});
