export { describePlugin, type DescribePluginOptions } from './describePlugin.js';
export { checkNoLeak } from './checks/noLeak.js';
export { checkDeterministic, trainOutcome } from './checks/deterministic.js';
export { checkResume } from './checks/resume.js';
export { checkInvalidOptions, unknownOptionCase, type InvalidOptionsCase } from './checks/options.js';
export { checkConflicts, checkDeclaresReplacement } from './checks/replacement.js';
export { observePlugin, waterfallHooks, watchedHooks, type PluginTaps, type WaterfallHook, type WatchedHook } from './observe.js';
export { tinyRunConfig, type TinyFixture, type PluginUnderTest, type PluginFactory, type TestBackend, type RunShape } from './subject.js';
export { outcomeOf, firstDifference, type Outcome } from './outcome.js';
