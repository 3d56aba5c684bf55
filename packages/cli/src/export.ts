import { parseCommandArgs } from './commandArgs.js';
import { LtError } from '@lt/core';
import { exportRun } from './export/exportRun.js';

/** The text `lt export --help` prints. */
export const exportHelp = `Usage: lt export RUN_DIR --out DIR [--stage NAME]

Writes a trained run as a plain tfjs LayersModel (model.json + weights.bin, logits out; load it with
@tensorflow/tfjs alone) and classes.json (class names, input size, mean/std), the head folded into one dense layer.

  --out, -o DIR   folder to write (replaced atomically)
  --stage NAME    the stage whose checkpoint to export (default: the last stage)
`;

/** Runs `lt export`; returns the process exit code. */
export async function exportCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const parsed = parseCommandArgs('export', {
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' }, stage: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (parsed.values.help) {
    out.write(exportHelp);
    return 0;
  }
  const [runDir, ...extra] = parsed.positionals;
  if (runDir === undefined || extra.length > 0 || parsed.values.out === undefined) {
    throw new LtError('CLI_ARGS', `give one run directory and --out DIR.\n${exportHelp}`);
  }
  const result = await exportRun(runDir, parsed.values.out, { stage: parsed.values.stage });
  out.write(`exported stage ${result.stage} of ${runDir} to ${result.out} (model.json, weights.bin, classes.json)\n`);
  return 0;
}
