import { z } from 'zod';

const pluginEntry = z.union([
  z.string(),
  z.strictObject({
    /** A plugin name from the Plugins section below. */
    name: z.string(),
    /** The plugin's options (see its table below). */
    options: z.record(z.string(), z.unknown()).default({}),
  }),
]);

const stageSchema = z.strictObject({
  name: z.string(),
  epochs: z.number().int().positive(),
  batchSize: z.number().int().positive().optional(),
  lr: z.number().positive().optional(),
  weightDecay: z.number().nonnegative().optional(),
  momentum: z.number().min(0).max(1).optional(),
  freeze: z.enum(['none', 'backbone']).optional(),
  batchNorm: z.enum(['frozen', 'recalibrate']).optional(),
  warmupEpochs: z.number().int().nonnegative().optional(),
  augment: z.boolean().optional(),
  featureCache: z.boolean().optional(),
  initFrom: z.enum(['final', 'best-on-test']).optional(),
  plugins: z.array(pluginEntry).default([]),
});

/** Dataset names of the CLI: built-in readers, image datasets, and the paper's large-scale datasets as recipes. */
export const datasetNames = ['mnist', 'cifar10', 'cifar100', 'image-folder', 'image-list', 'inat', 'imagenet-lt', 'inat2018', 'places-lt', 'features'] as const;

/** The `.npy` files of one split of a `features` dataset. */
const featureFiles = z.strictObject({ features: z.string().min(1), labels: z.string().min(1) });

/** The `lt train` configuration file (YAML or JSON), also what flags are merged into. */
export const cliConfigSchema = z.strictObject({
  /** The training and test data. */
  dataset: z
    .strictObject({
      /** Dataset: MNIST (built in), CIFAR-10/100 (binary files in dataDir), images (image-folder, image-list, inat), the paper's imagenet-lt, inat2018, places-lt (under dataDir), or precomputed `features` (.npy files). */
      name: z.enum(datasetNames),
      /** Folder with the dataset files (CIFAR binary batches, MNIST IDX, or the image root). */
      dataDir: z.string().optional(),
      /** Imbalance factor n_max / n_min of the long-tailed training split (default 100). */
      imbalance: z.number().min(1).optional(),
      /** Training images of the most frequent class (default: the dataset's per-class count). */
      maxCount: z.number().int().positive().optional(),
      /** Which images of a class the long-tailed split keeps: the `first` n (reference code) or a seeded `random` subset. */
      selection: z.enum(['first', 'random']).optional(),
      /** Image datasets: the directory images are read from (default: dataDir). */
      root: z.string().optional(),
      /** image-list / inat: the training list file or JSON, relative to root (recipes: the dataset's usual name); `features`: the training split's `.npy` files { features: float32 [N, D], labels: int [N] }. */
      train: z.union([z.string(), featureFiles]).optional(),
      /** image-list / inat: the test list file or JSON; image-folder: a second class folder for testing; `features`: the test split's `.npy` files. */
      test: z.union([z.string(), featureFiles]).optional(),
      /** image-list: a file with one class name per line; `features`: one name per class. */
      classNames: z.union([z.string(), z.array(z.string())]).optional(),
      /** Image datasets: side of the square network input (default 224; 64 or 112 on a CPU). */
      imageSize: z.number().int().positive().optional(),
      /** image-folder without test: share of each class held out for testing (default 0.2). */
      testFraction: z.number().gt(0).lt(1).optional(),
      /** Image datasets: decoding threads (default: every core, 1 below 512 images). */
      workers: z.number().int().positive().optional(),
      /** Image datasets: directory of the decoded cache, built once and reused. */
      cache: z.string().optional(),
      /** Image datasets: `error` stops at a bad image, `skip` leaves it out (listed in the manifest and printed). */
      onCorrupt: z.enum(['error', 'skip']).optional(),
      /** Image datasets: colour-jitter strength of training views (default 0). */
      colorJitter: z.number().min(0).max(1).optional(),
      /** Image datasets: training views — `crop-flip` (CIFAR: pad size/8 with zeros, random crop, flip; test image as it is), `imagenet` (RandomResizedCrop 0.08–1 + flip; test resize to 8/7 of the side + centre crop) or `none` (default: `crop-flip` up to 64 px, `imagenet` above). */
      augmentation: z.enum(['crop-flip', 'imagenet', 'none']).optional(),
    })
    .default({ name: 'mnist' }),
  /** The network; the default depends on the dataset. */
  model: z
    .strictObject({
      /** Network: small CNN, MLP, a CIFAR ResNet, an ImageNet-size resnet10 / resnet50 / resnext50, `identity` (for features) or a saved `tfjs` LayersModel (default: cnn for MNIST, wide resnet32 for CIFAR, resnext50 for the large-scale recipes, resnet10 for other images, identity for features). */
      name: z.enum(['cnn', 'mlp', 'resnet8', 'resnet20', 'resnet32', 'resnet56', 'resnet10', 'resnet50', 'resnext50', 'tfjs', 'identity']),
      /** ResNet channel widths: `standard` 16-32-64, `wide` 64-128-256 (the network SAMN and GLMC call ResNet-32). */
      width: z.enum(['standard', 'wide']).optional(),
      /** `tfjs`: the folder holding model.json and its weight shards. */
      path: z.string().min(1).optional(),
      /** `tfjs`: the layer whose output are the features (default: the input of the last dense layer). */
      featureLayer: z.string().min(1).optional(),
    })
    .refine((m) => m.name !== 'tfjs' || m.path !== undefined, { message: "model 'tfjs' needs path: the folder holding model.json", path: ['path'] })
    .optional(),
  /** A built-in two-stage recipe (`ce`, `ce+samn`, …); `stages` gives them explicitly instead. */
  method: z.string().optional(),
  seed: z.number().int().default(0),
  /**
   * TensorFlow.js backend; `auto` takes tfjs-node(-gpu) when installed, else webgpu on a hardware GPU adapter (Node:
   * with the `webgpu` package installed), else wasm, else cpu.
   */
  backend: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto'),
  /** Run directory (default runs/<dataset>-lt-<time>). */
  out: z.string().optional(),
  /** The stages in order (usually representation, then classifier); each field not given takes the engine default shown below. */
  stages: z.array(stageSchema).min(1).optional(),
  /** How the test set is scored after each epoch. */
  evaluation: z
    .strictObject({
      flipTTA: z.union([z.boolean(), z.literal('auto')]).optional(),
      batchSize: z.number().int().positive().optional(),
      manyMediumFew: z.enum(['paper', 'reference-code']).optional(),
      emptyGroup: z.enum(['null', 'zero']).optional(),
      everyEpoch: z.boolean().optional(),
    })
    .optional(),
});

/** A validated `lt train` configuration. */
export type CliConfig = z.output<typeof cliConfigSchema>;
/** A stage entry of the configuration file. */
export type CliStage = z.output<typeof stageSchema>;
