import type { Backbone, DatasetInfo, ModelParts, Rng } from '@lt/core';
import { linearHead } from './linearHead.js';

/** The model parts for a backbone: a `head` LinearHead over its features and no extras. */
export function withLinearHead(backbone: Backbone, info: DatasetInfo, rng: Rng): ModelParts {
  const head = linearHead({ name: 'head', featureDim: backbone.featureDim, numClasses: info.numClasses, rng: rng.fork('head') });
  return { backbone, head, extras: {} };
}
