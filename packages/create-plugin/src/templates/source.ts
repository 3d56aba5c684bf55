import type { PluginIdentifiers } from '../name.js';

/** What the source templates need: the package name and the identifiers derived from it. */
export interface TemplateInput {
  readonly name: string;
  readonly ids: PluginIdentifiers;
}

/** `src/options.ts`: the zod schema and DI token of the plugin's options. */
export const optionsTs = ({ name, ids }: TemplateInput): string => `import { z } from 'zod';
import { defineOptions } from '@lt/core';

/** The options of \`${ids.factory}()\`: an unknown key or a wrong value is an error naming the plugin and the field. */
export const ${ids.factory}OptionsSchema = z.strictObject({
  /** Class k's loss weight is proportional to n_k^(−power): 0 is plain cross-entropy, 1 inverse class frequency. */
  power: z.number().min(0).max(2).default(0.5),
});

/** Validated options (defaults filled in). */
export type ${ids.options}T = z.output<typeof ${ids.factory}OptionsSchema>;

/** What \`${ids.factory}()\` accepts: every field optional. */
export type ${ids.options}Input = z.input<typeof ${ids.factory}OptionsSchema>;

/** DI token of the validated options: the plugin's constructor takes them with \`@inject(${ids.options})\`. */
export const ${ids.options} = defineOptions<${ids.options}T>('${name}', ${ids.factory}OptionsSchema);
`;

/** `src/loss.ts`: the math, as plain functions that are easy to test. */
export const lossTs = (): string => `import * as tf from '@tensorflow/tfjs-core';

/** Per-class weights n_k^(−power), scaled to mean 1 over the classes. */
export function classWeights(classCounts: readonly number[], power: number): number[] {
  const raw = classCounts.map((n) => Math.max(n, 1) ** -power);
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((w) => w / mean);
}

/** Class-weighted cross-entropy: Σ_i w_(y_i)·(−log softmax(z_i)_(y_i)) / Σ_i w_(y_i). */
export function weightedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, weights: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const hard = tf.cast(labels, 'int32');
    const perSample = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(hard, logits.shape[1])), 1));
    const w = tf.gather(weights, hard);
    return tf.div(tf.sum(tf.mul(w, perSample)), tf.sum(w)) as tf.Scalar;
  });
}
`;

/** `src/plugin.ts`: the plugin class on the \`loss\` hook and the factory users call. */
export const pluginTs = ({ name, ids }: TemplateInput): string => `import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, inject, injectable, Tokens, type LtPlugin, type PluginSpec, type StageHooks } from '@lt/core';
import { classWeights, weightedCrossEntropy } from './loss.js';
import { ${ids.options}, type ${ids.options}Input, type ${ids.options}T } from './options.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Replaces the stage's loss with cross-entropy weighted per class by the training class counts. */
@injectable()
export class ${ids.className} implements LtPlugin {
  static readonly meta = { name: '${name}', version };

  private readonly weights: number[];

  constructor(@inject(Tokens.ClassCounts) classCounts: readonly number[], @inject(${ids.options}) options: ${ids.options}T) {
    this.weights = classWeights(classCounts, options.power);
  }

  /** \`replaces: true\`: this loss discards the one it receives, so a second loss-replacing plugin is a conflict. */
  apply(hooks: StageHooks): void {
    hooks.loss.tap({ name: ${ids.className}.meta.name, replaces: true }, () => (step) => {
      // Runs inside the engine's tf.tidy: every tensor made here is freed after the step.
      const weights = tf.tensor1d(this.weights);
      return weightedCrossEntropy(step.logits(step.batch.x), step.batch.labels, weights);
    });
  }
}

/** The spec a stage lists: \`plugins: [${ids.factory}({ power: 0.5 })]\`; options are validated here. */
export const ${ids.factory} = (options: ${ids.options}Input = {}): PluginSpec => definePlugin(${ids.className}, ${ids.options}, options);
`;

/** `src/index.ts`: the package's public exports. */
export const indexTs = ({ ids }: TemplateInput): string => `export { ${ids.className}, ${ids.factory} } from './plugin.js';
export { ${ids.options}, ${ids.factory}OptionsSchema, type ${ids.options}T, type ${ids.options}Input } from './options.js';
export { classWeights, weightedCrossEntropy } from './loss.js';
`;

/** `src/plugin.test.ts`: the lt conformance suite. */
export const pluginTestTs = ({ name, ids }: TemplateInput): string => `import { describePlugin } from '@lt/testkit';
import { ${ids.factory} } from './plugin.js';

// Leaks, determinism, resume after a kill, option errors and conflicts, on cpu and wasm (see @lt/testkit).
describePlugin('${name}', ${ids.factory}, {
  options: { power: 1 },
  invalidOptions: [
    { options: { power: -1 }, field: 'power' },
    { options: { power: 'high' }, field: 'power' },
  ],
});
`;

/** `src/loss.test.ts`: the math against values worked out by hand. */
export const lossTestTs = (): string => `import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lt/core';
import { classWeights, weightedCrossEntropy } from './loss.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('classWeights', () => {
  it('is n^(−power) scaled to mean 1', () => {
    const w = classWeights([100, 25], 0.5); // 0.1 and 0.2, mean 0.15
    expect(w[0]).toBeCloseTo(2 / 3, 12);
    expect(w[1]).toBeCloseTo(4 / 3, 12);
    expect(classWeights([100, 25], 0)).toEqual([1, 1]);
  });
});

describe('weightedCrossEntropy', () => {
  it('weighs each sample by its class', () => {
    // Sample 0: −log softmax([2, 0])_0 = log(1 + e^−2); sample 1: −log softmax([0, 0])_1 = log 2.
    const loss = tf.tidy(() =>
      weightedCrossEntropy(tf.tensor2d([[2, 0], [0, 0]]), tf.tensor1d([0, 1], 'int32'), tf.tensor1d([1, 3])).dataSync()[0],
    );
    expect(loss).toBeCloseTo((Math.log(1 + Math.exp(-2)) + 3 * Math.log(2)) / 4, 5);
  });
});
`;
