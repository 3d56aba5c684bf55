import { describe, expect, it } from 'vitest';
import { describePlugin } from '@lt/testkit';
import { focal } from '../examples/custom-plugin.js';
import { logitOffset, main as statefulPlugin } from '../examples/stateful-plugin.js';

// The plugins docs/writing-a-plugin.md walks through keep the contract.
describePlugin('examples/custom-plugin.ts (focal loss)', focal, {
  options: { gamma: 2 },
  invalidOptions: [{ options: { gamma: -1 }, field: 'gamma' }],
  wasmChecks: 'leak',
});

describePlugin('examples/stateful-plugin.ts (logit offsets)', logitOffset, { stage: 'classifier', wasmChecks: 'leak' });

describe('examples/stateful-plugin.ts', () => {
  it('learns one offset per class in stage 2', async () => {
    const { report, offsets } = await statefulPlugin();
    expect(offsets).toHaveLength(4);
    expect(offsets.some((b) => Math.abs(b) > 1e-4)).toBe(true);
    expect(report.manifest.stages[1]).toMatchObject({ plugins: [{ name: 'logit-offset' }] });
  });
});
