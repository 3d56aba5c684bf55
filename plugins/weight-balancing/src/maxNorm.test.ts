import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lt/core';
import { expectClose, take } from '../../../test/support/vectors.js';
import { maxNormCases } from './maxNorm.fixture.js';
import { maxNormProject, maxNormThreshold } from './maxNorm.js';


describe.each(['cpu', 'wasm'] as const)('MaxNorm on %s', (backend) => {
  it.each(maxNormCases.map((c, i) => [i, c.thresh_rel, c] as const))('threshold and projection match the reference (#%s, relative %s)', async (_i, _r, c) => {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    const initial = tf.tensor2d(c.weight_init, c.shape);
    const weight = tf.tensor2d(c.weight, c.shape);
    const threshold = c.thresh_rel === 0.1 ? maxNormThreshold(initial) : maxNormThreshold(initial, c.thresh_rel);
    expectClose([threshold], [c.threshold]);
    const out = take(maxNormProject(weight, c.threshold));
    expectClose(out, c.out);
    const [rows, cols] = c.shape;
    let changed = 0;
    for (let k = 0; k < rows; k++) if (c.weight.slice(k * cols, (k + 1) * cols).some((v, j) => v !== c.out[k * cols + j])) changed++;
    expect(changed).toBe(c.projected_rows);
    tf.dispose([initial, weight]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
