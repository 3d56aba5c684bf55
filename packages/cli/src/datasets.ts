import { LtError, type DatasetSpec } from '@lt/core';
import { cifar100LT, cifar10LT, features, imageFolder, imageList, inat, mnistLT, type FeaturesOptions } from '@lt/data';
import type { CliConfig } from './schema.js';

type DatasetConfig = CliConfig['dataset'];

/** Where the paper's large-scale datasets keep their split files (the reference repositories' names). */
const largeScaleFiles = {
  'imagenet-lt': { train: 'ImageNet_LT_train.txt', test: 'ImageNet_LT_test.txt' },
  'places-lt': { train: 'Places_LT_train.txt', test: 'Places_LT_test.txt' },
  inat2018: { train: 'train2018.json', test: 'val2018.json' },
} as const;

/** Whether a dataset is read from image files (and so trained at `imageSize` with ImageNet-size models). */
export function isImageDataset(name: DatasetConfig['name']): name is Exclude<DatasetConfig['name'], 'mnist' | 'cifar10' | 'cifar100' | 'features'> {
  return !['mnist', 'cifar10', 'cifar100', 'features'].includes(name);
}

/** A file-name field of an image dataset entry (`train` / `test`), refusing the `features` form. */
function fileField(dataset: DatasetConfig, field: 'train' | 'test'): string | undefined {
  const value = dataset[field];
  if (typeof value === 'object') {
    throw new LtError('CONFIG_INVALID', `dataset '${dataset.name}': ${field} is a file name (relative to root), not { features, labels } (that form is for dataset 'features')`);
  }
  return value;
}

function required(dataset: DatasetConfig, field: 'root' | 'train' | 'test'): string {
  const value = field === 'root' ? (dataset.root ?? dataset.dataDir) : fileField(dataset, field);
  if (value === undefined) {
    const hint = field === 'root' ? 'give --data-dir (or dataset.root)' : `give dataset.${field} in the config file`;
    throw new LtError('CONFIG_INVALID', `dataset '${dataset.name}' needs its ${field === 'root' ? 'image directory' : `${field} list`}: ${hint}`);
  }
  return value;
}

/** The `.npy` files of a `features` dataset entry; an error naming the missing or mistyped field. */
function featureFiles(dataset: DatasetConfig): FeaturesOptions {
  const { train, test, classNames } = dataset;
  for (const [field, value] of [['train', train], ['test', test]] as const) {
    if (typeof value !== 'object') {
      const problem = value === undefined ? `missing ${field}` : `${field} is '${value}'`;
      throw new LtError('CONFIG_INVALID', `dataset 'features' needs train and test: { features: a.npy, labels: b.npy } each (${problem})`);
    }
  }
  if (typeof classNames === 'string') {
    throw new LtError('CONFIG_INVALID', `dataset 'features': classNames is a list of names, got the file name '${classNames}'`);
  }
  return { train: train as FeaturesOptions['train'], test: test as FeaturesOptions['test'], ...(classNames !== undefined && { classNames }) };
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
    ...(dataset.augmentation !== undefined && { augmentation: dataset.augmentation }),
  };
  switch (dataset.name) {
    case 'features':
      return features(featureFiles(dataset));
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
        ...(dataset.test !== undefined && { test: fileField(dataset, 'test') }),
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
        train: fileField(dataset, 'train') ?? files.train,
        test: fileField(dataset, 'test') ?? files.test,
        ...(typeof dataset.classNames === 'string' && { classNames: dataset.classNames }),
      });
    }
    case 'inat':
    case 'inat2018': {
      const root = required(dataset, 'root');
      const files = dataset.name === 'inat' ? { train: required(dataset, 'train'), test: required(dataset, 'test') } : largeScaleFiles.inat2018;
      return inat({ ...images, root, train: fileField(dataset, 'train') ?? files.train, test: fileField(dataset, 'test') ?? files.test });
    }
  }
}
