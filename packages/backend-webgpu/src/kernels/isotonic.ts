// Weighted isotonic regression (PAVA, ALGORITHMS.md F2) and its gradient as WGSL, for SAMN's per-class vectors
// (n ≤ a few 10,000 values): the fit is inherently sequential, so one thread runs @lt/samn's stack algorithm
// (fitBlocks) and the workgroup then writes the per-element results in parallel. Both read the values in the
// optional `order` (sorted position → element index), so callers need no gather or scatter. Indices travel as f32,
// exact up to 2^24 values. WGSL has no f64: sums are f32 where fitBlocks sums in float64, so a float64 tie between
// block means closer than f32 rounding may pool differently; ties of exactly representable sums compare exactly.
import { type TensorInfo } from '@tensorflow/tfjs-core';
import { cover, dispatch, output } from '../dispatch.js';
import { webgpuKernel } from './kernel.js';
import { WebGPUKernelName } from './names.js';

const WORKGROUP = 256;

// The element at sorted position p, and the weight of that position.
const access = (ordered: boolean, weighted: boolean) => `
fn at(p: u32) -> u32 { return ${ordered ? 'u32(order[p])' : 'p'}; }
fn weight(p: u32) -> f32 { return ${weighted ? 'weights[p]' : '1.0'}; }`;

// fitBlocks: each value becomes the current block, which absorbs stack tops while their mean is strictly greater
// (equal neighbours stay apart). Means are compared cross-multiplied (weights are > 0): WGSL's f32 division may be
// 2.5 ULP off, which could split or join equal means; products of small sums are exact. The stack is (Σwy, Σw, first sorted position) per block. Then each thread finds its
// positions' blocks by binary search over the blocks' first positions.
const fitBody = (ordered: boolean, weighted: boolean) => `${access(ordered, weighted)}
var<workgroup> blockCount: u32;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(local_invocation_index) t: u32) {
  if (t == 0u) {
    var top = 0u;
    for (var i = 0u; i < u.n; i++) {
      var sumWY = weight(i) * x[at(i)];
      var sumW = weight(i);
      var first = i;
      while (top > 0u && stack[3u * top - 3u] * sumW > sumWY * stack[3u * top - 2u]) {
        top--;
        sumWY += stack[3u * top];
        sumW += stack[3u * top + 1u];
        first = u32(stack[3u * top + 2u]);
      }
      stack[3u * top] = sumWY;
      stack[3u * top + 1u] = sumW;
      stack[3u * top + 2u] = f32(first);
      top++;
    }
    blockCount = top;
  }
  storageBarrier();
  workgroupBarrier();
  let blocks = blockCount;
  for (var p = t; p < u.n; p += ${WORKGROUP}u) {
    var lo = 0u;
    var hi = blocks - 1u;
    while (lo < hi) {
      let mid = (lo + hi + 1u) / 2u;
      if (u32(stack[3u * mid + 2u]) <= p) { lo = mid; } else { hi = mid - 1u; }
    }
    let k = at(p);
    fitted[k] = stack[3u * lo] / stack[3u * lo + 1u];
    blockStart[k] = stack[3u * lo + 2u];
    blockEnd[k] = select(f32(u.n), stack[3u * lo + 5u], lo + 1u < blocks);
  }
}`;

// blockAverage: sorted position p of block B gets (w_p / W_B)·Σ_{i∈B} dy_i, each thread summing its own block in
// sorted order (as blockAverage does), so a block of size b costs b steps on each of its b threads.
const gradBody = (ordered: boolean, weighted: boolean) => `${access(ordered, weighted)}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (p >= u.n) { return; }
  let k = at(p);
  var total = 0.0;
  var weightSum = 0.0;
  for (var i = u32(blockStart[k]); i < u32(blockEnd[k]); i++) {
    total += dy[at(i)];
    weightSum += weight(i);
  }
  dx[k] = (weight(p) / weightSum) * total;
}`;

const optional = (order: TensorInfo | undefined, weights: TensorInfo | undefined): Record<string, TensorInfo> => ({
  ...(order === undefined ? {} : { order }),
  ...(weights === undefined ? {} : { weights }),
});

/**
 * LtIsotonic: inputs { x [n], order? [n] (sorted position → index, as f32), weights? [n] (> 0, one per sorted position, as @lt/samn's fit takes them) } → [fitted,
 * blockStart, blockEnd], each [n] in x's index order; element k's block is sorted positions [blockStart[k],
 * blockEnd[k]). One dispatch of one workgroup.
 */
export const isotonic = webgpuKernel(WebGPUKernelName.isotonic, (backend, { x, order, weights }) => {
  const n = x.shape[0];
  const [fitted, blockStart, blockEnd] = [0, 1, 2].map(() => output(backend, [n]));
  const stack = output(backend, [3 * n]);
  dispatch(backend, {
    name: WebGPUKernelName.isotonic,
    outputs: { fitted, blockStart, blockEnd, stack },
    inputs: { x, ...optional(order, weights) },
    uniforms: { n: ['u32', n] },
    body: fitBody(order !== undefined, weights !== undefined),
    workgroups: [1, 1, 1],
  });
  backend.disposeData(stack.dataId);
  return [fitted, blockStart, blockEnd];
});

/** LtIsotonicGrad: inputs { dy, blockStart, blockEnd, order?, weights? } (as LtIsotonic's) → dx [n] in one dispatch. */
export const isotonicGrad = webgpuKernel(WebGPUKernelName.isotonicGrad, (backend, { dy, blockStart, blockEnd, order, weights }) => {
  const n = dy.shape[0];
  const dx = output(backend, [n]);
  dispatch(backend, {
    name: WebGPUKernelName.isotonicGrad,
    outputs: { dx },
    inputs: { dy, blockStart, blockEnd, ...optional(order, weights) },
    uniforms: { n: ['u32', n] },
    body: gradBody(order !== undefined, weights !== undefined),
    workgroups: cover(backend, n, WORKGROUP),
  });
  return dx;
});
