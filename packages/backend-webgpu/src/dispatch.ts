// One compute dispatch of an lt WGSL kernel on tfjs-backend-webgpu's device, recorded into the backend's own command
// encoder and compute pass, so lt's dispatches batch and order with tfjs's (tfjs 4.22's runWebGPUProgram allows one
// output per program; BatchNorm's statistics and the conv kernels' epilogues want several, and a layout of our own).
import { env, util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** A uniform value: its WGSL scalar type and its value. */
export type Uniform = readonly ['i32' | 'u32' | 'f32', number];

/** What one dispatch binds and runs. */
export interface Dispatch {
  /** Names the kernel in tf.profile and in errors. */
  readonly name: string;
  /** Read-write storage buffers, bound in this order first (f32 arrays unless `dtype` of the tensor says int32). */
  readonly outputs: Readonly<Record<string, TensorInfo>>;
  /** Read-only storage buffers, bound after the outputs. */
  readonly inputs: Readonly<Record<string, TensorInfo>>;
  /** Scalars in one uniform struct `u` (each 4 bytes, in this order). */
  readonly uniforms?: Readonly<Record<string, Uniform>>;
  /**
   * The kernel's body: everything after the generated bindings, with an entry point `main`. Equal bodies share a
   * pipeline, so a body must depend only on what changes the code (tile sizes, optional inputs), never on sizes
   * that a uniform can carry.
   */
  readonly body: string;
  /** Workgroups along x, y, z. */
  readonly workgroups: readonly [number, number, number];
}

// tfjs-backend-webgpu 4.22's members that its own runWebGPUProgram uses (TypeScript-private, present at run time).
interface Internals {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  activeTimers: Array<{ name: string; query: Promise<number> }> | null;
  supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null;
  querySetCount: number;
  uploadToGPU(dataId: object): void;
  tensorToBinding(tensor: TensorInfo): GPUBindingResource;
  makeUniforms(uniforms: Array<{ type: string; data: number[] }>): GPUBindingResource;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  getQueryTime(): Promise<number>;
}

const wgslType = (info: TensorInfo) => (info.dtype === 'int32' || info.dtype === 'bool' ? 'i32' : 'f32');
const uniformType = { i32: 'int32', u32: 'uint32', f32: 'float32' } as const;

function header(d: Dispatch): string {
  const lines: string[] = [];
  let binding = 0;
  for (const [name, info] of Object.entries(d.outputs)) lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> ${name}: array<${wgslType(info)}>;`);
  for (const [name, info] of Object.entries(d.inputs)) lines.push(`@group(0) @binding(${binding++}) var<storage, read> ${name}: array<${wgslType(info)}>;`);
  const uniforms = Object.entries(d.uniforms ?? {});
  if (uniforms.length > 0) {
    lines.push(`struct Uniforms { ${uniforms.map(([name, [type]]) => `${name}: ${type},`).join(' ')} }`);
    lines.push(`@group(0) @binding(${binding}) var<uniform> u: Uniforms;`);
  }
  return lines.join('\n');
}

interface Pipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

const pipelines = new WeakMap<GPUDevice, Map<string, Pipeline>>();

// An explicit layout: 'auto' drops bindings the compiler finds unused, and the bind group would then not match it.
function pipelineFor(device: GPUDevice, d: Dispatch, code: string): Pipeline {
  let cache = pipelines.get(device);
  if (cache === undefined) pipelines.set(device, (cache = new Map()));
  const cached = cache.get(code);
  if (cached !== undefined) return cached;
  const entries: GPUBindGroupLayoutEntry[] = [];
  for (const _ of Object.keys(d.outputs)) entries.push({ binding: entries.length, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
  for (const _ of Object.keys(d.inputs)) entries.push({ binding: entries.length, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
  if (Object.keys(d.uniforms ?? {}).length > 0) entries.push({ binding: entries.length, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
  const layout = device.createBindGroupLayout({ label: d.name, entries });
  const pipeline = device.createComputePipeline({
    label: d.name,
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module: device.createShaderModule({ label: d.name, code }), entryPoint: 'main' },
  });
  const made = { pipeline, layout };
  cache.set(code, made);
  return made;
}

/** Records one dispatch of `d` on the active webgpu backend; its outputs must have been made by that backend. */
export function dispatch(backend: WebGPUBackend, d: Dispatch): void {
  const b = backend as unknown as Internals;
  const buffers = [...Object.values(d.outputs), ...Object.values(d.inputs)];
  if (buffers.some((info) => util.sizeFromShape(info.shape) === 0) || d.workgroups.some((n) => n === 0)) return;
  const limit = b.device.limits.maxComputeWorkgroupsPerDimension;
  if (d.workgroups.some((n) => n > limit)) throw new Error(`lt: ${d.name}: ${d.workgroups.join(' × ')} workgroups exceed the device's ${limit} per dimension`);
  const { pipeline, layout } = pipelineFor(b.device, d, `${header(d)}\n${d.body}`);
  for (const info of buffers) b.uploadToGPU(info.dataId);
  const resources = buffers.map((info) => b.tensorToBinding(info));
  const uniforms = Object.values(d.uniforms ?? {});
  if (uniforms.length > 0) resources.push(b.makeUniforms(uniforms.map(([type, value]) => ({ type: uniformType[type], data: [value] }))));
  for (const info of buffers) b.commandQueueOwnedIds.add(info.dataId);
  const bindGroup = b.device.createBindGroup({ label: d.name, layout, entries: resources.map((resource, binding) => ({ binding, resource })) });

  // The rest mirrors tfjs's recordAndSubmit, timers included, so tf.profile reports lt's kernels' GPU time too.
  const timed = b.activeTimers != null;
  b.ensureCommandEncoderReady();
  const encoder = b.commandEncoder as GPUCommandEncoder;
  if (timed && b.supportTimestampQuery) {
    b.endComputePassEncoder();
    b.querySet ??= b.device.createQuerySet({ type: 'timestamp', count: b.querySetCount });
    b.computePassEncoder = encoder.beginComputePass({ timestampWrites: { querySet: b.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
  } else {
    b.computePassEncoder ??= encoder.beginComputePass({});
  }
  const pass = b.computePassEncoder as GPUComputePassEncoder;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  b.dispatchCountInPass++;
  if (timed || (env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= b.dispatchCountInPass) {
    b.endComputePassEncoder();
    if (timed) b.activeTimers?.push({ name: d.name, query: b.getQueryTime() });
    else b.submitQueue();
  }
}

/** A float32 output of `shape` made by the backend (its GPU buffer is created when a dispatch binds it). */
export function output(backend: WebGPUBackend, shape: readonly number[]): TensorInfo {
  return backend.makeTensorInfo([...shape], 'float32');
}

/** Workgroups to cover `size` items `perGroup` at a time, spread over x and y when x alone would exceed the limit. */
export function cover(backend: WebGPUBackend, size: number, perGroup: number): [number, number, number] {
  const groups = Math.ceil(size / perGroup);
  const limit = backend.device.limits.maxComputeWorkgroupsPerDimension;
  if (groups <= limit) return [groups, 1, 1];
  const x = limit;
  return [x, Math.ceil(groups / x), 1];
}
