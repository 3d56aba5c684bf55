import { describe, expect, it } from 'vitest';
import { numberFlag, parseCommandArgs } from './commandArgs.js';

describe('parseCommandArgs', () => {
  it('turns an unknown flag into an error that points at the command help', () => {
    expect(() => parseCommandArgs('sweep', { args: ['--bogus'], strict: true, options: {} })).toThrow(/Unknown option '--bogus'.*Run 'lt sweep --help'/);
  });

  it('returns the typed values of known flags', () => {
    const { values } = parseCommandArgs('worker', { args: ['--queue', 'redis://x:1'], strict: true, options: { queue: { type: 'string' } } });
    expect(values.queue).toBe('redis://x:1');
  });
});

describe('numberFlag', () => {
  it('is undefined when the flag is absent and a number when it is valid', () => {
    expect(numberFlag('seed', undefined)).toBeUndefined();
    expect(numberFlag('imbalance', '12.5')).toBe(12.5);
    expect(numberFlag('parallel', '3', { integer: true, min: 1 })).toBe(3);
  });

  it('names the flag, the rule and the value it refuses', () => {
    expect(() => numberFlag('seed', '1.5', { integer: true })).toThrow(/--seed expects an integer, got '1.5'/);
    expect(() => numberFlag('imbalance', ' ')).toThrow(/--imbalance expects a number/);
    expect(() => numberFlag('parallel', '0', { integer: true, min: 1 })).toThrow(/--parallel expects an integer ≥ 1, got '0'/);
    expect(() => numberFlag('stalled-interval', '50', { integer: true, min: 100 })).toThrow(/≥ 100, got '50'/);
  });
});
