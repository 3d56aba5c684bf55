import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  createStageHooks,
  crossEntropyLoss,
  softmaxCrossEntropy,
  trackTapOwners,
  type Batch,
  type BatchContext,
  type ClassifierHead,
  type LossFn,
  type StepContext,
} from '@lt/core';
import { MixupPlugin, mixup, mixupBatch, mixupOf, type MixupOptionsT } from './mixup.js';
import { SlasPlugin, slas } from './plugin.js';
import type { SlasOptionsT } from './options.js';
import { lasLoss } from './lasLoss.js';
import { labelAwareSmoothing } from './labelAwareSmoothing.js';
import { expectClose, fakeStage, linearHead, take, useBackend } from './reference.fixture.js';

const counts = [6, 3, 2];
const stage = fakeStage({ classCounts: counts });
const images = [[1, 0], [0, 2], [-1, 1], [3, -2], [0.5, 0.5], [2, 2]];
const labels = [0, 1, 2, 0, 1, 0];

function rawBatch(): Batch {
  return {
    x: tf.tensor4d(images.flat(), [images.length, 1, 1, 2]),
    labels: tf.tensor1d(labels, 'int32'),
    indices: Int32Array.from(labels.keys()),
  };
}

const cleanup: Array<() => void> = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

function head(): ClassifierHead {
  const h = linearHead([[1, 0.5], [-0.5, 1], [0.2, -1]], [0.1, 0, -0.1]);
  cleanup.push(() => h.dispose());
  return h;
}

/** A step context over a flatten "backbone", counting backbone calls. */
function stepOver(batch: Batch, classifier: ClassifierHead, calls = { features: 0 }): StepContext {
  const features = (x: tf.Tensor4D): tf.Tensor2D => {
    calls.features += 1;
    return tf.reshape(x, [x.shape[0], 2]);
  };
  return {
    stage,
    epoch: 0,
    step: 0,
    rng: createRng(0),
    batch,
    head: classifier,
    model: {} as StepContext['model'],
    features,
    logits: (x) => classifier.apply(features(x)),
  };
}

function mixupPlugin(alpha = 1): MixupPlugin {
  return new MixupPlugin(mixup({ alpha }).options as MixupOptionsT);
}

const batchContext: BatchContext = { stage, epoch: 0, step: 0, rng: createRng(11) };

/** Manually mixed reference: λ·CE(y) + (1 − λ)·CE(y_π) on the logits of x̃. */
function expectedMixupCe(mixed: Batch, classifier: ClassifierHead): number {
  const info = mixupOf(mixed)!;
  const logits = classifier.apply(tf.reshape(mixed.x, [images.length, 2]) as tf.Tensor2D);
  const labelsB = Array.from(info.permutation, (j) => labels[j]);
  const a = take(softmaxCrossEntropy(logits, labels))[0];
  const b = take(softmaxCrossEntropy(logits, labelsB))[0];
  logits.dispose();
  return info.lambda * a + (1 - info.lambda) * b;
}

describe('mixupBatch', () => {
  it('mixes each image with a permuted partner: x̃ = λ·x + (1 − λ)·x_π, targets = λ·onehot(y) + (1 − λ)·onehot(y_π)', async () => {
    await useBackend('cpu');
    const batch = rawBatch();
    const mixed = mixupBatch(batch, 3, 1, createRng(4));
    const { lambda, permutation, labelsB } = mixed.mixup;
    // λ then π, drawn from the given stream.
    const replay = createRng(4);
    expect(lambda).toBe(replay.beta(1, 1));
    expect(Array.from(permutation)).toEqual(Array.from(replay.shuffle(Int32Array.from(labels.keys()))));
    expect(lambda).toBeGreaterThan(0);
    expect(lambda).toBeLessThan(1);
    const expectedX = images.flatMap((xi, i) => xi.map((v, d) => lambda * v + (1 - lambda) * images[permutation[i]][d]));
    expectClose(take(mixed.x), expectedX, 1e-6);
    expect(take(labelsB)).toEqual(Array.from(permutation, (j) => labels[j]));
    const expectedTargets = labels.flatMap((y, i) =>
      [0, 1, 2].map((k) => lambda * Number(k === y) + (1 - lambda) * Number(k === labels[permutation[i]])),
    );
    expectClose(take(mixed.targets), expectedTargets, 1e-6);
    expect(mixed.labels).toBe(batch.labels);
    expect(mixed.indices).toBe(batch.indices);
    tf.dispose([batch.x, batch.labels]);
  });

  it('leaves the batch unmixed when α = 0 (λ = 1), as MiSLAS does', async () => {
    await useBackend('cpu');
    const batch = rawBatch();
    const mixed = mixupBatch(batch, 3, 0, createRng(1));
    expect(mixed.mixup.lambda).toBe(1);
    expect(take(mixed.x)).toEqual(images.flat());
    tf.dispose([batch.x, batch.labels, mixed.targets, mixed.mixup.labelsB]);
  });

  it('draws λ ~ Beta(1, 1) by default: uniform, mean 1/2', async () => {
    await useBackend('cpu');
    const rng = createRng(7);
    const draws: number[] = [];
    for (let i = 0; i < 400; i++) {
      const batch = rawBatch();
      const mixed = mixupBatch(batch, 3, 1, rng);
      draws.push(mixed.mixup.lambda);
      tf.dispose([batch.x, batch.labels, mixed.x, mixed.targets, mixed.mixup.labelsB]);
    }
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(draws.filter((v) => v < 0.25).length / draws.length).toBeGreaterThan(0.15);
  });
});

