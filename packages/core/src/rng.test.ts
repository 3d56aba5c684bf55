import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

describe('createRng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.next())(createRng(7)));
    const b = Array.from({ length: 5 }, ((r) => () => r.next())(createRng(7)));
    const c = Array.from({ length: 5 }, ((r) => () => r.next())(createRng(8)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const v of a) expect(v >= 0 && v < 1).toBe(true);
  });

  it('forks depend on the keys and the seed, not on how much the parent was used', () => {
    const r1 = createRng(3);
    const r2 = createRng(3);
    r2.next();
    expect(r1.fork('epoch', 2).next()).toBe(r2.fork('epoch', 2).next());
    expect(r1.fork('epoch', 2).next()).not.toBe(r1.fork('epoch', 3).next());
  });

  it('draws Beta(1, 1) with mean 1/2 and variance 1/12', () => {
    const rng = createRng(11);
    const xs = Array.from({ length: 20000 }, () => rng.beta(1, 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.005);
  });

  it('draws Gamma(0.5) with mean 0.5 (the shape < 1 branch)', () => {
    const rng = createRng(5);
    const xs = Array.from({ length: 20000 }, () => rng.gamma(0.5));
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('shuffles into a permutation and rejects a non-integer seed', () => {
    const items = createRng(1).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...items].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => createRng(0.5)).toThrow(/integer/);
  });
});
