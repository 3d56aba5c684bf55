import { createRun, definePlugin, type ClassifierHead, type LtPlugin, type PluginSpec, type Sampler, type StageHooks } from '@lt/core';
import { tinyRunConfig, type PluginUnderTest, type TestBackend } from './subject.js';

/** Waterfall hooks on which a tap either wraps what it receives or replaces it (`{ replaces: true }`). */
export const waterfallHooks = ['sampler', 'loss', 'classifierRescale', 'scheduler', 'model', 'batch', 'forwardMode'] as const;
/** The name of a waterfall hook. */
export type WaterfallHook = (typeof waterfallHooks)[number];

/** The waterfall hooks where the testkit can tell whether a wrapping tap used what it received. */
export const watchedHooks = ['sampler', 'loss', 'classifierRescale', 'scheduler'] as const;
/** The name of a watched waterfall hook. */
export type WatchedHook = (typeof watchedHooks)[number];

/** How a plugin tapped the stage's waterfall hooks, and which received values it used during a tiny run. */
export interface PluginTaps {
  readonly replaced: readonly WaterfallHook[];
  readonly wrapped: readonly WaterfallHook[];
  readonly used: ReadonlySet<WatchedHook>;
}

const WITNESS = 'testkit-witness';

/** A proxy that reports any use of `target` (bound methods keep class private fields working). */
function watch<T extends object>(target: T, onUse: () => void): T {
  return new Proxy(target, {
    get(object, property) {
      onUse();
      const value = Reflect.get(object, property, object) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

/**
 * Trains the tiny fixture with two helpers around the plugin: a witness before it, whose taps hand the plugin
 * values that report their use, and a probe after it that reads which taps the plugin registered.
 */
export async function observePlugin<O>(subject: PluginUnderTest<O>, backend: TestBackend): Promise<PluginTaps> {
  const used = new Set<WatchedHook>();
  const before = new Map<WaterfallHook, Set<unknown>>();
  const replaced: WaterfallHook[] = [];
  const wrapped: WaterfallHook[] = [];

  class Witness implements LtPlugin {
    static readonly meta = { name: WITNESS, version: '0.0.0' };
    apply(hooks: StageHooks): void {
      for (const hook of waterfallHooks) before.set(hook, new Set(hooks[hook].taps));
      hooks.loss.tap(WITNESS, (loss) => (step) => {
        used.add('loss');
        return loss(step);
      });
      hooks.scheduler.tap(WITNESS, (schedule) => (epoch) => {
        used.add('scheduler');
        return schedule(epoch);
      });
      hooks.sampler.tap(WITNESS, (sampler): Sampler => watch(sampler, () => used.add('sampler')));
      hooks.classifierRescale.tap(WITNESS, (head): ClassifierHead => watch(head, () => used.add('classifierRescale')));
    }
  }
  class Probe implements LtPlugin {
    static readonly meta = { name: 'testkit-probe', version: '0.0.0' };
    apply(hooks: StageHooks): void {
      for (const hook of waterfallHooks) {
        const known = before.get(hook) ?? new Set();
        const own = hooks[hook].taps.filter((tap) => !known.has(tap) && tap.name !== WITNESS);
        if (own.length === 0) continue;
        (own.some((tap) => (tap as { replaces?: boolean }).replaces === true) ? replaced : wrapped).push(hook);
      }
    }
  }
  const witness: PluginSpec = definePlugin(Witness);
  const probe: PluginSpec = definePlugin(Probe);
  const run = createRun(
    tinyRunConfig(subject, { backend, stagePlugins: (plugin) => [...(subject.companions?.() ?? []), witness, plugin, probe] }),
  );
  try {
    await run.start();
  } finally {
    run.dispose();
  }
  return { replaced, wrapped, used };
}
