import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { longTailedOptionsSchema, parseDatasetOptions } from './datasetOptions.js';

const schema = z.strictObject(longTailedOptionsSchema(500));

describe('parseDatasetOptions', () => {
  it('applies the defaults', () => {
    expect(parseDatasetOptions('x-lt', schema, undefined)).toEqual({ imbalance: 100, maxCount: 500, selection: 'first' });
  });

  it('names the dataset and every bad field', () => {
    expect(() => parseDatasetOptions('x-lt', schema, { imbalance: 0.5, maxCount: 2.5 })).toThrow(
      expect.objectContaining({ code: 'DATA_OPTIONS', message: expect.stringMatching(/x-lt: imbalance: .*; maxCount: /) }),
    );
  });

  it('rejects unknown options and a bad selection', () => {
    expect(() => parseDatasetOptions('x-lt', schema, { imbalanceFactor: 10 })).toThrow(/imbalanceFactor/);
    expect(() => parseDatasetOptions('x-lt', schema, { selection: 'last' })).toThrow(/selection/);
  });
});
