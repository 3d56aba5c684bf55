import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createRun, definePlugin, type LtPlugin, type RunConfig, type StageHooks } from '@lt/core';
import { syntheticLT } from '@lt/data';
import { cnn, mlp } from '@lt/models';
import { samn, SamnHead } from '@lt/samn';
import { glmc } from './plugin.js';
import { glmcClassifier } from './classifier.js';
import { glmcClassifierStage } from './presets.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function glmcThenSamn(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    dataset: syntheticLT({ numClasses: 4, imbalance: 10, maxCount: 60, imageShape: [8, 8, 3] }),
    model: cnn({ channels: [4, 8], hidden: 8 }),
    seed: 1,
    backend: 'cpu',
    evaluation: { everyEpoch: false },
    stages: [
      { name: 'representation', epochs: 2, batchSize: 16, lr: 0.05, plugins: [glmc({ resampleWeighting: 0.2, labelWeighting: 1.2, contrastWeight: 2, projectionDim: 6 })] },
      // The reference's classifier stage, with a larger lr so two tiny epochs move the head.
      { name: 'classifier', ...glmcClassifierStage, epochs: 2, batchSize: 16, lr: 0.01, plugins: [glmcClassifier(), samn()] },
    ],
    ...overrides,
  };
}

const snapshot = (variables: Array<{ name: string; variable: tf.Variable }>) =>
  new Map(variables.map((v) => [v.name, Array.from(v.variable.dataSync())]));

describe('GLMC → GLMC + SAMN', () => {
  it('trains fc, fc_cb and the projection heads in stage 1, then only fc_cb through SAMN, with a flat tensor count', async () => {
    const run = createRun(glmcThenSamn());
    const counts = new Map<string, number[]>();
    let afterStage1 = new Map<string, number[]>();
    let initial = new Map<string, number[]>();
    const report = await run.start({
      onProgress: (event) => {
        if (event.type === 'stage-start' && event.stage === 'representation') {
          initial = snapshot([...run.model.backbone.parameters(), ...run.model.head.parameters(), ...Object.values(run.model.extras).flatMap((m) => m.parameters())]);
        }
        if (event.type === 'stage-start' && event.stage === 'classifier') {
          // The SAMN head starts from a copy of fc_cb's stage-1 weights.
          afterStage1 = snapshot([...run.model.backbone.parameters(), ...run.model.head.parameters(), ...Object.values(run.model.extras).flatMap((m) => m.parameters())]);
        }
        if (event.type === 'step') counts.set(event.stage, [...(counts.get(event.stage) ?? []), tf.memory().numTensors]);
      },
    });
    expect(report.stages.map((s) => s.name)).toEqual(['representation', 'classifier']);
    // Stage 1 trains every GLMC head (α_1 = 0.75, κ = 2: all four terms carry weight).
    for (const name of ['head.weight', 'fc_cb.weight', 'projection_head.weight', 'prediction_head.weight', 'backbone.conv1.weight']) {
      expect(afterStage1.get(name), name).toBeDefined();
      expect(afterStage1.get(name), name).not.toEqual(initial.get(name));
    }
    // Stage 2: the head is SAMN built from fc_cb; fc, the projection heads and the backbone weights stay put.
    expect(run.model.head).toBeInstanceOf(SamnHead);
    expect(run.model.head.name).toBe('fc_cb');
    expect(Object.keys(run.model.extras)).toEqual(['fc', 'projection', 'prediction']);
    const afterStage2 = snapshot([...run.model.backbone.parameters(), ...Object.values(run.model.extras).flatMap((m) => m.parameters())]);
    for (const [name, values] of afterStage2) expect(values, name).toEqual(afterStage1.get(name));
    expect(afterStage2.has('fc_cb.weight')).toBe(false);
    expect(Array.from(run.model.head.weight.dataSync())).not.toEqual(afterStage1.get('fc_cb.weight'));
    // Memory: after the first step of a stage (which creates the momentum buffers) the count never moves.
    for (const [stage, series] of counts) {
      expect(series.length, stage).toBeGreaterThan(8);
      expect(new Set(series.slice(1)).size, `${stage}: ${series.join(',')}`).toBe(1);
    }
    run.dispose();
  });

  it('saves every head under a stable name and resumes to the same result', async () => {
    const full = createRun(glmcThenSamn());
    const expected = (await full.start()).stages.map((s) => s.final.perClass);
    full.dispose();

    const outDir = join(await mkdtemp(join(tmpdir(), 'lt-glmc-')), 'run');
    dirs.push(outDir);
    const interrupted = createRun(glmcThenSamn({ outDir }));
    await expect(
      interrupted.start({
        onProgress: (e) => {
          if (e.type === 'epoch-end' && e.record.stage === 'classifier' && e.record.epoch === 0) throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    interrupted.dispose();
    const weights = JSON.parse(await readFile(join(outDir, 'checkpoints', 'representation', 'model.json'), 'utf8')) as {
      weightsManifest: Array<{ weights: Array<{ name: string }> }>;
    };
    const names = weights.weightsManifest.flatMap((group) => group.weights.map((w) => w.name));
    for (const name of ['head.weight', 'head.bias', 'fc_cb.weight', 'fc_cb.bias', 'projection_head.weight', 'prediction_head.bias']) {
      expect(names).toContain(name);
    }

    const resumed = createRun(glmcThenSamn({ outDir }));
    const report = await resumed.start({ resume: true });
    expect(report.stages.map((s) => s.final.perClass)).toEqual(expected);
    resumed.dispose();
  });

  it('learns the data: fc_cb ends well above chance after both stages', async () => {
    const config = glmcThenSamn({ model: mlp({ hidden: [32] }) });
    const run = createRun({ ...config, stages: [{ ...config.stages[0], epochs: 5 }, config.stages[1]] });
    const report = await run.start();
    // 4 classes: chance is 0.25.
    expect(report.stages[0].final.top1).toBeGreaterThan(0.5);
    expect(report.stages[1].final.top1).toBeGreaterThan(0.5);
    run.dispose();
  });

  it('evaluates stage 1 with fc_cb', async () => {
    const run = createRun(glmcThenSamn({ stages: glmcThenSamn().stages.slice(0, 1) }));
    const report = await run.start();
    expect(run.model.head.name).toBe('fc_cb');
    expect(report.stages[0].headNorms).toEqual(run.model.head.weightNorms());
    run.dispose();
  });
});

describe('misconfigured GLMC stages', () => {
  class OtherLoss implements LtPlugin {
    static readonly meta = { name: 'other-loss', version: '0' };
    apply(hooks: StageHooks): void {
      hooks.loss.tap({ name: 'other', replaces: true }, (loss) => loss);
    }
  }

  it('refuses a second loss in the GLMC stage, naming both plugins', async () => {
    const config = glmcThenSamn();
    const run = createRun({ ...config, stages: [{ ...config.stages[0], plugins: [glmc(), definePlugin(OtherLoss)] }] });
    await expect(run.start()).rejects.toThrow(/'loss' hook: @lt\/glmc .* and other-loss/);
    run.dispose();
  });

  it('refuses glmcClassifier() on a model glmc() never trained', async () => {
    const config = glmcThenSamn();
    const run = createRun({ ...config, stages: [{ ...config.stages[1], plugins: [glmcClassifier(), samn()] }] });
    await expect(run.start()).rejects.toThrow(/@lt\/glmc\/classifier: stage 'classifier' retrains fc_cb, but the model has no GLMC heads/);
    run.dispose();
  });
});
