import { describe, expect, it } from 'vitest';
import { baselineMethods } from './baselines.js';
import { methodStages, methods } from './defaults.js';
import { pluginFromConfig } from './plugins.js';

describe('baseline recipes', () => {
  it('are --method values whose every plugin the registry builds', () => {
    for (const method of baselineMethods) {
      expect(methods).toContain(method);
      for (const dataset of ['mnist', 'cifar10', 'cifar100'] as const) {
        for (const stage of methodStages(method, dataset)) {
          for (const entry of stage.plugins) expect(pluginFromConfig(entry, method).name).toMatch(/^@lt\//);
        }
      }
    }
  });

  it('use the reference settings on CIFAR', () => {
    expect(methodStages('crt', 'cifar10')[1]).toMatchObject({ epochs: 10, batchSize: 512, lr: 0.2, weightDecay: 5e-4, freeze: 'backbone' });
    expect(methodStages('lws', 'cifar100')[1]).toMatchObject({ epochs: 5, lr: 0.2 });
    expect(methodStages('ldam-drw', 'cifar10')).toEqual([
      expect.objectContaining({ epochs: 200, batchSize: 128, lr: 0.1, weightDecay: 2e-4, warmupEpochs: 5, plugins: ['ldam-drw'] }),
    ]);
    expect(methodStages('wb', 'cifar100').map((s) => [s.epochs, s.lr, s.weightDecay])).toEqual([
      [320, 0.01, 5e-3],
      [10, 0.01, 0.1],
    ]);
    expect(methodStages('tau-norm', 'mnist')[1]).toMatchObject({ epochs: 1, freeze: 'backbone', plugins: ['tau-norm'] });
    expect(methodStages('ldam-drw+samn', 'mnist')[1].plugins).toEqual(['ce', 'samn']);
  });
});
