import { LtError } from '@lt/core';

/** Throws an LtError naming the model and the field when `options` has a key outside `allowed` (e.g. a typo). */
export function rejectUnknownOptions(model: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new LtError('models/options', `${model}: unknown option '${key}' (known options: ${allowed.join(', ')})`);
    }
  }
}

/** Throws an LtError unless `values` is a list of positive integers. */
export function requirePositiveIntegers(model: string, field: string, values: readonly number[], allowEmpty: boolean): void {
  if (!Array.isArray(values) || (!allowEmpty && values.length === 0) || !values.every((v) => Number.isInteger(v) && v > 0)) {
    throw new LtError(
      'models/options',
      `${model}: ${field} must be a ${allowEmpty ? '' : 'non-empty '}list of positive integers, got ${JSON.stringify(values)}`,
    );
  }
}
