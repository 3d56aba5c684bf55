import { LtError, type DatasetSpec } from '@lt/core';
import { cifar100LT, cifar10LT, imageFolder, imageList, inat, mnistLT } from '@lt/data';
import type { CliConfig } from './schema.js';

type DatasetConfig = CliConfig['dataset'];

/** Where the paper's large-scale datasets keep their split files (the reference repositories' names). */
const largeScaleFiles = {
  'imagenet-lt': { train: 'ImageNet_LT_train.txt', test: 'ImageNet_LT_test.txt' },
  'places-lt': { train: 'Places_LT_train.txt', test: 'Places_LT_test.txt' },
  inat2018: { train: 'train2018.json', test: 'val2018.json' },
} as const;

/** Whether a dataset is read from image files (and so trained at `imageSize` with ImageNet-size models). */
export function isImageDataset(name: DatasetConfig['name']): boolean {
  return !['mnist', 'cifar10', 'cifar100'].includes(name);
}

function required(dataset: DatasetConfig, field: 'root' | 'train' | 'test'): string {
  const value = field === 'root' ? (dataset.root ?? dataset.dataDir) : dataset[field];
  if (value === undefined) {
    const hint = field === 'root' ? 'give --data-dir (or dataset.root)' : `give dataset.${field} in the config file`;
    throw new LtError('CONFIG_INVALID', `dataset '${dataset.name}' needs its ${field === 'root' ? 'image directory' : `${field} list`}: ${hint}`);
  }
  return value;
}

/** Turns the configuration's dataset entry into a dataset spec. */
export function datasetFromConfig(dataset: DatasetConfig): DatasetSpec {
  const longTailed = {
    ...(dataset.imbalance !== undefined && { imbalance: dataset.imbalance }),
    ...(dataset.maxCount !== undefined && { maxCount: dataset.maxCount }),
    ...(dataset.selection !== undefined && { selection: dataset.selection }),
  };
  const images = {
    ...longTailed,
    ...(dataset.imageSize !== undefined && { imageSize: dataset.imageSize }),
    ...(dataset.workers !== undefined && { workers: dataset.workers }),
    ...(dataset.cache !== undefined && { cache: dataset.cache }),
    ...(dataset.onCorrupt !== undefined && { onCorrupt: dataset.onCorrupt }),
    ...(dataset.colorJitter !== undefined && { colorJitter: dataset.colorJitter }),
  };
  switch (dataset.name) {
    case 'mnist':
      return mnistLT({ ...longTailed, ...(dataset.dataDir !== undefined && { dataDir: dataset.dataDir }) });
    case 'cifar10':
    case 'cifar100': {
      if (dataset.dataDir === undefined) throw new LtError('CONFIG_INVALID', `dataset '${dataset.name}' is read from files: give --data-dir (or dataset.dataDir)`);
      return (dataset.name === 'cifar10' ? cifar10LT : cifar100LT)({ ...longTailed, dataDir: dataset.dataDir });
    }
    case 'image-folder':
      return imageFolder({
        ...images,
        root: required(dataset, 'root'),
        ...(dataset.test !== undefined && { test: dataset.test }),
        ...(dataset.testFraction !== undefined && { testFraction: dataset.testFraction }),
      });
    case 'image-list':
    case 'imagenet-lt':
    case 'places-lt': {
      const root = required(dataset, 'root');
      const files = dataset.name === 'image-list' ? { train: required(dataset, 'train'), test: required(dataset, 'test') } : largeScaleFiles[dataset.name];
      return imageList({
        ...images,
        root,
        train: dataset.train ?? files.train,
        test: dataset.test ?? files.test,
        ...(dataset.classNames !== undefined && { classNames: dataset.classNames }),
      });
    }
    case 'inat':
    case 'inat2018': {
      const root = required(dataset, 'root');
      const files = dataset.name === 'inat' ? { train: required(dataset, 'train'), test: required(dataset, 'test') } : largeScaleFiles.inat2018;
      return inat({ ...images, root, train: dataset.train ?? files.train, test: dataset.test ?? files.test });
    }
  }
}
