import { describe, expect, it } from 'vitest';
import { WasmKernelName } from '@lt/backend-wasm';
import { LtKernel } from './ltKernels.js';

describe('LtKernel', () => {
  it('names every kernel @lt/backend-wasm registers (a misspelt name would leave that kernel unused)', () => {
    const names: string[] = Object.values(LtKernel);
    for (const name of Object.values(WasmKernelName)) expect(names).toContain(name);
  });
});
