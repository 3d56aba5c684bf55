import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRng,
  createStageHooks,
  crossEntropyLoss,
  instanceBalancedSampler,
  trackTapOwners,
  type ClassifierHead,
  type StepContext,
} from '@lt/core';
import { SamnHead, SamnPlugin, samn, type SamnOptionsT } from '@lt/samn';
import { SlasPlugin, slas } from './plugin.js';
import { slasPresets } from './presets.js';
import type { SlasOptionsInput, SlasOptionsT } from './options.js';
import { LrScaledHead, LwsHead } from '@lt/decoupling';
import { lasLoss } from './lasLoss.js';
import { labelAwareSmoothing } from './labelAwareSmoothing.js';
import { expectClose, fakeStage, linearHead, take, useBackend } from './reference.fixture.js';

const counts = [100, 60, 10];
const weight = [[3, 4], [1, 0], [0, 2]];
const bias = [0.1, 0, -0.1];

const cleanup: Array<() => void> = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

function plugin(options: SlasOptionsInput = {}): SlasPlugin {
  return new SlasPlugin(slas(options).options as SlasOptionsT);
}

function sourceHead(): ClassifierHead {
  const head = linearHead(weight, bias);
  cleanup.push(() => head.dispose());
  return head;
}

function step(head: ClassifierHead, x: number[][], labels: number[]): StepContext {
  const features = (input: tf.Tensor4D) => tf.reshape(input, [input.shape[0], 2]) as tf.Tensor2D;
  return {
    batch: { x: tf.tensor4d(x.flat(), [x.length, 1, 1, 2]), labels: tf.tensor1d(labels, 'int32'), indices: new Int32Array(labels.length) },
    head,
    features,
    logits: (input: tf.Tensor4D) => head.apply(features(input)),
  } as unknown as StepContext;
}

describe('slas()', () => {
  it('carries the package name and version', () => {
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    expect(SlasPlugin.meta).toEqual({ name: '@lt/slas', version: pkg.version });
    expect(slas().name).toBe('@lt/slas');
  });

  it('defaults to the samn-reference preset (what the SAMN reference code runs)', () => {
    expect(slas().options).toEqual({ preset: 'samn-reference', ...slasPresets['samn-reference'] });
    expect(slas().options).toMatchObject({ lws: false, sampler: 'instance-balanced', classifierLrFactor: 1, shiftLearning: true, shape: 'concave' });
  });

  it('fills every field from a named preset and lets explicit fields override it', () => {
    expect(slas({ preset: 'mislas' }).options).toEqual({ preset: 'mislas', ...slasPresets.mislas });
    expect(slas({ preset: 'mislas' }).options).toMatchObject({ lws: true, sampler: 'class-balanced', classifierLrFactor: 0.5 });
    expect(slas({ preset: 'mislas', head: 0.4, tail: 0.1, shiftLearning: true }).options).toMatchObject({
      preset: 'mislas',
      head: 0.4,
      tail: 0.1,
      shiftLearning: true,
      lws: true,
    });
    expect(slas({ preset: 'samn-reference-baseline' }).options).toMatchObject({ lws: true, sampler: 'instance-balanced', classifierLrFactor: 1 });
  });

  it('rejects bad options naming the plugin and the field', () => {
    expect(() => slas({ preset: 'paper' as 'mislas' })).toThrow(/Invalid options for @lt\/slas: preset:/);
    expect(() => slas({ head: 2 })).toThrow(/@lt\/slas: head:/);
    expect(() => slas({ shape: 'exp' })).toThrow(/@lt\/slas: power: shape 'exp' needs a power/);
    expect(() => slas({ power: 2 })).toThrow(/@lt\/slas: power: power is only used by shape 'exp'/);
    expect(() => slas({ sampler: 'square-root' as 'class-balanced' })).toThrow(/@lt\/slas: sampler:/);
    expect(() => slas({ classifierLrFactor: 0 })).toThrow(/@lt\/slas: classifierLrFactor:/);
    expect(() => slas({ smoothHead: 0.1 } as never)).toThrow(/@lt\/slas.*smoothHead/);
    expect(slas({ shape: 'exp', power: 3 }).options).toMatchObject({ shape: 'exp', power: 3 });
  });
});

