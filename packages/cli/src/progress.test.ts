import { describe, expect, it } from 'vitest';
import type { ProgressEvent, RunManifest } from '@lt/core';
import { ProgressPrinter } from './progress.js';

function printed(backend: string, images?: unknown, adapter?: unknown): string {
  let text = '';
  let now = 0;
  const printer = new ProgressPrinter({ isTTY: false, write: (t: string) => ((text += t), true) }, () => now);
  const manifest = {
    lt: { version: '0' },
    backend: { name: backend, threads: adapter === undefined ? 1 : 0, adapter },
    dataset: { name: 'image-folder' },
    model: { name: 'cnn' },
    seed: 0,
    classCounts: [30, 10],
    split: { images },
    stages: [{ epochs: 10, batchSize: 4 }, { epochs: 2, batchSize: 4 }],
  } as unknown as RunManifest;
  printer.handle({ type: 'run-start', manifest });
  printer.handle({ type: 'stage-start', stage: 'representation', epochs: 10, stepsPerEpoch: 10, startEpoch: 0, featureCache: false });
  for (let step = 0; step < 10; step++) {
    printer.handle({ type: 'step', stage: 'representation', epoch: 0, epochs: 10, step, steps: 10, loss: 1, lr: 0.1, imagesPerSecond: 2 } as ProgressEvent);
    now += 2;
  }
  return text;
}

describe('ProgressPrinter', () => {
  it('prints the epoch, stage and run time measured over the first steps on a CPU backend', () => {
    // 2 s per step: epoch 10 steps = 20 s, stage 10 epochs = 200 s; stage 2 at 0.5 s per image: 2 × 40 × 0.5 = 40 s.
    expect(printed('wasm')).toContain('estimate: epoch ≈ 20 s, stage ≈ 3.3 min, run ≈ 4.0 min on backend wasm (from steps 2–6); Ctrl-C to stop\n');
    expect(printed('tensorflow')).not.toContain('estimate');
  });

  it('names the GPU adapter on webgpu, where threads mean nothing', () => {
    const text = printed('webgpu', undefined, { vendor: 'nvidia', architecture: 'hopper', description: 'H200', software: false, provider: 'dawn' });
    expect(text).toMatch(/^lt 0 · backend webgpu \(nvidia hopper, hardware adapter\) · image-folder/);
    expect(printed('wasm')).toMatch(/^lt 0 · backend wasm \(1 thread\) · /);
  });

  it('lists skipped images with where they were declared', () => {
    const skipped = Array.from({ length: 12 }, (_, i) => ({ path: `/d/${i}.jpg`, origin: `list.txt line ${i + 1}`, reason: 'corrupt' }));
    const text = printed('cpu', { imageSize: 8, workers: 1, skipped });
    expect(text).toContain("skipped 12 images that could not be decoded (onCorrupt: 'skip'; all listed in manifest.json):\n  list.txt line 1: /d/0.jpg: corrupt\n");
    expect(text).toContain('  … and 2 more\n');
  });
});
