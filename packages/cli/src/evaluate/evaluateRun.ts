import { join, resolve } from 'node:path';
import { createRng, evaluate, LtError, writeFileAtomic, type EvalMetrics } from '@lt/core';
import { rebuildModel } from '../export/rebuildModel.js';
import { datasetFromManifest } from './datasetFromManifest.js';

/** What `lt evaluate` scores and writes: one stage's checkpoint on the run's test set (top-1 a fraction, as in metrics). */
export interface RunEvaluation extends Omit<EvalMetrics, 'confusion'> {
  readonly run: string;
  readonly stage: string;
  readonly flipTTA: boolean;
  readonly classNames: readonly string[];
  /** Training images per class (the split the run trained on), which sets Many/Medium/Few. */
  readonly classCounts: readonly number[];
  readonly testCount: number;
  readonly confusion: readonly number[];
}

/** Options of `evaluateRun`. */
export interface EvaluateRunOptions {
  /** The stage whose checkpoint to score (default: the run's last stage). */
  readonly stage?: string;
  /** Average the logits of each image and its mirror image (default: what the run evaluated with). */
  readonly flipTTA?: boolean;
  /** Write the result as JSON here (atomically). */
  readonly out?: string;
}

/** Scores a trained run's checkpoint on its test set without training: the split is rebuilt from the manifest and checked against it. */
export async function evaluateRun(runDir: string, options: EvaluateRunOptions = {}): Promise<RunEvaluation> {
  const model = await rebuildModel(runDir, options.stage);
  try {
    const { manifest } = model;
    const dataset = await datasetFromManifest(manifest, runDir).load({ rng: createRng(manifest.seed).fork('data'), seed: manifest.seed });
    try {
      // The same split or nothing: a moved or edited dataset would score other images under the run's name.
      if (dataset.manifest.indicesSha256 !== manifest.split.indicesSha256 || dataset.testLabels.length !== manifest.split.testCount) {
        throw new LtError(
          'EVALUATE_DATASET',
          `${join(runDir, 'manifest.json')}: the dataset at ${dataset.manifest.source} no longer gives the run's split ` +
            `(training indices sha256 ${dataset.manifest.indicesSha256.slice(0, 12)} vs ${manifest.split.indicesSha256.slice(0, 12)}, ` +
            `${dataset.testLabels.length} vs ${manifest.split.testCount} test images)`,
        );
      }
      const flipTTA = options.flipTTA ?? manifest.evaluation.flipTTA;
      const metrics = await evaluate(model, dataset, {
        flipTTA,
        batchSize: manifest.evaluation.batchSize,
        manyMediumFew: manifest.evaluation.manyMediumFew,
        emptyGroup: manifest.evaluation.emptyGroup,
      });
      const result: RunEvaluation = {
        run: resolve(runDir),
        stage: model.stage,
        flipTTA,
        ...metrics,
        classNames: Array.from({ length: dataset.info.numClasses }, (_, k) => dataset.info.classNames?.[k] ?? String(k)),
        classCounts: dataset.classCounts,
        testCount: dataset.testLabels.length,
      };
      if (options.out !== undefined) await writeFileAtomic(options.out, `${JSON.stringify(result, null, 2)}\n`);
      return result;
    } finally {
      await dataset.close?.();
    }
  } finally {
    model.dispose();
  }
}
