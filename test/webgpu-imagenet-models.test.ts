// The ImageNet backbones on webgpu: a training step of ResNet-50 and ResNeXt-50 (every structural part: 7×7 stride-2
// stem, max-pool, bottlenecks with grouped 3×3 convolutions, projection shortcuts) gives cpu's loss and update.
// Narrow versions on 32-px images, since SwiftShader (the CPU Vulkan driver these tests run on) is slow.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, modelVariables, selectBackend, Sgd, softmaxCrossEntropy, variableGrads, type ModelSpec } from '@lt/core';
import { resnet50, resnext50 } from '@lt/models';
import { expectClose } from './support/wasmParity.js';

process.env.VK_DRIVER_FILES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

/** One SGD step of `spec` on fixed data: the loss, then every parameter after the update. */
async function step(spec: ModelSpec): Promise<number[][]> {
  const parts = spec.build({ info: { name: 'x', numClasses: 5, imageShape: [32, 32, 3], flipPreservesLabel: true } as never, rng: createRng(0) });
  const params = [parts.backbone, parts.head].flatMap((m) => m.parameters());
  const sgd = new Sgd(params, { momentum: 0.9, weightDecay: 5e-4 });
  const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const y = tf.tensor1d([1, 3], 'int32');
  const loss = tf.tidy(() => {
    const { value, grads } = variableGrads(() => softmaxCrossEntropy(parts.head.apply(parts.backbone.apply(x, 'train')), y), params.map((p) => p.variable));
    sgd.step(grads, 0.1);
    return value;
  });
  const out = [Array.from(await loss.data()), ...(await Promise.all(params.map(async (p) => Array.from(await p.variable.data()))))];
  tf.dispose([x, y, loss]);
  sgd.dispose();
  tf.dispose(modelVariables(parts).map((v) => v.variable));
  return out;
}

describe('the ImageNet backbones on webgpu', () => {
  it.each([
    ['ResNet-50', resnet50({ width: 8 })],
    ['ResNeXt-50 (grouped 3×3 convolutions)', resnext50({ width: 8, groups: 2, widthPerGroup: 16 })],
  ] as const)('%s: one training step gives cpu\'s loss and updated parameters', async (_name, spec) => {
    await selectBackend('cpu');
    const cpu = await step(spec);
    await selectBackend('webgpu');
    const gpu = await step(spec);
    await selectBackend('cpu');
    expectClose(gpu, cpu, 1e-4);
  });
});