describe('SlasPlugin: label-aware smoothing', () => {
  it('replaces the loss with the LAS loss, ε from the class counts', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    plugin({ head: 0.4, tail: 0.1, shape: 'linear' }).apply(hooks);
    const loss = hooks.loss.call(crossEntropyLoss, fakeStage({ classCounts: counts }));
    const head = sourceHead();
    const x = [[1, 0.5], [0, 1], [-1, 2]];
    const labels = [0, 2, 1];
    tf.tidy(() => {
      const s = step(head, x, labels);
      const expected = lasLoss(head.apply(tf.tensor2d(x)), labels, labelAwareSmoothing(counts, { head: 0.4, tail: 0.1, shape: 'linear' }));
      expectClose(take(loss(s)), take(expected), 1e-6);
    });
  });

  it('uses the soft-target form when a batch transform supplies targets', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    plugin().apply(hooks);
    const loss = hooks.loss.call(crossEntropyLoss, fakeStage({ classCounts: counts }));
    const head = sourceHead();
    const epsilon = labelAwareSmoothing(counts, { head: 0.3, tail: 0.1 });
    tf.tidy(() => {
      const s = step(head, [[1, 0.5], [0, 1]], [0, 2]);
      const soft = { ...s, batch: { ...s.batch, targets: tf.tensor2d([[0.25, 0, 0.75], [0, 1, 0]]) } };
      const logits = head.apply(tf.tensor2d([[1, 0.5], [0, 1]]));
      const row0 = 0.25 * take(lasLoss(tf.slice(logits, [0, 0], [1, 3]), [0], epsilon))[0] + 0.75 * take(lasLoss(tf.slice(logits, [0, 0], [1, 3]), [2], epsilon))[0];
      const row1 = take(lasLoss(tf.slice(logits, [1, 0], [1, 3]), [1], epsilon))[0];
      expectClose(take(loss(soft)), [(row0 + row1) / 2], 1e-6);
    });
  });

  it('warns and uses ε = head for every class when all counts are equal', async () => {
    await useBackend('cpu');
    const warnings: string[] = [];
    const hooks = createStageHooks();
    plugin({ head: 0.2, tail: 0 }).apply(hooks);
    const loss = hooks.loss.call(crossEntropyLoss, fakeStage({ classCounts: [5, 5, 5], warnings }));
    expect(warnings).toEqual([expect.stringMatching(/@lt\/slas: every class has 5 training samples.*ε = head = 0.2/)]);
    const head = sourceHead();
    tf.tidy(() => {
      const s = step(head, [[1, 1]], [1]);
      expectClose(take(loss(s)), take(lasLoss(head.apply(tf.tensor2d([[1, 1]])), [1], [0.2, 0.2, 0.2])), 1e-6);
    });
  });

  it('conflicts with another loss-replacing plugin (ce()), naming both', () => {
    const hooks = createStageHooks();
    const owners = trackTapOwners(hooks);
    owners.setOwner('@lt/ce');
    hooks.loss.tap({ name: '@lt/ce', replaces: true }, () => crossEntropyLoss);
    owners.setOwner('@lt/slas');
    plugin().apply(hooks);
    expect(() => owners.check()).toThrow(/'loss' hook: @lt\/ce \(tap '@lt\/ce'\) and @lt\/slas \(tap '@lt\/slas'\)/);
  });
});

describe('SlasPlugin: shift learning', () => {
  it("sets the frozen backbone's BatchNorm to recalibrate (on) or eval (off), whatever the stage's batchNorm", () => {
    for (const [shiftLearning, batchNorm, mode] of [
      [true, 'frozen', 'recalibrate'],
      [false, 'recalibrate', 'eval'],
    ] as const) {
      const hooks = createStageHooks();
      plugin({ shiftLearning }).apply(hooks);
      expect(hooks.forwardMode.call('eval', fakeStage({ classCounts: counts, stage: { batchNorm } }))).toBe(mode);
      expect(hooks.forwardMode.taps.map((t) => t.name)).toEqual(['@lt/slas:shift-learning']);
    }
  });

  it("leaves the forward mode to the stage with shiftLearning: 'stage'", () => {
    const hooks = createStageHooks();
    plugin({ shiftLearning: 'stage' }).apply(hooks);
    expect(hooks.forwardMode.taps).toHaveLength(0);
  });

  it('refuses shift learning in a stage that trains the backbone', () => {
    const hooks = createStageHooks();
    plugin({ shiftLearning: true }).apply(hooks);
    expect(() => hooks.forwardMode.call('train', fakeStage({ classCounts: counts, stage: { freeze: 'none', name: 'representation' } }))).toThrow(
      /@lt\/slas: shiftLearning is true but stage 'representation' trains the backbone/,
    );
  });
});

