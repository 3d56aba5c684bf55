import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRun,
  createStageHooks,
  crossEntropyLoss,
  trackTapOwners,
  type ClassifierHead,
  type PluginSpec,
  type Run,
  type RunConfig,
  type StageContext,
  type StepContext,
} from '@lt/core';
import { syntheticLT } from '@lt/data';
import { linearHeadFrom, mlp } from '@lt/models';
import { ce } from '@lt/ce';
import { SamnHead, samn } from '@lt/samn';
import { expectClose, take } from '../../../test/support/vectors.js';
import { balancedSoftmaxLoss, logitAdjustedLoss, posthocLogitAdjust } from './logitAdjust.js';
import { classBalancedWeights, ldamLoss } from './ldam.js';
import { CosineHead, ShiftedHead } from './heads.js';
import {
  BalancedSoftmaxPlugin,
  LdamDrwPlugin,
  LogitAdjustedPlugin,
  PosthocAdjustPlugin,
  balancedSoftmax,
  ldamDrw,
  ldamDrwSchedule,
  logitAdjusted,
  posthocAdjust,
} from './plugins.js';
import type { LdamDrwOptionsT, LogitAdjustOptionsT } from './options.js';

const counts = [40, 12, 3];
const context = { stage: { name: 'representation', epochs: 10, lr: 0.1, warmupEpochs: 0 }, classCounts: counts, numClasses: 3 } as unknown as StageContext;
const logits = [
  [0.2, -0.4, 0.1],
  [0.5, 0.3, -0.9],
  [-0.1, 0.8, 0.4],
];
const labels = [0, 2, 1];

/** A step whose "features" are the logits themselves, seen through `head`. */
function step(head: ClassifierHead): StepContext {
  const x = tf.tensor2d(logits) as unknown as tf.Tensor4D;
  return {
    batch: { x, labels: tf.tensor1d(labels, 'int32'), indices: Int32Array.from([0, 1, 2]) },
    head,
    features: (input: tf.Tensor4D) => input as unknown as tf.Tensor2D,
    logits: (input: tf.Tensor4D) => head.apply(input as unknown as tf.Tensor2D),
  } as unknown as StepContext;
}
const identity = linearHeadFrom({ name: 'fc', weight: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], bias: [0, 0, 0] });

describe('loss plugins give their functions', () => {
  it.each([
    ['la', new LogitAdjustedPlugin({ tau: 0.5 } as LogitAdjustOptionsT), (z: tf.Tensor2D) => logitAdjustedLoss(z, labels, counts, 0.5)],
    ['balanced-softmax', new BalancedSoftmaxPlugin(), (z: tf.Tensor2D) => balancedSoftmaxLoss(z, labels, counts)],
  ] as const)('%s', (_name, plugin, expected) => {
    const hooks = createStageHooks();
    plugin.apply(hooks);
    const s = step(identity);
    const loss = hooks.loss.call(crossEntropyLoss, context);
    expectClose(take(loss(s)), take(expected(tf.tensor2d(logits))));
  });

  it('ldam-drw switches class-balanced weights on at the deferral epoch and uses the reference step schedule', async () => {
    const options = ldamDrw({ deferEpoch: 3 }).options as LdamDrwOptionsT;
    const hooks = createStageHooks();
    new LdamDrwPlugin(counts, options).apply(hooks);
    const loss = hooks.loss.call(crossEntropyLoss, context);
    const z = () => tf.tensor2d(logits);
    for (const [epoch, weights] of [[2, undefined], [3, classBalancedWeights(counts, 0.9999)]] as const) {
      await hooks.epochStart.promise(context, epoch);
      expectClose(take(loss(step(identity))), take(ldamLoss(z(), labels, counts, { weights })));
    }
    const schedule = hooks.scheduler.call(() => 1, context);
    expect([0, 2, 3, 8, 9].map(schedule)).toEqual([0.1, 0.1, 0.1 * 0.01, 0.1 * 0.01, 0.1 * 1e-4]);
    expect([0, 1, 2].map(ldamDrwSchedule(0.1, 2, 160, 200))).toEqual([0.05, 0.1, 0.1]);
  });

  it('post-hoc adjustment shifts the evaluated logits while the loss sees the unadjusted ones', () => {
    const hooks = createStageHooks();
    new PosthocAdjustPlugin({ tau: 1 }).apply(hooks);
    const head = hooks.classifierRescale.call(identity, context);
    expect(head).toBeInstanceOf(ShiftedHead);
    expectClose(take(head.apply(tf.tensor2d(logits))), take(posthocLogitAdjust(tf.tensor2d(logits), counts)));
    const loss = hooks.loss.call(crossEntropyLoss, context);
    expectClose(take(loss(step(head))), take(crossEntropyLoss(step(identity))));
  });
});

