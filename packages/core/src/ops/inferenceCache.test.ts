import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { InferenceCache, inferenceCached, withInferenceCache } from './inferenceCache.js';
import { selectBackend } from '../index.js';

/** A weight, an owner, and a derivation that counts its calls: 2·w. */
function setup() {
  const weight = tf.variable(tf.tensor1d([1, 2, 3]));
  const owner = {};
  let calls = 0;
  const derived = () =>
    inferenceCached(owner, [weight], () => {
      calls++;
      return [tf.mul(weight, 2)];
    })[0];
  return { weight, derived, calls: () => calls };
}

describe('inference cache', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('outside a cache derives afresh every time, and the caller owns the result', () => {
    const { weight, derived, calls } = setup();
    const a = derived();
    const b = derived();
    expect(a).not.toBe(b);
    expect(calls()).toBe(2);
    tf.dispose([a, b, weight]);
  });

  it('derives once inside withInferenceCache, survives the forwards\' tidies, and leaves no tensor behind', () => {
    const { weight, derived, calls } = setup();
    const before = tf.memory().numTensors;
    const sums = withInferenceCache(() => [1, 2, 3].map(() => tf.tidy(() => tf.sum(derived()).arraySync())));
    expect(sums).toEqual([12, 12, 12]);
    expect(calls()).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    weight.dispose();
  });

  it('derives again once a source is assigned new values (never serves stale weights)', () => {
    const { weight, derived, calls } = setup();
    withInferenceCache(() => {
      expect(Array.from(derived().dataSync())).toEqual([2, 4, 6]);
      tf.tidy(() => weight.assign(tf.tensor1d([5, 6, 7])));
      expect(Array.from(derived().dataSync())).toEqual([10, 12, 14]);
      expect(Array.from(derived().dataSync())).toEqual([10, 12, 14]);
    });
    expect(calls()).toBe(2);
    weight.dispose();
  });

  it('stays active across an async evaluation and disposes when it settles or throws', async () => {
    const { weight, derived, calls } = setup();
    const before = tf.memory().numTensors;
    const pending = withInferenceCache(async () => {
      const first = derived();
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(derived()).toBe(first);
      return tf.memory().numTensors;
    });
    expect(await pending).toBe(before + 1);
    expect(calls()).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      withInferenceCache(async () => {
        derived();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(() =>
      withInferenceCache(() => {
        derived();
        throw new Error('sync boom');
      }),
    ).toThrow('sync boom');
    expect(tf.memory().numTensors).toBe(before);
    // Outside any cache again: the caller owns what it gets.
    const loose = derived();
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([loose, weight]);
  });

  it('a nested cache shares the outer one; an InferenceCache kept by its owner spans several runs', () => {
    const { weight, derived, calls } = setup();
    const outer = new InferenceCache();
    const first = outer.run(() => withInferenceCache(() => derived()));
    expect(outer.run(() => derived())).toBe(first);
    expect(calls()).toBe(1);
    expect(first.isDisposed).toBe(false);
    outer.dispose();
    expect(first.isDisposed).toBe(true);
    weight.dispose();
  });
});
