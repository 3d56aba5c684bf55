// End to end on webgpu: a short MNIST-LT run (CE, then CE + SAMN on the frozen backbone) on Dawn over SwiftShader ends
// with cpu's metrics, and its manifest records the adapter.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { createRun, type RunReport } from '@lt/core';
import { mnistLT } from '@lt/data';
import { cnn } from '@lt/models';
import { ce } from '@lt/ce';
import { samn } from '@lt/samn';

process.env.VK_DRIVER_FILES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

async function train(backend: 'cpu' | 'webgpu', outDir: string): Promise<RunReport> {
  const run = createRun({
    dataset: mnistLT({ imbalance: 10, maxCount: 40 }),
    model: cnn({ channels: [4, 8], hidden: 16 }),
    seed: 3,
    backend,
    outDir,
    stages: [
      { name: 'representation', epochs: 2, batchSize: 32, lr: 0.05, plugins: [ce()] },
      { name: 'classifier', epochs: 1, batchSize: 32, lr: 0.01, weightDecay: 0, freeze: 'backbone', plugins: [ce()] },
    ],
  });
  return run.start();
}

describe('an MNIST-LT run on webgpu', () => {
  it("ends with cpu's metrics within float tolerance, leaks nothing, and records its adapter", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-webgpu-'));
    try {
      const cpu = await train('cpu', join(dir, 'cpu'));
      const before = tf.memory().numTensors;
      const gpu = await train('webgpu', join(dir, 'gpu'));
      expect(tf.getBackend()).toBe('webgpu');
      expect(tf.memory().numTensors).toBe(before);
      for (const [i, stage] of gpu.stages.entries()) {
        const reference = cpu.stages[i].final;
        // 10,000 test images: float rounding may move a handful of them across a decision boundary, no more.
        expect(Math.abs(stage.final.top1 - reference.top1)).toBeLessThanOrEqual(0.002);
        stage.final.perClass.forEach((accuracy, k) => expect(Math.abs(accuracy - reference.perClass[k])).toBeLessThanOrEqual(0.01));
      }
      expect(gpu.stages[0].final.top1).toBeGreaterThan(0.3);
      const manifest = JSON.parse(await readFile(join(dir, 'gpu', 'manifest.json'), 'utf8'));
      expect(manifest.backend).toMatchObject({ name: 'webgpu', adapter: { architecture: 'swiftshader', software: true } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