describe('heads', () => {
  it('ShiftedHead folds into one dense layer; CosineHead (not linear) has no fold', () => {
    const inner = linearHeadFrom({ name: 'h', weight: [[1, 2], [0.5, -1], [3, 0]], bias: [0.1, 0.2, -0.3] });
    const shifted = new ShiftedHead(inner, [1, -2, 0.5]);
    const features = tf.tensor2d([[0.3, -0.7], [2, 1]]);
    const fold = shifted.foldToDense();
    const dense = tf.tidy(() => tf.add(tf.matMul(features, fold.weight, false, true), fold.bias));
    expectClose(take(dense), take(shifted.apply(features)));
    const cosine = new CosineHead(inner);
    expect('foldToDense' in cosine).toBe(false);
    const cos = take(cosine.apply(features));
    expectClose([cos[0]], [(0.3 * 1 + -0.7 * 2) / (Math.hypot(0.3, 0.7) * Math.hypot(1, 2))]);
    expect(cosine.parameters().map((p) => p.name)).toEqual(['h.weight']);
    expect(cosine.buffers().map((p) => p.name)).toEqual(['h.bias']);
    tf.dispose([fold.weight, fold.bias, features]);
    inner.dispose();
  });
});

describe('composition', () => {
  it('two replacing losses conflict, naming both plugins', () => {
    const hooks = createStageHooks();
    const owners = trackTapOwners(hooks);
    for (const [name, plugin] of [['@lt/logit-adjust/la', new LogitAdjustedPlugin({ tau: 1 })], ['@lt/logit-adjust/balanced-softmax', new BalancedSoftmaxPlugin()]] as const) {
      owners.setOwner(name);
      plugin.apply(hooks);
    }
    expect(() => owners.check()).toThrow(/'loss'.*@lt\/logit-adjust\/la.*@lt\/logit-adjust\/balanced-softmax/);
  });

  it('validates options, naming the plugin and the field', () => {
    expect(() => ldamDrw({ beta: 1 })).toThrow(/@lt\/logit-adjust\/ldam-drw: beta/);
    expect(() => logitAdjusted({ tau: -1 })).toThrow(/@lt\/logit-adjust\/la: tau/);
    expect(() => posthocAdjust({ t: 1 } as never)).toThrow(/@lt\/logit-adjust\/posthoc/);
  });
});

describe('in a run', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
  });
  type StageConfig = RunConfig['stages'][number];
  function run(stages: StageConfig[]): Run {
    const created = createRun({
      dataset: syntheticLT({ numClasses: 4, imbalance: 10, maxCount: 60, testPerClass: 10 }),
      model: mlp({ hidden: [16] }),
      seed: 1,
      backend: 'cpu',
      evaluation: { flipTTA: false },
      stages,
    });
    cleanup.push(() => created.dispose());
    return created;
  }
  const stage1 = (plugins: PluginSpec[]): StageConfig => ({ name: 'representation', epochs: 3, batchSize: 16, lr: 0.1, warmupEpochs: 1, plugins });
  const stage2 = (plugins: PluginSpec[]): StageConfig => ({ name: 'classifier', epochs: 1, batchSize: 16, lr: 0.01, freeze: 'backbone', plugins });

  it('LDAM-DRW or the logit-adjusted loss in stage 1, then SAMN in stage 2, compose', async () => {
    for (const first of [ldamDrw(), logitAdjusted(), balancedSoftmax()]) {
      const r = run([stage1([first]), stage2([ce(), samn()])]);
      const report = await r.start();
      expect(r.model.head).toBeInstanceOf(SamnHead);
      expect(report.stages[1].final.top1).toBeGreaterThan(0);
    }
  });

  it('LDAM-DRW and SAMN in one stage conflict on the head, naming both', async () => {
    await expect(run([stage1([ce()]), stage2([ldamDrw(), samn()])]).start()).rejects.toThrow(/@lt\/logit-adjust\/ldam-drw.*@lt\/samn/);
  });
});
