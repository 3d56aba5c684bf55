import { describe, expect, it } from 'vitest';
import { createRng } from '@lt/core';
import { syntheticLT } from './syntheticLT.js';

describe('syntheticLT', () => {
  it('builds the long-tailed profile over generated classes with a balanced test set', async () => {
    const dataset = await syntheticLT({ numClasses: 4, imbalance: 10, maxCount: 60, testPerClass: 5 }).load({ rng: createRng(0), seed: 0 });
    expect(dataset.classCounts).toEqual([60, 27, 12, 6]);
    expect(dataset.trainLabels).toHaveLength(105);
    expect(Array.from(dataset.testLabels).filter((l) => l === 3)).toHaveLength(5);
    const x = dataset.testBatch(0, 3);
    expect(x.shape).toEqual([3, 8, 8, 1]);
    x.dispose();
  });

  it('generates the same images for the same dataSeed and different ones for another', async () => {
    const pixels = async (dataSeed: number) => {
      const d = await syntheticLT({ dataSeed }).load({ rng: createRng(0), seed: 0 });
      const x = d.testBatch(0, 2);
      const values = Array.from(x.dataSync());
      x.dispose();
      return values;
    };
    expect(await pixels(1)).toEqual(await pixels(1));
    expect(await pixels(1)).not.toEqual(await pixels(2));
  });

  it('rejects unknown options naming the field', () => {
    expect(() => syntheticLT({ classes: 3 } as never)).toThrow(/synthetic-lt.*classes/);
  });
});
