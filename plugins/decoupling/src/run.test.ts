// End-to-end: tiny two-stage runs on the cpu backend (synthetic data, a small MLP).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRun, createRng, type Run, type RunConfig } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { linearHeadFrom, mlp } from '@lt/models';
import { ce } from '@lt/ce';
import { SamnHead, samn } from '@lt/samn';
import { expectClose, take } from '../../../test/support/vectors.js';
import { crt, lws, tauNorm } from './plugins.js';
import { TauNormHead } from './tauNormHead.js';
import { LwsHead } from './lwsHead.js';
import { balancedAccuracy, trainSplit } from './tauSearch.js';
import { defaultTauGrid } from './options.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0)) step();
});

type StageConfig = RunConfig['stages'][number];
const representation: StageConfig = { name: 'representation', epochs: 3, batchSize: 16, lr: 0.2, plugins: [ce()] };
const frozen = (plugins: StageConfig['plugins'], epochs = 1): StageConfig => ({ name: 'classifier', epochs, batchSize: 16, lr: 0.05, freeze: 'backbone', plugins });

function run(stages: StageConfig[], outDir?: string): Run {
  const created = createRun({
    ...(outDir !== undefined && { outDir }),
    dataset: syntheticLT({ numClasses: 4, imbalance: 10, maxCount: 60, testPerClass: 10 }),
    model: mlp({ hidden: [16] }),
    seed: 3,
    backend: 'cpu',
    evaluation: { flipTTA: false },
    stages,
  });
  cleanup.push(() => created.dispose());
  return created;
}

const weightOf = (r: Run) => Array.from(r.model.head.weight.dataSync());

describe('tauNorm() in a run', () => {
  it('searches τ on a training split, keeps the stage-1 weights and records the choice in the head config', async () => {
    const reference = run([representation]);
    await reference.start();
    const normed = run([representation, frozen([tauNorm()])]);
    const report = await normed.start();
    const head = normed.model.head as TauNormHead;
    expect(head).toBeInstanceOf(TauNormHead);
    expect(head.choice.selectedOn).toBe('train-split');
    expect(head.choice.curve.map((p) => p.tau)).toEqual(defaultTauGrid);
    const best = Math.max(...head.choice.curve.map((p) => p.balancedAccuracy));
    expect(head.choice.curve.find((p) => p.tau === head.tau)?.balancedAccuracy).toBe(best);
    expect(head.config).toMatchObject({ kind: 'tau-norm', tau: head.tau, selectedOn: 'train-split' });
    expect(weightOf(normed)).toEqual(weightOf(reference));
    expect(report.stages[1].final.top1).toBeGreaterThan(0);
  });

  it('uses a fixed τ without searching, and says when τ is chosen on the test set', async () => {
    const fixed = run([representation, frozen([tauNorm({ tau: 0.7 })])]);
    await fixed.start();
    expect((fixed.model.head as TauNormHead).choice).toEqual({ tau: 0.7, selectedOn: 'fixed', curve: [] });
    const onTest = run([representation, frozen([tauNorm({ searchOn: 'test', grid: [0, 1] })])]);
    await onTest.start();
    expect((onTest.model.head as TauNormHead).choice.selectedOn).toBe('test');
  });

  it('a finished τ-norm stage that resume skips gets its τ from the same search, and scores as before', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'lt-tau-'));
    cleanup.push(() => rmSync(outDir, { recursive: true, force: true }));
    const stages = [representation, frozen([tauNorm()])];
    const first = run(stages, outDir);
    const report = await first.start();
    const resumed = run(stages, outDir);
    const again = await resumed.start({ resume: true });
    expect((resumed.model.head as TauNormHead).choice).toEqual((first.model.head as TauNormHead).choice);
    expect(again.stages[1].final.top1).toBe(report.stages[1].final.top1);
  });

  it('conflicts with SAMN and with LWS on classifierRescale, naming both plugins', async () => {
    await expect(run([representation, frozen([tauNorm(), samn()])]).start()).rejects.toThrow(/'classifierRescale'.*@lt\/decoupling\/tau-norm.*@lt\/samn/);
    await expect(run([representation, frozen([tauNorm(), lws()])]).start()).rejects.toThrow(/@lt\/decoupling\/tau-norm.*@lt\/decoupling\/lws/);
  });

  it('refuses a stage that trains the backbone', async () => {
    await expect(run([{ ...representation, plugins: [tauNorm()] }]).start()).rejects.toThrow(/tau-norm: stage 'representation' trains the backbone/);
  });
});

