// Weight balancing's stage 2 in tiny runs on the cpu backend (synthetic data, a small MLP).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createRun, type PluginSpec, type Run, type RunConfig } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { mlp } from '@lt/models';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';
import { expectClose } from '../../../test/support/vectors.js';
import { weightBalancing } from './plugin.js';
import { MaxNormHead } from './maxNormHead.js';
import { maxNormThreshold } from './maxNorm.js';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

function config(stage2: PluginSpec[], outDir?: string): RunConfig {
  return {
    dataset: syntheticLT({ numClasses: 4, imbalance: 10, maxCount: 60, testPerClass: 10 }),
    model: mlp({ hidden: [16] }),
    seed: 5,
    backend: 'cpu',
    evaluation: { flipTTA: false },
    ...(outDir !== undefined && { outDir }),
    stages: [
      { name: 'representation', epochs: 3, batchSize: 16, lr: 0.2, weightDecay: 5e-3, plugins: [ce()] },
      { name: 'classifier', epochs: 3, batchSize: 16, lr: 0.5, weightDecay: 0.1, freeze: 'backbone', plugins: stage2 },
    ],
  };
}

function started(run: Run): Run {
  cleanup.push(() => run.dispose());
  return run;
}

describe('weightBalancing() in a run', () => {
  it('fixes the threshold from the stage-1 classifier, projects after every epoch before it is evaluated, and keeps the threshold across resume', async () => {
    const stage1 = started(createRun({ ...config([]), stages: config([]).stages.slice(0, 1) }));
    await stage1.start();
    const expected = maxNormThreshold(stage1.model.head.weight);

    const outDir = await mkdtemp(join(tmpdir(), 'lt-wb-'));
    cleanup.push(() => rm(outDir, { recursive: true, force: true }));
    const interrupted = started(createRun(config([weightBalancing()], outDir)));
    const norms: number[][] = [];
    await expect(
      interrupted.start({
        onProgress: (e) => {
          if (e.type !== 'epoch-end' || e.record.stage !== 'classifier') return;
          norms.push(interrupted.model.head.weightNorms());
          if (e.record.epoch === 1) throw new Error('stop after the second epoch');
        },
      }),
    ).rejects.toThrow(/stop after/);
    const head = interrupted.model.head as MaxNormHead;
    expect(head).toBeInstanceOf(MaxNormHead);
    expectClose(head.threshold.dataSync(), [expected], 1e-6);
    for (const epochNorms of norms) expect(Math.max(...epochNorms)).toBeLessThanOrEqual(expected * (1 + 1e-5));
    const saved = JSON.parse(await readFile(join(outDir, 'checkpoints', 'classifier', 'model.json'), 'utf8'));
    expect(saved.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toContain(`${head.name}.maxnorm_threshold`);

    // Resumed with another relative threshold: the saved one, fixed at the start of stage 2, wins.
    const resumed = started(createRun(config([weightBalancing({ thresholdRelative: 0.9 })], outDir)));
    const report = await resumed.start({ resume: true });
    expectClose((resumed.model.head as MaxNormHead).threshold.dataSync(), [expected], 1e-6);
    expect(report.stages[1].history).toHaveLength(3);
    expect(Math.max(...resumed.model.head.weightNorms())).toBeLessThanOrEqual(expected * (1 + 1e-5));
  });

  it('conflicts with SAMN on the head, naming both plugins', async () => {
    await expect(started(createRun(config([weightBalancing(), samn()]))).start()).rejects.toThrow(/@lt\/weight-balancing.*@lt\/samn/);
  });

  it('validates options, naming the plugin and the field', () => {
    expect(() => weightBalancing({ beta: 2 })).toThrow(/@lt\/weight-balancing: beta/);
    expect(() => weightBalancing({ loss: 'focal' } as never)).toThrow(/@lt\/weight-balancing: loss/);
  });
});
