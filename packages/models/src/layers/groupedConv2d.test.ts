import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type Conv2DPad } from '@lt/core';
import { groupedConv2d } from './groupedConv2d.js';

/** The dense [k, k, cin, cout] kernel equal to a grouped one: zero wherever input and output groups differ. */
function blockDiagonal(filter: tf.Tensor4D, groups: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [k, kw, groupIn, cout] = filter.shape;
    const groupOut = cout / groups;
    const rows = tf.reshape(tf.floorDiv(tf.range(0, groupIn * groups, 1, 'int32'), groupIn), [groupIn * groups, 1]);
    const cols = tf.reshape(tf.floorDiv(tf.range(0, cout, 1, 'int32'), groupOut), [1, cout]);
    const mask = tf.cast(tf.equal(rows, cols), 'float32');
    return tf.mul(tf.tile(filter, [1, 1, groups, 1]), mask) as tf.Tensor4D;
  });
}

interface Case {
  readonly x: [number, number, number, number];
  readonly kernel: number;
  readonly groups: number;
  readonly cout: number;
  readonly stride: number;
  readonly pad: Conv2DPad;
}

const cases: Case[] = [
  { x: [2, 6, 6, 8], kernel: 3, groups: 4, cout: 8, stride: 1, pad: 1 },
  { x: [2, 7, 7, 6], kernel: 3, groups: 3, cout: 12, stride: 2, pad: 1 },
  { x: [1, 8, 8, 4], kernel: 3, groups: 2, cout: 2, stride: 2, pad: 'same' },
  { x: [2, 5, 5, 4], kernel: 1, groups: 4, cout: 8, stride: 1, pad: 0 },
];

type Loss = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Scalar;

/** Σ conv(x, w) ⊙ r with a fixed random r, so every output position matters. */
function weightedSum(c: Case, conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D): Loss {
  return (x, w) =>
    tf.tidy(() => {
      const y = conv(x, w);
      return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', 99)));
    });
}

function inputs(c: Case, seed: number): [tf.Tensor4D, tf.Tensor4D] {
  const x = tf.randomNormal(c.x, 0, 1, 'float32', seed) as tf.Tensor4D;
  const w = tf.randomNormal([c.kernel, c.kernel, c.x[3] / c.groups, c.cout], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
  return [x, w];
}

function maxRelativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0] / Math.max(tf.max(tf.abs(expected)).dataSync()[0], 1e-12));
}

