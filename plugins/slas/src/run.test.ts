// End-to-end: tiny two-stage runs on the cpu backend (synthetic data, small models).
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createRun, type ProgressEvent, type Run, type RunConfig } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { cnn, mlp } from '@lt/models';
import { SamnHead, samn } from '@lt/samn';
import { slas } from './plugin.js';
import { mixup } from './mixup.js';
import { mislasSchedule } from './mislasSchedule.js';
import { LwsHead } from '@lt/decoupling';
import { expectClose } from './reference.fixture.js';

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

// Class counts [60, 27, 12, 6]: 105 samples, so batches of 16 never leave a single-sample batch for BatchNorm.
const dataset = () => syntheticLT({ numClasses: 4, imbalance: 10, maxCount: 60, testPerClass: 10 });

type StageConfig = RunConfig['stages'][number];
const representation: StageConfig = { name: 'representation', epochs: 6, batchSize: 16, lr: 0.2, weightDecay: 5e-4, plugins: [mixup()] };

function config(classifier: StageConfig, overrides: Partial<RunConfig> = {}, stage1: Partial<StageConfig> = {}): RunConfig {
  return {
    dataset: dataset(),
    model: mlp({ hidden: [16] }),
    seed: 2,
    backend: 'cpu',
    evaluation: { flipTTA: false },
    stages: [{ ...representation, ...stage1 }, classifier],
    ...overrides,
  };
}

function started(run: Run): Run {
  cleanup.push(() => run.dispose());
  return run;
}

describe('shift learning in a run', () => {
  const snapshot = (run: Run) => ({
    parameters: run.model.backbone.parameters().map((p) => p.variable.dataSync().slice()),
    buffers: run.model.backbone.buffers().map((p) => p.variable.dataSync().slice()),
    head: run.model.head.parameters().map((p) => p.variable.dataSync().slice()),
  });

  async function stageTwo(shiftLearning: boolean, batchNorm: 'frozen' | 'recalibrate') {
    const run = started(
      createRun({
        // Stage 1 without MixUp keeps this test about BatchNorm only.
        ...config(
          { name: 'classifier', epochs: 1, batchSize: 16, lr: 0.05, weightDecay: 0, freeze: 'backbone', batchNorm, plugins: [slas({ shiftLearning })] },
          {},
          { epochs: 1, plugins: [] },
        ),
        model: cnn({ channels: [4, 8], hidden: 8 }),
      }),
    );
    let before: ReturnType<typeof snapshot> | undefined;
    await run.start({ onProgress: (e) => e.type === 'stage-start' && e.stage === 'classifier' && (before = snapshot(run)) });
    return { before: before!, after: snapshot(run) };
  }

  it('re-estimates BatchNorm running statistics and changes no trainable weight outside the head', async () => {
    const { before, after } = await stageTwo(true, 'frozen');
    expect(before.buffers.length).toBeGreaterThan(0);
    expect(after.parameters).toEqual(before.parameters);
    expect(after.buffers).not.toEqual(before.buffers);
    after.buffers.forEach((values, i) => expect(values).not.toEqual(before.buffers[i]));
    expect(after.head).not.toEqual(before.head);
  });

  it('keeps the running statistics bit-identical too when it is off', async () => {
    const { before, after } = await stageTwo(false, 'recalibrate');
    expect(after.parameters).toEqual(before.parameters);
    expect(after.buffers).toEqual(before.buffers);
    expect(after.head).not.toEqual(before.head);
  });
});

