import { describe, expect, it } from 'vitest';
import { lineChart } from './svgChart.js';
import { reportHtml } from './html.js';
import type { RunManifest, StageReport } from '../engine/records.js';

describe('lineChart', () => {
  it('draws one polyline per series with a point per finite value, skipping nulls', () => {
    const svg = lineChart({ title: 'T <1>', xLabels: ['a', 'b', 'c'], xTitle: 'x', yTitle: 'y', series: [{ name: 's', values: [1, null, 3] }] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain('T &lt;1&gt;');
  });
});

describe('reportHtml', () => {
  it('orders classes by training count and plots accuracy and norms of every stage without external resources', () => {
    const stage = (name: string, perClass: number[], headNorms: number[]) =>
      ({
        name,
        final: { top1: 0.5, top5: 1, perClass, confusion: [], manyMediumFew: { many: 0.5, medium: null, few: 0.25, groups: { many: [1], medium: [], few: [0] }, rule: 'paper' } },
        best: { epoch: 0, top1: 0.5, selectedOn: 'test' },
        history: [],
        headNorms,
        seconds: 1,
      }) as unknown as StageReport;
    const manifest = {
      dataset: { name: 'toy' },
      model: { name: 'm' },
      seed: 0,
      backend: { name: 'cpu' },
      lt: { version: '0' },
      createdAt: 'now',
      classCounts: [5, 500],
      evaluation: { manyMediumFew: 'paper' },
    } as unknown as RunManifest;
    const html = reportHtml({ manifest, stages: [stage('representation', [0.1, 0.9], [1, 2]), stage('classifier', [0.4, 0.8], [3, 1])] });
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html).toContain('after classifier');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // class 1 (500 images) comes first on the x axis
    const firstLabel = html.match(/text-anchor="middle" font-size="10">(\d+)</);
    expect(firstLabel?.[1]).toBe('1');
  });

  it('labels classes by name, and plots group means instead of one tick per class for thousands of classes', () => {
    const stage = (perClass: number[]) =>
      ({
        name: 's',
        final: { top1: 0.5, top5: 1, perClass, confusion: [], manyMediumFew: { many: 0.5, medium: null, few: 0.25, groups: { many: [], medium: [], few: [] }, rule: 'paper' } },
        best: { epoch: 0, top1: 0.5, selectedOn: 'test' },
        history: [],
        headNorms: perClass,
        seconds: 1,
      }) as unknown as StageReport;
    const manifest = (classCounts: number[], classNames: string[]) =>
      ({ dataset: { name: 'toy' }, model: { name: 'm' }, seed: 0, backend: { name: 'cpu' }, lt: { version: '0' }, createdAt: 'now', classCounts, classNames, evaluation: { manyMediumFew: 'paper' } }) as unknown as RunManifest;
    const small = reportHtml({ manifest: manifest([3, 9], ['<cat>', 'dog']), stages: [stage([0.25, 1])] });
    expect(small).toContain('font-size="10">dog<');
    expect(small).toContain('<td>&lt;cat&gt;</td><td>3</td><td>25.00</td>');
    const many = 8142;
    const counts = Array.from({ length: many }, (_, k) => many - k);
    const big = reportHtml({ manifest: manifest(counts, counts.map((_, k) => `species ${k}`)), stages: [stage(counts.map((_, k) => (k < 100 ? 1 : 0)))] });
    // 100 groups of 82 classes per chart: 3 charts × ≤ 100 points, ≤ 25 x labels each.
    expect(big.match(/<circle/g)!.length).toBeLessThanOrEqual(300);
    expect(big.match(/font-size="10">/g)!.length).toBeLessThanOrEqual(75);
    expect(big).toContain('mean over groups of 82');
    expect(big).toContain('species 8141');
    // The first group holds the 82 most frequent classes.
    expect(big).toMatch(/>1–82</);
  });
});
