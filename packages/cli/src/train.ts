import { createRun, type Logger } from '@lt/core';
import { parseTrainArgs, trainHelp } from './args.js';
import { defaultOutDir, resolveCliConfig, toRunConfig } from './resolve.js';
import { ProgressPrinter } from './progress.js';
import { manyMediumFewTable } from './table.js';

/** Runs `lt train` with the given arguments; returns the process exit code. */
export async function train(argv: string[], out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<number> {
  const flags = parseTrainArgs(argv);
  if (flags.help) {
    out.write(trainHelp);
    return 0;
  }
  const config = await resolveCliConfig(flags);
  const outDir = config.out ?? defaultOutDir(config);
  const logger: Logger = { info: () => undefined, warn: (m) => err.write(`warning: ${m}\n`) };
  const run = createRun({ ...toRunConfig(config, outDir), logger });
  const printer = new ProgressPrinter(err);
  const report = await run.start({ onProgress: printer.handle, resume: flags.resume });
  out.write('\n');
  for (const stage of report.stages) out.write(`${manyMediumFewTable(stage, report.manifest.classNames)}\n\n`);
  out.write(`run directory: ${outDir} · ${report.seconds.toFixed(1)} s\n`);
  run.dispose();
  return 0;
}
