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
});
