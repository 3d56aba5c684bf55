import { createRun, definePlugin, LtError, type LtPlugin, type PluginSpec, type StageHooks } from '@lt/core';
import { observePlugin, watchedHooks, type WaterfallHook, type WatchedHook } from '../observe.js';
import { specOf, tinyRunConfig, type PluginUnderTest, type TestBackend } from '../subject.js';

const RIVAL = 'testkit-rival';

/** What each watched hook hands a tap, for messages. */
const received: Record<WatchedHook, string> = {
  loss: 'loss function',
  sampler: 'sampler',
  scheduler: 'schedule',
  classifierRescale: 'head',
};

/** A plugin that replaces `hook` (and does nothing else), to collide with the plugin under test. */
function rival(hook: WaterfallHook): PluginSpec {
  class Rival implements LtPlugin {
    static readonly meta = { name: RIVAL, version: '0.0.0' };
    apply(hooks: StageHooks): void {
      (hooks[hook] as unknown as { tap(options: { name: string; replaces: boolean }, fn: (value: unknown) => unknown): void }).tap(
        { name: RIVAL, replaces: true },
        (value) => value,
      );
    }
  }
  return definePlugin(Rival);
}

/** Starts a run with `other` beside the plugin and returns the error it must fail with (undefined when it started). */
async function startBeside<O>(subject: PluginUnderTest<O>, other: PluginSpec, backend: TestBackend): Promise<string | undefined> {
  const run = createRun(tinyRunConfig(subject, { backend, stagePlugins: (plugin) => [...(subject.companions?.() ?? []), plugin, other] }));
  try {
    await run.start();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    run.dispose();
  }
}

/**
 * For every hook the plugin replaces, a stage with another plugin replacing the same hook must refuse to start
 * with an error naming both; so must a stage with `conflictsWith`, a plugin the author says cannot share a stage.
 * Returns the hooks the plugin replaces.
 */
export async function checkConflicts<O>(
  subject: PluginUnderTest<O>,
  backend: TestBackend,
  conflictsWith?: () => PluginSpec,
): Promise<readonly WaterfallHook[]> {
  const name = specOf(subject).name;
  const { replaced } = await observePlugin(subject, backend);
  const others = replaced.map((hook) => ({ spec: rival(hook), why: `another plugin (${RIVAL}) also replaces the '${hook}' hook` }));
  if (conflictsWith !== undefined) {
    const spec = conflictsWith();
    others.push({ spec, why: `it was declared to conflict with ${spec.name}` });
  }
  for (const { spec, why } of others) {
    const message = await startBeside(subject, spec, backend);
    if (message === undefined) {
      throw new LtError(
        'TESTKIT_CONFLICT',
        `A stage with ${name} and ${spec.name} started, but ${why}. Register every tap in apply(), and mark each tap that ` +
          `discards what it receives with { replaces: true }, so the engine refuses to start and names both plugins.`,
      );
    }
    if (!message.includes(name) || !message.includes(spec.name)) {
      throw new LtError('TESTKIT_CONFLICT', `A stage with ${name} and ${spec.name} failed, but not with a conflict naming both: ${message}`);
    }
  }
  return replaced;
}

/**
 * A tap without `{ replaces: true }` must use what it receives (call the loss, draw from the sampler, read the
 * schedule or head): one that discards it replaces silently, and the engine cannot report the conflict.
 */
export async function checkDeclaresReplacement<O>(subject: PluginUnderTest<O>, backend: TestBackend): Promise<void> {
  const name = specOf(subject).name;
  const { wrapped, used } = await observePlugin(subject, backend);
  for (const hook of watchedHooks) {
    if (wrapped.includes(hook) && !used.has(hook)) {
      throw new LtError(
        'TESTKIT_UNDECLARED_REPLACE',
        `${name} taps the '${hook}' hook without { replaces: true } but never used the ${received[hook]} it received, so it ` +
          `replaces it without saying so (a second replacing plugin would go unnoticed). Tap it with ` +
          `{ name, replaces: true }, or build on the ${received[hook]} you receive.`,
      );
    }
  }
}
