import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LtError } from '@lt/core';

/** `parseArgs` for an `lt` command: a parse error (unknown flag, missing value) becomes a CLI_ARGS error pointing at the command's help. */
export function parseCommandArgs<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new LtError('CLI_ARGS', `${(error as Error).message}. Run 'lt ${command} --help' for the flags.`);
  }
}

/** A numeric flag's value (undefined when absent); an error naming the flag when it is not a number, an integer or ≥ `min` as asked. */
export function numberFlag(flag: string, value: string | undefined, rule: { integer?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { integer = false, min } = rule;
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || (min !== undefined && n < min)) {
    const kind = integer ? 'an integer' : 'a number';
    throw new LtError('CLI_ARGS', `--${flag} expects ${kind}${min === undefined ? '' : ` ≥ ${min}`}, got '${value}'`);
  }
  return n;
}
