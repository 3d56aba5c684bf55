import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assignWeights, createRng, selectBackend, type ClassifierHead } from '@lt/core';
import { linearHead, mlp, toLayersModel } from '@lt/models';
import { SamnHead } from '@lt/samn';
import { LwsHead, TauNormHead } from '@lt/decoupling';
import { CosineHead, ShiftedHead } from '@lt/logit-adjust';
import { MaxNormHead } from '@lt/weight-balancing';
import { rebuildHead } from './heads.js';

const featureDim = 6;
const numClasses = 4;
const counts = [50, 20, 8, 2];

function randomize(variable: tf.Variable, seed: number, scale: number, offset = 0): void {
  tf.tidy(() => variable.assign(tf.add(tf.mul(tf.randomNormal(variable.shape, 0, 1, 'float32', seed), scale), offset)));
}

/** A linear head with random rows and biases (the usual start of every rebalancing head). */
function base(seed: number): ClassifierHead {
  const head = linearHead({ name: 'head', featureDim, numClasses, rng: createRng(seed) });
  randomize(head.bias, seed + 1, 0.5);
  return head;
}

/** Every head kind lt exports, with its learnt scalings moved off their starting values. */
const kinds: Array<[string, () => ClassifierHead]> = [
  ['linear', () => base(1)],
  ['samn exp', () => withRaw(new SamnHead(base(2), counts), 0.4)],
  ['samn exp, maxScaling clamp', () => withRaw(new SamnHead(base(3), counts, { maxScaling: 0.2 }), 0.6)],
  ['samn mul', () => withRaw(new SamnHead(base(4), counts, { scaleMode: 'mul' }), 0.3, 1)],
  ['samn without bias branch', () => withRaw(new SamnHead(base(5), counts, { biasBranch: false }), 0.4)],
  ['lws', () => withScale(new LwsHead(base(6)))],
  ['lws over samn', () => withScale(new LwsHead(withRaw(new SamnHead(base(7), counts), 0.4)))],
  ['tau-norm', () => new TauNormHead(base(8), { tau: 0.7, selectedOn: 'train-split', curve: [{ tau: 0.7, balancedAccuracy: 0.5 }] })],
  ['post-hoc logit adjustment', () => new ShiftedHead(base(9), [0.5, -0.2, 1.1, 2.3])],
  ['max-norm (weight balancing)', () => new MaxNormHead(base(10), 0.8)],
];

function withRaw(head: SamnHead, scale: number, offset = 0): SamnHead {
  randomize(head.rawWeight, 11, scale, offset);
  if (head.rawBias !== undefined) randomize(head.rawBias, 12, scale, offset);
  return head;
}

function withScale(head: LwsHead): LwsHead {
  randomize(head.scale, 13, 0.3, 1);
  return head;
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('export of every head kind', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it.each(kinds)('%s: rebuilt from its config and checkpoint weights, folded and exported, gives the same logits', (_kind, make) => {
    const head = make();
    const features = tf.randomNormal([5, featureDim], 0, 1, 'float32', 21) as tf.Tensor2D;
    const expected = head.apply(features);

    const before = tf.memory().numTensors;
    const rebuilt = rebuildHead(head.config, head.name);
    const variables = (h: ClassifierHead) => [...h.parameters(), ...h.buffers()];
    const weights = Object.fromEntries(variables(head).map((p) => [p.name, p.variable]));
    assignWeights(variables(rebuilt), weights, 'test');
    expect(rebuilt.config).toEqual(head.config);
    const again = rebuilt.apply(features);
    expect(maxDiff(again, expected)).toBe(0);
    again.dispose();

    const fold = rebuilt.foldToDense!();
    const folded = tf.tidy(() => tf.add(tf.matMul(features, fold.weight, false, true), fold.bias));
    expect(maxDiff(folded, expected)).toBeLessThan(1e-5);
    tf.dispose([fold.weight, fold.bias, folded]);

    // Through a whole exported network: an MLP backbone on 1×1×D "images" and the folded head.
    const parts = mlp({ hidden: [featureDim] }).build({ info: { name: 't', numClasses, imageShape: [1, 1, 3], flipPreservesLabel: false }, rng: createRng(8) });
    const backbone = parts.backbone;
    const x = tf.randomUniform([5, 1, 1, 3], 0, 1, 'float32', 22) as tf.Tensor4D;
    const viaLt = tf.tidy(() => head.apply(backbone.apply(x, 'eval')));
    const model = toLayersModel({ backbone, head: rebuilt }, [1, 1, 3]);
    const viaLayers = model.predict(x) as tf.Tensor;
    expect(maxDiff(viaLayers, viaLt)).toBeLessThan(1e-5);
    model.dispose();
    tf.dispose([viaLayers, viaLt, x, ...[backbone, parts.head, rebuilt].flatMap((m) => [...m.parameters(), ...m.buffers()].map((p) => p.variable))]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([features, expected, ...variables(head).map((p) => p.variable)]);
  });

  it('rebuilds LDAM-DRW\'s cosine head (scored by lt evaluate; not linear, so not exported)', () => {
    const head = new CosineHead(base(14));
    const features = tf.randomNormal([5, featureDim], 0, 1, 'float32', 23) as tf.Tensor2D;
    const rebuilt = rebuildHead(head.config, head.name);
    const variables = (h: ClassifierHead) => [...h.parameters(), ...h.buffers()];
    assignWeights(variables(rebuilt), Object.fromEntries(variables(head).map((p) => [p.name, p.variable])), 'test');
    const [expected, again] = [head.apply(features), rebuilt.apply(features)];
    expect(maxDiff(again, expected)).toBe(0);
    expect(rebuilt.foldToDense).toBeUndefined();
    tf.dispose([features, expected, again, ...variables(head).map((p) => p.variable), ...variables(rebuilt).map((p) => p.variable)]);
  });

  it('names the known kinds for an unknown one', () => {
    expect(() => rebuildHead({ kind: 'arcface' }, 'head')).toThrow(/kind 'arcface' \(known kinds: linear, samn, lws/);
  });
});
