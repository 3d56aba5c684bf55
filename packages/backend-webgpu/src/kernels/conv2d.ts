// Convolution as tiled implicit GEMM: no im2col buffer, no padded or transposed copies. Each workgroup computes a
// tile of C = A·B (64×64, or 128×32 and 128×16 when N is narrow; see tileFor), each thread a 4×4 block,
// staging K through workgroup memory 16 at a time. The three kernels differ only in how A, B and C map onto the NHWC
// tensors. All sizes travel as uniforms, so one pipeline per kernel, tile shape and epilogue serves every layer. The
// filter binds as `w` ('filter' is a reserved word in WGSL).
import { cover, dispatch, output, type Uniform } from '../dispatch.js';
import { webgpuKernel } from './kernel.js';
import { WebGPUKernelName } from './names.js';

/** K per staging step. */
const DEPTH = 16;
/** Workgroups the filter gradient aims for (split-K): enough to occupy a large GPU, decided by the shape alone. */
const TARGET_WORKGROUPS = 256;
/** The least K one split of the filter gradient takes, so the partial sums stay a small fraction of the work. */
const MIN_SPLIT_K = 256;

// A type literal, not an interface: it must be comparable with the kernel's Record<string, unknown> attrs.
type ConvAttrs = {
  stride: number;
  padTop: number;
  padLeft: number;
  groups?: number;
};

/** Rows (M) and columns (N) of C per workgroup, and its threads: each computes a 4×4 block. */
interface Tile {
  readonly m: number;
  readonly n: number;
  readonly threads: number;
}

/**
 * The tile for a GEMM of `n` columns: as narrow as 16 so that few channels (ResNet's 16, 32) waste no threads. The
 * narrow tiles stay 128 rows tall, as a taller A tile would pass WebGPU's 16 KiB of workgroup memory.
 */
function tileFor(n: number): Tile {
  if (n <= 16) return { m: 128, n: 16, threads: 128 };
  if (n <= 32) return { m: 128, n: 32, threads: 256 };
  return { m: 64, n: 64, threads: 256 };
}

// Each thread's share of a staging step's loads: A's and B's elements, and the A rows one pass of the threads covers.
const aLoads = (tile: Tile) => (tile.m * DEPTH) / tile.threads;
const bLoads = (tile: Tile) => (tile.n * DEPTH) / tile.threads;
const rowsPerPass = (tile: Tile) => tile.threads / DEPTH;

// Rows padded by one float: the forward's and dx's loads store down K, a row apart from thread to thread, and would
// otherwise all hit one shared-memory bank.
const shared = (tile: Tile) => `
var<workgroup> As: array<array<f32, ${tile.m + 1}>, ${DEPTH}>;
var<workgroup> Bs: array<array<f32, ${tile.n + 1}>, ${DEPTH}>;`;

// The tile product after each staging step; the barriers fence the stores before it and the next step's after it.
// Thread (tx, ty) owns rows ty + m/4·i and columns tx + n/4·j, so a warp's reads and the global stores run consecutive.
const multiply = (tile: Tile) => `
    workgroupBarrier();
    for (var kk = 0; kk < ${DEPTH}; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0; i < 4; i++) {
        a[i] = As[kk][ty + ${tile.m / 4} * i];
        b[i] = Bs[kk][tx + ${tile.n / 4} * i];
      }
      for (var i = 0; i < 4; i++) {
        for (var j = 0; j < 4; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();`;

// Grids are flat tile counts folded over x and y (cover), so the entry point recovers the tile's linear index.
const entry = (tile: Tile) => `
@compute @workgroup_size(${tile.threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let tile = i32(wid.x + wid.y * nwg.x);
  if (tile >= u.tiles) { return; }
  let t = i32(lid);
  let tx = t % ${tile.n / 4};
  let ty = t / ${tile.n / 4};
  // The flat tile index, decoded: M tile, N tile, group, then the kernel's own outer axis (dx's phase, dW's split).
  let mt = tile % u.mTiles;
  let nt = (tile / u.mTiles) % u.nTiles;
  let g = (tile / (u.mTiles * u.nTiles)) % u.groups;
  let outer = tile / (u.mTiles * u.nTiles * u.groups);
  var acc: array<array<f32, 4>, 4>;`;

