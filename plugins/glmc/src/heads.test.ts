import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, modelVariables, type ModelParts } from '@lt/core';
import { mlp } from '@lt/models';
import { GLMC_NAMES, glmcHeads, glmcOutputs, hasGlmcHeads, withGlmcHeads } from './heads.js';
import { randomTensor, useCpu } from './testing.fixture.js';

beforeAll(useCpu);

const info = { name: 'toy', numClasses: 3, imageShape: [4, 4, 1] as const, flipPreservesLabel: false };
const build = (): ModelParts => mlp({ hidden: [6] }).build({ info, rng: createRng(1) });
const dispose = (model: ModelParts) => tf.dispose(modelVariables(model).map((v) => v.variable));

describe('withGlmcHeads', () => {
  it('makes fc_cb the head, keeps fc as an extra and adds projection D→P and prediction P→P', () => {
    const base = build();
    const model = withGlmcHeads(base, { projectionDim: 128, rng: createRng(2) });
    expect(model.backbone).toBe(base.backbone);
    expect(model.head.name).toBe('fc_cb');
    expect(model.head.weight.shape).toEqual([3, 6]);
    expect(model.extras.fc).toBe(base.head);
    expect(Object.keys(model.extras)).toEqual(['fc', 'projection', 'prediction']);
    const shapes = Object.fromEntries(modelVariables(model).map((v) => [v.name, v.variable.shape]));
    expect(shapes).toMatchObject({
      'head.weight': [3, 6],
      'head.bias': [3],
      'fc_cb.weight': [3, 6],
      'fc_cb.bias': [3],
      'projection_head.weight': [128, 6],
      'projection_head.bias': [128],
      'prediction_head.weight': [128, 128],
      'prediction_head.bias': [128],
    });
    expect(hasGlmcHeads(model)).toBe(true);
    expect(hasGlmcHeads(base)).toBe(false);
    dispose(model);
  });

  it('initialises the new heads from the rng: same seed, same weights', () => {
    const a = withGlmcHeads(build(), { projectionDim: 8, rng: createRng(2) });
    const b = withGlmcHeads(build(), { projectionDim: 8, rng: createRng(2) });
    expect(a.head.weight.dataSync()).toEqual(b.head.weight.dataSync());
    expect(a.head.weight.dataSync()).not.toEqual(a.extras.fc.parameters()[0].variable.dataSync());
    dispose(a);
    dispose(b);
  });

  it('returns a model that already has the heads unchanged', () => {
    const model = withGlmcHeads(build(), { projectionDim: 8, rng: createRng(2) });
    expect(withGlmcHeads(model, { projectionDim: 8, rng: createRng(3) })).toBe(model);
    expect(() => withGlmcHeads(model, { projectionDim: 16, rng: createRng(3) })).toThrow(/projectionDim 16/);
    dispose(model);
  });

  it('refuses to overwrite extras another plugin added', () => {
    const base = build();
    const clash = { ...base, extras: { projection: base.head } };
    expect(() => withGlmcHeads(clash, { projectionDim: 8, rng: createRng(2) })).toThrow(/already has extras \[projection\]/);
    dispose(base);
  });
});

describe('glmcHeads and glmcOutputs', () => {
  it('names what is missing from a model without GLMC heads', () => {
    const base = build();
    expect(() => glmcHeads(base)).toThrow(/no GLMC heads \(head 'head', extras \[\]\)/);
    dispose(base);
  });

  it('gives z = fc(f), z_cb = fc_cb(f), h = proj(f), u = pred(h)', () => {
    const model = withGlmcHeads(build(), { projectionDim: 5, rng: createRng(2) });
    const heads = glmcHeads(model);
    const f = randomTensor<tf.Rank.R2>([2, 6], 7);
    const out = glmcOutputs(heads, f);
    expect(out.logits.dataSync()).toEqual(model.extras[GLMC_NAMES.extras.classifier].apply(f).dataSync());
    expect(out.rebalancedLogits.dataSync()).toEqual(model.head.apply(f).dataSync());
    expect(out.prediction.dataSync()).toEqual(heads.prediction.apply(out.projection).dataSync());
    expect(out.projection.shape).toEqual([2, 5]);
    tf.dispose([f, ...Object.values(out)]);
    dispose(model);
  });
});
