// BatchNorm's train forward, backward and eval on [m, c] (channel last) as WGSL: a reduction dispatch that writes
// per-span partials, then an apply dispatch whose workgroups each combine all spans' partials (in a fixed order, so
// every workgroup derives bit-identical statistics) and normalise their own span's rows. The span count depends only
// on (m, c), so results do not depend on the device. WebGPU's default limit is 8 storage buffers per stage, so the
// reduction dispatch also copies the per-channel inputs after the partials in its scratch output, [2·spans + P, c],
// and the apply dispatch reads them from there.
import { util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { cover, dispatch, output, type Uniform } from '../dispatch.js';
import { webgpuKernel } from './kernel.js';
import { WebGPUKernelName } from './names.js';

const WORKGROUP = 256;
// A span should keep each of a workgroup's threads busy with a few rows; fewer rows make the combine dominate.
const MIN_SPAN_ROWS = 64;
// Enough workgroups to fill a large GPU (an H200 has 132 SMs) when the layer is large enough to need it.
const TARGET_WORKGROUPS = 256;
// Each apply workgroup reads every span's partials, so their count is capped to keep that read small next to its rows.
const MAX_SPANS = 256;

// The channels one workgroup covers: the next power of two at or above c, at most 64, so a warp's loads of a row are
// contiguous; the rest of the workgroup's 256 threads are row lanes.
function channelLanes(c: number): number {
  return Math.min(64, 2 ** Math.ceil(Math.log2(Math.max(c, 1))));
}

/** The row spans BatchNorm's reductions cut m rows of c channels into: a function of the shape alone. */
export function batchNormSpans(m: number, c: number): number {
  const blocks = Math.ceil(c / channelLanes(c));
  return Math.max(1, Math.min(MAX_SPANS, Math.ceil(TARGET_WORKGROUPS / blocks), Math.floor(m / MIN_SPAN_ROWS)));
}

// Workgroups are channel lanes × row lanes; span j's rows are [spanStart(j), spanStart(j) + spanRows(j)), the first
// m % spans spans one row longer (no m·j products, which overflow u32 for large layers).
const prelude = (lanes: number) => `
const CL = ${lanes}u;
const RL = ${WORKGROUP / lanes}u;
fn spanStart(j: u32) -> u32 { return j * (u.m / u.spans) + min(j, u.m % u.spans); }
fn spanRows(j: u32) -> u32 { return u.m / u.spans + select(0u, 1u, j < u.m % u.spans); }`;

// (count, mean, M2) of two disjoint sets from each set's own (Chan, Golub & LeVeque): stable in f32 where
// Σx² − (Σx)²/m cancels catastrophically for values far from zero.
const chan = `
var<workgroup> lanes: array<vec3<f32>, ${WORKGROUP}>;
fn chan(a: vec3<f32>, b: vec3<f32>) -> vec3<f32> {
  if (b.x == 0.0) { return a; }
  if (a.x == 0.0) { return b; }
  let n = a.x + b.x;
  let d = b.y - a.y;
  let f = b.x / n;
  return vec3<f32>(n, a.y + d * f, a.z + b.z + d * d * a.x * f);
}
// Combines the row lanes of each channel lane into lanes[channel lane], always in the same tree order.
fn combineRowLanes(l: vec3<u32>, mine: vec3<f32>) {
  lanes[l.y * CL + l.x] = mine;
  workgroupBarrier();
  for (var stride = RL / 2u; stride > 0u; stride /= 2u) {
    if (l.y < stride) { lanes[l.y * CL + l.x] = chan(lanes[l.y * CL + l.x], lanes[(l.y + stride) * CL + l.x]); }
    workgroupBarrier();
  }
}`;

// Plain sums for the backward (dy's sums have no large common offset to cancel).
const sums = `
var<workgroup> lanes: array<vec2<f32>, ${WORKGROUP}>;
fn combineRowLanes(l: vec3<u32>, mine: vec2<f32>) {
  lanes[l.y * CL + l.x] = mine;
  workgroupBarrier();
  for (var stride = RL / 2u; stride > 0u; stride /= 2u) {
    if (l.y < stride) { lanes[l.y * CL + l.x] += lanes[(l.y + stride) * CL + l.x]; }
    workgroupBarrier();
  }
}`;

/**
 * The end of a partials dispatch: the row lanes' combined `sums` (two components of the lane vector) go to this span's
 * two rows of `partials`, and span 0 copies the per-channel inputs the apply dispatch needs after them (binding them
 * there would pass WebGPU's default of 8 storage buffers per shader).
 */
const storePartials = (sums: [string, string], perChannel: string[]) => `
  combineRowLanes(l, mine);
  if (l.y == 0u && k < u.c) {
    partials[2u * j * u.c + k] = lanes[l.x].${sums[0]};
    partials[(2u * j + 1u) * u.c + k] = lanes[l.x].${sums[1]};
    if (j == 0u) {
      let at = 2u * u.spans * u.c + k;
${perChannel.map((name, i) => `      partials[at + ${i}u * u.c] = ${name}[k];`).join('\n')}
    }
  }
}`;

const entry = `
@compute @workgroup_size(CL, RL)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let k = wg.x * CL + l.x;
  let j = wg.y;
  let first = spanStart(j);
  let end = first + spanRows(j);`;

// Per thread, sums shifted by its first value (so they stay small whatever the mean), turned into (n, mean, M2).
const trainPartialsBody = (lanes: number) => `${prelude(lanes)}${chan}${entry}
  var mine = vec3<f32>(0.0);
  if (k < u.c && first + l.y < end) {
    let shift = x[(first + l.y) * u.c + k];
    var s1 = 0.0;
    var s2 = 0.0;
    var n = 0.0;
    for (var r = first + l.y; r < end; r += RL) {
      let d = x[r * u.c + k] - shift;
      s1 += d;
      s2 += d * d;
      n += 1.0;
    }
    let mean = s1 / n;
    mine = vec3<f32>(n, shift + mean, max(s2 - s1 * mean, 0.0));
  }
${storePartials(['y', 'z'], ['gamma', 'beta', 'runningMean', 'runningVar'])}`;

const trainApplyBody = (lanes: number, residual: boolean, relu: boolean) => `${prelude(lanes)}${chan}
// (mean, γ·rstd, β) of the workgroup's channels.
var<workgroup> coef: array<vec3<f32>, CL>;${entry}
  var mine = vec3<f32>(0.0);
  if (k < u.c) {
    for (var s = l.y; s < u.spans; s += RL) {
      mine = chan(mine, vec3<f32>(f32(spanRows(s)), partials[2u * s * u.c + k], partials[(2u * s + 1u) * u.c + k]));
    }
  }
  combineRowLanes(l, mine);
  if (l.y == 0u && k < u.c) {
    let m = lanes[l.x].y;
    let variance = lanes[l.x].z / f32(u.m);
    let r = 1.0 / sqrt(variance + u.epsilon);
    let at = 2u * u.spans * u.c + k;
    coef[l.x] = vec3<f32>(m, partials[at] * r, partials[at + u.c]);
    if (j == 0u) {
      mean[k] = m;
      rstd[k] = r;
      newRunningMean[k] = partials[at + 2u * u.c] * (1.0 - u.momentum) + m * u.momentum;
      newRunningVar[k] = partials[at + 3u * u.c] * (1.0 - u.momentum) + variance * u.unbias * u.momentum;
    }
  }
  workgroupBarrier();
  if (k >= u.c) { return; }
  let m = coef[l.x].x;
  let scale = coef[l.x].y;
  let b = coef[l.x].z;
  for (var r = first + l.y; r < end; r += RL) {
    let i = r * u.c + k;
    let v = (x[i] - m) * scale + b${residual ? ' + residual[i]' : ''};
    y[i] = ${relu ? 'max(v, 0.0)' : 'v'};
  }
}`;

// dy where the fused ReLU let it through (y > 0), all of dy without one.
const gated = (masked: boolean) => (masked ? 'select(0.0, dy[i], y[i] > 0.0)' : 'dy[i]');

const gradPartialsBody = (lanes: number, masked: boolean) => `${prelude(lanes)}${sums}${entry}
  var mine = vec2<f32>(0.0);
  if (k < u.c) {
    let m = mean[k];
    let r = rstd[k];
    for (var row = first + l.y; row < end; row += RL) {
      let i = row * u.c + k;
      let g = ${gated(masked)};
      mine += vec2<f32>(g, g * (x[i] - m) * r);
    }
  }
${storePartials(['x', 'y'], ['mean', 'rstd', 'gamma'])}`;

// dx = γ·rstd·(g − dβ/m − x̂·dγ/m) with g the gated dy; maskedDy = g (a residual shortcut's gradient) in the same pass.
const gradApplyBody = (lanes: number, masked: boolean, withMaskedDy: boolean) => `${prelude(lanes)}${sums}
// (mean, rstd, γ·rstd) and (dβ/m, dγ/m) of the workgroup's channels.
var<workgroup> norm: array<vec3<f32>, CL>;
var<workgroup> perRow: array<vec2<f32>, CL>;${entry}
  var mine = vec2<f32>(0.0);
  if (k < u.c) {
    for (var s = l.y; s < u.spans; s += RL) {
      mine += vec2<f32>(partials[2u * s * u.c + k], partials[(2u * s + 1u) * u.c + k]);
    }
  }
  combineRowLanes(l, mine);
  if (l.y == 0u && k < u.c) {
    let db = lanes[l.x].x;
    let dg = lanes[l.x].y;
    let at = 2u * u.spans * u.c + k;
    norm[l.x] = vec3<f32>(partials[at], partials[at + u.c], partials[at + 2u * u.c] * partials[at + u.c]);
    perRow[l.x] = vec2<f32>(db / f32(u.m), dg / f32(u.m));
    if (j == 0u) {
      dBeta[k] = db;
      dGamma[k] = dg;
    }
  }
  workgroupBarrier();
  if (k >= u.c) { return; }
  let m = norm[l.x].x;
  let r = norm[l.x].y;
  let gain = norm[l.x].z;
  let db = perRow[l.x].x;
  let dg = perRow[l.x].y;
  for (var row = first + l.y; row < end; row += RL) {
    let i = row * u.c + k;
    let g = ${gated(masked)};
    dx[i] = gain * (g - db - (x[i] - m) * r * dg);${withMaskedDy ? '\n    maskedDy[i] = g;' : ''}
  }
}`;

interface Layout {
  readonly m: number;
  readonly c: number;
  readonly lanes: number;
  readonly spans: number;
  readonly workgroups: [number, number, number];
}

function layoutOf(backend: WebGPUBackend, x: TensorInfo): Layout {
  const c = x.shape[x.shape.length - 1];
  const m = util.sizeFromShape(x.shape) / c;
  const lanes = channelLanes(c);
  const spans = batchNormSpans(m, c);
  const blocks = Math.ceil(c / lanes);
  const limit = backend.device.limits.maxComputeWorkgroupsPerDimension;
  if (blocks > limit) throw new Error(`lt: BatchNorm over ${c} channels needs ${blocks} workgroups along x, over the device's ${limit}`);
  return { m, c, lanes, spans, workgroups: [blocks, spans, 1] };
}

const sizes = ({ m, c, spans }: Layout): Record<string, Uniform> => ({ m: ['u32', m], c: ['u32', c], spans: ['u32', spans] });

/** LtBatchNormTrain: inputs { x, gamma, beta, runningMean, runningVar, residual? }, attrs { epsilon, momentum, relu? } → [y, mean, rstd, runningMean', runningVar'] in 2 dispatches. */
export const batchNormTrain = webgpuKernel(WebGPUKernelName.batchNormTrain, (backend, { x, gamma, beta, runningMean, runningVar, residual }, attrs) => {
  const { epsilon, momentum, relu } = attrs as { epsilon: number; momentum: number; relu?: boolean };
  const layout = layoutOf(backend, x);
  const { m, c, lanes, spans, workgroups } = layout;
  const partials = output(backend, [2 * spans + 4, c]);
  dispatch(backend, {
    name: `${WebGPUKernelName.batchNormTrain}Partials`,
    outputs: { partials },
    inputs: { x, gamma, beta, runningMean, runningVar },
    uniforms: sizes(layout),
    body: trainPartialsBody(lanes),
    workgroups,
  });
  const [y, mean, rstd, newRunningMean, newRunningVar] = [x.shape, [c], [c], [c], [c]].map((shape) => output(backend, shape));
  dispatch(backend, {
    name: WebGPUKernelName.batchNormTrain,
    outputs: { y, mean, rstd, newRunningMean, newRunningVar },
    inputs: { partials, x, ...(residual === undefined ? {} : { residual }) },
    // PyTorch's running_var takes the unbiased variance, var·m/(m − 1).
    uniforms: { ...sizes(layout), epsilon: ['f32', epsilon], momentum: ['f32', momentum], unbias: ['f32', m / (m - 1)] },
    body: trainApplyBody(lanes, residual !== undefined, relu === true),
    workgroups,
  });
  backend.disposeData(partials.dataId);
  return [y, mean, rstd, newRunningMean, newRunningVar];
});

/** LtBatchNormGrad: inputs { dy, x, mean, rstd, gamma, y? }, attrs { withMaskedDy? } → [dx, dGamma, dBeta] (+ dy·[y > 0] with withMaskedDy) in 2 dispatches. */
export const batchNormGrad = webgpuKernel(WebGPUKernelName.batchNormGrad, (backend, { dy, x, mean, rstd, gamma, y }, attrs) => {
  const withMaskedDy = (attrs as { withMaskedDy?: boolean }).withMaskedDy === true;
  if (withMaskedDy && y === undefined) throw new Error(`lt: ${WebGPUKernelName.batchNormGrad}: withMaskedDy needs input y (the fused ReLU's output)`);
  const masked = y !== undefined;
  const layout = layoutOf(backend, x);
  const { c, lanes, spans, workgroups } = layout;
  const mask: Record<string, TensorInfo> = masked ? { y } : {};
  const partials = output(backend, [2 * spans + 3, c]);
  dispatch(backend, {
    name: `${WebGPUKernelName.batchNormGrad}Partials`,
    outputs: { partials },
    inputs: { dy, x, mean, rstd, gamma, ...mask },
    uniforms: sizes(layout),
    body: gradPartialsBody(lanes, masked),
    workgroups,
  });
  const [dx, dGamma, dBeta] = [x.shape, [c], [c]].map((shape) => output(backend, shape));
  const maskedDy = withMaskedDy ? output(backend, x.shape) : undefined;
  dispatch(backend, {
    name: WebGPUKernelName.batchNormGrad,
    outputs: { dx, dGamma, dBeta, ...(maskedDy === undefined ? {} : { maskedDy }) },
    inputs: { partials, dy, x, ...mask },
    uniforms: sizes(layout),
    body: gradApplyBody(lanes, masked, withMaskedDy),
    workgroups,
  });
  backend.disposeData(partials.dataId);
  return maskedDy === undefined ? [dx, dGamma, dBeta] : [dx, dGamma, dBeta, maskedDy];
});

const evalBody = `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (i >= u.size) { return; }
  let k = i % u.c;
  y[i] = (x[i] - runningMean[k]) * (gamma[k] / sqrt(runningVar[k] + u.epsilon)) + beta[k];
}`;

/** LtBatchNormEval: inputs { x, gamma, beta, runningMean, runningVar }, attrs { epsilon } → y on the running statistics in 1 dispatch. */
export const batchNormEval = webgpuKernel(WebGPUKernelName.batchNormEval, (backend, { x, gamma, beta, runningMean, runningVar }, attrs) => {
  const { epsilon } = attrs as { epsilon: number };
  const size = util.sizeFromShape(x.shape);
  const y = output(backend, x.shape);
  dispatch(backend, {
    name: WebGPUKernelName.batchNormEval,
    outputs: { y },
    inputs: { x, gamma, beta, runningMean, runningVar },
    uniforms: { size: ['u32', size], c: ['u32', x.shape[x.shape.length - 1]], epsilon: ['f32', epsilon] },
    body: evalBody,
    workgroups: cover(backend, size, WORKGROUP),
  });
  return y;
});
