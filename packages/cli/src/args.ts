import { parseArgs } from 'node:util';
import { LtError } from '@lt/core';

/** Flags of `lt train`, as typed on the command line. */
export interface TrainFlags {
  readonly config?: string;
  readonly dataset?: string;
  readonly dataDir?: string;
  readonly imbalance?: number;
  readonly model?: string;
  readonly epochs?: number[];
  readonly method?: string;
  readonly backend?: string;
  readonly seed?: number;
  readonly out?: string;
  readonly resume: boolean;
  readonly help: boolean;
}

function toNumber(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new LtError('CLI_ARGS', `--${flag} expects ${integer ? 'an integer' : 'a number'}, got '${value}'`);
  }
  return n;
}

/** Parses `lt train` arguments; unknown flags are an error naming them. */
export function parseTrainArgs(argv: string[]): TrainFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c' },
        dataset: { type: 'string' },
        'data-dir': { type: 'string' },
        imbalance: { type: 'string' },
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
  } catch (error) {
    throw new LtError('CLI_ARGS', `${(error as Error).message}. Run 'lt train --help' for the flags.`);
  }
  const v = parsed.values;
  return {
    config: v.config,
    dataset: v.dataset,
    dataDir: v['data-dir'],
    imbalance: toNumber('imbalance', v.imbalance, false),
    model: v.model,
    epochs: v.epochs?.split(',').map((e) => toNumber('epochs', e, true) as number),
    method: v.method,
    backend: v.backend,
    seed: toNumber('seed', v.seed, true),
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
      --dataset NAME    mnist | cifar10 | cifar100
      --data-dir DIR    folder with the dataset files (CIFAR binary, or MNIST IDX)
      --imbalance IF    imbalance factor n_max / n_min (default 100)
      --model NAME      cnn | mlp | resnet8 | resnet20 | resnet32 | resnet56 | resnet10 | resnet50 | resnext50
  -m, --method NAME     ce | ce+samn (default) | slas | slas+samn | glmc | glmc+samn — the two-stage recipe
      --epochs N[,M]    epochs of stage 1 (and of stage 2)
      --backend NAME    auto | tensorflow | wasm | cpu (default auto)
      --seed N          seed for split selection, init, shuffling and augmentation (default 0)
  -o, --out DIR         run directory (default runs/<dataset>-<time>)
      --resume          continue the run in --out from its checkpoints
  -h, --help            this text
`;
