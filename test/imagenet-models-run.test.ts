import { describe, expect, it } from 'vitest';
import { createRun, type RunConfig } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { resnext50 } from '@lt/models';
import { samn, SamnHead } from '@lt/samn';
import { mixup, slas } from '@lt/slas';
import { glmc, glmcClassifier, glmcClassifierStage } from '@lt/glmc';

// A tiny ResNeXt-50 (every structural part: 7×7 stem, max-pool, grouped bottlenecks, projections) on 32 px images.
const base = (): Omit<RunConfig, 'stages'> => ({
  dataset: syntheticLT({ numClasses: 3, imbalance: 4, maxCount: 24, testPerClass: 4, imageShape: [32, 32, 3] }),
  model: resnext50({ width: 8, groups: 2, widthPerGroup: 16 }),
  seed: 3,
  backend: 'wasm',
  evaluation: { everyEpoch: false, flipTTA: false },
});

describe('the ImageNet backbones under the method plugins', () => {
  it('run GLMC, then GLMC + SAMN, and mixup, then SLAS + SAMN, unchanged', async () => {
    const runs: RunConfig[] = [
      {
        ...base(),
        stages: [
          { name: 'representation', epochs: 1, batchSize: 8, lr: 0.05, plugins: [glmc({ projectionDim: 8 })] },
          { name: 'classifier', ...glmcClassifierStage, epochs: 1, batchSize: 8, lr: 0.01, plugins: [glmcClassifier(), samn()] },
        ],
      },
      {
        ...base(),
        stages: [
          { name: 'representation', epochs: 1, batchSize: 8, lr: 0.05, plugins: [mixup()] },
          { name: 'classifier', epochs: 1, batchSize: 8, lr: 5e-3, weightDecay: 0, freeze: 'backbone', plugins: [slas(), samn()] },
        ],
      },
    ];
    for (const config of runs) {
      const run = createRun(config);
      const report = await run.start();
      expect(report.stages.map((s) => s.name)).toEqual(['representation', 'classifier']);
      expect(run.model.backbone.featureDim).toBe(256);
      expect(run.model.head).toBeInstanceOf(SamnHead);
      expect(report.stages[1].final.perClass).toHaveLength(3);
      run.dispose();
    }
  });
});
