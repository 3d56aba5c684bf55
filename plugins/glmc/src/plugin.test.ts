import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { createStageHooks, definePlugin, type StageContext } from '@lt/core';
import { glmc, GlmcPlugin } from './plugin.js';
import { glmcClassifier, GlmcClassifierPlugin } from './classifier.js';
import { glmcClassifierStage, glmcPreset, glmcRecipe, glmcRepresentationStage } from './presets.js';
import type { GlmcOptionsT } from './options.js';

describe('glmc()', () => {
  it('carries the package name and version', () => {
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    expect(GlmcPlugin.meta).toEqual({ name: '@lt/glmc', version: pkg.version });
    expect(GlmcClassifierPlugin.meta.version).toBe(pkg.version);
    expect(glmc().name).toBe('@lt/glmc');
    expect(glmcClassifier().name).toBe('@lt/glmc/classifier');
  });

  it("fills the reference code's command-line defaults, with the effective Beta(1, 1)", () => {
    expect(glmc().options).toEqual({ resampleWeighting: 0.2, labelWeighting: 1, contrastWeight: 10, beta: 1, projectionDim: 128 });
  });

  it('rejects bad options naming the plugin and the field', () => {
    expect(() => glmc({ contrastWeight: -1 })).toThrow(/Invalid options for @lt\/glmc: contrastWeight:/);
    expect(() => glmc({ beta: 0 })).toThrow(/@lt\/glmc: beta:/);
    expect(() => glmc({ resampleWeighting: Infinity })).toThrow(/@lt\/glmc: resampleWeighting:/);
    expect(() => glmc({ projectionDim: 12.5 })).toThrow(/@lt\/glmc: projectionDim:/);
    expect(() => glmc({ rho: 0.2 } as never)).toThrow(/@lt\/glmc.*rho/);
  });

  it('refuses a stage with a frozen backbone', () => {
    const plugin = new GlmcPlugin([10, 5], glmc().options as GlmcOptionsT);
    const context = { stage: { name: 'classifier', freeze: 'backbone' } } as unknown as StageContext;
    expect(() => plugin.apply(createStageHooks(), context)).toThrow(/stage 'classifier' freezes the backbone, but GLMC trains the representation/);
  });

  it('takes no options in the classifier stage and needs a frozen backbone there', () => {
    expect(() => definePlugin(GlmcClassifierPlugin, undefined, { lr: 1 })).toThrow(/@lt\/glmc\/classifier takes no options, got: lr/);
    const context = { stage: { name: 'classifier', freeze: 'none' } } as unknown as StageContext;
    expect(() => new GlmcClassifierPlugin().apply(createStageHooks(), context)).toThrow(/Set freeze: 'backbone'/);
  });
});

describe('glmcPreset', () => {
  it('gives the reference per-dataset values (ALGORITHMS.md D table)', () => {
    expect(glmcPreset('cifar100', 100)).toEqual({ resampleWeighting: 0, labelWeighting: 1.2, contrastWeight: 4 });
    expect(glmcPreset('cifar100', 50)).toEqual({ resampleWeighting: 0.2, labelWeighting: 1.2, contrastWeight: 6 });
    expect(glmcPreset('cifar100', 10)).toEqual({ resampleWeighting: 0.2, labelWeighting: 1.2, contrastWeight: 4 });
    expect(glmcPreset('cifar10', 100)).toEqual({ resampleWeighting: 0, labelWeighting: 1.2, contrastWeight: 1 });
    expect(glmcPreset('cifar10', 50)).toEqual({ resampleWeighting: 0, labelWeighting: 1.2, contrastWeight: 1 });
    expect(glmcPreset('cifar10', 10)).toEqual({ resampleWeighting: 0.2, labelWeighting: 1, contrastWeight: 2 });
    expect(glmcPreset('imagenet-lt')).toEqual({ resampleWeighting: 0.2, labelWeighting: 1, contrastWeight: 10, projectionDim: 256 });
    expect(glmcPreset('inat18')).toEqual({ resampleWeighting: 0.2, labelWeighting: 1, contrastWeight: 10, projectionDim: 256 });
  });

  it('feeds glmc() directly', () => {
    expect(glmc(glmcPreset('cifar100', 50)).options).toMatchObject({ resampleWeighting: 0.2, contrastWeight: 6, beta: 1 });
  });

  it('names the factors it knows', () => {
    expect(() => glmcPreset('cifar10', 200)).toThrow(/imbalance factors 100, 50, 10 only/);
    expect(() => glmcPreset('svhn' as 'cifar10', 100)).toThrow(/no preset for dataset 'svhn'/);
  });
});

describe('glmcRecipe', () => {
  it("gives the reference stages for CIFAR: stage 2 at lr 5e-5 with a frozen backbone", () => {
    const recipe = glmcRecipe('cifar100', 50);
    expect(recipe.options).toEqual(glmcPreset('cifar100', 50));
    expect(recipe.representation).toEqual(glmcRepresentationStage);
    expect(recipe.classifier).toEqual(glmcClassifierStage);
    expect(glmcClassifierStage).toMatchObject({ epochs: 20, batchSize: 64, lr: 5e-5, weightDecay: 0, freeze: 'backbone', batchNorm: 'recalibrate' });
    expect(glmcRepresentationStage).toMatchObject({ epochs: 200, batchSize: 64, lr: 0.01, weightDecay: 5e-3 });
  });

  it('uses the nearest tabulated factor, and CIFAR-10 values for MNIST, saying so', () => {
    expect(glmcRecipe('cifar10', 200).options).toEqual(glmcPreset('cifar10', 100));
    expect(glmcRecipe('cifar10', 200).source).toMatch(/no reference values for cifar10 at imbalance factor 200/);
    const mnist = glmcRecipe('mnist');
    expect(mnist.options).toEqual(glmcPreset('cifar10', 100));
    expect(mnist.source).toMatch(/no reference values for mnist/);
    expect(mnist.representation).toMatchObject({ epochs: 16, batchSize: 128, lr: 0.05 });
    expect(mnist.classifier).toMatchObject({ epochs: 4, lr: 2e-4, freeze: 'backbone', weightDecay: 0 });
    expect(glmcRecipe('mnist', 100, 'plain').classifier).toMatchObject({ lr: 5e-5 });
    expect(glmcRecipe('cifar10', 10, 'plain').classifier).toEqual(glmcClassifierStage);
    expect(() => glmcRecipe('svhn' as 'mnist')).toThrow(/no recipe for dataset 'svhn'/);
  });
});
