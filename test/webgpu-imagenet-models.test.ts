// The ImageNet backbones on webgpu: a training step of ResNet-50 and ResNeXt-50 (every structural part: 7×7 stride-2
// stem, max-pool, bottlenecks with grouped 3×3 convolutions, projection shortcuts) gives cpu's loss and update.
// Narrow versions on 64-px images, since SwiftShader (the CPU Vulkan driver these tests run on) is slow. Not 32 px:
// there the last stage is 1×1, BatchNorm normalises 2 values per channel, and its exact input gradient (zero) comes
// out as rounding noise times 1/σ on any backend, which earlier layers amplify.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, modelVariables, selectBackend, Sgd, softmaxCrossEntropy, variableGrads, type ModelSpec } from '@lt/core';
import { resnet50, resnext50 } from '@lt/models';
import { expectClose } from './support/wasmParity.js';

process.env.VK_DRIVER_FILES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

/** One SGD step of `spec` on fixed data: the loss, then every parameter after the update. */
async function step(spec: ModelSpec): Promise<number[][]> {
  const parts = spec.build({ info: { name: 'x', numClasses: 5, imageShape: [64, 64, 3], flipPreservesLabel: true } as never, rng: createRng(0) });
  const params = [parts.backbone, parts.head].flatMap((m) => m.parameters());
  const sgd = new Sgd(params, { momentum: 0.9, weightDecay: 5e-4 });
  const x = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
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
  ] as const)("%s: one training step gives cpu's loss, and the update lt's kernels give on wasm", async (_name, spec) => {
    const on = async (backend: 'cpu' | 'wasm' | 'webgpu') => {
      await selectBackend(backend);
      return step(spec);
    };
    const [cpu, wasm, gpu] = [await on('cpu'), await on('wasm'), await on('webgpu')];
    await selectBackend('cpu');
    expectClose([gpu[0]], [cpu[0]], 1e-4);
    // At random init these nets turn rounding in the last layers' BatchNorm backward into ~5 % of the stem's update:
    // cpu (tf ops) and wasm (lt's kernels) differ that much too, while wasm and webgpu, whose fused BatchNorm rounds
    // alike, agree to ~3e-4.
    expectClose(gpu.slice(1), wasm.slice(1), 1e-3);
  });
});
