// A model you already have, rebalanced by lt and shipped to a browser:
//   1. train a small tfjs model on MNIST-LT with plain cross-entropy (tf.layers + model.fit, as a user would);
//   2. `lt train` stage 2 only, CE + SAMN, on that model (`model: { name: tfjs }`);
//   3. `lt export` the result; 4. classify in the browser page (server.ts + index.html).
// Run: pnpm build && pnpm exec tsx examples/rebalance-existing-model/run.ts [OUT_DIR]
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng, evaluate, selectBackend, type ManyMediumFew, type RunReport } from '@lt/core';
import { mnistLT, MNIST_NORMALIZATION } from '@lt/data';
import { directorySaveHandler, tfjsModel } from '@lt/models';
import { exportCommand, train } from '@lt/cli';

/** MNIST-LT with a Few group: 1000 images of class 0 down to 10 of class 9 (imbalance 100). */
const split = { imbalance: 100, maxCount: 1000 };

/** What the example measured. */
export interface ExampleResult {
  readonly before: ManyMediumFew & { top1: number };
  readonly after: ManyMediumFew & { top1: number };
  readonly featureCache: boolean;
  readonly seconds: { userModel: number; ltTrain: number; ltExport: number };
  readonly exported: string;
}

/** Step 1: the model a user has: conv → pool → conv → pool → dense → softmax, trained with CE by model.fit. */
async function trainUserModel(dir: string, epochs: number): Promise<void> {
  const data = await mnistLT(split).load({ rng: createRng(0), seed: 0 });
  const indices = Int32Array.from(data.trainLabels.keys());
  const x = data.trainBatch(indices, { augment: false, rng: createRng(0) });
  const y = tf.oneHot(tf.tensor1d(data.trainLabels, 'int32'), 10);
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 64, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax', name: 'classifier' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  await model.fit(x, y, { epochs, batchSize: 64, shuffle: true, verbose: 0 });
  await mkdir(dir, { recursive: true });
  await model.save(directorySaveHandler(dir));
  tf.dispose([x, y]);
  model.dispose();
}

/** Many/Medium/Few accuracy of the saved model as it is (lt's groups: > 100, 20–100, < 20 training images). */
async function scoreUserModel(dir: string): Promise<ExampleResult['before']> {
  const spec = tfjsModel({ path: dir });
  await spec.load!();
  const data = await mnistLT(split).load({ rng: createRng(0), seed: 0 });
  const parts = spec.build({ info: data.info, rng: createRng(0) });
  const metrics = await evaluate(parts, data, { flipTTA: false, batchSize: 500, manyMediumFew: 'paper', emptyGroup: 'null' });
  tf.dispose([...parts.backbone.parameters(), ...parts.backbone.buffers(), ...parts.head.parameters()].map((p) => p.variable));
  return { ...metrics.manyMediumFew, top1: metrics.top1 };
}

/** Runs the example into `out`; `small` shrinks it to a smoke test. */
export async function main({ out = 'runs/rebalance-existing-model', small = false } = {}): Promise<ExampleResult> {
  const dir = resolve(out);
  await rm(dir, { recursive: true, force: true });
  await selectBackend('auto');
  const clock = () => performance.now() / 1000;

  let started = clock();
  const userModel = join(dir, 'user-model');
  await trainUserModel(userModel, small ? 1 : 6);
  const before = await scoreUserModel(userModel);
  const userSeconds = clock() - started;

  // Step 2: what a user writes for `lt train --config lt.yaml`: stage 2 only, on the existing model.
  const config = join(dir, 'lt.yaml');
  await writeFile(
    config,
    [
      `dataset: { name: mnist, imbalance: ${split.imbalance}, maxCount: ${split.maxCount} }`,
      `model: { name: tfjs, path: ${JSON.stringify(userModel)} }`,
      'stages:',
      `  - { name: classifier, epochs: ${small ? 2 : 10}, batchSize: 128, lr: 0.01, weightDecay: 0, freeze: backbone, augment: false, plugins: [ce, samn] }`,
      '',
    ].join('\n'),
  );
  const runDir = join(dir, 'run');
  started = clock();
  let featureCache = false;
  const progress = { isTTY: false, write: (chunk: string) => ((featureCache ||= /cached backbone features/.test(chunk)), process.stderr.write(chunk)) };
  await train(['--config', config, '--out', runDir], process.stdout, progress as unknown as NodeJS.WriteStream);
  const ltTrainSeconds = clock() - started;
  const report = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8')) as RunReport;
  const final = report.stages[report.stages.length - 1].final;

  // Step 3: `lt export run --out exported`.
  const exported = join(dir, 'exported');
  started = clock();
  await exportCommand([runDir, '--out', exported]);
  const ltExportSeconds = clock() - started;

  // Step 4: a few test images (one per class) for the browser page, pixels in [0, 1].
  const data = await mnistLT(split).load({ rng: createRng(0), seed: 0 });
  const picks = Array.from({ length: 10 }, (_, k) => data.testLabels.indexOf(k));
  const samples = picks.map((i) => {
    const image = data.testBatch(i, i + 1);
    const pixels = tf.tidy(() => tf.add(tf.mul(image, MNIST_NORMALIZATION.std[0]), MNIST_NORMALIZATION.mean[0]).dataSync());
    image.dispose();
    return { label: data.testLabels[i], pixels: Array.from(pixels, (v) => Math.round(v * 255) / 255) };
  });
  await writeFile(join(exported, 'samples.json'), JSON.stringify(samples));

  const result: ExampleResult = {
    before,
    after: { ...final.manyMediumFew, top1: final.top1 },
    featureCache,
    seconds: { userModel: userSeconds, ltTrain: ltTrainSeconds, ltExport: ltExportSeconds },
    exported,
  };
  const pct = (v: number | null) => (v === null ? '–' : (100 * v).toFixed(1));
  console.log(`\n              top-1   many  medium   few`);
  for (const [name, m] of [['plain CE', before], ['lt + SAMN', result.after]] as const) {
    console.log(`${name.padEnd(12)} ${pct(m.top1).padStart(6)} ${pct(m.many).padStart(6)} ${pct(m.medium).padStart(7)} ${pct(m.few).padStart(5)}`);
  }
  console.log(`\nuser model ${userSeconds.toFixed(1)} s · lt train ${ltTrainSeconds.toFixed(1)} s (feature cache: ${featureCache}) · lt export ${ltExportSeconds.toFixed(2)} s`);
  console.log(`browser: pnpm exec tsx examples/rebalance-existing-model/server.ts ${exported}  → http://127.0.0.1:8080/`);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main({ out: process.argv[2] });
