import { LtError, selectBackend, type BackendChoice } from '@lt/core';
import { parseCommandArgs } from './commandArgs.js';
import { evaluateRun } from './evaluate/evaluateRun.js';
import { metricsTable } from './table.js';

/** The text `lt evaluate --help` prints. */
export const evaluateHelp = `Usage: lt evaluate RUN_DIR [--stage NAME] [--flip-tta on|off] [--out FILE.json] [--backend NAME]

Scores a trained run's checkpoint on its test set without training — the split rebuilt from manifest.json and
checked against it — and prints the Many/Medium/Few table. The way to compare numbers across protocols: the SAMN
reference evaluates with flip TTA (logits of the image and its mirror image averaged), most other code does not.

  --stage NAME         the stage whose checkpoint to score (default: the last stage)
  --flip-tta on|off    average with the mirrored image (default: what the run evaluated with)
  --out, -o FILE.json  write { stage, flipTTA, top1, top5, perClass, manyMediumFew, classNames, classCounts, … }
                       (accuracies as fractions, as in metrics.jsonl)
  --backend NAME       auto | tensorflow | webgpu | wasm | cpu (default auto)
`;

const backends: readonly BackendChoice[] = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

function flipFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new LtError('CLI_ARGS', `--flip-tta expects on or off, got '${value}'`);
}

/** Runs `lt evaluate`; returns the process exit code. */
export async function evaluateCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const parsed = parseCommandArgs('evaluate', {
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      stage: { type: 'string' },
      'flip-tta': { type: 'string' },
      out: { type: 'string', short: 'o' },
      backend: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (parsed.values.help) {
    out.write(evaluateHelp);
    return 0;
  }
  const [runDir, ...extra] = parsed.positionals;
  if (runDir === undefined || extra.length > 0) throw new LtError('CLI_ARGS', `give one run directory.\n${evaluateHelp}`);
  const flipTTA = flipFlag(parsed.values['flip-tta']);
  const choice = parsed.values.backend;
  if (!backends.includes(choice as BackendChoice)) throw new LtError('CLI_ARGS', `--backend expects one of ${backends.join(', ')}, got '${choice}'`);
  const backend = await selectBackend(choice as BackendChoice);
  const result = await evaluateRun(runDir, { stage: parsed.values.stage, flipTTA, out: parsed.values.out });
  const title = `Stage '${result.stage}' of ${runDir} — ${result.testCount} test images, flip TTA ${result.flipTTA ? 'on' : 'off'}, backend ${backend.name}`;
  out.write(`${metricsTable(title, result, result.classNames)}\n`);
  if (parsed.values.out !== undefined) out.write(`wrote ${parsed.values.out}\n`);
  return 0;
}
