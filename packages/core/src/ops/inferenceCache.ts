import * as tf from '@tensorflow/tfjs-core';

/** The tensors derived once per owner while a cache is active, and the sources' buffers they were derived from. */
interface Entry {
  readonly sources: readonly tf.DataId[];
  readonly tensors: tf.Tensor[];
}

let active: InferenceCache | undefined;

/**
 * Tensors that gradient-free forwards derive from the weights (e.g. a convolution's BatchNorm-folded filter), kept
 * across the forwards run inside `run`: an evaluation over many batches derives them once instead of once per batch.
 * The owner disposes the cache; `withInferenceCache` does both for one call.
 */
export class InferenceCache {
  private readonly entries = new Map<object, Entry>();

  /**
   * Runs `f` (synchronous or returning a promise) with this cache active until it returns or settles. Inside another
   * active cache `f` shares that one.
   */
  run<T>(f: () => T): T {
    if (active !== undefined) return f();
    active = this;
    const end = () => {
      if (active === this) active = undefined;
    };
    let out: T;
    try {
      out = f();
    } catch (error) {
      end();
      throw error;
    }
    if (out instanceof Promise) return out.finally(end) as T;
    end();
    return out;
  }

  /** `derive()`'s tensors for `owner`, derived again only when one of `sources` holds another buffer (inferenceCached). */
  get(owner: object, sources: readonly tf.Tensor[], derive: () => tf.Tensor[]): tf.Tensor[] {
    const entry = this.entries.get(owner);
    if (entry !== undefined && entry.sources.length === sources.length && entry.sources.every((id, i) => id === sources[i].dataId)) {
      return entry.tensors;
    }
    if (entry !== undefined) tf.dispose(entry.tensors);
    const tensors = tf.tidy(derive).map((t) => tf.keep(t));
    this.entries.set(owner, { sources: sources.map((s) => s.dataId), tensors });
    return tensors;
  }

  /** Disposes every cached tensor. */
  dispose(): void {
    for (const entry of this.entries.values()) tf.dispose(entry.tensors);
    this.entries.clear();
  }
}

/** Runs `f` (synchronous or returning a promise) with a fresh InferenceCache, disposed when `f` returns or settles. */
export function withInferenceCache<T>(f: () => T): T {
  const cache = new InferenceCache();
  let out: T;
  try {
    out = cache.run(f);
  } catch (error) {
    cache.dispose();
    throw error;
  }
  if (out instanceof Promise) return out.finally(() => cache.dispose()) as T;
  cache.dispose();
  return out;
}

/**
 * `derive()`'s tensors for `owner` (e.g. a layer): outside an active InferenceCache derived afresh (the caller owns
 * them, as any op's result); inside one derived once and kept by the cache (the caller must not dispose them) for as
 * long as every one of `sources` still holds the buffer it had — an assigned variable gets a new one, so changed
 * weights are never served stale.
 */
export function inferenceCached(owner: object, sources: readonly tf.Tensor[], derive: () => tf.Tensor[]): tf.Tensor[] {
  return active === undefined ? derive() : active.get(owner, sources, derive);
}
