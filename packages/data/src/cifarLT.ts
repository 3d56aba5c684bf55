import { basename, dirname } from 'node:path';
import { z } from 'zod';
import type { DatasetSpec, Rng } from '@lt/core';
import { CIFAR_AUGMENTATION } from './augment.js';
import { readCifar10, readCifar100, type CifarSplits } from './cifar.js';
import { longTailedOptionsSchema, parseDatasetOptions } from './datasetOptions.js';
import { createLongTailedDataset } from './longTailedDataset.js';
import { CIFAR_NORMALIZATION } from './normalize.js';
import type { Selection } from './selectLongTailed.js';

/** Options of `cifar10LT` and `cifar100LT`. */
export interface CifarLTOptions {
  /** Directory with the binary distribution (`cifar-10-batches-bin` / `cifar-100-binary` or its parent). */
  readonly dataDir: string;
  /** Imbalance factor IF = n_0 / n_{C−1} (default 100). */
  readonly imbalance?: number;
  /** Images of class 0 (default 5000 for CIFAR-10, 500 for CIFAR-100). */
  readonly maxCount?: number;
  /** Default `first` (SAMN code); `random` draws a seeded subset per class (GLMC, MiSLAS style). */
  readonly selection?: Selection;
}

const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

// The fine labels of CIFAR-100 in label order (fine_label_names.txt of the binary distribution).
const CIFAR100_CLASSES = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can castle ' +
  'caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant flatfish ' +
  'forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle ' +
  'mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy porcupine ' +
  'possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail snake spider squirrel streetcar ' +
  'sunflower sweet_pepper table tank telephone television tiger tractor train trout tulip turtle wardrobe whale ' +
  'willow_tree wolf woman worm'
).split(' ');

function cifarSpec(
  name: string,
  classNames: readonly string[],
  defaultMaxCount: number,
  read: (dataDir: string) => CifarSplits,
  options: CifarLTOptions,
): DatasetSpec {
  const schema = z.strictObject({ ...longTailedOptionsSchema(defaultMaxCount), dataDir: z.string().min(1) });
  const parsed = parseDatasetOptions(name, schema, options);
  return {
    name,
    options: parsed,
    async load({ rng, seed }: { rng: Rng; seed: number }) {
      const { train, test, files, classNames: fileNames } = read(parsed.dataDir);
      return createLongTailedDataset(
        {
          name,
          numClasses: classNames.length,
          train,
          test,
          source: `${dirname(files[0])} (${files.map((file) => basename(file)).join(', ')})`,
          // The names the files carry when they name every class (a tree converted by `lt data cifar10`), else CIFAR's.
          classNames: fileNames?.length === classNames.length ? fileNames : classNames,
          flipPreservesLabel: true,
          normalization: CIFAR_NORMALIZATION,
          augmentation: CIFAR_AUGMENTATION,
        },
        { imbalance: parsed.imbalance, maxCount: parsed.maxCount, selection: parsed.selection, rng, seed },
      );
    },
  };
}

/** Returns the CIFAR-10-LT dataset spec (binary files in `dataDir`; default IF 100, maxCount 5000). */
export function cifar10LT(options: CifarLTOptions): DatasetSpec {
  return cifarSpec('cifar10-lt', CIFAR10_CLASSES, 5000, readCifar10, options);
}

/** Returns the CIFAR-100-LT dataset spec (binary files in `dataDir`, fine labels; default IF 100, maxCount 500). */
export function cifar100LT(options: CifarLTOptions): DatasetSpec {
  return cifarSpec('cifar100-lt', CIFAR100_CLASSES, 500, readCifar100, options);
}
