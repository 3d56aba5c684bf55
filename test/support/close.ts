// The tolerance check of every backend parity test.
import { expect } from 'vitest';

/** Every value within `tolerance` of the expected one, relative to the largest magnitude (at least 1). */
export function expectClose(actual: number[][], expected: number[][], tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, i) => {
    expect(values.length).toBe(expected[i].length);
    // A loop, not Math.max(...values): arrays of a few hundred thousand values overflow the call stack.
    const scale = expected[i].reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    let worst = 0;
    values.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected[i][j]) / scale)));
    expect(worst, `output ${i}: worst relative error`).toBeLessThan(tolerance);
  });
}
