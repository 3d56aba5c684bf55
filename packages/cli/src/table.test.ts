import { describe, expect, it } from 'vitest';
import type { StageReport } from '@lt/core';
import { manyMediumFewTable } from './table.js';

describe('manyMediumFewTable', () => {
  it('shows the final epoch as headline, the best epoch labelled as selected on test, and – for an empty group', () => {
    const report = {
      name: 'classifier',
      final: {
        top1: 0.8,
        top5: 0.99,
        perClass: [0.9, 0.7, 0.8],
        confusion: [],
        manyMediumFew: { many: 0.9, medium: 0.75, few: null, groups: { many: [0], medium: [1, 2], few: [] }, rule: 'paper' },
      },
      best: { epoch: 1, top1: 0.82, selectedOn: 'test' },
      history: [{}, {}, {}],
      headNorms: [],
      seconds: 1,
    } as unknown as StageReport;
    const text = manyMediumFewTable(report);
    expect(text).toContain("Stage 'classifier' — final epoch 3");
    expect(text).toMatch(/top-1 %\s+80\.00\s+90\.00\s+75\.00\s+–/);
    expect(text).toMatch(/classes\s+3\s+1\s+2\s+0/);
    expect(text).toContain('best epoch 2: top-1 82.00% (selected on the test set');
    const named = manyMediumFewTable(report, ['airplane', 'automobile', 'bird']);
    expect(named).toMatch(/many\s+airplane\n/);
    expect(named).toMatch(/medium\s+automobile, bird\n/);
    expect(named).toMatch(/few\s+–\n/);
  });

  it('lists at most eight names per group', () => {
    const groups = { many: Array.from({ length: 12 }, (_, k) => k), medium: [], few: [] };
    const report = { name: 's', final: { top1: 1, top5: 1, perClass: [], manyMediumFew: { many: 1, medium: null, few: null, groups, rule: 'paper' } }, best: { epoch: 0, top1: 1 }, history: [{}] } as unknown as StageReport;
    expect(manyMediumFewTable(report, groups.many.map((k) => `c${k}`))).toContain('many   c0, c1, c2, c3, c4, c5, c6, c7 … and 4 more');
  });
});
