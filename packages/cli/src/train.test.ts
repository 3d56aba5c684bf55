import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { train } from './train.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function sink(isTTY = false) {
  let text = '';
  const stream = { isTTY, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe('lt train', () => {
  it('trains from a config file, prints progress and a Many/Medium/Few table per stage, and writes the run directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lt-train-'));
    dirs.push(dir);
    const config = join(dir, 'lt.yaml');
    await writeFile(
      config,
      [
        'dataset: { name: mnist, imbalance: 10, maxCount: 60 }',
        'model: { name: mlp }',
        'backend: cpu',
        'stages:',
        '  - { name: representation, epochs: 2, batchSize: 32, lr: 0.05, plugins: [ce] }',
        '  - { name: classifier, epochs: 1, batchSize: 32, lr: 0.01, weightDecay: 0, freeze: backbone, plugins: [ce, samn] }',
      ].join('\n'),
    );
    const out = sink();
    const err = sink();
    const outDir = join(dir, 'run');
    expect(await train(['--config', config, '--out', outDir, '--seed', '2'], out.stream, err.stream)).toBe(0);
    expect(err.text()).toMatch(/backend cpu .* mnist-lt · mlp · seed 2/);
    expect(err.text()).toMatch(/epoch 2\/2 loss \d+\.\d+ lr .* img\/s .*test top-1/);
    expect(out.text()).toMatch(/Stage 'representation'[\s\S]*top-1 %\s+\d+\.\d+\s+–\s+\d+\.\d+\s+\d+\.\d+/);
    expect(out.text()).toMatch(/Stage 'classifier'[\s\S]*classes\s+10\s+/);
    const files = await readdir(outDir);
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'metrics.jsonl', 'metrics.json', 'norms.json', 'report.html', 'checkpoints']));
    const norms = JSON.parse(await readFile(join(outDir, 'norms.json'), 'utf8'));
    expect(norms.stages.map((s: { name: string }) => s.name)).toEqual(['representation', 'classifier']);
    expect(norms.stages[1].norms).toHaveLength(10);
    const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8'));
    expect(manifest.stages[1].plugins.map((p: { name: string }) => p.name)).toEqual(['@lt/ce', '@lt/samn']);
  });

  it('prints help', async () => {
    const out = sink();
    expect(await train(['--help'], out.stream, sink().stream)).toBe(0);
    expect(out.text()).toContain('Usage: lt train');
  });
});
