import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, modelVariables, softCrossEntropy, type Batch, type BatchContext, type Dataset, type StageContext, type StepContext } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { mlp } from '@lt/models';
import { glmcStepData, isGlmcBatch, mixGlmcBatch, type GlmcBatch } from './batch.js';
import { sampleCutMixBox } from './cutMix.js';
import { glmcHeads, glmcOutputs, withGlmcHeads } from './heads.js';
import { glmcObjective } from './loss.js';
import { ResampledStream } from './resampledStream.js';
import { glmcLoss } from './stepLoss.js';
import { cumulativeAlpha } from './cumulativeAlpha.js';
import { labelWeights } from './weights.js';
import { expectClose, take, useCpu } from './testing.fixture.js';

let dataset: Dataset;
beforeAll(async () => {
  await useCpu();
  dataset = await syntheticLT({ numClasses: 4, imbalance: 10, maxCount: 60, imageShape: [8, 8, 3] }).load({ rng: createRng(0), seed: 0 });
});

function setup(augment = true, epochs = 4) {
  const stage = {
    stage: { name: 'representation', epochs, batchSize: 16, augment, freeze: 'none' },
    dataset,
    rng: createRng(9),
  } as unknown as StageContext;
  const stream = new ResampledStream({ labels: dataset.trainLabels, classCounts: [...dataset.classCounts], rho: 0.5, batchSize: 16 });
  const settings = { stream, labelWeights: labelWeights(dataset.classCounts, 1.2), beta: 1 };
  const position = (epoch: number, step: number): BatchContext => ({ stage, epoch, step, rng: createRng(100 + 10 * epoch + step) });
  const raw = (context: BatchContext): Batch => {
    const indices = Int32Array.from({ length: 16 }, (_, i) => (i * 7 + context.step) % dataset.trainLabels.length);
    return {
      x: dataset.trainBatch(indices, { augment, rng: context.rng.fork('augment') }),
      labels: tf.tensor1d(Int32Array.from(indices, (i) => dataset.trainLabels[i]), 'int32'),
      indices,
    };
  };
  return { stage, stream, settings, position, raw };
}

const disposeBatch = (batch: GlmcBatch) =>
  tf.dispose([batch.x, batch.labels, batch.glmc.cutmix, batch.glmc.targets, batch.glmc.weightedTargets]);