describe('SlasPlugin: learnable weight scaling', () => {
  it('wraps the head: logits (bias included) times a per-class scale starting at 1', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    plugin({ lws: true, classifierLrFactor: 0.2, lwsLrFactor: 1 }).apply(hooks);
    const inner = sourceHead();
    const head = hooks.classifierRescale.call(inner, fakeStage({ classCounts: counts }));
    expect(head).toBeInstanceOf(LwsHead);
    cleanup.push(() => (head as LwsHead).dispose());
    expect(take(tf.clone((head as LwsHead).scale))).toEqual([1, 1, 1]);
    expect(head.parameters().map((p) => [p.name, p.lrMultiplier])).toEqual([
      ['head.weight', 0.2],
      ['head.bias', 0.2],
      ['head.lws_scale', 1],
    ]);
    expect(head.parameters()[0].variable).toBe(inner.weight);
    expect(head.config).toMatchObject({ kind: 'lws', classifierLrFactor: 0.2, lwsLrFactor: 1, base: { kind: 'linear' } });
    (head as LwsHead).scale.assign(tf.tensor1d([2, -0.5, 1.5]));
    const x = tf.tensor2d([[1, 1], [0, -1]]);
    const plain = take(inner.apply(x));
    const scaled = take(head.apply(x));
    expectClose(scaled, plain.map((z, i) => z * [2, -0.5, 1.5][i % 3]), 1e-6);
    expectClose(head.weightNorms(), [2 * 5, 0.5 * 1, 1.5 * 2], 1e-6);
    x.dispose();
  });

  it('conflicts with samn() in the same stage, naming both plugins, in either order', () => {
    for (const order of [['slas', 'samn'], ['samn', 'slas']]) {
      const hooks = createStageHooks();
      const owners = trackTapOwners(hooks);
      for (const name of order) {
        owners.setOwner(`@lt/${name}`);
        if (name === 'slas') plugin({ lws: true }).apply(hooks);
        else new SamnPlugin(counts, samn().options as SamnOptionsT).apply(hooks);
      }
      expect(() => owners.check()).toThrow(/'classifierRescale' hook: .*@lt\/(slas|samn).* and .*@lt\/(slas|samn)/);
      expect(() => owners.check()).toThrow(/@lt\/slas \(tap '@lt\/slas:lws'\)/);
    }
  });

  it('composes with samn() without LWS: the LAS loss trains the SAMN head', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    const owners = trackTapOwners(hooks);
    owners.setOwner('@lt/slas');
    plugin().apply(hooks);
    owners.setOwner('@lt/samn');
    new SamnPlugin(counts, samn().options as SamnOptionsT).apply(hooks);
    expect(() => owners.check()).not.toThrow();
    const stage = fakeStage({ classCounts: counts });
    const head = hooks.classifierRescale.call(sourceHead(), stage);
    expect(head).toBeInstanceOf(SamnHead);
    cleanup.push(() => (head as SamnHead).dispose());
    const loss = hooks.loss.call(crossEntropyLoss, stage);
    const epsilon = labelAwareSmoothing(counts, { head: 0.3, tail: 0.1 });
    tf.tidy(() => {
      const s = step(head, [[1, 0.5], [0, 1]], [0, 2]);
      expectClose(take(loss(s)), take(lasLoss(head.apply(tf.tensor2d([[1, 0.5], [0, 1]])), [0, 2], epsilon)), 1e-6);
    });
  });

  it('gives the classifier its lr factor without LWS, after samn() replaced the head whatever the order', async () => {
    await useBackend('cpu');
    for (const order of [['slas', 'samn'], ['samn', 'slas']]) {
      const hooks = createStageHooks();
      for (const name of order) {
        if (name === 'slas') plugin({ classifierLrFactor: 0.5 }).apply(hooks);
        else new SamnPlugin(counts, samn().options as SamnOptionsT).apply(hooks);
      }
      const head = hooks.classifierRescale.call(sourceHead(), fakeStage({ classCounts: counts }));
      expect(head).toBeInstanceOf(LrScaledHead);
      const inner = (head as LrScaledHead).inner as SamnHead;
      expect(inner).toBeInstanceOf(SamnHead);
      cleanup.push(() => inner.dispose());
      expect(head.parameters().map((p) => [p.name, p.lrMultiplier])).toEqual([
        ['head.weight', 0.5],
        ['head.bias', 0.5],
        ['head.raw_weight', 0.5],
        ['head.raw_bias', 0.5],
      ]);
      expect(head.config).toBe(inner.config);
      expect(head.weightNorms()).toEqual(inner.weightNorms());
    }
  });

  it('installs no head tap with lr factor 1 and no LWS', () => {
    const hooks = createStageHooks();
    plugin().apply(hooks);
    expect(hooks.classifierRescale.taps).toHaveLength(0);
  });
});

describe('SlasPlugin: class-balanced sampler', () => {
  // Long-tailed labels 120 / 30 / 6, interleaved.
  const labels = Int32Array.from([...Array(120).fill(0), ...Array(30).fill(1), ...Array(6).fill(2)]);
  createRng(2).shuffle(labels);

  it("replaces the default sampler with MiSLAS's: uniform class frequencies over many draws, ⌈N/B⌉ + 1 full batches", () => {
    const hooks = createStageHooks();
    plugin({ sampler: 'class-balanced' }).apply(hooks);
    const stage = fakeStage({ classCounts: [120, 30, 6], labels, stage: { batchSize: 16 } });
    const sampler = hooks.sampler.call(instanceBalancedSampler({ size: labels.length, batchSize: 16 }), stage);
    expect(sampler.name).toBe('class-balanced');
    const frequency = [0, 0, 0];
    let draws = 0;
    for (let epoch = 0; epoch < 40; epoch++) {
      const batches = sampler.epoch(createRng(epoch));
      expect(batches).toHaveLength(Math.ceil(156 / 16) + 1);
      for (const batch of batches) {
        expect(batch).toHaveLength(16);
        for (const i of batch) frequency[labels[i]]++;
        draws += batch.length;
      }
    }
    for (const count of frequency) expect(Math.abs(count / draws - 1 / 3)).toBeLessThan(0.02);
  });

  it('keeps the default instance-balanced sampler otherwise', () => {
    const hooks = createStageHooks();
    plugin().apply(hooks);
    expect(hooks.sampler.taps).toHaveLength(0);
  });
});
