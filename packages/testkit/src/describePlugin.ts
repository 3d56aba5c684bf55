import { describe, it } from 'vitest';
import type { PluginSpec } from '@lt/core';
import { checkNoLeak } from './checks/noLeak.js';
import { checkDeterministic } from './checks/deterministic.js';
import { checkResume } from './checks/resume.js';
import { checkInvalidOptions, type InvalidOptionsCase } from './checks/options.js';
import { checkConflicts, checkDeclaresReplacement } from './checks/replacement.js';
import type { PluginFactory, PluginUnderTest, TestBackend } from './subject.js';

/** What `describePlugin` needs to know about the plugin besides its factory. */
export interface DescribePluginOptions<O> extends Omit<PluginUnderTest<O>, 'factory'> {
  /** Invalid options objects and the field each error must name (an unknown option is always tried too). */
  readonly invalidOptions?: readonly InvalidOptionsCase[];
  /** A plugin that cannot share a stage with this one: a stage with both must refuse to start, naming both. */
  readonly conflictsWith?: () => PluginSpec;
  /**
   * Backends of the training checks (default both). With `wasmChecks: 'leak'` the wasm backend runs only the
   * leak check (the costliest backend-specific failure), to keep large suites fast.
   */
  readonly backends?: readonly TestBackend[];
  readonly wasmChecks?: 'all' | 'leak';
}

/**
 * Declares the lt plugin conformance suite (DESIGN §9) in a vitest file: invalid options, conflicts and declared
 * replacement, then per backend no leaked tensor, same metrics for the same seed, and resume after a kill.
 */
export function describePlugin<O>(name: string, factory: PluginFactory<O>, options: DescribePluginOptions<O> = {}): void {
  const { invalidOptions, conflictsWith, backends = ['cpu', 'wasm'], wasmChecks = 'all', ...rest } = options;
  const subject: PluginUnderTest<O> = { ...rest, factory };
  describe(`${name}: lt plugin conformance`, () => {
    it('rejects invalid options with an error naming the plugin and the field', () => checkInvalidOptions(subject, invalidOptions));
    it('conflicts with a plugin that replaces what it replaces, naming both', async () => {
      await checkConflicts(subject, backends[0], conflictsWith);
    });
    it('declares { replaces: true } wherever it discards what a hook hands it', () => checkDeclaresReplacement(subject, backends[0]));
    describe.each(backends)('on %s', (backend) => {
      const all = backend !== 'wasm' || wasmChecks === 'all';
      it('keeps tf.memory().numTensors flat across steps and epochs', () => checkNoLeak(subject, backend));
      it.runIf(all)('gives the same metrics for the same seed', () => checkDeterministic(subject, backend));
      it.runIf(all)('ends a run killed after an epoch and resumed where an uninterrupted run ends', () => checkResume(subject, backend));
    });
  });
}
