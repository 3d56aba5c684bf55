import { afterEach, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, createRun, type ModelSpec } from '@lt/core';
import { imageFolder } from '@lt/data';
import { ce } from '@lt/ce';
import { train } from '../packages/cli/src/train.js';
import { evaluateCommand } from '../packages/cli/src/evaluate.js';
import { tempDir, writeImageFolder } from '../packages/data/src/imageFiles.fixture.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function sink() {
  let text = '';
  const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

const NAMES = ['ant', 'bee', 'cat', 'dog'];

describe('lt train on a folder of images', () => {
  it('learns a long-tailed image folder well above chance with SAMN in stage 2, class names in the table, metrics and report', async () => {
    const dir = tempDir('image-run');
    dirs.push(dir);
    // Long-tailed on disk (the folder is used as given): 60, 30, 15, 8 training images; 10 test images per class.
    await writeImageFolder(join(dir, 'train'), NAMES, [60, 30, 15, 8]);
    await writeImageFolder(join(dir, 'test'), NAMES, [10, 10, 10, 10], 1000);
    const config = join(dir, 'lt.yaml');
    await writeFile(
      config,
      [
        `dataset: { name: image-folder, root: ${join(dir, 'train')}, test: ${join(dir, 'test')}, imageSize: 32, workers: 2 }`,
        'model: { name: cnn }',
        'backend: wasm',
        'stages:',
        '  - { name: representation, epochs: 4, batchSize: 16, lr: 0.01, plugins: [ce] }',
        '  - { name: classifier, epochs: 2, batchSize: 16, lr: 0.002, weightDecay: 0, freeze: backbone, plugins: [ce, samn] }',
      ].join('\n'),
    );
    const out = sink();
    const err = sink();
    const outDir = join(dir, 'run');
    expect(await train(['--config', config, '--out', outDir], out.stream, err.stream)).toBe(0);
    expect(err.text()).toContain('class counts: [60, 30, 15, 8]');
    // Paper groups: Medium 20 ≤ n ≤ 100, Few n < 20.
    expect(out.text()).toMatch(/Stage 'classifier'[\s\S]*many\s+–\n\s+medium\s+ant, bee\n\s+few\s+cat, dog\n/);
    const metrics = JSON.parse(await readFile(join(outDir, 'metrics.json'), 'utf8'));
    const classifier = metrics.stages[1];
    expect(classifier.classes.map((c: { name: string; trainCount: number }) => [c.name, c.trainCount])).toEqual(NAMES.map((n, k) => [n, [60, 30, 15, 8][k]]));
    // Chance is 0.25.
    expect(classifier.final.top1).toBeGreaterThan(0.7);
    expect(metrics.manifest.split.images).toMatchObject({ imageSize: 32, augmentation: 'crop-flip', workers: 2, skipped: [] });
    // lt evaluate rebuilds the folder's split from the manifest and scores the checkpoint as training did.
    const scored = join(dir, 'eval.json');
    expect(await evaluateCommand([outDir, '--out', scored, '--backend', 'wasm'], sink().stream)).toBe(0);
    const evaluation = JSON.parse(await readFile(scored, 'utf8'));
    expect(evaluation).toMatchObject({ stage: 'classifier', top1: classifier.final.top1, classNames: NAMES });
    const html = await readFile(join(outDir, 'report.html'), 'utf8');
    for (const name of NAMES) expect(html).toContain(`<td>${name}</td>`);
  });

  it('stops the decoding threads when a run fails after loading the dataset', async () => {
    const dir = tempDir('image-fail');
    dirs.push(dir);
    await writeImageFolder(dir, NAMES.slice(0, 2), [6, 6]);
    const broken: ModelSpec = { name: 'broken', options: {}, build: () => { throw new Error('model failed to build'); } };
    const run = createRun({ dataset: imageFolder({ root: dir, imageSize: 8 }), model: broken, seed: 0, backend: 'cpu', stages: [{ name: 'only', epochs: 1, plugins: [ce()] }] });
    await expect(run.start()).rejects.toThrow('model failed to build');
    expect(() => run.dataset.trainBatch([0], { augment: false, rng: createRng(0) })).toThrow(/closed/);
  });
});
