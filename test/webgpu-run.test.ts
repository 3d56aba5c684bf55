// End to end on webgpu: a short MNIST-LT run (CE, then CE + SAMN on the frozen backbone) on Dawn over SwiftShader ends
// with cpu's metrics, and its manifest records the adapter. SwiftShader runs compute shaders on the CPU, slowly, so
// the run scores the first 1,000 of MNIST's 10,000 test images.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { createRun, type DatasetSpec, type RunReport } from '@lt/core';
import { mnistLT } from '@lt/data';
import { cnn } from '@lt/models';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';

process.env.VK_DRIVER_FILES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The same dataset with only its first `n` test images. */
function firstTestImages(spec: DatasetSpec, n: number): DatasetSpec {
  return {
    name: spec.name,
    options: spec.options,
    load: async (context) => {
      const dataset = await spec.load(context);
      return Object.assign(Object.create(dataset) as typeof dataset, { testLabels: dataset.testLabels.slice(0, n) });
    },
  };
}

async function train(backend: 'cpu' | 'webgpu', outDir: string): Promise<RunReport> {
  const run = createRun({
    dataset: firstTestImages(mnistLT({ imbalance: 10, maxCount: 40 }), 1000),
    evaluation: { everyEpoch: false, batchSize: 500 },
    model: cnn({ channels: [4, 8], hidden: 16 }),
    seed: 3,
    backend,
    outDir,
    stages: [
      { name: 'representation', epochs: 2, batchSize: 32, lr: 0.05, plugins: [ce()] },
      { name: 'classifier', epochs: 1, batchSize: 32, lr: 0.01, weightDecay: 0, freeze: 'backbone', plugins: [ce(), samn()] },
    ],
  });
  return run.start();
}

describe('an MNIST-LT run on webgpu', () => {
  it("ends with cpu's metrics within float tolerance, leaks nothing, and records its adapter", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-webgpu-'));
    try {
      const start = tf.memory().numTensors;
      const cpu = await train('cpu', join(dir, 'cpu'));
      const kept = tf.memory().numTensors - start;
      const gpu = await train('webgpu', join(dir, 'gpu'));
      expect(tf.getBackend()).toBe('webgpu');
      // A run keeps its model's tensors for the caller (export, reports): the same number on both backends, no more.
      expect(tf.memory().numTensors - start).toBe(2 * kept);
      for (const [i, stage] of gpu.stages.entries()) {
        const reference = cpu.stages[i].final;
        // Float rounding may move a test image or two across a decision boundary, no more.
        expect(Math.abs(stage.final.top1 - reference.top1)).toBeLessThanOrEqual(2 / 1000 + 1e-9);
        // About 100 test images per class: two of them is 0.02.
        stage.final.perClass.forEach((accuracy, k) => expect(Math.abs(accuracy - reference.perClass[k])).toBeLessThanOrEqual(0.025));
      }
      // Above chance (0.1): it trained.
      expect(gpu.stages[0].final.top1).toBeGreaterThan(0.2);
      const manifest = JSON.parse(await readFile(join(dir, 'gpu', 'manifest.json'), 'utf8'));
      expect(manifest.backend).toMatchObject({ name: 'webgpu', adapter: { architecture: 'swiftshader', software: true } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