// y[m, g·cog + o] = Σ_k A[m, k]·B[k, o]: m = (b, oy, ox), k = (ky, kx, c) over group g's cig input channels, so B is
// the filter as stored. A's loads run along k (consecutive channels of one pixel), B's along o.
const forwardBody = (tile: Tile, bias: boolean, residual: boolean, relu: boolean) => `${shared(tile)}
${entry(tile)}
  let M = u.n * u.oh * u.ow;
  let K = u.kh * u.kw * u.cig;
  let ka = t % ${DEPTH};
  var base: array<i32, ${aLoads(tile)}>;
  var top: array<i32, ${aLoads(tile)}>;
  var left: array<i32, ${aLoads(tile)}>;
  for (var i = 0; i < ${aLoads(tile)}; i++) {
    let m = mt * ${tile.m} + t / ${DEPTH} + ${rowsPerPass(tile)} * i;
    let b = m / (u.oh * u.ow);
    let r = m % (u.oh * u.ow);
    base[i] = select(-1, b * u.ih, m < M);
    top[i] = (r / u.ow) * u.stride - u.padTop;
    left[i] = (r % u.ow) * u.stride - u.padLeft;
  }
  let bn = nt * ${tile.n} + t % ${tile.n};
  for (var k0 = 0; k0 < K; k0 += ${DEPTH}) {
    let k = k0 + ka;
    let c = k % u.cig;
    let tap = k / u.cig;
    let ky = tap / u.kw;
    let kx = tap % u.kw;
    for (var i = 0; i < ${aLoads(tile)}; i++) {
      let iy = top[i] + ky;
      let ix = left[i] + kx;
      var v = 0.0;
      if (k < K && base[i] >= 0 && iy >= 0 && iy < u.ih && ix >= 0 && ix < u.iw) {
        v = x[((base[i] + iy) * u.iw + ix) * u.ci + g * u.cig + c];
      }
      As[ka][t / ${DEPTH} + ${rowsPerPass(tile)} * i] = v;
    }
    for (var i = 0; i < ${bLoads(tile)}; i++) {
      let kb = t / ${tile.n} + ${tile.threads / tile.n} * i;
      var v = 0.0;
      if (k0 + kb < K && bn < u.cog) { v = w[(k0 + kb) * u.co + g * u.cog + bn]; }
      Bs[kb][t % ${tile.n}] = v;
    }
${multiply(tile)}
  }
  for (var i = 0; i < 4; i++) {
    let m = mt * ${tile.m} + ty + ${tile.m / 4} * i;
    for (var j = 0; j < 4; j++) {
      let o = nt * ${tile.n} + tx + ${tile.n / 4} * j;
      if (m < M && o < u.cog) {
        var v = acc[i][j]${bias ? ' + bias[g * u.cog + o]' : ''};
        ${residual ? 'v = v + residual[m * u.co + g * u.cog + o];' : ''}
        ${relu ? 'v = max(v, 0.0);' : ''}
        y[m * u.co + g * u.cog + o] = v;
      }
    }
  }
}`;