describe('groupedConv2d', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it.each(cases)('equals a dense conv with a block-diagonal kernel, value and gradients: %o', (c) => {
    const [x, w] = inputs(c, 1);
    const grouped = weightedSum(c, (a, b) => groupedConv2d(a, b, c.groups, c.stride, c.pad));
    const dense = weightedSum(c, (a, b) => tf.conv2d(a, blockDiagonal(b, c.groups), c.stride, c.pad));
    const ours = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => grouped(a as tf.Tensor4D, b as tf.Tensor4D))([x, w]);
    const ref = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => dense(a as tf.Tensor4D, b as tf.Tensor4D))([x, w]);
    expect(Math.abs(ours.value.dataSync()[0] - ref.value.dataSync()[0])).toBeLessThan(1e-4 * Math.abs(ref.value.dataSync()[0]) + 1e-4);
    expect(maxRelativeError(ours.grads[0], ref.grads[0])).toBeLessThan(1e-5);
    expect(maxRelativeError(ours.grads[1], ref.grads[1])).toBeLessThan(1e-5);
    // A grouped output must ignore the other groups' inputs: shift group 0's input, only group 0's output moves.
    const groupIn = c.x[3] / c.groups;
    const groupOut = c.cout / c.groups;
    const out = groupedConv2d(x, w, c.groups, c.stride, c.pad);
    const shifted = tf.tidy(() => tf.add(x, tf.concat([tf.fill([...c.x.slice(0, 3), groupIn], 5), tf.zeros([...c.x.slice(0, 3), c.x[3] - groupIn])], 3)));
    const outShifted = groupedConv2d(shifted as tf.Tensor4D, w, c.groups, c.stride, c.pad);
    const change = (from: number, size: number) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(out, [0, 0, 0, from], [-1, -1, -1, size]), tf.slice(outShifted, [0, 0, 0, from], [-1, -1, -1, size])))).dataSync()[0]);
    expect(change(groupOut, c.cout - groupOut)).toBe(0);
    expect(change(0, groupOut)).toBeGreaterThan(0.1);
    tf.dispose([x, w, ours.value, ...ours.grads, ref.value, ...ref.grads, out, shifted, outShifted]);
  });

  it('has the gradient finite differences give along a random direction', () => {
    const c = cases[1];
    const [x, w] = inputs(c, 5);
    const loss = weightedSum(c, (a, b) => groupedConv2d(a, b, c.groups, c.stride, c.pad));
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor4D, b as tf.Tensor4D))([x, w]);
    const ux = tf.randomNormal(x.shape, 0, 1, 'float32', 11) as tf.Tensor4D;
    const uw = tf.randomNormal(w.shape, 0, 1, 'float32', 12) as tf.Tensor4D;
    const eps = 1e-2;
    const at = (t: number) => tf.tidy(() => loss(tf.add(x, tf.mul(ux, t)), tf.add(w, tf.mul(uw, t))).dataSync()[0]);
    // The loss is bilinear in (x, w), so the central difference is exact up to float32 rounding.
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    const analytic = tf.tidy(() => tf.add(tf.sum(tf.mul(dx, ux)), tf.sum(tf.mul(dw, uw))).dataSync()[0]);
    expect(Math.abs(numeric - analytic)).toBeLessThan(2e-3 * Math.abs(analytic));
    tf.dispose([x, w, dx, dw, ux, uw]);
  });

  it('leaks no tensors forward or backward', () => {
    const c = cases[0];
    const [x, w] = inputs(c, 3);
    const before = tf.memory().numTensors;
    groupedConv2d(x, w, c.groups, c.stride, c.pad).dispose();
    tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(groupedConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.groups, c.stride, c.pad)))([x, w]));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  it('names the channel counts when they do not fit the groups', () => {
    const x = tf.zeros([1, 4, 4, 6]) as tf.Tensor4D;
    const w = tf.zeros([3, 3, 2, 4]) as tf.Tensor4D;
    expect(() => groupedConv2d(x, w, 3, 1, 1)).toThrow(/3 groups .* got input 6, filter \[3, 3, 2, 4\]/);
    expect(() => groupedConv2d(x, w, 4, 1, 1)).toThrow(/4 groups/);
    tf.dispose([x, w]);
  });

  describe('on wasm', () => {
    afterAll(async () => {
      await selectBackend('cpu');
    });

    it('trains on wasm and agrees with cpu to 1e-4', async () => {
      for (const c of cases.slice(0, 2)) {
        const [x, w] = inputs(c, 21);
        const run = () => {
          const loss = weightedSum(c, (a, b) => groupedConv2d(a, b, c.groups, c.stride, c.pad));
          const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor4D, b as tf.Tensor4D))([x, w]);
          const out = [value, ...grads].map((t) => Array.from(t.dataSync()));
          tf.dispose([value, ...grads]);
          return out;
        };
        await selectBackend('cpu');
        const cpu = run();
        await selectBackend('wasm');
        expect(tf.getBackend()).toBe('wasm');
        const wasm = run();
        cpu.forEach((values, i) => {
          const scale = Math.max(1, ...values.map(Math.abs));
          values.forEach((v, j) => expect(Math.abs(wasm[i][j] - v) / scale).toBeLessThan(1e-4));
        });
        tf.dispose([x, w]);
      }
    });
  });
});
