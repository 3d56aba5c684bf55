import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { container, inject, injectable } from 'tsyringe';
import { defineOptions, definePlugin, type LtPlugin } from './define.js';
import { createStageHooks, trackTapOwners, type StageHooks } from '../hooks.js';
import type { StageContext } from '../types/context.js';
import { Tokens } from '../tokens.js';

const ScaleOptions = defineOptions('scale', z.strictObject({ factor: z.number().positive().default(2) }));

@injectable()
class ScalePlugin implements LtPlugin {
  static readonly meta = { name: 'scale', version: '1.0.0' };
  constructor(
    @inject(ScaleOptions) readonly options: { factor: number },
    @inject(Tokens.ClassCounts) readonly counts: readonly number[],
  ) {}
  apply(hooks: StageHooks): void {
    hooks.scheduler.tap('scale', (schedule) => (epoch) => schedule(epoch) * this.options.factor);
  }
}

describe('definePlugin', () => {
  it('fills defaults and validates options when the spec is created', () => {
    expect(definePlugin(ScalePlugin, ScaleOptions, {}).options).toEqual({ factor: 2 });
    expect(() => definePlugin(ScalePlugin, ScaleOptions, { factor: -1 })).toThrow(/Invalid options for scale: factor:/);
    expect(() => definePlugin(ScalePlugin, ScaleOptions, { factr: 3 })).toThrow(/scale.*factr/);
  });

  it('rejects options for a plugin that takes none', () => {
    class Plain implements LtPlugin {
      static readonly meta = { name: 'plain', version: '1' };
      apply(): void {}
    }
    expect(() => definePlugin(Plain, undefined, { x: 1 })).toThrow(/plain takes no options, got: x/);
    expect(definePlugin(Plain).options).toEqual({});
  });

  it('injects validated options and engine tokens by explicit token', () => {
    const spec = definePlugin(ScalePlugin, ScaleOptions, { factor: 3 });
    const child = container.createChildContainer();
    child.register(spec.token!, { useValue: spec.options });
    child.register(Tokens.ClassCounts, { useValue: [5, 1] });
    const plugin = child.resolve(ScalePlugin);
    expect(plugin.options.factor).toBe(3);
    expect(plugin.counts).toEqual([5, 1]);
    const hooks = createStageHooks();
    plugin.apply(hooks);
    expect(hooks.scheduler.call(() => 0.5, {} as StageContext)(0)).toBe(1.5);
  });
});

describe('StageHooks', () => {
  it('is frozen', () => {
    const hooks = createStageHooks();
    expect(Object.isFrozen(hooks)).toBe(true);
  });

  it('names both plugins when two replace the same hook', () => {
    const hooks = createStageHooks();
    const owners = trackTapOwners(hooks);
    owners.setOwner('@lt/ce');
    hooks.loss.tap({ name: 'ce', replaces: true }, (l) => l);
    owners.setOwner('focal-loss');
    hooks.loss.tap({ name: 'focal', replaces: true }, (l) => l);
    expect(() => owners.check()).toThrow(/'loss' hook: @lt\/ce \(tap 'ce'\) and focal-loss \(tap 'focal'\)/);
  });

  it('lets a replacing tap and wrapping taps coexist, in registration order', () => {
    const hooks = createStageHooks();
    const owners = trackTapOwners(hooks);
    owners.setOwner('a');
    hooks.scheduler.tap({ name: 'constant', replaces: true }, () => () => 1);
    owners.setOwner('b');
    hooks.scheduler.tap('double', (s) => (e) => 2 * s(e));
    expect(() => owners.check()).not.toThrow();
    expect(hooks.scheduler.call(() => 7, {} as StageContext)(0)).toBe(2);
  });
});
