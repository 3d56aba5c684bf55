import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Sgd } from './sgd.js';

describe('Sgd', () => {
  it('follows PyTorch: buf ← μ·buf + (g + λθ), θ ← θ − lr·buf, over two steps', () => {
    const theta = tf.variable(tf.tensor1d([1, -2]));
    const sgd = new Sgd([{ name: 'w', variable: theta }], { momentum: 0.9, weightDecay: 0.1 });
    const grads = { [theta.name]: tf.tensor1d([0.5, 0.25]) };
    sgd.step(grads, 0.1);
    // d1 = [0.5 + 0.1, 0.25 − 0.2] = [0.6, 0.05]; θ1 = [1 − 0.06, −2 − 0.005]
    expect(Array.from(theta.dataSync())).toEqual([expect.closeTo(0.94, 6), expect.closeTo(-2.005, 6)]);
    sgd.step(grads, 0.1);
    // d2 = [0.5 + 0.094, 0.25 − 0.2005] = [0.594, 0.0495]; buf2 = 0.9·[0.6, 0.05] + d2 = [1.134, 0.0945]
    expect(Array.from(theta.dataSync())).toEqual([expect.closeTo(0.94 - 0.1134, 6), expect.closeTo(-2.005 - 0.00945, 6)]);
    sgd.dispose();
    tf.dispose([theta, ...Object.values(grads)]);
  });

  it('leaves a parameter without a gradient untouched (no weight decay)', () => {
    const used = tf.variable(tf.scalar(1));
    const unused = tf.variable(tf.scalar(3));
    const sgd = new Sgd(
      [
        { name: 'used', variable: used },
        { name: 'unused', variable: unused },
      ],
      { momentum: 0.9, weightDecay: 0.5 },
    );
    const g = tf.scalar(1);
    sgd.step({ [used.name]: g }, 0.1);
    expect(unused.dataSync()[0]).toBe(3);
    expect(used.dataSync()[0]).toBeCloseTo(1 - 0.1 * 1.5, 6);
    expect(sgd.state().map((s) => s.name)).toEqual(['optimizer.momentum.used']);
    sgd.dispose();
    tf.dispose([used, unused, g]);
  });

  it("scales a parameter's step by its lrMultiplier (a parameter group's lr factor)", () => {
    const a = tf.variable(tf.scalar(1));
    const b = tf.variable(tf.scalar(1));
    const sgd = new Sgd(
      [
        { name: 'a', variable: a },
        { name: 'b', variable: b, lrMultiplier: 0.2 },
      ],
      { momentum: 0, weightDecay: 0 },
    );
    const g = tf.scalar(1);
    sgd.step({ [a.name]: g, [b.name]: g }, 0.5);
    expect(a.dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(b.dataSync()[0]).toBeCloseTo(0.9, 6);
    sgd.dispose();
    tf.dispose([a, b, g]);
  });

  it('restores momentum buffers from saved state', () => {
    const theta = tf.variable(tf.scalar(0));
    const sgd = new Sgd([{ name: 'w', variable: theta }], { momentum: 0.5, weightDecay: 0 });
    const saved = { 'optimizer.momentum.w': tf.scalar(2) };
    sgd.load(saved);
    const g = tf.scalar(1);
    sgd.step({ [theta.name]: g }, 1);
    // buf = 0.5·2 + 1 = 2
    expect(theta.dataSync()[0]).toBeCloseTo(-2, 6);
    expect(() => sgd.load({ 'optimizer.momentum.other': g })).toThrow(/unknown parameter 'other'/);
    sgd.dispose();
    tf.dispose([theta, g, ...Object.values(saved)]);
  });

  it('allocates no tensors per step beyond its buffers', () => {
    const theta = tf.variable(tf.tensor1d([1, 2, 3]));
    const sgd = new Sgd([{ name: 'w', variable: theta }], { momentum: 0.9, weightDecay: 0.01 });
    const g = tf.tensor1d([1, 1, 1]);
    sgd.step({ [theta.name]: g }, 0.1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) sgd.step({ [theta.name]: g }, 0.1);
    expect(tf.memory().numTensors).toBe(before);
    sgd.dispose();
    tf.dispose([theta, g]);
  });
});
