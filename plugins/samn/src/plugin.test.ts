import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import {
  createRun,
  createStageHooks,
  definePlugin,
  trackTapOwners,
  type ClassifierHead,
  type DatasetSpec,
  type LtPlugin,
  type ModelSpec,
  type StageContext,
  type StageHooks,
} from '@lt/core';
import { SamnHead } from './head.js';
import { SamnPlugin, samn } from './plugin.js';
import type { SamnOptionsT } from './options.js';
import { expectClose, linearHead, take, useBackend, worked } from './reference.fixture.js';

const { counts, weight, bias } = worked;

const warnings: string[] = [];
const context = {
  stage: { name: 'classifier' },
  classCounts: counts,
  numClasses: 3,
  logger: { info: () => undefined, warn: (m: string) => warnings.push(m) },
} as unknown as StageContext;

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
  warnings.length = 0;
});

function plugin(options: Parameters<typeof samn>[0] = {}, classCounts: readonly number[] = counts): SamnPlugin {
  return new SamnPlugin(classCounts, samn(options).options as SamnOptionsT);
}

function rescale(hooks: StageHooks, head: ClassifierHead): ClassifierHead {
  const result = hooks.classifierRescale.call(head, context);
  if (result instanceof SamnHead) cleanup.push(() => result.dispose());
  return result;
}

describe('samn()', () => {
  it('carries the package name and version', () => {
    const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
    expect(SamnPlugin.meta).toEqual({ name: '@lt/samn', version: pkg.version });
    expect(samn().name).toBe('@lt/samn');
  });

  it("fills the reference code's defaults", () => {
    expect(samn().options).toEqual({ scaleMode: 'exp', init: 'freq', strict: false, biasBranch: true, maxScaling: 80 });
  });

  it('rejects bad options naming the plugin and the field', () => {
    expect(() => samn({ scaleMode: 'log' as 'exp' })).toThrow(/Invalid options for @lt\/samn: scaleMode:/);
    expect(() => samn({ init: 'random' as 'freq' })).toThrow(/@lt\/samn: init:/);
    expect(() => samn({ strict: 'yes' as unknown as boolean })).toThrow(/@lt\/samn: strict:/);
    expect(() => samn({ order: [1, NaN] })).toThrow(/@lt\/samn: order\.1:/);
    expect(() => samn({ maxScaling: 100 })).toThrow(/@lt\/samn: maxScaling:/);
    expect(() => samn({ biasbranch: false } as never)).toThrow(/@lt\/samn.*biasbranch/);
  });

  it('accepts a typed-array order', () => {
    expect(samn({ order: Float64Array.from([3, 2, 1]) }).options.order).toEqual([3, 2, 1]);
  });
});

describe('SamnPlugin', () => {
  it('replaces the classifier head with a SAMN head built from it', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    plugin().apply(hooks);
    const source = linearHead(weight, bias);
    cleanup.push(() => source.dispose());
    const head = rescale(hooks, source);
    expect(head).toBeInstanceOf(SamnHead);
    expect(head.parameters().map((p) => p.name)).toEqual(['head.weight', 'head.bias', 'head.raw_weight', 'head.raw_bias']);
    expectClose(head.weightNorms(), [2.141403, 3.865205, 4.232064]);
    expect(head.config).toMatchObject({ kind: 'samn', scaleMode: 'exp', biasBranch: true, orderSource: 'classCounts' });
  });

  it('passes its options to the head', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    plugin({ scaleMode: 'mul', init: 'zeros', strict: true, biasBranch: false }).apply(hooks);
    const source = linearHead(weight, bias);
    cleanup.push(() => source.dispose());
    const head = rescale(hooks, source) as SamnHead;
    expect(head.config).toMatchObject({ scaleMode: 'mul', init: 'zeros', strict: true, biasBranch: false });
    expect(head.rawBias).toBeUndefined();
  });

  it('orders the norms by the `order` metric instead of the counts when given', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    // A metric that ranks class 0 rarest: its norm becomes the largest.
    plugin({ order: [1, 10, 100] }).apply(hooks);
    const source = linearHead(weight, bias);
    cleanup.push(() => source.dispose());
    const head = rescale(hooks, source);
    expectClose(head.weightNorms(), [4.232064, 3.865205, 2.141403]);
    expect(head.config).toMatchObject({ orderSource: 'order', order: [1, 10, 100] });
  });

  it('checks the length of `order` at stage start, naming the plugin and the option', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    plugin({ order: [1, 2] }).apply(hooks);
    const source = linearHead(weight, bias);
    cleanup.push(() => source.dispose());
    expect(() => rescale(hooks, source)).toThrow(/@lt\/samn: option 'order' has 2 values but head 'head' has 3 classes/);
  });

  it('logs a warning naming the class when the overflow guard clamps', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    plugin().apply(hooks);
    const source = linearHead(weight, bias);
    cleanup.push(() => source.dispose());
    const head = rescale(hooks, source) as SamnHead;
    head.rawWeight.assign(tf.tensor1d([0.5, 0.5, -10]));
    const x = tf.tensor2d([[1e-30, 1e-30]]);
    take(head.apply(x));
    take(head.apply(x));
    x.dispose();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/@lt\/samn: class 2's weight scaling s = .* exceeds maxScaling 80; clamped/);
  });

  it('conflicts with another plugin that replaces the head, naming both', () => {
    const hooks = createStageHooks();
    const owners = trackTapOwners(hooks);
    owners.setOwner('@lt/samn');
    plugin().apply(hooks);
    owners.setOwner('tau-norm');
    hooks.classifierRescale.tap({ name: 'tau-norm', replaces: true }, (head) => head);
    expect(() => owners.check()).toThrow(/'classifierRescale' hook: @lt\/samn \(tap '@lt\/samn'\) and tau-norm \(tap 'tau-norm'\)/);
  });

  it('composes with a plugin that wraps the head it returns', async () => {
    await useBackend('cpu');
    const hooks = createStageHooks();
    const owners = trackTapOwners(hooks);
    owners.setOwner('@lt/samn');
    plugin().apply(hooks);
    owners.setOwner('spy');
    let seen: ClassifierHead | undefined;
    hooks.classifierRescale.tap('spy', (head) => (seen = head));
    expect(() => owners.check()).not.toThrow();
    const source = linearHead(weight, bias);
    cleanup.push(() => source.dispose());
    expect(rescale(hooks, source)).toBe(seen);
    expect(seen).toBeInstanceOf(SamnHead);
  });
});

