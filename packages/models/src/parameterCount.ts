import type { Module } from '@lt/core';

/** The number of trainable scalars of a module (parameters only, buffers excluded). */
export function parameterCount(module: Module): number {
  return module.parameters().reduce((total, p) => total + p.variable.size, 0);
}
