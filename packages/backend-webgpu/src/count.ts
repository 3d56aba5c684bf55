/** Dispatches and submits counted while a `countDispatches` callback ran. */
export interface DispatchCount {
  readonly dispatches: number;
  readonly submits: number;
}

/**
 * Counts the compute dispatches (tfjs's and lt's alike) and queue submits that `f` records, by wrapping the WebGPU
 * prototypes for its duration: what a training step costs in GPU launches, which tf.profile's kernel count is not
 * (one tfjs kernel may dispatch several programs, and uploads dispatch none).
 */
export async function countDispatches<T>(f: () => Promise<T> | T): Promise<{ result: T } & DispatchCount> {
  const passProto = (globalThis as { GPUComputePassEncoder?: { prototype: GPUComputePassEncoder } }).GPUComputePassEncoder?.prototype;
  const queueProto = (globalThis as { GPUQueue?: { prototype: GPUQueue } }).GPUQueue?.prototype;
  if (passProto === undefined || queueProto === undefined) throw new Error('lt: countDispatches needs WebGPU (GPUComputePassEncoder, GPUQueue)');
  const dispatch = passProto.dispatchWorkgroups;
  const submit = queueProto.submit;
  let dispatches = 0;
  let submits = 0;
  passProto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: Parameters<GPUComputePassEncoder['dispatchWorkgroups']>) {
    dispatches++;
    return dispatch.apply(this, args);
  };
  queueProto.submit = function (this: GPUQueue, ...args: Parameters<GPUQueue['submit']>) {
    submits++;
    return submit.apply(this, args);
  };
  try {
    const result = await f();
    return { result, dispatches, submits };
  } finally {
    passProto.dispatchWorkgroups = dispatch;
    queueProto.submit = submit;
  }
}