describe('SLAS + SAMN in a run', () => {
  it('trains stage 1 with mixup() and stage 2 with [slas(), samn()]: LAS through the SAMN head, no leaks', async () => {
    const run = started(
      createRun(
        config({ name: 'classifier', epochs: 3, batchSize: 16, lr: 5e-3, weightDecay: 0, freeze: 'backbone', plugins: [slas(), samn()] }),
      ),
    );
    const tensors: number[] = [];
    const losses: number[] = [];
    const report = await run.start({
      onProgress: (e: ProgressEvent) => {
        if (e.type === 'epoch-end' && e.record.stage === 'classifier') tensors.push(tf.memory().numTensors);
        if (e.type === 'step') losses.push(e.loss);
      },
    });
    expect(run.model.head).toBeInstanceOf(SamnHead);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(new Set(tensors).size).toBe(1);
    // Chance is 0.25 on the 4 balanced test classes.
    expect(report.stages[0].final.top1).toBeGreaterThan(0.5);
    expect(report.stages[1].final.top1).toBeGreaterThan(0.5);
    expect(report.manifest.stages[1].plugins).toEqual([
      { name: '@lt/slas', options: expect.objectContaining({ preset: 'samn-reference', lws: false, head: 0.3, tail: 0.1 }) },
      { name: '@lt/samn', options: expect.any(Object) },
    ]);
    expect(report.manifest.stages[0].plugins).toEqual([{ name: '@lt/slas:mixup', options: { alpha: 1 } }]);
    const live = tf.memory().numTensors;
    run.dispose();
    expect(tf.memory().numTensors).toBeLessThan(live);
  });

  it('refuses slas() with LWS together with samn(), naming both plugins', async () => {
    const run = started(
      createRun(config({ name: 'classifier', epochs: 1, batchSize: 16, freeze: 'backbone', plugins: [slas({ lws: true }), samn()] })),
    );
    await expect(run.start()).rejects.toThrow(/'classifierRescale' hook: @lt\/slas \(tap '@lt\/slas:lws'\) and @lt\/samn \(tap '@lt\/samn'\)/);
  });
});

describe('SLAS with LWS in a run (the MiSLAS recipe)', () => {
  it('trains the classifier and the LWS scale on class-balanced batches, and resumes from its checkpoint', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'lt-slas-run-'));
    cleanup.push(() => rm(outDir, { recursive: true, force: true }));
    const runConfig = config(
      { name: 'classifier', epochs: 2, batchSize: 16, lr: 0.05, weightDecay: 2e-4, freeze: 'backbone', plugins: [slas({ preset: 'mislas' })] },
      { outDir },
      { plugins: [mixup(), mislasSchedule({ warmupEpochs: 1 })] },
    );
    const run = started(createRun(runConfig));
    const steps: Record<string, number> = {};
    const tensors: number[] = [];
    const report = await run.start({
      onProgress: (e) => {
        if (e.type === 'stage-start') steps[e.stage] = e.stepsPerEpoch;
        if (e.type === 'epoch-end' && e.record.stage === 'classifier') tensors.push(tf.memory().numTensors);
      },
    });
    expect(steps).toEqual({ representation: 7, classifier: Math.ceil(105 / 16) + 1 });
    expect(new Set(tensors).size).toBe(1);
    const head = run.model.head as LwsHead;
    expect(head).toBeInstanceOf(LwsHead);
    const scale = Array.from(head.scale.dataSync());
    expect(scale.some((s) => Math.abs(s - 1) > 1e-4)).toBe(true);
    expect(report.stages[1].history.map((r) => r.lr)).toEqual([0.05, 0.025]);
    // The report takes the norms of the head's dense fold (|s_k|·w_k's rows): |s_k|·‖w_k‖ up to rounding.
    expectClose(report.stages[1].headNorms, head.weightNorms(), 1e-6);
    // Stage 1 ran MiSLAS's warm-up + step schedule: 1 warm-up epoch, ×0.1 once e + 1 > 0.8·6, ×0.01 once > 0.9·6.
    expectClose(report.stages[0].history.map((r) => r.lr), [0.2, 0.2, 0.2, 0.2, 0.02, 0.002], 1e-12);

    const saved = JSON.parse(await readFile(join(outDir, 'checkpoints', 'classifier', 'model.json'), 'utf8'));
    expect(saved.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(
      expect.arrayContaining(['head.weight', 'head.bias', 'head.lws_scale']),
    );
    expect(saved.modelTopology.head).toMatchObject({ kind: 'lws', classifierLrFactor: 0.5, base: { kind: 'linear' } });

    const resumed = started(createRun(runConfig));
    const again = await resumed.start({ resume: true });
    expectClose(Array.from((resumed.model.head as LwsHead).scale.dataSync()), scale, 0);
    expectClose(again.stages[1].headNorms, report.stages[1].headNorms, 1e-6);
  });
});
