import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from './args.js';
import { resolveCliConfig } from './resolve.js';
import { datasetFromConfig } from './datasets.js';

describe('large-scale recipes', () => {
  it('imagenet-lt + glmc+samn: the paper settings, list files under --data-dir, ResNeXt-50', async () => {
    const config = await resolveCliConfig(parseTrainArgs(['--method', 'glmc+samn', '--dataset', 'imagenet-lt', '--data-dir', '/data/imagenet']));
    expect(config.model).toEqual({ name: 'resnext50' });
    const [one, two] = config.stages!;
    expect(one).toMatchObject({ epochs: 135, batchSize: 128, lr: 0.1, weightDecay: 2e-4 });
    expect(one.plugins).toEqual([{ name: 'glmc', options: { resampleWeighting: 0.2, labelWeighting: 1, contrastWeight: 10, projectionDim: 256 } }, 'glmc-schedule']);
    expect(two).toMatchObject({ epochs: 20, batchSize: 512, lr: 1e-5, weightDecay: 0, freeze: 'backbone', plugins: ['glmc-classifier', 'samn'] });
    const spec = datasetFromConfig(config.dataset);
    expect(spec.name).toBe('image-list');
    expect(spec.options).toMatchObject({ root: '/data/imagenet', train: 'ImageNet_LT_train.txt', test: 'ImageNet_LT_test.txt', imageSize: 224 });
    expect(spec.options.imbalance).toBeUndefined();
  });

  it('inat2018: 120 epochs, wd 5e-3, stage-2 lr 5e-5; ce and ce+samn keep the schedule of the setting', async () => {
    const glmc = await resolveCliConfig(parseTrainArgs(['--method', 'glmc+samn', '--dataset', 'inat2018', '--data-dir', '/d', '--image-size', '64']));
    expect(glmc.stages![0]).toMatchObject({ epochs: 120, weightDecay: 5e-3 });
    expect(glmc.stages![1]).toMatchObject({ lr: 5e-5, weightDecay: 0, batchSize: 512 });
    expect(datasetFromConfig(glmc.dataset).options).toMatchObject({ train: 'train2018.json', test: 'val2018.json', imageSize: 64 });
    const ce = await resolveCliConfig(parseTrainArgs(['--method', 'ce+samn', '--dataset', 'places-lt', '--data-dir', '/d']));
    expect(ce.stages!.map((s) => s.plugins)).toEqual([['ce'], ['ce', 'samn']]);
    expect(ce.stages![0]).toMatchObject({ epochs: 135, lr: 0.1 });
    expect(datasetFromConfig(ce.dataset).options).toMatchObject({ train: 'Places_LT_train.txt' });
  });

  it('image datasets from a config file take the DESIGN §10 fields, and say which one is missing', async () => {
    const config = await resolveCliConfig(parseTrainArgs(['--dataset', 'image-folder', '--data-dir', '/photos', '--imbalance', '10', '--cache', '/tmp/c']));
    expect(datasetFromConfig(config.dataset).options).toMatchObject({ root: '/photos', imbalance: 10, cache: '/tmp/c', onCorrupt: 'error' });
    const list = await resolveCliConfig(parseTrainArgs(['--dataset', 'image-list', '--data-dir', '/photos']));
    expect(() => datasetFromConfig(list.dataset)).toThrow(/dataset 'image-list' needs its train list: give dataset.train/);
    const inat = await resolveCliConfig(parseTrainArgs(['--dataset', 'inat']));
    expect(() => datasetFromConfig(inat.dataset)).toThrow(/needs its image directory: give --data-dir/);
  });
});