describe('SamnPlugin in a run', () => {
  /** Three classes of 2-d points (counts 8/3/1) as 1×1×2 images; the backbone just flattens them. */
  const points = [
    [2, 0], [2.2, 0.1], [1.8, -0.2], [2.1, 0.3], [1.9, 0.2], [2.3, -0.1], [2, 0.25], [1.7, 0],
    [0, 2], [0.2, 1.8], [-0.1, 2.2],
    [-2, -2],
  ];
  const labels = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
  const dataset: DatasetSpec = {
    name: 'points',
    options: {},
    load: async () => ({
      info: { name: 'points', numClasses: 3, imageShape: [1, 1, 2], flipPreservesLabel: false },
      classCounts: [8, 3, 1],
      trainLabels: Int32Array.from(labels),
      testLabels: Int32Array.from([0, 1, 2]),
      manifest: {
        dataset: 'points', imbalanceFactor: 8, selection: 'first', seed: 0, classCounts: [8, 3, 1], testCount: 3, indicesSha256: '', source: 'test',
      },
      augments: false,
      trainBatch: (indices) => tf.tensor4d(Array.from(indices).flatMap((i) => points[i]), [indices.length, 1, 1, 2]),
      testBatch: (start, end) => tf.tensor4d([[2, 0], [0, 2], [-2, -2]].slice(start, end).flat(), [end - start, 1, 1, 2]),
    }),
  };
  const model: ModelSpec = {
    name: 'flat-linear',
    options: {},
    build: () => ({
      backbone: {
        name: 'backbone',
        featureDim: 2,
        apply: (x) => tf.reshape(x, [x.shape[0], 2]),
        parameters: () => [],
        buffers: () => [],
      },
      head: linearHead([[1, 0.1], [0.1, 1], [-1, -1]], [0, 0, 0], 'fc'),
      extras: {},
    }),
  };
  /** A loss plugin that wraps whatever loss it receives (any loss plugin must compose with SAMN). */
  class CountingLoss implements LtPlugin {
    static readonly meta = { name: 'counting-loss', version: '1.0.0' };
    static calls = 0;
    apply(hooks: StageHooks): void {
      hooks.loss.tap('counting-loss', (loss) => (step) => {
        CountingLoss.calls += 1;
        expect(step.head).toBeInstanceOf(SamnHead);
        return loss(step);
      });
    }
  }

  it('is resolved through DI, trains the SAMN head with any loss, and reloads from its checkpoint', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'lt-samn-run-'));
    cleanup.push(() => rm(outDir, { recursive: true, force: true }));
    const config = {
      dataset,
      model,
      seed: 0,
      backend: 'cpu' as const,
      outDir,
      evaluation: { flipTTA: false },
      stages: [
        {
          name: 'classifier',
          epochs: 2,
          batchSize: 4,
          lr: 0.05,
          weightDecay: 0,
          freeze: 'backbone' as const,
          augment: false,
          plugins: [samn(), definePlugin(CountingLoss)],
        },
      ],
    };
    const run = createRun(config);
    const report = await run.start();
    cleanup.push(() => run.dispose());
    expect(CountingLoss.calls).toBe(6);
    const head = run.model.head;
    expect(head).toBeInstanceOf(SamnHead);
    const norms = report.stages[0].headNorms;
    expect(norms[2]).toBeGreaterThanOrEqual(norms[1]);
    expect(norms[1]).toBeGreaterThanOrEqual(norms[0]);
    const saved = JSON.parse(await readFile(join(outDir, 'checkpoints', 'classifier', 'model.json'), 'utf8'));
    expect(saved.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(
      expect.arrayContaining(['fc.weight', 'fc.bias', 'fc.raw_weight', 'fc.raw_bias']),
    );
    expect(saved.modelTopology.head).toMatchObject({ kind: 'samn', base: { kind: 'linear' } });

    // Resuming a finished stage rebuilds the SAMN head from a fresh model and loads its weights.
    const resumed = createRun(config);
    const again = await resumed.start({ resume: true });
    cleanup.push(() => resumed.dispose());
    expectClose(again.stages[0].headNorms, norms, 1e-6);
    const x = tf.tensor2d([[0.5, -0.3]]);
    expectClose(take(resumed.model.head.apply(x)), take(head.apply(x)), 1e-6);
    x.dispose();
  });
});
