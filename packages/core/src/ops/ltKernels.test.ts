import { describe, expect, it } from 'vitest';
import { WebGPUKernelName } from '@lt/backend-webgpu';
import { LtKernel } from './ltKernels.js';

describe('LtKernel', () => {
  it("holds every name @lt/backend-webgpu registers for core's ops (a misspelt name would leave that kernel unused)", () => {
    const names: string[] = Object.values(LtKernel);
    // SAMN's isotonic kernels are called by @lt/samn, not by core's ops.
    const forCore = Object.values(WebGPUKernelName).filter((name) => !name.startsWith('LtIsotonic'));
    expect(forCore).toHaveLength(7);
    for (const name of forCore) expect(names).toContain(name);
  });
});
