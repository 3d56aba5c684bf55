import { parseCommandArgs, numberFlag } from './commandArgs.js';

/** Flags of `lt train`, as typed on the command line. */
export interface TrainFlags {
  readonly config?: string;
  readonly dataset?: string;
  readonly dataDir?: string;
  readonly imbalance?: number;
  readonly imageSize?: number;
  readonly cache?: string;
  readonly model?: string;
  readonly epochs?: number[];
  readonly method?: string;
  readonly backend?: string;
  readonly seed?: number;
  readonly out?: string;
  readonly resume: boolean;
  readonly help: boolean;
}

/** Parses `lt train` arguments; unknown flags are an error naming them. */
export function parseTrainArgs(argv: string[]): TrainFlags {
  const parsed = parseCommandArgs('train', {
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: 'string', short: 'c' },
      dataset: { type: 'string' },
      'data-dir': { type: 'string' },
      imbalance: { type: 'string' },
      'image-size': { type: 'string' },
      cache: { type: 'string' },
      model: { type: 'string' },
      epochs: { type: 'string' },
      method: { type: 'string', short: 'm' },
      backend: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string', short: 'o' },
      resume: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const v = parsed.values;
  return {
    config: v.config,
    dataset: v.dataset,
    dataDir: v['data-dir'],
    imbalance: numberFlag('imbalance', v.imbalance),
    imageSize: numberFlag('image-size', v['image-size'], { integer: true }),
    cache: v.cache,
    model: v.model,
    epochs: v.epochs?.split(',').map((e) => numberFlag('epochs', e, { integer: true }) as number),
    method: v.method,
    backend: v.backend,
    seed: numberFlag('seed', v.seed, { integer: true }),
    out: v.out,
    resume: v.resume ?? false,
    help: v.help ?? false,
  };
}

/** Help text of `lt train`. */
export const trainHelp = `Usage: lt train [options]

Trains a two-stage long-tailed model and writes a run directory.
With no options: MNIST-LT (imbalance 100), the small CNN, stage 1 CE, stage 2 CE + SAMN classifier retraining.

Options:
  -c, --config FILE     YAML or JSON configuration (flags override it)
      --dataset NAME    mnist | cifar10 | cifar100 | image-folder | image-list | inat
                        | imagenet-lt | inat2018 | places-lt (the paper's large-scale recipes)
                        | features (.npy files: dataset.train/test in a config)
      --data-dir DIR    folder with the dataset files (CIFAR binary, MNIST IDX, or the image root)
      --imbalance IF    imbalance factor n_max / n_min (default 100; image datasets: as given)
      --image-size N    network input side for image datasets (default 224; 64 or 112 on a CPU)
      --cache DIR       keep decoded images of image datasets in DIR (built once, reused)
      --model NAME      cnn | mlp | resnet8 | resnet20 | resnet32 | resnet56 | resnet10 | resnet50 | resnext50
                        | identity (a saved tfjs model: model: { name: tfjs, path, featureLayer? } in a config)
  -m, --method NAME     ce | ce+samn (default) | slas | slas+samn | glmc | glmc+samn — the two-stage recipe
      --epochs N[,M]    epochs of stage 1 (and of stage 2)
      --backend NAME    auto | tensorflow | webgpu | wasm | cpu (default auto; webgpu in Node needs
                        \`npm install webgpu\`)
      --seed N          seed for split selection, init, shuffling and augmentation (default 0)
  -o, --out DIR         run directory (default runs/<dataset>-<time>)
      --resume          continue the run in --out from its checkpoints
  -h, --help            this text
`;
