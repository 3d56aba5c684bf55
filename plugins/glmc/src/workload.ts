import * as tf from '@tensorflow/tfjs-core';
import { createRng, Sgd, variableGrads, type ModelParts, type ModelSpec } from '@lt/core';
import { sampleCutMixBox } from './cutMix.js';
import { glmcHeads, withGlmcHeads } from './heads.js';
import { glmcMix } from './mix.js';
import { glmcOptionsSchema, type GlmcOptionsInput } from './options.js';
import { glmcStepLoss } from './stepLoss.js';
import { labelWeights } from './weights.js';

/** Options of `glmcStepWorkload`. */
export interface GlmcStepWorkloadOptions {
  readonly model: ModelSpec;
  /** [height, width, channels]. */
  readonly imageShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly batchSize: number;
  readonly glmc?: GlmcOptionsInput;
  /** α_e of the step (default 0.75, so every term carries weight). */
  readonly alpha?: number;
  readonly lr?: number;
  readonly weightDecay?: number;
  readonly seed?: number;
}

/** One GLMC training step on fixed random data, for benchmarks. */
export interface GlmcStepWorkload {
  readonly batch: number;
  /** The model with GLMC's heads. */
  readonly model: ModelParts;
  /** Mixes the four fixed views with a fresh λ and box, runs both forward passes, the loss and an SGD step; returns the loss. */
  step(): tf.Scalar;
  /** Frees the model, the data and the optimizer state. */
  dispose(): void;
}

/**
 * Returns a GLMC training step for a model spec, built from the same functions as the plugin (heads, mix, loss,
 * SGD over backbone + fc_cb + extras): the bench counterpart of a CE step on the same model, for comparing time
 * and peak memory. Data loading and augmentation are excluded (four fixed random views), as in a CE bench step.
 */
export function glmcStepWorkload(options: GlmcStepWorkloadOptions): GlmcStepWorkload {
  const { imageShape, numClasses, batchSize } = options;
  const settings = glmcOptionsSchema.parse(options.glmc ?? {});
  const rng = createRng(options.seed ?? 0);
  const info = { name: 'glmc-bench', numClasses, imageShape, flipPreservesLabel: true } as const;
  const model = withGlmcHeads(options.model.build({ info, rng: rng.fork('init') }), { projectionDim: settings.projectionDim, rng: rng.fork('heads') });
  const heads = glmcHeads(model);
  const parameters = [model.backbone, model.head, ...Object.values(model.extras)].flatMap((m) => m.parameters());
  const sgd = new Sgd(parameters, { momentum: 0.9, weightDecay: options.weightDecay ?? 5e-3 });
  const views = [1, 2, 3, 4].map((seed) => tf.randomNormal([batchSize, ...imageShape], 0, 1, 'float32', seed) as tf.Tensor4D);
  const labelsA = Int32Array.from({ length: batchSize }, (_, i) => i % numClasses);
  const labelsR = Int32Array.from({ length: batchSize }, (_, i) => (numClasses - 1 - (i % numClasses) + numClasses) % numClasses);
  const counts = Array.from({ length: numClasses }, (_, k) => Math.max(1, Math.round(500 * Math.pow(0.01, k / Math.max(numClasses - 1, 1)))));
  const weights = labelWeights(counts, settings.labelWeighting);
  const alpha = options.alpha ?? 0.75;
  const lr = options.lr ?? 0.01;
  let step = 0;
  return {
    batch: batchSize,
    model,
    step: () =>
      tf.tidy(() => {
        const mixRng = rng.fork('mix', step++);
        const lambda = mixRng.beta(settings.beta, settings.beta);
        const box = sampleCutMixBox(lambda, imageShape[0], imageShape[1], mixRng);
        const [a1, a2, r1, r2] = views;
        const data = glmcMix({ a1, a2, r1, r2, labelsA, labelsR, lambda, box, labelWeights: weights });
        const { value, grads } = variableGrads(
          () => glmcStepLoss(data, heads, (x) => model.backbone.apply(x, 'train'), { alpha, contrastWeight: settings.contrastWeight }).total,
          parameters.map((p) => p.variable),
        );
        sgd.step(grads, lr);
        return value;
      }),
    dispose: () => {
      sgd.dispose();
      tf.dispose(views);
      const modules = [model.backbone, model.head, ...Object.values(model.extras)];
      tf.dispose(modules.flatMap((m) => [...m.parameters(), ...m.buffers()]).map((v) => v.variable));
    },
  };
}