// dx[b, y, x, g·cig + c] = Σ dy[b, oy, ox, g·cog + o]·W[ky, kx, c, g·cog + o] over y + padTop = oy·stride + ky. The
// pixels split into stride² phases by (y + padTop) mod stride and (x + padLeft) mod stride; within a phase only the
// taps ky ≡ (y + padTop) mod stride contribute, so each phase is a dense GEMM over its own taps (none skipped at run
// time): M = the phase's pixels, N = cig, K = its taps × cog. A phase with no taps writes zeros.
const inputGradBody = (tile: Tile) => `${shared(tile)}
${entry(tile)}
  let phase = outer;
  let s = u.stride;
  let ry = phase / s;
  let rx = phase % s;
  let y0 = ((ry - u.padTop) % s + s) % s;
  let x0 = ((rx - u.padLeft) % s + s) % s;
  let hp = select(0, (u.ih - y0 + s - 1) / s, u.ih > y0);
  let wp = select(0, (u.iw - x0 + s - 1) / s, u.iw > x0);
  let khp = select(0, (u.kh - ry + s - 1) / s, u.kh > ry);
  let kwp = select(0, (u.kw - rx + s - 1) / s, u.kw > rx);
  let M = u.n * hp * wp;
  if (mt * ${tile.m} >= M) { return; }
  let K = khp * kwp * u.cog;
  let ka = t % ${DEPTH};
  var base: array<i32, ${aLoads(tile)}>;
  var oy0: array<i32, ${aLoads(tile)}>;
  var ox0: array<i32, ${aLoads(tile)}>;
  for (var i = 0; i < ${aLoads(tile)}; i++) {
    let m = mt * ${tile.m} + t / ${DEPTH} + ${rowsPerPass(tile)} * i;
    let r = m % (hp * wp);
    base[i] = select(-1, (m / (hp * wp)) * u.oh, m < M);
    oy0[i] = (y0 + (r / wp) * s + u.padTop - ry) / s;
    ox0[i] = (x0 + (r % wp) * s + u.padLeft - rx) / s;
  }
  for (var k0 = 0; k0 < K; k0 += ${DEPTH}) {
    let k = k0 + ka;
    let o = k % u.cog;
    let tap = k / u.cog;
    let jy = tap / max(kwp, 1);
    let jx = tap % max(kwp, 1);
    for (var i = 0; i < ${aLoads(tile)}; i++) {
      let oy = oy0[i] - jy;
      let ox = ox0[i] - jx;
      var v = 0.0;
      if (k < K && base[i] >= 0 && oy >= 0 && oy < u.oh && ox >= 0 && ox < u.ow) {
        v = dy[((base[i] + oy) * u.ow + ox) * u.co + g * u.cog + o];
      }
      As[ka][t / ${DEPTH} + ${rowsPerPass(tile)} * i] = v;
    }
    let tap0 = ((ry + jy * s) * u.kw + rx + jx * s) * u.cig;
    for (var i = 0; i < ${bLoads(tile)}; i++) {
      let c = nt * ${tile.n} + t / ${DEPTH} + ${rowsPerPass(tile)} * i;
      var v = 0.0;
      if (k < K && c < u.cig) { v = w[(tap0 + c) * u.co + g * u.cog + o]; }
      Bs[ka][t / ${DEPTH} + ${rowsPerPass(tile)} * i] = v;
    }
${multiply(tile)}
  }
  for (var i = 0; i < 4; i++) {
    let m = mt * ${tile.m} + ty + ${tile.m / 4} * i;
    if (m >= M) { continue; }
    let r = m % (hp * wp);
    let pixel = ((m / (hp * wp)) * u.ih + y0 + (r / wp) * s) * u.iw + x0 + (r % wp) * s;
    for (var j = 0; j < 4; j++) {
      let c = nt * ${tile.n} + tx + ${tile.n / 4} * j;
      if (c < u.cig) { dx[pixel * u.ci + g * u.cig + c] = acc[i][j]; }
    }
  }
}`;

// dW[ky, kx, c, g·cog + o] = Σ_k A[m, k]·B[k, o]: m = (ky, kx, c), k = (b, oy, ox), B = dy as stored. K is every
// output pixel of the batch, so it is split across workgroups (split-K); split s writes its sums to dw[s].
const filterGradBody = (tile: Tile) => `${shared(tile)}
${entry(tile)}
  let split = outer;
  let M = u.kh * u.kw * u.cig;
  let K = u.n * u.oh * u.ow;
  let kBegin = split * u.splitK;
  let kEnd = min(K, kBegin + u.splitK);
  let am = mt * ${tile.m} + t % ${tile.m};
  let c = am % u.cig;
  let tap = am / u.cig;
  let offY = tap / u.kw - u.padTop;
  let offX = tap % u.kw - u.padLeft;
  let bn = nt * ${tile.n} + t % ${tile.n};
  for (var k0 = kBegin; k0 < kEnd; k0 += ${DEPTH}) {
    for (var i = 0; i < ${aLoads(tile)}; i++) {
      let kk = t / ${tile.m} + ${tile.threads / tile.m} * i;
      let k = k0 + kk;
      let r = k % (u.oh * u.ow);
      let iy = (r / u.ow) * u.stride + offY;
      let ix = (r % u.ow) * u.stride + offX;
      var v = 0.0;
      if (k < kEnd && am < M && iy >= 0 && iy < u.ih && ix >= 0 && ix < u.iw) {
        v = x[(((k / (u.oh * u.ow)) * u.ih + iy) * u.iw + ix) * u.ci + g * u.cig + c];
      }
      As[kk][t % ${tile.m}] = v;
    }
    for (var i = 0; i < ${bLoads(tile)}; i++) {
      let kk = t / ${tile.n} + ${tile.threads / tile.n} * i;
      let k = k0 + kk;
      var d = 0.0;
      if (k < kEnd && bn < u.cog) { d = dy[k * u.co + g * u.cog + bn]; }
      Bs[kk][t % ${tile.n}] = d;
    }
${multiply(tile)}
  }
  for (var i = 0; i < 4; i++) {
    let m = mt * ${tile.m} + ty + ${tile.m / 4} * i;
    for (var j = 0; j < 4; j++) {
      let o = nt * ${tile.n} + tx + ${tile.n / 4} * j;
      if (m < M && o < u.cog) { dw[split * M * u.co + m * u.co + g * u.cog + o] = acc[i][j]; }
    }
  }
}`;