describe('MixupPlugin', () => {
  it('validates its options, naming the plugin and the field', () => {
    expect(mixup().options).toEqual({ alpha: 1 });
    expect(() => mixup({ alpha: -1 })).toThrow(/Invalid options for @lt\/slas:mixup: alpha:/);
    expect(() => mixup({ beta: 1 } as never)).toThrow(/@lt\/slas:mixup.*beta/);
  });

  it('gives loss λ·CE(y_a) + (1 − λ)·CE(y_b) on a fixed batch with the engine’s default loss', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    mixupPlugin().apply(hooks);
    const classifier = head();
    const before = tf.memory().numTensors;
    const value = tf.tidy(() => {
      const mixed = hooks.batch.call(rawBatch(), batchContext);
      const loss = hooks.loss.call(crossEntropyLoss, stage)(stepOver(mixed, classifier));
      return [take(loss)[0], expectedMixupCe(mixed, classifier), take(softmaxCrossEntropy(classifier.apply(tf.reshape(mixed.x, [6, 2]) as tf.Tensor2D), labels))[0]];
    });
    expect(value[0]).toBeCloseTo(value[1], 5);
    // And it is not the unmixed-label loss.
    expect(Math.abs(value[0] - value[2])).toBeGreaterThan(1e-3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('equals the soft-target cross-entropy of its targets', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    mixupPlugin().apply(hooks);
    const classifier = head();
    tf.tidy(() => {
      const mixed = hooks.batch.call(rawBatch(), batchContext);
      const viaWrapper = take(hooks.loss.call(crossEntropyLoss, stage)(stepOver(mixed, classifier)))[0];
      const viaTargets = take(crossEntropyLoss(stepOver(mixed, classifier)))[0];
      expect(viaWrapper).toBeCloseTo(viaTargets, 5);
    });
  });

  it('runs the backbone once per step although the loss is evaluated for both label sets', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    mixupPlugin().apply(hooks);
    const classifier = head();
    const calls = { features: 0 };
    tf.tidy(() => {
      const mixed = hooks.batch.call(rawBatch(), batchContext);
      hooks.loss.call(crossEntropyLoss, stage)(stepOver(mixed, classifier, calls));
    });
    expect(calls.features).toBe(1);
  });

  it('wraps a loss plugin that replaces the loss (ce(), or one that ignores soft targets), listed before or after it', async () => {
    await useBackend('cpu');
    const hardLabelsOnly: LossFn = (step) => softmaxCrossEntropy(step.logits(step.batch.x), step.batch.labels);
    const classifier = head();
    for (const replacement of [crossEntropyLoss, hardLabelsOnly]) {
      for (const order of [['mixup', 'loss'], ['loss', 'mixup']]) {
        const hooks = createStageHooks();
        const owners = trackTapOwners(hooks);
        for (const name of order) {
          owners.setOwner(name);
          if (name === 'mixup') mixupPlugin().apply(hooks);
          else hooks.loss.tap({ name: 'replacing-loss', replaces: true }, () => replacement);
        }
        expect(() => owners.check()).not.toThrow();
        tf.tidy(() => {
          const mixed = hooks.batch.call(rawBatch(), batchContext);
          const loss = hooks.loss.call(crossEntropyLoss, stage);
          expect(take(loss(stepOver(mixed, classifier)))[0]).toBeCloseTo(expectedMixupCe(mixed, classifier), 5);
        });
      }
    }
  });

  it('composes with a hard-label loss such as label-aware smoothing: λ·LAS(y_a) + (1 − λ)·LAS(y_b)', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    new SlasPlugin(slas({ shiftLearning: 'stage' }).options as SlasOptionsT).apply(hooks);
    mixupPlugin().apply(hooks);
    const classifier = head();
    const epsilon = labelAwareSmoothing(counts, { head: 0.3, tail: 0.1 });
    tf.tidy(() => {
      const mixed = hooks.batch.call(rawBatch(), batchContext);
      const info = mixupOf(mixed)!;
      const loss = take(hooks.loss.call(crossEntropyLoss, stage)(stepOver(mixed, classifier)))[0];
      const logits = classifier.apply(tf.reshape(mixed.x, [6, 2]) as tf.Tensor2D);
      const a = take(lasLoss(logits, labels, epsilon))[0];
      const b = take(lasLoss(logits, Array.from(info.permutation, (j) => labels[j]), epsilon))[0];
      expect(loss).toBeCloseTo(info.lambda * a + (1 - info.lambda) * b, 5);
    });
  });

  it('is reproducible from the step’s random stream', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    mixupPlugin().apply(hooks);
    const lambdas = [createRng(3), createRng(3), createRng(4)].map((rng) =>
      tf.tidy(() => mixupOf(hooks.batch.call(rawBatch(), { ...batchContext, rng }))!.lambda),
    );
    expect(lambdas[0]).toBe(lambdas[1]);
    expect(lambdas[0]).not.toBe(lambdas[2]);
  });
});
