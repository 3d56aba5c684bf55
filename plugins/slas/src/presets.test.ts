import { describe, expect, it } from 'vitest';
import { createStageHooks, resolveRunConfig, type StageContext } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { mlp } from '@lt/models';
import {
  mislasLrFactor,
  mislasShiftLearning,
  mislasSmoothing,
  samnReferenceSmoothing,
  slasPresets,
  slasRecipe,
  slasStageSettings,
  type CifarDataset,
  type CifarImbalance,
} from './presets.js';
import { slas } from './plugin.js';
import { slasPresetNames } from './options.js';
import { MislasSchedulePlugin, mislasSchedule, mislasStepSchedule, type MislasScheduleOptionsT } from './mislasSchedule.js';

describe('reference tables', () => {
  it("gives MiSLAS's ε_head/ε_tail and lr_factor per CIFAR-LT setting (ALGORITHMS.md E1)", () => {
    const expected: Array<[CifarDataset, CifarImbalance, number, number, number]> = [
      ['cifar10', 100, 0.3, 0, 0.5],
      ['cifar10', 50, 0.2, 0, 0.2],
      ['cifar10', 10, 0.1, 0, 0.2],
      ['cifar100', 100, 0.4, 0.1, 0.2],
      ['cifar100', 50, 0.3, 0, 0.1],
      ['cifar100', 10, 0.2, 0, 0.1],
    ];
    for (const [dataset, imbalance, head, tail, lrFactor] of expected) {
      expect(mislasSmoothing(dataset, imbalance)).toEqual({ head, tail });
      expect(mislasLrFactor(dataset, imbalance)).toBe(lrFactor);
    }
    expect(mislasShiftLearning('cifar100')).toBe(true);
    expect(mislasShiftLearning('cifar10')).toBe(false);
  });

  it("gives the SAMN code's ε for SLAS + SAMN (ALGORITHMS.md E3)", () => {
    expect(samnReferenceSmoothing('cifar10')).toEqual({ head: 0.3, tail: 0.1 });
    expect(samnReferenceSmoothing('cifar100')).toEqual({ head: 0.01, tail: 0 });
  });

  it('rejects settings the tables do not cover, naming them', () => {
    expect(() => mislasSmoothing('imagenet' as CifarDataset, 100)).toThrow(/dataset 'imagenet'/);
    expect(() => mislasSmoothing('cifar10', 200 as CifarImbalance)).toThrow(/imbalance factor 200/);
  });
});

describe('slasRecipe', () => {
  it('is the preset with the setting’s table values, and valid slas() options', () => {
    expect(slasRecipe('mislas', 'cifar100', 100)).toEqual({
      ...slasPresets.mislas,
      preset: 'mislas',
      head: 0.4,
      tail: 0.1,
      classifierLrFactor: 0.2,
      shiftLearning: true,
    });
    expect(slasRecipe('samn-reference', 'cifar100', 50)).toMatchObject({ preset: 'samn-reference', head: 0.01, tail: 0, lws: false });
    expect(slasRecipe('samn-reference-baseline', 'cifar10', 10)).toMatchObject({ head: 0.1, tail: 0, lws: true });
    for (const preset of slasPresetNames) expect(slas(slasRecipe(preset, 'cifar10', 100)).options.preset).toBe(preset);
  });

  it('reproduces the plain presets on CIFAR-10 IF 100', () => {
    for (const preset of slasPresetNames) expect(slasRecipe(preset, 'cifar10', 100)).toEqual({ ...slasPresets[preset], preset });
  });

  it('presets are frozen plain objects', () => {
    expect(Object.isFrozen(slasPresets.mislas)).toBe(true);
    expect(JSON.parse(JSON.stringify(slasPresets))).toEqual(slasPresets);
  });
});

describe('slasStageSettings', () => {
  it('are valid stage settings for the engine', () => {
    for (const preset of slasPresetNames) {
      const { representation, classifier } = slasStageSettings[preset];
      const config = resolveRunConfig({
        dataset: syntheticLT(),
        model: mlp(),
        stages: [
          { name: 'representation', ...representation },
          { name: 'classifier', ...classifier, plugins: [slas({ preset })] },
        ],
      });
      expect(config.stages[1].freeze).toBe('backbone');
    }
    expect(slasStageSettings['samn-reference'].classifier).toMatchObject({ epochs: 20, batchSize: 64, lr: 5e-4, weightDecay: 0 });
    expect(slasStageSettings.mislas.classifier).toMatchObject({ epochs: 10, batchSize: 128, lr: 0.1, weightDecay: 2e-4 });
  });
});

describe('mislasSchedule', () => {
  it("is MiSLAS's stage-1 learning rate: 5 warm-up epochs, ×0.1 after epoch 160, ×0.01 after 180 (of 200)", () => {
    const lr = mislasStepSchedule({ lr: 0.1, epochs: 200 });
    const at = (epoch: number) => lr(epoch);
    expect([0, 1, 4, 5].map(at)).toEqual([0.02, 0.04, 0.1, 0.1]);
    expect(at(159)).toBe(0.1);
    expect(at(160)).toBeCloseTo(0.01, 12);
    expect(at(179)).toBeCloseTo(0.01, 12);
    expect(at(180)).toBeCloseTo(0.001, 12);
    expect(at(199)).toBeCloseTo(0.001, 12);
  });

  it("replaces the stage's schedule, from the stage's lr and epochs", () => {
    const hooks = createStageHooks();
    new MislasSchedulePlugin(mislasSchedule({ warmupEpochs: 2 }).options as MislasScheduleOptionsT).apply(hooks);
    const schedule = hooks.scheduler.call(() => 1, { stage: { lr: 0.4, epochs: 10 } } as StageContext);
    expect([0, 1, 2, 8, 9].map(schedule).map((v) => Number(v.toFixed(6)))).toEqual([0.2, 0.4, 0.4, 0.04, 0.004]);
    expect(hooks.scheduler.taps[0]).toMatchObject({ name: '@lt/slas:mislas-schedule', replaces: true });
    expect(() => mislasSchedule({ warmupEpochs: -1 })).toThrow(/@lt\/slas:mislas-schedule: warmupEpochs/);
  });
});
