import { describe, expect, it } from 'vitest';
import { readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@lt/ce';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the install', () => {
  it('holds exactly one copy of @tensorflow/tfjs-core, which every package resolves', () => {
    const copies = readdirSync(`${root}node_modules/.pnpm`).filter((d) => d.startsWith('@tensorflow+tfjs-core@'));
    expect(copies).toHaveLength(1);
    const resolved = new Set(
      [
        'packages/core',
        'packages/data',
        'packages/models',
        'packages/cli',
        'plugins/ce',
        'plugins/samn',
        'plugins/slas',
        'plugins/glmc',
        'plugins/decoupling',
        'plugins/logit-adjust',
        'plugins/weight-balancing',
        'packages/testkit',
      ].map((pkg) =>
        realpathSync(createRequire(`${root}${pkg}/package.json`).resolve('@tensorflow/tfjs-core')),
      ),
    );
    expect(resolved.size).toBe(1);
    // tfjs-layers (@lt/models' export and tfjs models) and @tensorflow/tfjs (tests, the browser bundle) share it.
    const layers = createRequire(`${root}packages/models/package.json`).resolve('@tensorflow/tfjs-layers');
    const tfjs = createRequire(`${root}package.json`).resolve('@tensorflow/tfjs');
    for (const from of [layers, tfjs]) expect(realpathSync(createRequire(from).resolve('@tensorflow/tfjs-core'))).toBe([...resolved][0]);
  });

  it('has libraries and plugins take @lt/core and tfjs-core as peers, so an npm install holds one engine', () => {
    const libraries = ['packages/data', 'packages/models', 'packages/testkit', ...readdirSync(`${root}plugins`).map((p) => `plugins/${p}`)];
    for (const pkg of libraries) {
      const manifest = createRequire(`${root}${pkg}/package.json`)(`${root}${pkg}/package.json`) as Record<string, Record<string, string> | undefined>;
      for (const engine of ['@lt/core', '@tensorflow/tfjs-core']) {
        expect(manifest.peerDependencies?.[engine], `${pkg} peerDependencies ${engine}`).toBeDefined();
        expect(manifest.dependencies?.[engine], `${pkg} dependencies ${engine}`).toBeUndefined();
        expect(manifest.devDependencies?.[engine], `${pkg} devDependencies ${engine}`).toBe(manifest.peerDependencies?.[engine]);
      }
    }
  });

  it('registers the gradients of tfjs-core ops once an @lt package is imported', () => {
    for (const kernel of ['Conv2D', 'BatchMatMul', 'Softmax', 'Relu', 'Mean', 'Sum']) {
      expect(tf.getGradient(kernel), kernel).toBeDefined();
    }
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.relu(x)))(tf.tensor1d([-1, 2]));
    expect(Array.from(g.dataSync())).toEqual([0, 1]);
  });
});
