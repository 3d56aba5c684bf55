import { describe, expect, it } from 'vitest';
import type { CompareRun } from './collect.js';
import { compareHtml, fittedRange } from './compareHtml.js';
import { groupRuns } from './stats.js';
import { methodSpreads } from './summary.js';

const classNames = ['airplane', 'automobile', 'bird'];
const classCounts = [50, 500, 5];

/** A finished run of `method` at stage-2 lr `lr` and `seed` scoring `top1`. */
const run = (method: string, lr: number, seed: number, top1: number): CompareRun => ({
  dir: `${method}-${lr}-${seed}`,
  method,
  params: { 'stages.1.lr': lr },
  seed,
  top1,
  many: top1,
  medium: top1,
  few: top1,
  perClass: [top1, top1, top1],
  classCounts,
  classNames,
});

describe('compare.html', () => {
  it('fits the sensitivity axis to the data with a margin, in whole points, within 0–1', () => {
    expect(fittedRange([0.712, 0.735, null])).toEqual([0.7, 0.75]);
    expect(fittedRange([0.2, 0.8])).toEqual([0.14, 0.86]);
    expect(fittedRange([0.001, 0.999])).toEqual([0, 1]);
    expect(fittedRange([])).toEqual([0, 1]);
  });

  it('names classes on the per-class axis and says the sensitivity axis is fitted', () => {
    const runs = [run('ce', 0.01, 0, 0.712), run('ce', 0.01, 1, 0.716), run('ce', 0.1, 0, 0.73), run('ce', 0.1, 1, 0.734)];
    const groups = groupRuns(runs);
    const html = compareHtml(groups, methodSpreads(groups), { classCounts, classNames });
    // Most frequent first: automobile (500), airplane (50), bird (5).
    expect(html.indexOf('automobile (500)')).toBeLessThan(html.indexOf('airplane (50)'));
    expect(html).toContain('bird (5)');
    expect(html).not.toContain('>0 (50)<');
    expect(html).toMatch(/axis fitted: 70–75 %/);
  });
});
