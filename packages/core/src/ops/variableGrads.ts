import * as tf from '@tensorflow/tfjs-core';
import { LtError } from '../errors.js';

/** The parts of tfjs-core's tape node this walk reads (tfjs-core 4.x, engine.ts / tape.ts). */
interface TapeNode {
  readonly id: number;
  readonly kernelName: string;
  readonly outputs: tf.Tensor[];
  readonly inputs: Record<string, tf.Tensor>;
  readonly gradient?: (dys: Array<tf.Tensor | null>) => Record<string, () => tf.Tensor>;
  readonly saved?: tf.Tensor[];
}

/** The engine internals `tf.variableGrads` itself goes through; none is part of tfjs's typed API. */
interface EngineInternals {
  readonly state: { gradientDepth: number; activeTape: TapeNode[] | null };
  startTape(): void;
  endTape(): void;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  tidy<T extends tf.TensorContainer>(name: string, f: () => T): T;
  tidy<T extends tf.TensorContainer>(f: () => T): T;
}

/** The nodes on a path from one of `xs` to `y`, in tape order, each keeping only the inputs that depend on `xs`. */
function nodesBetween(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodeFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((input) => fromX.has(input.id))) {
      nodeFromX.add(node.id);
      for (const output of node.outputs) fromX.add(output.id);
    }
  }
  const toY = new Set([y.id]);
  const nodeToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((output) => toY.has(output.id))) {
      nodeToY.add(node.id);
      for (const input of Object.values(node.inputs)) toY.add(input.id);
    }
  }
  return tape
    .filter((node) => nodeFromX.has(node.id) && nodeToY.has(node.id))
    .map((node) => ({ ...node, inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, input]) => fromX.has(input.id))) }));
}

/**
 * Gradients by id, where one tensor object may stand for several ids (a gradient function may pass dy through
 * unchanged): a tensor is disposed only when no id holds it any more.
 */
class GradientMap {
  private readonly byId = new Map<number, tf.Tensor>();
  private readonly holders = new Map<tf.Tensor, number>();

  get(id: number): tf.Tensor | undefined {
    return this.byId.get(id);
  }

  /** Adds `dx` to the gradient of `id`. */
  accumulate(id: number, dx: tf.Tensor): void {
    const current = this.byId.get(id);
    this.set(id, current === undefined ? dx : tf.add(current, dx));
  }

  /** Forgets `id`'s gradient and returns it without disposing it (the caller owns it now). */
  take(id: number): tf.Tensor | undefined {
    const tensor = this.byId.get(id);
    if (tensor !== undefined) this.release(id, tensor, false);
    return tensor;
  }

  /** Forgets and disposes `id`'s gradient: nothing reads it once its producer has run. */
  drop(id: number): void {
    const tensor = this.byId.get(id);
    if (tensor !== undefined) this.release(id, tensor, true);
  }

  private set(id: number, tensor: tf.Tensor): void {
    const previous = this.byId.get(id);
    if (previous === tensor) return;
    if (previous !== undefined) this.release(id, previous, true);
    this.byId.set(id, tensor);
    this.holders.set(tensor, (this.holders.get(tensor) ?? 0) + 1);
  }

  private release(id: number, tensor: tf.Tensor, dispose: boolean): void {
    this.byId.delete(id);
    const left = (this.holders.get(tensor) ?? 1) - 1;
    if (left > 0) this.holders.set(tensor, left);
    else {
      this.holders.delete(tensor);
      if (dispose) tensor.dispose();
    }
  }
}

/**
 * `tf.variableGrads` with the same arguments, result and errors, but a backward pass that frees memory as it
 * goes: each node's saved activations and its outputs' gradients are disposed as soon as the walk is past that
 * node, where tfjs keeps all of them until the whole pass ends. Peak memory of a training step is then about
 * the forward's saved activations instead of those plus every intermediate gradient. Inside another gradient
 * computation (higher-order gradients) it defers to `tf.variableGrads`, which must keep the tape.
 */
export function variableGrads(f: () => tf.Scalar, variables: readonly tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth > 0) return tf.variableGrads(f, [...variables]);
  const trainable = variables.filter((v) => v.trainable);
  if (trainable.length === 0) {
    throw new LtError('variableGrads/none-trainable', `variableGrads: none of the ${variables.length} variables is trainable`);
  }
  const value = engine.scopedRun(
    () => engine.startTape(),
    () => engine.endTape(),
    () => engine.tidy('forward', f),
  );
  const tape = engine.state.activeTape ?? [];
  try {
    if (!(value instanceof tf.Tensor) || value.rank !== 0) {
      throw new LtError('variableGrads/not-scalar', `variableGrads: the loss function must return a scalar, got rank ${(value as tf.Tensor | undefined)?.rank}`);
    }
    return engine.tidy('backward', () => {
      const gradients = new GradientMap();
      gradients.accumulate(value.id, tf.onesLike(value));
      const path = nodesBetween(tape, trainable, value);
      for (let i = path.length - 1; i >= 0; i--) backpropagate(path[i], gradients, engine);
      const grads: tf.NamedTensorMap = {};
      for (const v of trainable) {
        const grad = gradients.take(v.id);
        if (grad !== undefined) grads[v.name] = grad;
      }
      if (Object.keys(grads).length === 0) {
        throw new LtError('variableGrads/unconnected', 'variableGrads: no variable is connected to the loss; compute the loss from them inside f');
      }
      return { value, grads };
    });
  } catch (error) {
    (value as tf.Tensor | undefined)?.dispose();
    throw error;
  } finally {
    // As tfjs does once a top-level pass ends: the tape's saved tensors (including nodes off the path) go.
    for (const node of tape) for (const saved of node.saved ?? []) saved.dispose();
    engine.state.activeTape = null;
  }
}

/** One node's backward step; afterwards its saved tensors and its outputs' gradients are gone. */
function backpropagate(node: TapeNode, gradients: GradientMap, engine: EngineInternals): void {
  if (node.gradient === undefined) {
    throw new LtError('variableGrads/no-gradient', `variableGrads: no gradient is registered for kernel ${node.kernelName}`);
  }
  const dys = node.outputs.map((output) => gradients.get(output.id) ?? null);
  const inputGradients = node.gradient(dys);
  for (const [name, input] of Object.entries(node.inputs)) {
    const gradient = inputGradients[name];
    if (gradient === undefined) {
      throw new LtError('variableGrads/no-input-gradient', `variableGrads: kernel ${node.kernelName} has no gradient for its input '${name}'`);
    }
    const dx = engine.tidy(() => gradient());
    if (dx.dtype !== 'float32' || !tf.util.arraysEqual(dx.shape, input.shape)) {
      throw new LtError(
        'variableGrads/bad-gradient',
        `variableGrads: kernel ${node.kernelName}'s gradient for '${name}' is ${dx.dtype} [${dx.shape.join(', ')}], expected float32 [${input.shape.join(', ')}]`,
      );
    }
    gradients.accumulate(input.id, dx);
  }
  for (const output of node.outputs) gradients.drop(output.id);
  for (const saved of node.saved ?? []) saved.dispose();
}
