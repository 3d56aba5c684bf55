#!/usr/bin/env node
import { LtError, selectBackend } from '@lt/core';
import { train } from './train.js';
import { exportCommand } from './export.js';
import { sweep } from './sweep/sweepCommand.js';
import { worker } from './sweep/worker.js';
import { compare } from './compare/compare.js';
import { dataCommand } from './data.js';
import { evaluateCommand } from './evaluate.js';

const [command, ...rest] = process.argv.slice(2);
const usage = 'Usage: lt train|evaluate|export|sweep|worker|compare|data [options]   (lt <command> --help for the options)\n';

async function main(): Promise<number> {
  // tfjs's cpu backend prints an advert for tfjs-node the first time it computes; selectBackend starts it quietly.
  // Every command starts there, and train and sweep cells then switch to the backend they are given.
  await selectBackend('cpu');
  if (command === 'train') return train(rest);
  if (command === 'evaluate') return evaluateCommand(rest);
  if (command === 'export') return exportCommand(rest);
  if (command === 'sweep') return sweep(rest);
  if (command === 'worker') return worker(rest);
  if (command === 'compare') return compare(rest);
  if (command === 'data') return dataCommand(rest);
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(usage);
    return command === undefined ? 1 : 0;
  }
  process.stderr.write(`lt: unknown command '${command}'\n${usage}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // An LtError is the user's to fix: print its message without a stack trace.
    process.stderr.write(error instanceof LtError ? `lt: ${error.message}\n` : `lt: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(error instanceof LtError ? 2 : 1);
  },
);
