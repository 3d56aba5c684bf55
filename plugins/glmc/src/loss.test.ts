import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, softCrossEntropy } from '@lt/core';
import { LinearExtra } from './heads.js';
import { cosineSimilarity, glmcObjective, mixtureConsistency, negativeCosine, type GlmcOutputs } from './loss.js';
import { stopGradient } from './stopGradient.js';
import { expectClose, randomTensor, take, useCpu } from './testing.fixture.js';

beforeAll(useCpu);

/** A constant copy: a tensor with no history on any tape. */
const constant = <T extends tf.Tensor>(x: T): T => tf.tensor(x.dataSync(), x.shape) as T;

describe('stopGradient', () => {
  it('passes values through and lets no gradient back', () => {
    const x = tf.tensor1d([1, -2, 3]);
    expect(take(stopGradient(x))).toEqual([1, -2, 3]);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), 3)))(x);
    expect(take(grad)).toEqual([0, 0, 0]);
    x.dispose();
  });
});

describe('negativeCosine', () => {
  it('is −mean cos(p, z) with norms clamped at 1e-8', () => {
    const p = tf.tensor2d([[1, 0], [3, 4], [0, 0]]);
    const z = tf.tensor2d([[0, 2], [6, 8], [1, 1]]);
    expectClose(take(cosineSimilarity(p, z)), [0, 1, 0], 1e-7);
    expectClose(take(negativeCosine(p, z)), [-1 / 3], 1e-7);
    tf.dispose([p, z]);
  });

  it('sends no gradient into the target, and the prediction gets the gradient of a constant target', () => {
    const p = randomTensor<tf.Rank.R2>([4, 6], 1);
    const z = randomTensor<tf.Rank.R2>([4, 6], 2);
    const [gradP, gradZ] = tf.grads((a: tf.Tensor, b: tf.Tensor) => negativeCosine(a as tf.Tensor2D, b as tf.Tensor2D))([p, z]);
    expect(take(gradZ).every((g) => g === 0)).toBe(true);
    const zConstant = constant(z);
    const expected = tf.grad((a: tf.Tensor) => tf.neg(tf.mean(cosineSimilarity(a as tf.Tensor2D, zConstant))))(p);
    const gradient = take(gradP);
    expect(gradient.some((g) => g !== 0)).toBe(true);
    expectClose(gradient, take(expected), 1e-7);
    tf.dispose([p, z, zConstant]);
  });

  it('has a finite gradient for an all-zero prediction', () => {
    const p = tf.zeros([1, 3]) as tf.Tensor2D;
    const z = tf.tensor2d([[1, 2, 3]]);
    const grad = take(tf.grad((a: tf.Tensor) => negativeCosine(a as tf.Tensor2D, z))(p));
    expect(grad.every(Number.isFinite)).toBe(true);
    tf.dispose([p, z]);
  });
});

describe('mixtureConsistency', () => {
  it('trains the projection head only through the prediction branch (the target branch is stop-gradient)', () => {
    const rng = createRng(5);
    const projection = new LinearExtra('projection_head', 5, 4, rng.fork('p'));
    const prediction = new LinearExtra('prediction_head', 4, 4, rng.fork('q'));
    const fMix = randomTensor<tf.Rank.R2>([3, 5], 3);
    const fCut = randomTensor<tf.Rank.R2>([3, 5], 4);
    const variables = [...projection.parameters(), ...prediction.parameters()].map((v) => v.variable);
    const branch = (f: tf.Tensor2D) => {
      const h = projection.apply(f);
      return { projection: h, prediction: prediction.apply(h) };
    };
    const withStopGradient = tf.variableGrads(() => mixtureConsistency(branch(fMix), branch(fCut)), variables);
    // The same loss with each target replaced by a constant copy: only the prediction branch is differentiable.
    const hMix = constant(projection.apply(fMix));
    const hCut = constant(projection.apply(fCut));
    const withConstants = tf.variableGrads(
      () =>
        tf.add(
          tf.neg(tf.mean(cosineSimilarity(branch(fMix).prediction, hCut))),
          tf.neg(tf.mean(cosineSimilarity(branch(fCut).prediction, hMix))),
        ) as tf.Scalar,
      variables,
    );
    // And without any stop-gradient the projection head's gradient differs: the check above has teeth.
    const withoutStopGradient = tf.variableGrads(() => {
      const mix = branch(fMix);
      const cut = branch(fCut);
      return tf.neg(tf.add(tf.mean(cosineSimilarity(mix.prediction, cut.projection)), tf.mean(cosineSimilarity(cut.prediction, mix.projection)))) as tf.Scalar;
    }, variables);
    expectClose(take(withStopGradient.value), take(withConstants.value), 1e-6);
    for (const v of variables) expectClose(withStopGradient.grads[v.name].dataSync(), withConstants.grads[v.name].dataSync(), 1e-6);
    const projectionWeight = variables[0].name;
    const difference = take(tf.max(tf.abs(tf.sub(withStopGradient.grads[projectionWeight], withoutStopGradient.grads[projectionWeight]))))[0];
    expect(difference).toBeGreaterThan(1e-3);
    tf.dispose([fMix, fCut, hMix, hCut, withoutStopGradient.value, ...variables]);
    tf.dispose([withStopGradient.grads, withConstants.grads, withoutStopGradient.grads].flatMap((g) => Object.values(g)));
  });
});

