import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseTrainArgs } from './args.js';
import { defaultOutDir, resolveCliConfig, toRunConfig } from './resolve.js';
import { resolveRunConfig } from '@lt/core';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lt-cli-'));
  dirs.push(dir);
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

describe('resolveCliConfig', () => {
  it('with no arguments gives MNIST-LT at imbalance 100, the CNN, CE then CE + SAMN', async () => {
    const config = await resolveCliConfig(parseTrainArgs([]));
    expect(config.dataset.name).toBe('mnist');
    expect(config.model).toEqual({ name: 'cnn' });
    expect(config.stages!.map((s) => [s.name, s.freeze ?? 'none', s.plugins])).toEqual([
      ['representation', 'none', ['ce']],
      ['classifier', 'backbone', ['ce', 'samn']],
    ]);
    const run = resolveRunConfig(toRunConfig(config, 'runs/x'));
    expect(run.dataset.options).toMatchObject({ imbalance: 100 });
    expect(run.stages[1].plugins.map((p) => p.name)).toEqual(['@lt/ce', '@lt/samn']);
  });

  it('lets flags override the config file', async () => {
    const path = await file('lt.yaml', 'dataset: { name: mnist, imbalance: 10 }\nseed: 3\nstages:\n  - { name: only, epochs: 5, plugins: [ce] }\n');
    const config = await resolveCliConfig(parseTrainArgs(['--config', path, '--seed', '9', '--epochs', '2']));
    expect(config.seed).toBe(9);
    expect(config.dataset.imbalance).toBe(10);
    expect(config.stages).toEqual([{ name: 'only', epochs: 2, plugins: ['ce'] }]);
  });

  it('names the file and the field of an invalid config', async () => {
    const bad = await file('bad.yaml', 'dataset: { name: mnist }\nstages:\n  - { name: s, epochs: -1 }\n');
    await expect(resolveCliConfig(parseTrainArgs(['--config', bad]))).rejects.toThrow(/bad\.yaml: stages\.0\.epochs/);
    const unknown = await file('u.json', '{"datasett": {}}');
    await expect(resolveCliConfig(parseTrainArgs(['--config', unknown]))).rejects.toThrow(/u\.json.*datasett/);
    const broken = await file('b.yaml', 'stages: [\n');
    await expect(resolveCliConfig(parseTrainArgs(['--config', broken]))).rejects.toThrow(/b\.yaml is not valid YAML/);
    await expect(resolveCliConfig(parseTrainArgs(['--config', '/no/such.yaml']))).rejects.toThrow(/cannot read config file \/no\/such\.yaml: ENOENT/);
    await expect(resolveCliConfig(parseTrainArgs(['--dataset', 'svhn']))).rejects.toThrow(/dataset\.name/);
    await expect(resolveCliConfig(parseTrainArgs(['--epochs', '1,2,3']))).rejects.toThrow(/--epochs gives 3 values but the run has 2 stages/);
  });

  it('asks for a data directory for CIFAR and names an unknown plugin', async () => {
    const config = await resolveCliConfig(parseTrainArgs(['--dataset', 'cifar10']));
    expect(config.model).toEqual({ name: 'resnet32', width: 'wide' });
    expect(() => toRunConfig(config, 'x')).toThrow(/--data-dir/);
    const path = await file('p.yaml', 'stages:\n  - { name: s, epochs: 1, plugins: [ce, nope] }\n');
    const withPlugin = await resolveCliConfig(parseTrainArgs(['--config', path]));
    expect(() => toRunConfig(withPlugin, 'x')).toThrow(/stages\.0\.plugins\.1: unknown plugin 'nope'/);
  });

  it('builds a method\'s stages, and refuses a method together with explicit stages', async () => {
    const plain = await resolveCliConfig(parseTrainArgs(['--method', 'ce']));
    expect(plain.stages!.map((s) => s.plugins)).toEqual([['ce'], ['ce']]);
    const cifar = await resolveCliConfig(parseTrainArgs(['--dataset', 'cifar100', '--method', 'ce+samn']));
    expect(cifar.stages![1]).toMatchObject({ epochs: 20, lr: 5e-4, weightDecay: 0, freeze: 'backbone', plugins: ['ce', 'samn'] });
    await expect(resolveCliConfig(parseTrainArgs(['--method', 'focal']))).rejects.toThrow(/unknown method 'focal'/);
    const slasSamn = await resolveCliConfig(parseTrainArgs(['--dataset', 'cifar100', '--data-dir', '/data', '--imbalance', '50', '--method', 'slas+samn']));
    expect(slasSamn.stages![1].plugins).toEqual([{ name: 'slas', options: expect.objectContaining({ head: 0.01, tail: 0 }) }, 'samn']);
    const slasMnist = await resolveCliConfig(parseTrainArgs(['--method', 'slas']));
    expect(slasMnist.stages![1].plugins).toEqual([{ name: 'slas', options: { preset: 'samn-reference-baseline' } }]);
    const glmcSamn = await resolveCliConfig(parseTrainArgs(['--dataset', 'cifar10', '--data-dir', '/data', '--method', 'glmc+samn']));
    expect(glmcSamn.stages!.map((s) => s.plugins)).toEqual([
      [{ name: 'glmc', options: expect.objectContaining({ resampleWeighting: 0, labelWeighting: 1.2, contrastWeight: 1 }) }],
      ['glmc-classifier', 'samn'],
    ]);
    expect(glmcSamn.stages![1]).toMatchObject({ lr: 5e-5, epochs: 20, freeze: 'backbone' });
    expect(resolveRunConfig(toRunConfig(glmcSamn, 'x')).stages[0].plugins.map((p) => p.name)).toEqual(['@lt/glmc']);
    const run = resolveRunConfig(toRunConfig(slasSamn, 'x'));
    expect(run.stages[1].plugins.map((p) => p.name)).toEqual(['@lt/slas', '@lt/samn']);
    const path = await file('s.yaml', 'stages:\n  - { name: s, epochs: 1 }\n');
    await expect(resolveCliConfig(parseTrainArgs(['--config', path, '--method', 'ce']))).rejects.toThrow(/either 'method' or 'stages'/);
  });

  it('accepts the ImageNet-size models by name and refuses a CIFAR width for them', async () => {
    for (const name of ['resnet10', 'resnet50', 'resnext50']) {
      const config = await resolveCliConfig(parseTrainArgs(['--model', name]));
      expect(toRunConfig(config, 'x').model.name).toBe(name);
    }
    const path = await file('m.yaml', 'model: { name: resnext50, width: wide }\n');
    const config = await resolveCliConfig(parseTrainArgs(['--config', path]));
    expect(() => toRunConfig(config, 'x')).toThrow(/model\.width applies to the CIFAR ResNets only; remove it for 'resnext50'/);
  });

  it('names the default run directory after the dataset and the time', async () => {
    const config = await resolveCliConfig(parseTrainArgs([]));
    expect(defaultOutDir(config, new Date('2026-01-02T03:04:05Z'))).toBe('runs/mnist-lt-2026-01-02-03-04-05');
  });
});
