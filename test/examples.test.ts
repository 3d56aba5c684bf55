import { describe, expect, it } from 'vitest';
import { main as quickstart } from '../examples/quickstart.js';
import { focalLoss, main as customPlugin } from '../examples/custom-plugin.js';
import { main as rebalanceExistingModel } from '../examples/rebalance-existing-model/run.js';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

describe('examples', () => {
  it('quickstart trains CE then CE + SAMN and reports both stages', async () => {
    const report = await quickstart({ small: true });
    expect(report.stages.map((s) => s.name)).toEqual(['representation', 'classifier']);
    expect(report.stages[1].final.top1).toBeGreaterThan(0.5);
    // ~50 s alone; more when the other test files compete for the two cores.
  }, 300_000);

  it('custom-plugin trains with the user-written focal loss', async () => {
    const report = await customPlugin({ small: true });
    expect(report.manifest.stages[0]).toMatchObject({ plugins: [{ name: 'focal-loss', options: { gamma: 2 } }] });
    expect(report.stages[0].final.top1).toBeGreaterThan(0.3);
  });

  it('rebalance-existing-model: a tf.layers model trained with CE, lt train SAMN on it (cached features), lt export', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lt-example-'));
    try {
      const result = await rebalanceExistingModel({ out, small: true });
      expect(result.featureCache).toBe(true);
      expect(result.before.few).not.toBeNull();
      expect(result.after.few).not.toBeNull();
      expect(result.after.top1).toBeGreaterThan(0.3);
      expect((await readdir(result.exported)).sort()).toEqual(['classes.json', 'model.json', 'samples.json', 'weights.bin']);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 300_000);

  it("the example's focal loss equals cross-entropy at γ = 0 and down-weights easy samples at γ = 2", () => {
    const logits = tf.tensor2d([[4, 0, 0], [0, 0.5, 0]]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 3), logits).dataSync()[0];
    expect(focalLoss(logits, labels, 0).dataSync()[0]).toBeCloseTo(ce, 5);
    expect(focalLoss(logits, labels, 2).dataSync()[0]).toBeLessThan(ce);
    tf.dispose([logits, labels]);
  });
});
