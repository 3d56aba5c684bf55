import { LtError, type DatasetSpec, type RunManifest } from '@lt/core';
import { cifar100LT, cifar10LT, features, imageFolder, imageList, inat, mnistLT } from '@lt/data';

type Factory = (options: never) => DatasetSpec;

/** Dataset specs by the name a run's manifest records (the spec's own name, not the CLI's dataset flag). */
const factories: Record<string, Factory> = {
  'mnist-lt': mnistLT,
  'cifar10-lt': cifar10LT,
  'cifar100-lt': cifar100LT,
  'image-folder': imageFolder,
  'image-list': imageList,
  inat,
  features,
};

/** The dataset spec a run was trained on, rebuilt from the options its manifest records. */
export function datasetFromManifest(manifest: RunManifest, runDir: string): DatasetSpec {
  const { name, options } = manifest.dataset;
  const factory = factories[name];
  if (factory === undefined) {
    throw new LtError('EVALUATE_DATASET', `${runDir}/manifest.json names dataset '${name}', which lt evaluate cannot rebuild (known: ${Object.keys(factories).join(', ')})`);
  }
  return factory(options as never);
}
