import { describe, expect, it } from 'vitest';
import type { CompareRun } from './collect.js';
import { compareHtml, fittedRange } from './compareHtml.js';
import { groupRuns, splitConstantParams } from './stats.js';
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

  it('says the settings every cell shares once, and staggers class labels too wide for their slot', () => {
    const runs = [0, 1].flatMap((seed) => [run('ce', 0.01, seed, 0.7), run('crt', 0.01, seed, 0.8)]).map((r) => ({ ...r, params: { ...r.params, 'stages.0.epochs': 10 } }));
    const { constant, runs: varying } = splitConstantParams(runs);
    expect(constant).toEqual({ 'stages.1.lr': 0.01, 'stages.0.epochs': 10 });
    expect(varying.every((r) => Object.keys(r.params).length === 0)).toBe(true);
    const groups = groupRuns(varying);
    const html = compareHtml(groups, methodSpreads(groups), { classCounts, classNames: ['a class whose name is longer than the slot it has', 'b'.repeat(50), 'c'.repeat(50)] }, constant);
    expect(html).toContain('Every cell: stages.1.lr=0.01, stages.0.epochs=10');
    expect(html).toContain('no sensitivity table or curves');
    const rows = [...html.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="middle" font-size="10">/g)].map((m) => m[1]);
    expect(new Set(rows).size).toBe(2);
  });
});
