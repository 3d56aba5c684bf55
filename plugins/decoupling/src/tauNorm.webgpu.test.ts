// The τ-norm stage on webgpu (Dawn over SwiftShader), where nothing can be read back synchronously: the τ search
// must read its predictions with an await, and pick the τ the same run picks on cpu.
process.env.VK_DRIVER_FILES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRun, selectBackend, type RunConfig } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { mlp } from '@lt/models';
import { ce } from '@lt/ce';
import { tauNorm } from './plugins.js';
import { TauNormHead, type TauChoice } from './tauNormHead.js';

afterEach(async () => {
  await selectBackend('cpu');
});

async function tauChosenOn(backend: 'cpu' | 'webgpu'): Promise<TauChoice> {
  const config: RunConfig = {
    dataset: syntheticLT({ numClasses: 4, imbalance: 50, maxCount: 60, testPerClass: 5 }),
    model: mlp({ hidden: [8] }),
    seed: 3,
    backend,
    evaluation: { flipTTA: false },
    stages: [
      { name: 'representation', epochs: 2, batchSize: 16, lr: 0.2, plugins: [ce()] },
      { name: 'classifier', epochs: 1, batchSize: 16, lr: 0.05, freeze: 'backbone', plugins: [tauNorm({ grid: [0, 0.5, 1, 1.5, 2], searchFraction: 1 })] },
    ],
  };
  const run = createRun(config);
  try {
    await run.start();
    return (run.model.head as TauNormHead).choice;
  } finally {
    run.dispose();
  }
}

describe('tauNorm() on webgpu', () => {
  it('searches τ without a synchronous read and picks the τ the cpu run picks', async () => {
    const onCpu = await tauChosenOn('cpu');
    // A τ other than the first of the grid: the curve is not flat, so the choice says something.
    expect(onCpu.tau).toBe(1.5);
    await selectBackend('webgpu');
    // Small ops would otherwise run on tfjs's cpu kernels, whose results a sync read could still reach.
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    const onGpu = await tauChosenOn('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(onGpu.tau).toBe(onCpu.tau);
    expect(onGpu.selectedOn).toBe('train-split');
    expect(onGpu.curve.map((p) => p.tau)).toEqual([0, 0.5, 1, 1.5, 2]);
  });
});
