import * as tf from '@tensorflow/tfjs-core';
import { LtKernel, ltKernelActive } from '../ops/ltKernels.js';
import type { NamedVariable } from '../types/model.js';

/** SGD hyper-parameters. */
export interface SgdOptions {
  readonly momentum: number;
  readonly weightDecay: number;
}

/**
 * SGD with momentum and L2 weight decay with PyTorch's semantics (ALGORITHMS.md C):
 * buf ← μ·buf + (g + λθ); θ ← θ − lr·buf. Parameters that receive no gradient are skipped entirely
 * (no decay, no momentum update), as PyTorch skips parameters whose grad is None.
 */
export class Sgd {
  private readonly buffers = new Map<string, tf.Variable>();

  constructor(
    private readonly parameters: readonly NamedVariable[],
    private readonly options: SgdOptions,
  ) {}

  /**
   * Applies one update with learning rate `lr` (times each parameter's `lrMultiplier`); `grads` is keyed by tf
   * variable name, as tf.variableGrads returns them.
   */
  step(grads: tf.NamedTensorMap, lr: number): void {
    const fused = this.options.momentum !== 0 && ltKernelActive(LtKernel.sgdMomentum);
    tf.tidy(() => {
      for (const { name, variable, lrMultiplier = 1 } of this.parameters) {
        const grad = grads[variable.name];
        if (grad === undefined) continue;
        if (fused) this.fusedUpdate(name, variable, grad, lr * lrMultiplier);
        else this.update(name, variable, grad, lr * lrMultiplier);
      }
    });
  }

  private update(name: string, variable: tf.Variable, grad: tf.Tensor, lr: number): void {
    const { momentum, weightDecay } = this.options;
    const direction = weightDecay !== 0 ? tf.add(grad, tf.mul(variable, weightDecay)) : grad;
    let update = direction;
    if (momentum !== 0) {
      const buffer = this.buffers.get(name);
      if (buffer === undefined) {
        // PyTorch initialises the buffer with the first direction (= μ·0 + d).
        update = tf.variable(direction, false);
        this.buffers.set(name, update as tf.Variable);
      } else {
        buffer.assign(tf.add(tf.mul(buffer, momentum), direction));
        update = buffer;
      }
    }
    variable.assign(tf.sub(variable, tf.mul(update, lr)));
  }

  /** The same update as one pass of lt's LtSgdMomentum kernel over parameter, gradient and buffer. */
  private fusedUpdate(name: string, variable: tf.Variable, grad: tf.Tensor, lr: number): void {
    const { momentum, weightDecay } = this.options;
    const buffer = this.buffers.get(name);
    const [param, nextBuffer] = tf.engine().runKernel(
      LtKernel.sgdMomentum,
      { param: variable, grad, buffer: buffer ?? grad },
      { lr, momentum, weightDecay, first: buffer === undefined },
    ) as tf.Tensor[];
    if (buffer === undefined) this.buffers.set(name, tf.variable(nextBuffer, false));
    else buffer.assign(nextBuffer);
    variable.assign(param);
  }

  /** Momentum buffers by parameter name, for checkpoints. */
  state(): NamedVariable[] {
    return [...this.buffers].map(([name, variable]) => ({ name: `optimizer.momentum.${name}`, variable }));
  }

  /** Restores momentum buffers saved by `state()`; names without a matching parameter are an error. */
  load(saved: tf.NamedTensorMap): void {
    const prefix = 'optimizer.momentum.';
    const known = new Set(this.parameters.map((p) => p.name));
    for (const [key, value] of Object.entries(saved)) {
      if (!key.startsWith(prefix)) continue;
      const name = key.slice(prefix.length);
      if (!known.has(name)) throw new Error(`checkpoint has a momentum buffer for unknown parameter '${name}'`);
      this.buffers.get(name)?.dispose();
      this.buffers.set(name, tf.variable(value, false));
    }
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    for (const buffer of this.buffers.values()) buffer.dispose();
    this.buffers.clear();
  }
}
