import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createRun } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { cnn } from '@lt/models';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('CE then CE + SAMN, end to end', () => {
  it('leaves per-class weight norms non-increasing in class count after stage 2, and reports them', async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), 'lt-samn-')), 'run');
    dirs.push(outDir);
    const run = createRun({
      dataset: syntheticLT({ numClasses: 5, imbalance: 20, maxCount: 80, testPerClass: 10 }),
      model: cnn({ channels: [4, 8], hidden: 8 }),
      seed: 0,
      backend: 'wasm',
      outDir,
      stages: [
        { name: 'representation', epochs: 2, batchSize: 16, lr: 0.05, plugins: [ce()] },
        { name: 'classifier', epochs: 2, batchSize: 16, lr: 5e-3, weightDecay: 0, freeze: 'backbone', plugins: [ce(), samn()] },
      ],
    });
    await run.start();
    run.dispose();
    const norms = JSON.parse(await readFile(join(outDir, 'norms.json'), 'utf8')) as {
      classCounts: number[];
      stages: Array<{ name: string; norms: number[] }>;
    };
    expect(norms.classCounts).toEqual([80, 37, 17, 8, 4]);
    const [stage1, stage2] = norms.stages;
    expect(stage2.name).toBe('classifier');
    expect(stage2.norms).not.toEqual(stage1.norms);
    // Classes are in descending count order here, so non-increasing in count = non-decreasing in index.
    for (let k = 1; k < stage2.norms.length; k++) expect(stage2.norms[k]).toBeGreaterThanOrEqual(stage2.norms[k - 1] - 1e-6);
    const html = await readFile(join(outDir, 'report.html'), 'utf8');
    expect(html).toContain('after classifier');
  });
});