// The splits summed in split order, so the result does not depend on scheduling.
const REDUCE = 256;
const reduceBody = `
@compute @workgroup_size(${REDUCE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${REDUCE}u;
  if (i >= u.size) { return; }
  var sum = 0.0;
  for (var s = 0u; s < u.splits; s++) { sum += partial[s * u.size + i]; }
  dw[i] = sum;
}`;

const ceil = (a: number, b: number) => Math.ceil(a / b);

function groupsOf(attrs: ConvAttrs, ci: number, co: number): number {
  const groups = attrs.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || ci % groups !== 0 || co % groups !== 0) {
    throw new Error(`lt: conv2d groups ${groups} must divide both ${ci} input and ${co} output channels`);
  }
  return groups;
}

// The kernels index the filter from x's and dy's channel counts, so a filter of another shape would read out of place.
function checkFilter(shape: readonly number[], cig: number, co: number): void {
  if (shape[2] !== cig || shape[3] !== co) throw new Error(`lt: conv2d filter [${shape.join(', ')}] does not fit ${cig} input channels per group and ${co} outputs`);
}

function geometry(x: readonly number[], f: readonly number[], y: readonly number[], attrs: ConvAttrs, groups: number): Record<string, Uniform> {
  const [n, ih, iw, ci] = x;
  const [kh, kw] = f;
  const [, oh, ow, co] = y;
  const i32 = (v: number): Uniform => ['i32', v];
  return {
    n: i32(n), ih: i32(ih), iw: i32(iw), ci: i32(ci), oh: i32(oh), ow: i32(ow), co: i32(co), kh: i32(kh), kw: i32(kw),
    stride: i32(attrs.stride), padTop: i32(attrs.padTop), padLeft: i32(attrs.padLeft),
    groups: i32(groups), cig: i32(ci / groups), cog: i32(co / groups),
  };
}

/**
 * LtConv2D: inputs { x, filter, bias?, residual? }, attrs { outShape, stride, padTop, padLeft, relu?, groups? } →
 * y = act(conv + bias + residual) in one dispatch.
 */
export const conv2D = webgpuKernel(WebGPUKernelName.conv2D, (backend, { x, filter, bias, residual }, attrs) => {
  const a = attrs as ConvAttrs & { outShape: [number, number, number, number]; relu?: boolean };
  const [n, oh, ow, co] = a.outShape;
  const groups = groupsOf(a, x.shape[3], co);
  checkFilter(filter.shape, x.shape[3] / groups, co);
  const tile = tileFor(co / groups);
  const mTiles = ceil(n * oh * ow, tile.m);
  const nTiles = ceil(co / groups, tile.n);
  const tiles = mTiles * nTiles * groups;
  if (residual !== undefined && residual.shape.join() !== a.outShape.join()) {
    throw new Error(`lt: the residual [${residual.shape.join(', ')}] of ${WebGPUKernelName.conv2D} must have its output's shape [${a.outShape.join(', ')}]`);
  }
  const y = output(backend, a.outShape);
  dispatch(backend, {
    name: WebGPUKernelName.conv2D,
    outputs: { y },
    inputs: { x, w: filter, ...(bias === undefined ? {} : { bias }), ...(residual === undefined ? {} : { residual }) },
    uniforms: { ...geometry(x.shape, filter.shape, a.outShape, a, groups), mTiles: ['i32', mTiles], nTiles: ['i32', nTiles], tiles: ['i32', tiles] },
    body: forwardBody(tile, bias !== undefined, residual !== undefined, a.relu === true),
    workgroups: cover(backend, tiles, 1),
  });
  return y;
});