/** float64 reference of the objective on plain arrays (ALGORITHMS.md D8–D10). */
function referenceObjective(
  mix: Record<keyof GlmcOutputs, number[][]>,
  cut: Record<keyof GlmcOutputs, number[][]>,
  y: number[][],
  yw: number[][],
  alpha: number,
  kappa: number,
): number {
  const sce = (z: number[][], t: number[][]) =>
    -z.reduce((sum, row, i) => {
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      return sum + row.reduce((s, v, c) => s + t[i][c] * (v - lse), 0);
    }, 0) / z.length;
  const cos = (a: number[][], b: number[][]) =>
    a.reduce((sum, row, i) => {
      const dot = row.reduce((s, v, k) => s + v * b[i][k], 0);
      const norm = (v: number[]) => Math.max(Math.sqrt(v.reduce((s, x) => s + x * x, 0)), 1e-8);
      return sum + dot / (norm(row) * norm(b[i]));
    }, 0) / a.length;
  const balanced = sce(mix.logits, y) + sce(cut.logits, y);
  const rebalanced = sce(mix.rebalancedLogits, yw) + sce(cut.rebalancedLogits, yw);
  const consistency = -cos(mix.prediction, cut.projection) - cos(cut.prediction, mix.projection);
  return alpha * balanced + (1 - alpha) * rebalanced + kappa * consistency;
}

describe('glmcObjective', () => {
  const outputs = (seed: number): GlmcOutputs => ({
    logits: randomTensor([4, 3], seed),
    rebalancedLogits: randomTensor([4, 3], seed + 1),
    projection: randomTensor([4, 5], seed + 2),
    prediction: randomTensor([4, 5], seed + 3),
  });
  const toArrays = (o: GlmcOutputs) =>
    Object.fromEntries(Object.entries(o).map(([k, t]) => [k, (t as tf.Tensor2D).arraySync()])) as Record<keyof GlmcOutputs, number[][]>;

  it('equals α·L_bal + (1 − α)·L_rebal + κ·L_con computed independently in float64', () => {
    const mix = outputs(10);
    const cut = outputs(20);
    const y = tf.tensor2d([[0.3, 0.7, 0], [0, 1, 0], [0.5, 0, 0.5], [0, 0.2, 0.8]]);
    const yw = tf.mul(y, tf.tensor1d([0.2, 0.5, 2.3])) as tf.Tensor2D;
    const terms = glmcObjective(mix, cut, y, yw, { alpha: 0.75, contrastWeight: 2 });
    const expected = referenceObjective(toArrays(mix), toArrays(cut), y.arraySync(), yw.arraySync(), 0.75, 2);
    expectClose(take(terms.total), [expected], 1e-5);
    const parts = [terms.balanced, terms.rebalanced, terms.consistency].map((t) => take(t)[0]);
    expect(0.75 * parts[0] + 0.25 * parts[1] + 2 * parts[2]).toBeCloseTo(expected, 5);
    tf.dispose([...Object.values(mix), ...Object.values(cut), y, yw]);
  });

  it('with κ = 0 and α = 1 is the MixUp + CutMix soft cross-entropy of fc', () => {
    const mix = outputs(30);
    const cut = outputs(40);
    const y = tf.tensor2d([[0.3, 0.7, 0], [0, 1, 0], [0.5, 0, 0.5], [0, 0.2, 0.8]]);
    const total = take(glmcObjective(mix, cut, y, tf.onesLike(y), { alpha: 1, contrastWeight: 0 }).total)[0];
    const expected = take(tf.add(softCrossEntropy(mix.logits, y), softCrossEntropy(cut.logits, y)))[0];
    expect(total).toBeCloseTo(expected, 6);
    tf.dispose([...Object.values(mix), ...Object.values(cut), y]);
  });
});
