// End to end: lt train → lt export → the model loads with @tensorflow/tfjs alone, in Node and in headless chromium.
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfjs from '@tensorflow/tfjs';
import { createRng, selectBackend } from '@lt/core';
import { mnistLT } from '@lt/data';
import { exportCommand, rebuildModel, train, type ExportedClasses } from '@lt/cli';
import { serveExample } from '../examples/rebalance-existing-model/server.js';
import { startChromium } from './support/browser.js';
import { tempDirForBlock } from './support/tempDir.js';
import { TINY_RUN_YAML } from './support/tinyRun.js';

const sink = () => ({ write: () => true }) as unknown as NodeJS.WriteStream;

describe('lt export', () => {
  const dir = tempDirForBlock('lt-export-e2e-');

  it('exports a CE → SAMN run whose logits, in Node and in the browser, match lt’s', async () => {
    const config = join(dir(), 'lt.yaml');
    await writeFile(config, TINY_RUN_YAML);
    const runDir = join(dir(), 'run');
    expect(await train(['--config', config, '--out', runDir], sink(), sink())).toBe(0);
    const out = join(dir(), 'exported');
    expect(await exportCommand([runDir, '--out', out], sink())).toBe(0);
    await expect(exportCommand([runDir, '--out', out, '--stage', 'nope'], sink())).rejects.toThrow(/no stage 'nope' \(stages: representation, classifier\)/);
    const first = join(dir(), 'exported-representation');
    expect(await exportCommand([runDir, '--out', first, '--stage', 'representation'], sink())).toBe(0);
    // --stage picks that stage's checkpoint: stage 1's plain linear head, other weights than the last stage's.
    const representation = await rebuildModel(runDir, 'representation');
    expect(representation.head.config.kind).toBe('linear');
    representation.dispose();
    expect(Buffer.compare(await readFile(join(first, 'weights.bin')), await readFile(join(out, 'weights.bin')))).not.toBe(0);

    const classes = JSON.parse(await readFile(join(out, 'classes.json'), 'utf8')) as ExportedClasses;
    expect(classes.input).toEqual({ height: 28, width: 28, channels: 1, mean: [0.1307], std: [0.3081] });
    expect(classes.names).toHaveLength(10);

    // lt's logits on the first test images, with the classifier stage's model.
    await selectBackend('cpu');
    const dataset = await mnistLT({ imbalance: 10, maxCount: 40 }).load({ rng: createRng(0), seed: 0 });
    const count = 12;
    const x = dataset.testBatch(0, count);
    const model = await rebuildModel(runDir);
    expect(model.head.config.kind).toBe('samn');
    const expected = tf.tidy(() => model.head.apply(model.backbone.apply(x, 'eval')));
    model.dispose();

    // Node, @tensorflow/tfjs alone: model.json + weights.bin through tfjs's own fromMemory.
    const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8')) as tfjs.io.ModelJSON;
    const bytes = await readFile(join(out, 'weights.bin'));
    const loaded = await tfjs.loadLayersModel(
      tfjs.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }),
    );
    const logits = loaded.predict(x) as tf.Tensor2D;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(logits, expected))).dataSync()[0])).toBeLessThan(1e-5);
    const nodeTop1 = Array.from(tf.tidy(() => tf.argMax(logits, 1)).dataSync());
    loaded.dispose();

    // Headless chromium: the example's page and server, pixels in [0, 1] normalised in the page per classes.json.
    const raw = tf.tidy(() => tf.add(tf.mul(x, classes.input.std[0]), classes.input.mean[0]));
    const pixels = (raw.arraySync() as number[][][][]).map((image) => image.flat(2));
    tf.dispose([x, raw, expected, logits]);
    const { server, url } = await serveExample(out);
    const chromium = await startChromium();
    try {
      const page = await chromium.browser.newPage();
      await page.goto(url);
      await page.waitForFunction('window.ready !== undefined');
      await page.evaluate('window.ready');
      const status = await page.$eval('#status', (e) => e.textContent);
      const browserTop1 = (await page.evaluate(`classify(${JSON.stringify(pixels)})`)) as number[];
      process.stdout.write(`browser: ${status}\nNode top-1:    ${nodeTop1.join(' ')}\nbrowser top-1: ${browserTop1.join(' ')}\n`);
      expect(status).toMatch(/model loaded: 10 classes, tfjs 4\.22\.0/);
      expect(browserTop1).toEqual(nodeTop1);
    } finally {
      await chromium.close();
      server.close();
    }
  }, 120_000);
});