/** LtConv2DInputGrad: inputs { dy, filter }, attrs { xShape, stride, padTop, padLeft, groups? } → dx in one dispatch. */
export const conv2DInputGrad = webgpuKernel(WebGPUKernelName.conv2DInputGrad, (backend, { dy, filter }, attrs) => {
  const a = attrs as ConvAttrs & { xShape: [number, number, number, number] };
  const [n, ih, iw, ci] = a.xShape;
  const groups = groupsOf(a, ci, dy.shape[3]);
  checkFilter(filter.shape, ci / groups, dy.shape[3]);
  const s = a.stride;
  // Tiles for the largest phase; workgroups past a smaller phase's pixels return at once.
  const tile = tileFor(ci / groups);
  const mTiles = ceil(n * ceil(ih, s) * ceil(iw, s), tile.m);
  const nTiles = ceil(ci / groups, tile.n);
  const tiles = mTiles * nTiles * groups * s * s;
  const dx = output(backend, a.xShape);
  dispatch(backend, {
    name: WebGPUKernelName.conv2DInputGrad,
    outputs: { dx },
    inputs: { dy, w: filter },
    uniforms: { ...geometry(a.xShape, filter.shape, dy.shape, a, groups), mTiles: ['i32', mTiles], nTiles: ['i32', nTiles], tiles: ['i32', tiles] },
    body: inputGradBody(tile),
    workgroups: cover(backend, tiles, 1),
  });
  return dx;
});

/** Splits of K = n·oh·ow for the filter gradient: from the shape alone, so results do not depend on the device. */
export function filterGradSplits(tiles: number, k: number): { splits: number; splitK: number } {
  const wanted = Math.max(1, Math.min(ceil(TARGET_WORKGROUPS, tiles), Math.floor(k / MIN_SPLIT_K)));
  const splitK = ceil(ceil(k, wanted), DEPTH) * DEPTH;
  return { splits: ceil(k, splitK), splitK };
}

/** LtConv2DFilterGrad: inputs { x, dy }, attrs { filterShape, stride, padTop, padLeft, groups? } → dW in at most two dispatches. */
export const conv2DFilterGrad = webgpuKernel(WebGPUKernelName.conv2DFilterGrad, (backend, { x, dy }, attrs) => {
  const a = attrs as ConvAttrs & { filterShape: [number, number, number, number] };
  const [kh, kw, cig, co] = a.filterShape;
  const groups = groupsOf(a, x.shape[3], co);
  const [n, oh, ow] = dy.shape;
  const tile = tileFor(co / groups);
  const mTiles = ceil(kh * kw * cig, tile.m);
  const nTiles = ceil(co / groups, tile.n);
  const { splits, splitK } = filterGradSplits(mTiles * nTiles * groups, n * oh * ow);
  const size = kh * kw * cig * co;
  const dw = output(backend, a.filterShape);
  const partial = splits === 1 ? dw : output(backend, [splits, size]);
  const tiles = mTiles * nTiles * groups * splits;
  const uniforms = { ...geometry(x.shape, a.filterShape, dy.shape, a, groups), mTiles: ['i32', mTiles], nTiles: ['i32', nTiles], tiles: ['i32', tiles], splitK: ['i32', splitK] } as const;
  dispatch(backend, { name: WebGPUKernelName.conv2DFilterGrad, outputs: { dw: partial }, inputs: { x, dy }, uniforms, body: filterGradBody(tile), workgroups: cover(backend, tiles, 1) });
  if (partial !== dw) {
    dispatch(backend, {
      name: `${WebGPUKernelName.conv2DFilterGrad}Sum`,
      outputs: { dw },
      inputs: { partial },
      uniforms: { size: ['u32', size], splits: ['u32', splits] },
      body: reduceBody,
      workgroups: cover(backend, size, REDUCE),
    });
    // The engine never saw the partial sums; the backend frees them once the dispatches queued on them are submitted.
    backend.disposeData(partial.dataId);
  }
  return dw;
});
