import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from './args.js';

describe('parseTrainArgs', () => {
  it('reads every flag', () => {
    const f = parseTrainArgs([
      '--dataset', 'cifar10', '--data-dir', '/d', '--imbalance', '50', '--model', 'resnet32',
      '--epochs', '10,2', '--backend', 'cpu', '--seed', '7', '--out', 'runs/x', '--resume',
    ]);
    expect(f).toMatchObject({ dataset: 'cifar10', dataDir: '/d', imbalance: 50, model: 'resnet32', epochs: [10, 2], backend: 'cpu', seed: 7, out: 'runs/x', resume: true });
  });

  it('names an unknown flag and a malformed number', () => {
    expect(() => parseTrainArgs(['--epoch', '3'])).toThrow(/--epoch/);
    expect(() => parseTrainArgs(['--seed', '1.5'])).toThrow(/--seed expects an integer, got '1.5'/);
    expect(() => parseTrainArgs(['--imbalance', 'lots'])).toThrow(/--imbalance expects a number/);
  });
});