describe('mixGlmcBatch', () => {
  it('mixes view 1 of A with view 1 of the paired R batch, and CutMixes independent second views', () => {
    const { stage, stream, settings, position, raw } = setup();
    const context = position(0, 1);
    const a = raw(context);
    const batch = mixGlmcBatch(a, context, settings);
    expect(isGlmcBatch(batch)).toBe(true);
    const { glmc } = batch;
    expect(Array.from(glmc.resampledIndices)).toEqual(Array.from(stream.batch(stage.rng, 0, 1, 16)));
    expect(Array.from(glmc.resampledLabels)).toEqual(Array.from(glmc.resampledIndices, (i) => dataset.trainLabels[i]));
    // Rebuild every view from the documented rng forks.
    const view = (indices: Int32Array, ...keys: string[]) => dataset.trainBatch(indices, { augment: true, rng: context.rng.fork('glmc', ...keys) });
    const a2 = view(a.indices, 'view2');
    const r1 = view(glmc.resampledIndices, 'resampled', 'view1');
    const r2 = view(glmc.resampledIndices, 'resampled', 'view2');
    const mixRng = context.rng.fork('glmc', 'mix');
    const lambda = mixRng.beta(1, 1);
    expect(glmc.lambda).toBe(lambda);
    expect(glmc.box).toEqual(sampleCutMixBox(lambda, 8, 8, mixRng));
    // Two views of the same images are different draws of the augmentation.
    expect(take(tf.max(tf.abs(tf.sub(a.x, a2))))[0]).toBeGreaterThan(0);
    const expectedMix = tf.add(tf.mul(a.x, lambda), tf.mul(r1, 1 - lambda));
    expectClose(batch.x.dataSync(), take(expectedMix), 1e-6);
    const inside = glmc.box;
    const cut = glmc.cutmix.dataSync();
    const [a2v, r2v] = [a2.dataSync(), r2.dataSync()];
    for (let i = 0; i < cut.length; i++) {
      const row = Math.floor(i / 24) % 8;
      const col = Math.floor(i / 3) % 8;
      const isInside = row >= inside.top && row < inside.bottom && col >= inside.left && col < inside.right;
      if (cut[i] !== (isInside ? r2v[i] : a2v[i])) expect.fail(`pixel ${i} (row ${row}, col ${col}) does not come from ${isInside ? 'R₂' : 'A₂'}`);
    }
    expect(batch.targets).toBe(glmc.targets);
    tf.dispose([a2, r1, r2]);
    disposeBatch(batch);
  });

  it('reuses view 1 as view 2 when the stage does not augment', () => {
    const { settings, position, raw } = setup(false);
    const context = position(0, 0);
    const a = raw(context);
    const batch = mixGlmcBatch(a, context, settings);
    const r = dataset.trainBatch(batch.glmc.resampledIndices, { augment: false, rng: createRng(0) });
    const [cut, av, rv] = [batch.glmc.cutmix.dataSync(), a.x.dataSync(), r.dataSync()];
    const { top, bottom, left, right } = batch.glmc.box;
    for (let i = 0; i < cut.length; i++) {
      const row = Math.floor(i / 24) % 8;
      const col = Math.floor(i / 3) % 8;
      expect(cut[i]).toBe(row >= top && row < bottom && col >= left && col < right ? rv[i] : av[i]);
    }
    tf.dispose([a.x, r]);
    disposeBatch(batch);
  });

  it('frees the extra views, leaving only the mixed batches and targets', () => {
    const { settings, position, raw } = setup();
    const context = position(1, 2);
    const a = raw(context);
    const before = tf.memory().numTensors;
    const batch = mixGlmcBatch(a, context, settings);
    // mixup, cutmix, targets, weighted targets.
    expect(tf.memory().numTensors - before).toBe(4);
    tf.dispose(a.x);
    disposeBatch(batch);
  });

  it('is reported clearly when a later batch tap dropped the GLMC data', () => {
    expect(() => glmcStepData({ x: tf.zeros([1, 1, 1, 1]), labels: tf.zeros([1]), indices: new Int32Array(1) } as Batch)).toThrow(
      /carries no GLMC mix/,
    );
  });
});

describe('glmcLoss', () => {
  function step(augment: boolean, epoch: number, epochs: number) {
    const { settings, position, raw, stage } = setup(augment, epochs);
    const model = withGlmcHeads(mlp({ hidden: [12] }).build({ info: dataset.info, rng: createRng(1) }), { projectionDim: 6, rng: createRng(2) });
    const context = position(epoch, 0);
    const batch = mixGlmcBatch(raw(context), context, settings);
    const features = (x: tf.Tensor4D) => model.backbone.apply(x, 'train');
    const stepContext = { ...context, stage, batch, model, head: model.head, features, logits: (x: tf.Tensor4D) => model.head.apply(features(x)) } as StepContext;
    return { model, batch, stepContext, features };
  }

  it('with κ = 0 at epoch 0 (α = 1) equals the MixUp + CutMix soft cross-entropy of fc', () => {
    const { model, batch, stepContext, features } = step(true, 0, 4);
    const loss = take(glmcLoss(0)(stepContext))[0];
    const fc = model.extras.fc;
    const y = batch.glmc.targets;
    const expected = take(tf.add(softCrossEntropy(fc.apply(features(batch.glmc.mixup)), y), softCrossEntropy(fc.apply(features(batch.glmc.cutmix)), y)))[0];
    expect(loss).toBeCloseTo(expected, 5);
    tf.dispose(modelVariables(model).map((v) => v.variable));
  });

  it('weights the terms with α_e of the stage epoch and κ', () => {
    const { model, batch, stepContext, features } = step(true, 3, 4);
    const loss = take(glmcLoss(4)(stepContext))[0];
    const heads = glmcHeads(model);
    const terms = glmcObjective(glmcOutputs(heads, features(batch.glmc.mixup)), glmcOutputs(heads, features(batch.glmc.cutmix)), batch.glmc.targets, batch.glmc.weightedTargets, {
      alpha: cumulativeAlpha(3, 4),
      contrastWeight: 4,
    });
    expect(cumulativeAlpha(3, 4)).toBe(1 - 9 / 16);
    expect(loss).toBeCloseTo(take(terms.total)[0], 5);
    tf.dispose(modelVariables(model).map((v) => v.variable));
  });
});
