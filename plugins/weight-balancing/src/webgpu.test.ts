// MaxNorm on webgpu (Dawn over SwiftShader): the threshold and the projection stay on the device (webgpu has no
// synchronous read in Node) and match the reference; inputs are plain arrays.
import { afterEach, describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lt/core';
import { linearHeadFrom } from '@lt/models';
import { expectClose } from '../../../test/support/vectors.js';
import { maxNormCases } from './maxNorm.fixture.js';
import { maxNormThresholdTensor } from './maxNorm.js';
import { MaxNormHead } from './maxNormHead.js';

process.env.VK_DRIVER_FILES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';


afterEach(async () => {
  await selectBackend('cpu');
});

describe('MaxNormHead on webgpu', () => {
  it.each(maxNormCases.map((c, i) => [i, c] as const))('fixes the threshold and projects as the reference (#%s)', async (_i, c) => {
    await selectBackend('webgpu');
    // Small inputs would otherwise run on tfjs's cpu kernels, whose results a sync read could still reach.
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    const [rows, cols] = c.shape;
    const matrix = (v: number[]) => Array.from({ length: rows }, (_, k) => v.slice(k * cols, (k + 1) * cols));
    const head = linearHeadFrom({ name: 'fc', weight: matrix(c.weight_init), bias: new Array(rows).fill(0) });
    const threshold = maxNormThresholdTensor(head.weight, c.thresh_rel);
    const wrapped = new MaxNormHead(head, threshold);
    threshold.dispose();
    // The reference projects the trained weights with the threshold of the initial ones. The threshold is read only
    // afterwards: an async read leaves a copy in JS that a sync read would then find.
    head.weight.assign(tf.tensor2d(c.weight, c.shape));
    wrapped.project();
    expectClose(await head.weight.data(), c.out);
    expectClose(await wrapped.threshold.data(), [c.threshold]);
    wrapped.dispose();
    head.dispose();
  });
});
