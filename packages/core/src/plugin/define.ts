import type { z } from 'zod';
import type { StageHooks } from '../hooks.js';
import type { StageContext } from '../types/context.js';
import { LtError } from '../errors.js';

/** A plugin instance: it taps the stage's hooks in `apply`. */
export interface LtPlugin {
  /** Taps the stage's hooks; called once per stage, before any hook is called. */
  apply(hooks: StageHooks, context: StageContext): void;
}

/** Identification every plugin class carries as `static meta`. */
export interface PluginMeta {
  readonly name: string;
  readonly version: string;
}

/** A plugin class as the engine resolves it through the DI container. */
export interface PluginClass {
  new (...args: never[]): LtPlugin;
  readonly meta: PluginMeta;
}

/**
 * A typed DI token for a plugin's options, carrying the zod schema that validates them.
 * Create it with `defineOptions`; inject the validated options with `@inject(Token)`.
 */
export interface OptionsToken<T> {
  new (...args: never[]): T;
  readonly pluginName: string;
  readonly schema: z.ZodType<T>;
}

/** What goes in a stage's `plugins` list: a plugin class with validated options. */
export interface PluginSpec {
  readonly name: string;
  readonly plugin: PluginClass;
  readonly token?: OptionsToken<unknown>;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Creates the options token of a plugin from its zod object schema (unknown keys are rejected). */
export function defineOptions<T>(pluginName: string, schema: z.ZodType<T>): OptionsToken<T> {
  // tsyringe accepts class constructors as tokens; this class is never instantiated, only used as a key.
  const token = class {};
  Object.defineProperty(token, 'name', { value: `${pluginName}:options` });
  return Object.assign(token, { pluginName, schema }) as unknown as OptionsToken<T>;
}

/** Validates options against the token's schema and returns the spec a stage lists. */
export function definePlugin<T>(plugin: PluginClass, token?: OptionsToken<T>, options?: unknown): PluginSpec {
  if (token === undefined) {
    if (options !== undefined && Object.keys(options as object).length > 0) {
      throw new LtError('PLUGIN_OPTIONS', `${plugin.meta.name} takes no options, got: ${Object.keys(options as object).join(', ')}`);
    }
    return { name: plugin.meta.name, plugin, options: {} };
  }
  const parsed = token.schema.safeParse(options ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(options)'}: ${issue.message}`)
      .join('; ');
    throw new LtError('PLUGIN_OPTIONS', `Invalid options for ${plugin.meta.name}: ${problems}`);
  }
  return {
    name: plugin.meta.name,
    plugin,
    token: token as OptionsToken<unknown>,
    options: parsed.data as Record<string, unknown>,
  };
}