describe('crt() and lws() in a run', () => {
  it('crt re-initialises the head, trains it on class-aware batches of max n_k · C samples, and composes with SAMN', async () => {
    const reference = run([representation]);
    await reference.start();
    const retrained = run([representation, frozen([ce(), crt()])]);
    const events: number[] = [];
    await retrained.start({ onProgress: (e) => e.type === 'stage-start' && events.push(e.stepsPerEpoch) });
    expect(events[1]).toBe(Math.ceil((60 * 4) / 16));
    expect(weightOf(retrained)).not.toEqual(weightOf(reference));
    const withSamn = run([representation, frozen([ce(), crt(), samn()])]);
    await withSamn.start();
    expect(withSamn.model.head).toBeInstanceOf(SamnHead);
  });

  it('lws learns the per-class scales and leaves the kept classifier unchanged', async () => {
    const reference = run([representation]);
    await reference.start();
    const scaled = run([representation, frozen([ce(), lws()], 2)]);
    await scaled.start();
    const head = scaled.model.head as LwsHead;
    expect(head).toBeInstanceOf(LwsHead);
    expect(weightOf(scaled)).toEqual(weightOf(reference));
    expect(Array.from(head.scale.dataSync()).some((s) => Math.abs(s - 1) > 1e-4)).toBe(true);
  });

  it('validates options, naming the plugin and the field', () => {
    expect(() => tauNorm({ searchFraction: 2 })).toThrow(/@lt\/decoupling\/tau-norm: searchFraction/);
    expect(() => crt({ samplesPerClass: 0 })).toThrow(/@lt\/decoupling\/crt: samplesPerClass/);
    expect(() => lws({ bogus: 1 } as never)).toThrow(/@lt\/decoupling\/lws/);
  });
});

describe('heads fold to one dense layer', () => {
  it('TauNormHead and LwsHead fold to a dense layer that gives their logits', () => {
    const before = tf.memory().numTensors;
    const rng = createRng(1);
    const inner = linearHeadFrom({ name: 'fc', weight: [[1, 2], [-3, 0.5], [0.2, 0.1]], bias: [0.3, -0.2, 0.1] });
    const features = tf.tensor2d(Array.from({ length: 8 }, () => rng.normal()), [4, 2]);
    const lwsHead = new LwsHead(inner);
    tf.tidy(() => lwsHead.scale.assign(tf.tensor1d([0.5, 2, 1.5])));
    for (const head of [new TauNormHead(inner, { tau: 0.6, selectedOn: 'fixed', curve: [] }), lwsHead]) {
      const fold = head.foldToDense();
      const dense = tf.tidy(() => tf.add(tf.matMul(features, fold.weight, false, true), fold.bias));
      expectClose(take(dense), take(head.apply(features)), 1e-5);
      tf.dispose([fold.weight, fold.bias]);
    }
    lwsHead.dispose();
    inner.dispose();
    features.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('τ search helpers', () => {
  it('trainSplit takes ⌈fraction·n_k⌉ of each class, seeded', () => {
    const labels = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 2]);
    const split = trainSplit(labels, 3, 0.5, createRng(4));
    expect(Array.from(split, (i) => labels[i]).sort()).toEqual([0, 0, 0, 1, 2]);
    expect(trainSplit(labels, 3, 0.5, createRng(4))).toEqual(split);
  });

  it('balancedAccuracy averages per-class accuracy over the classes present', () => {
    expect(balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0], 3)).toBe(0.75);
    expect(balancedAccuracy([0, 1, 1, 1], [0, 0, 1, 1], 3)).toBeCloseTo((0.5 + 1) / 2);
  });
});
