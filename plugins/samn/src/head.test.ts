import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { assignWeights, readCheckpoint, saveCheckpoint } from '@lt/core';
import { SamnHead } from './head.js';
import { samnLogits } from './samnLogits.js';
import { expectClose, linearHead, meanCrossEntropy, take, uniform, useBackend, worked } from './reference.fixture.js';

const { counts, weight, bias } = worked;

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

const disposers: Array<() => void> = [];
function track<T extends { dispose(): void }>(value: T): T {
  disposers.push(() => value.dispose());
  return value;
}
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

describe('SamnHead', () => {
  it('copies directions and biases from the head it replaces into new variables with stable names', async () => {
    await useBackend('cpu');
    const source = track(linearHead(weight, bias, 'fc'));
    const head = track(new SamnHead(source, counts));
    expect(head.name).toBe('fc');
    expect([head.numClasses, head.featureDim]).toEqual([3, 2]);
    expect(head.parameters().map((p) => p.name)).toEqual(['fc.weight', 'fc.bias', 'fc.raw_weight', 'fc.raw_bias']);
    expect(head.buffers()).toEqual([]);
    expect(head.weight).not.toBe(source.weight);
    head.weight.assign(tf.zeros([3, 2]));
    expect(values(source.weight)).toEqual([3, 4, 1, 0, 0, 2]);
    // A second head from the same source: same checkpoint names, distinct tf variable names.
    const other = track(new SamnHead(source, counts));
    expect(other.parameters().map((p) => p.name)).toEqual(head.parameters().map((p) => p.name));
    const tfNames = new Set([...head.parameters(), ...other.parameters()].map((p) => p.variable.name));
    expect(tfNames.size).toBe(8);
  });

  it('starts raw_w and raw_b at the freq initialisation (or zeros)', async () => {
    await useBackend('cpu');
    const source = track(linearHead(weight, bias));
    const freq = track(new SamnHead(source, counts));
    expectClose(values(freq.rawWeight), [1.000001, 0.09091, 0.000001]);
    expectClose(values(freq.rawBias!), [1.000001, 0.09091, 0.000001]);
    const zeros = track(new SamnHead(source, counts, { init: 'zeros' }));
    expect(values(zeros.rawWeight)).toEqual([0, 0, 0]);
  });

  it('has the effective norms exp(s^w) of the F5 worked example: tail ≥ head', async () => {
    await useBackend('cpu');
    const head = track(new SamnHead(track(linearHead(weight, bias)), counts));
    expectClose(head.weightNorms(), [2.141403, 3.865205, 4.232064]);
    expectClose(head.biasOffsets(), [2.141403, 3.865205, 4.232064]);
    const x = tf.tensor2d([[1, 1]]);
    expectClose(take(head.apply(x)), [5.239367, 7.73041, 8.364128]);
    x.dispose();
  });

  it('computes the same logits as samnLogits with its own tensors', async () => {
    await useBackend('cpu');
    const head = track(new SamnHead(track(linearHead(weight, bias)), counts, { scaleMode: 'mul', strict: true }));
    const x = tf.tensor2d([[0.3, -1], [2, 0.5]]);
    const params = { weight: head.weight, bias: head.bias, rawWeight: head.rawWeight, rawBias: head.rawBias };
    expectClose(take(head.apply(x)), take(samnLogits(x, params, counts, 'mul', { strict: true })), 1e-7);
    x.dispose();
  });

  it('has no raw_bias parameter without the bias branch', async () => {
    await useBackend('cpu');
    const head = track(new SamnHead(track(linearHead(weight, bias)), counts, { biasBranch: false }));
    expect(head.parameters().map((p) => p.name)).toEqual(['head.weight', 'head.bias', 'head.raw_weight']);
    expect(head.config).toMatchObject({ biasBranch: false });
    expect(head.biasOffsets()).toEqual([0, 0, 0]);
  });

  it('records a config that rebuilds it', async () => {
    await useBackend('cpu');
    const head = track(new SamnHead(track(linearHead(weight, bias)), counts));
    expect(JSON.parse(JSON.stringify(head.config))).toEqual({
      kind: 'samn',
      numClasses: 3,
      featureDim: 2,
      scaleMode: 'exp',
      init: 'freq',
      strict: false,
      biasBranch: true,
      maxScaling: 80,
      orderSource: 'classCounts',
      order: counts,
      base: { kind: 'linear', featureDim: 2, numClasses: 3 },
    });
  });

  it('saves and loads through the engine checkpoint: same logits after reload', async () => {
    await useBackend('cpu');
    const dir = await mkdtemp(join(tmpdir(), 'lt-samn-'));
    try {
      const random = uniform(1);
      const head = track(new SamnHead(track(linearHead(weight, bias)), counts));
      // Move every parameter away from its initial value so the reload has something to restore.
      for (const { variable } of head.parameters()) {
        variable.assign(tf.tidy(() => tf.add(variable, tf.tensor(Array.from({ length: variable.size }, () => random() - 0.5), variable.shape))));
      }
      const x = tf.tensor2d([[0.3, -1], [2, 0.5]]);
      const before = take(head.apply(x));
      await saveCheckpoint(join(dir, 'classifier'), head.parameters(), { head: head.config }, {});
      const fresh = track(new SamnHead(track(linearHead([[1, 0], [0, 1], [1, 1]], [0, 0, 0])), counts));
      expect(take(fresh.apply(x))).not.toEqual(before);
      const { json, weights } = await readCheckpoint<Record<string, never>>(join(dir, 'classifier'));
      assignWeights(fresh.parameters(), weights, 'test checkpoint');
      tf.dispose(Object.values(weights));
      expect(json.modelTopology).toEqual({ head: JSON.parse(JSON.stringify(head.config)) });
      expectClose(take(fresh.apply(x)), before, 1e-6);
      x.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stays monotone while training: norms non-increasing in class count after SGD steps', async () => {
    await useBackend('cpu');
    const random = uniform(2);
    const classCounts = [50, 5, 200, 20];
    const source = track(linearHead(classCounts.map(() => [random() - 0.5, random() - 0.5, random() - 0.5]), [0, 0, 0, 0]));
    const head = track(new SamnHead(source, classCounts));
    const x = tf.tensor2d(Array.from({ length: 16 }, () => [random() * 2, random() * 2, random() * 2]));
    // Labels that push the head classes' norms up: training must still keep tail ≥ head.
    const labels = Array.from({ length: 16 }, (_, i) => [2, 0, 2, 2][i % 4]);
    const variables = head.parameters().map((p) => p.variable);
    const losses: number[] = [];
    const before = tf.memory().numTensors;
    for (let step = 0; step < 15; step++) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => meanCrossEntropy(head.apply(x), labels), variables);
        losses.push(value.dataSync()[0]);
        for (const v of variables) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.5)));
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    const norms = head.weightNorms();
    const byCount = [1, 3, 0, 2].map((k) => norms[k]); // counts ascending: 5, 20, 50, 200
    for (let i = 1; i < byCount.length; i++) expect(byCount[i]).toBeLessThanOrEqual(byCount[i - 1] * (1 + 1e-6));
    x.dispose();
  });

  it('rejects a class metric of the wrong length', async () => {
    await useBackend('cpu');
    const source = track(linearHead(weight, bias));
    expect(() => new SamnHead(source, [1, 2])).toThrow(/head 'head' has 3 classes but the class metric has 2 values/);
  });
});
