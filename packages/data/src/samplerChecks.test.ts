import { describe, expect, it } from 'vitest';
import { checkPositiveInteger, indicesByClass } from './samplerChecks.js';

describe('checkPositiveInteger', () => {
  it('accepts positive integers and names the sampler and field otherwise', () => {
    expect(() => checkPositiveInteger('s', 'batchSize', 3)).not.toThrow();
    expect(() => checkPositiveInteger('mySampler', 'batchSize', 2.5)).toThrow(/mySampler: batchSize must be a positive integer, got 2.5/);
    expect(() => checkPositiveInteger('mySampler', 'batchSize', 0)).toThrow(/got 0/);
  });
});

describe('indicesByClass', () => {
  it('groups sample indices by label in order', () => {
    expect(indicesByClass('s', [1, 0, 1, 2], 4)).toEqual([[1], [0, 2], [3], []]);
  });

  it('rejects labels outside 0..numClasses−1', () => {
    expect(() => indicesByClass('s', [0, -1], 2)).toThrow(/label -1 of sample 1 is outside 0..1/);
    expect(() => indicesByClass('s', [0, 2], 2)).toThrow(/label 2/);
  });
});
