// lt's training kernels for the wasm backend, compiled to wasm32 + SIMD128 by scripts/build-wasm-kernels.sh.
// The module imports tfjs-backend-wasm's own memory and works on tensors where they lie (pointers are byte
// offsets from BackendWasm.getMemoryOffset). It must never touch memory it was not handed: no data segment, no
// stack, no globals (the build script checks the disassembly), because the memory belongs to emscripten.
// Reductions accumulate in double in caller-provided scratch, so long sums do not lose float precision.
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

// MADD(a, b, c) = a·b + c in the convolutions' inner loops. The build script compiles this file twice: plainly, where
// it is a separate multiply and add (-ffp-contract=off keeps them unfused), and with LT_FMA and relaxed SIMD, where it
// is f32x4.relaxed_madd: one instruction instead of two on CPUs with FMA, which frees issue slots for the loads and
// shuffles beside it and, where multiplies and adds share the same two ports, doubles the arithmetic peak. clang 14
// names the instruction __builtin_wasm_fma_f32x4 and encodes it with the proposal's early opcode; the build script
// re-encodes it as the standard one (same length, same operand order).
#ifdef LT_FMA
typedef float lt_f32x4 __attribute__((__vector_size__(16)));
#define MADD(a, b, c) ((v128_t)__builtin_wasm_fma_f32x4((lt_f32x4)(a), (lt_f32x4)(b), (lt_f32x4)(c)))
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul(a, b), c)
#endif

// buf <- first ? d : momentum*buf + d with d = g + wd*p; p <- p - lr*buf (PyTorch's SGD, in tfjs's op order).
EXPORT(sgd_momentum)
void sgd_momentum(const float *p, const float *g, const float *buf, float *p_out, float *buf_out, int n, float lr,
                  float momentum, float wd, int first) {
  int i = 0;
  v128_t vlr = wasm_f32x4_splat(lr), vm = wasm_f32x4_splat(momentum), vwd = wasm_f32x4_splat(wd);
  for (; i + 4 <= n; i += 4) {
    v128_t vp = wasm_v128_load(p + i);
    v128_t d = wasm_f32x4_add(wasm_v128_load(g + i), wasm_f32x4_mul(vp, vwd));
    v128_t b = first ? d : wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(buf + i), vm), d);
    wasm_v128_store(buf_out + i, b);
    wasm_v128_store(p_out + i, wasm_f32x4_sub(vp, wasm_f32x4_mul(b, vlr)));
  }
  for (; i < n; i++) {
    float d = g[i] + p[i] * wd;
    float b = first ? d : buf[i] * momentum + d;
    buf_out[i] = b;
    p_out[i] = p[i] - b * lr;
  }
}

// Adds each of m rows of c floats into acc[0..c) and, into acc[c..2c), Σ a·(b − shift)·scale (dy·x̂ for the
// gradient) or, when b is null, Σ a² (for the statistics), as doubles. With `mask`, a counts only where mask > 0
// (the gradient of a ReLU fused after the BatchNorm, whose output is the mask).
static void accumulate_rows(const float *a, const float *b, const float *shift, const float *scale, const float *mask,
                            int m, int c, double *acc) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int r = 0; r < m; r++) {
    const float *ar = a + (long)r * c;
    const float *br = b ? b + (long)r * c : 0;
    const float *mr = mask ? mask + (long)r * c : 0;
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t va = wasm_v128_load(ar + k);
      if (mr) va = wasm_v128_and(va, wasm_f32x4_gt(wasm_v128_load(mr + k), zero));
      v128_t second = br ? wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(br + k), wasm_v128_load(shift + k)), wasm_v128_load(scale + k)) : va;
      v128_t prod = wasm_f32x4_mul(va, second);
      double *s = acc + k, *q = acc + c + k;
      wasm_v128_store(s, wasm_f64x2_add(wasm_v128_load(s), wasm_f64x2_promote_low_f32x4(va)));
      wasm_v128_store(s + 2, wasm_f64x2_add(wasm_v128_load(s + 2),
                                            wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(va, va, 2, 3, 0, 1))));
      wasm_v128_store(q, wasm_f64x2_add(wasm_v128_load(q), wasm_f64x2_promote_low_f32x4(prod)));
      wasm_v128_store(q + 2, wasm_f64x2_add(wasm_v128_load(q + 2),
                                            wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(prod, prod, 2, 3, 0, 1))));
    }
    for (; k < c; k++) {
      float ak = mr && !(mr[k] > 0.0f) ? 0.0f : ar[k];
      acc[k] += ak;
      acc[c + k] += (double)(ak * (br ? (br[k] - shift[k]) * scale[k] : ak));
    }
  }
}

// BatchNorm's reductions cut the m rows into this many fixed spans, whatever the thread count, and add the spans'
// sums in span order: threads take whole spans, so 1 and N threads give bit-identical results. 64 so that up to 64
// threads each get a share of the reduction.
#define BN_SPANS 64

// For spans [span_begin, span_end) of the m rows: partials[j·2c ..) = accumulate_rows over span j (see there).
EXPORT(batch_norm_partials)
void batch_norm_partials(const float *a, const float *b, const float *shift, const float *scale, const float *mask,
                         int m, int c, int span_begin, int span_end, double *partials) {
  for (int j = span_begin; j < span_end; j++) {
    long r0 = (long)m * j / BN_SPANS, r1 = (long)m * (j + 1) / BN_SPANS;
    double *acc = partials + (long)j * 2 * c;
    for (int k = 0; k < 2 * c; k++) acc[k] = 0.0;
    accumulate_rows(a + r0 * c, b ? b + r0 * c : 0, shift, scale, mask ? mask + r0 * c : 0, (int)(r1 - r0), c, acc);
  }
}

// The spans' partial sums added in span order into partials[0..2c).
static void sum_partials(double *partials, int c) {
  for (int j = 1; j < BN_SPANS; j++)
    for (int k = 0; k < 2 * c; k++) partials[k] += partials[(long)j * 2 * c + k];
}

// out[r, k] = a[r, k]·mul[k] + add[k] (+ b[r, k]·mul2[k] when b is non-null; + b[r, k] when mul2 is null) for rows
// [row_begin, row_end) of c channels: the elementwise half of BatchNorm's forward (y = x·scale + shift, plus a
// residual block's shortcut when fused) and backward (dx below). With `mask`,
// a counts only where mask > 0 (a fused ReLU's gradient); with `relu`, out = max(·, 0) (the fused ReLU itself).
EXPORT(batch_norm_apply)
void batch_norm_apply(const float *a, const float *mask, const float *mul, const float *add, const float *b,
                      const float *mul2, int relu, int c, int row_begin, int row_end, float *out) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int r = row_begin; r < row_end; r++) {
    const float *ar = a + (long)r * c;
    const float *mr = mask ? mask + (long)r * c : 0;
    const float *brow = b ? b + (long)r * c : 0;
    float *o = out + (long)r * c;
    int k = 0;
    for (; k + 4 <= c; k += 4) {
      v128_t va = wasm_v128_load(ar + k);
      if (mr) va = wasm_v128_and(va, wasm_f32x4_gt(wasm_v128_load(mr + k), zero));
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(va, wasm_v128_load(mul + k)), wasm_v128_load(add + k));
      if (brow) v = wasm_f32x4_add(v, mul2 ? wasm_f32x4_mul(wasm_v128_load(brow + k), wasm_v128_load(mul2 + k)) : wasm_v128_load(brow + k));
      wasm_v128_store(o + k, relu ? wasm_f32x4_max(v, zero) : v);
    }
    for (; k < c; k++) {
      float ak = mr && !(mr[k] > 0.0f) ? 0.0f : ar[k];
      float v = ak * mul[k] + add[k] + (brow ? (mul2 ? brow[k] * mul2[k] : brow[k]) : 0.0f);
      o[k] = relu && v < 0.0f ? 0.0f : v;
    }
  }
}

// Train-mode statistics from batch_norm_partials(x, 0, …): mean, rstd, the running-statistics update (PyTorch's
// semantics: running_var takes the unbiased variance) and coef = [scale (c), shift (c)] for y = x·scale + shift.
EXPORT(batch_norm_train_stats)
void batch_norm_train_stats(double *partials, const float *gamma, const float *beta, const float *running_mean,
                            const float *running_var, int m, int c, float eps, float momentum, float *mean, float *rstd,
                            float *new_mean, float *new_var, float *coef) {
  sum_partials(partials, c);
  float unbias = (float)((double)m / (m - 1));
  for (int k = 0; k < c; k++) {
    double mu = partials[k] / m, v = partials[c + k] / m - mu * mu;
    float var = (float)(v > 0 ? v : 0);
    mean[k] = (float)mu;
    rstd[k] = (float)(1.0 / __builtin_sqrt((double)(var + eps)));
    coef[k] = gamma[k] * rstd[k];
    coef[c + k] = beta[k] - mean[k] * coef[k];
    new_mean[k] = running_mean[k] * (1 - momentum) + mean[k] * momentum;
    new_var[k] = running_var[k] * (1 - momentum) + var * unbias * momentum;
  }
}

// Eval-mode BatchNorm of x [m, c] on running statistics: y = x·scale + shift with scale = γ/√(running_var + ε) and
// shift = β − running_mean·scale (as batchNorm.ts computes them). `scratch` holds 2c floats.
EXPORT(batch_norm_eval)
void batch_norm_eval(const float *x, const float *gamma, const float *beta, const float *running_mean,
                     const float *running_var, int m, int c, float eps, float *y, float *scratch) {
  float *scale = scratch, *shift = scratch + c;
  for (int k = 0; k < c; k++) {
    scale[k] = gamma[k] * (float)(1.0 / __builtin_sqrt((double)(running_var[k] + eps)));
    shift[k] = beta[k] - running_mean[k] * scale[k];
  }
  batch_norm_apply(x, 0, scale, shift, 0, 0, 0, c, 0, m, y);
}

// Closed-form BatchNorm backward (see batchNorm.ts) from batch_norm_partials(dy, x, mean, rstd, …): dβ = Σ dy,
// dγ = Σ dy·x̂ and, with x̂ = (x − mean)·rstd folded into per-channel constants, dx = dy·gain + x·per_x + offset:
// coef = [gain (c), per_x (c), offset (c)].
EXPORT(batch_norm_grad_coefficients)
void batch_norm_grad_coefficients(double *partials, const float *mean, const float *rstd, const float *gamma, int m,
                                  int c, float *dgamma, float *dbeta, float *coef) {
  sum_partials(partials, c);
  float *gain = coef, *per_x = coef + c, *offset = coef + 2 * c;
  for (int k = 0; k < c; k++) {
    dbeta[k] = (float)partials[k];
    dgamma[k] = (float)partials[c + k];
    gain[k] = gamma[k] * rstd[k];
    per_x[k] = gain[k] * (dgamma[k] / -(float)m) * rstd[k];
    offset[k] = gain[k] * (dbeta[k] / -(float)m) - per_x[k] * mean[k];
  }
}

// One register tile of the filter gradient: `rows` input channels (1 or 4) × `vecs` groups of 4 output channels
// (1 or 2), accumulated over output rows [oh0, oh1) and columns [ow0, ow1) of one image.
static inline __attribute__((always_inline)) void filter_tile(const float *x, const float *dy, float *dw, int rows,
                                                              int vecs, int ih_size, int iw_size, int ci, int ow_size,
                                                              int co, int stride, int row_off, int col_off, int oh0,
                                                              int oh1, int ow0, int ow1) {
  v128_t acc[4][2];
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < vecs; j++) acc[i][j] = wasm_v128_load(dw + i * co + 4 * j);
  for (int oh = oh0; oh < oh1; oh++) {
    int ih = oh * stride + row_off;
    if (ih < 0 || ih >= ih_size) continue;
    const float *xr = x + (long)ih * iw_size * ci;
    const float *dyr = dy + (long)oh * ow_size * co;
    for (int ow = ow0; ow < ow1; ow++) {
      const float *xp = xr + (long)(ow * stride + col_off) * ci;
      v128_t d[2];
      for (int j = 0; j < vecs; j++) d[j] = wasm_v128_load(dyr + (long)ow * co + 4 * j);
      v128_t xv = rows == 4 ? wasm_v128_load(xp) : wasm_v128_load32_splat(xp);
      for (int i = 0; i < rows; i++) {
        v128_t s = i == 0 ? wasm_i32x4_shuffle(xv, xv, 0, 0, 0, 0)
                   : i == 1 ? wasm_i32x4_shuffle(xv, xv, 1, 1, 1, 1)
                   : i == 2 ? wasm_i32x4_shuffle(xv, xv, 2, 2, 2, 2)
                            : wasm_i32x4_shuffle(xv, xv, 3, 3, 3, 3);
        for (int j = 0; j < vecs; j++) acc[i][j] = MADD(s, d[j], acc[i][j]);
      }
    }
  }
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < vecs; j++) wasm_v128_store(dw + i * co + 4 * j, acc[i][j]);
}

// The tiles of `rows` input channels over output channels [co_begin, co_vec): 8 at a time, then 4.
static inline __attribute__((always_inline)) void filter_tiles(const float *x, const float *dy, float *dw, int rows,
                                                               int ih_size, int iw_size, int ci, int ow_size, int co,
                                                               int stride, int row_off, int col_off, int oh0, int oh1,
                                                               int ow0, int ow1, int co_begin, int co_vec) {
  int o = co_begin;
  for (; o + 8 <= co_vec; o += 8)
    filter_tile(x, dy + o, dw + o, rows, 2, ih_size, iw_size, ci, ow_size, co, stride, row_off, col_off, oh0, oh1, ow0,
                ow1);
  for (; o < co_vec; o += 4)
    filter_tile(x, dy + o, dw + o, rows, 1, ih_size, iw_size, ci, ow_size, co, stride, row_off, col_off, oh0, oh1, ow0,
                ow1);
}

// dW[a, b, i, o] = Σ_{n,h,w} x[n, h·s + a − pad_top, w·s + b − pad_left, i] · dy[n, h, w, o] (NHWC, zero padding),
// with x [n, ih, iw, ci], dy [n, oh, ow, co], dw [kh, kw, ci, co], for output channels [co_begin, co_end) only (so
// threads can share the work; each value is summed in the same order whatever the split). Output rows are taken in chunks of about 128
// positions so the slices of x and dy a chunk reads stay in cache across all (a, b, i, o) tiles.
EXPORT(conv2d_filter_grad)
void conv2d_filter_grad(const float *x, const float *dy, float *dw, int n, int ih, int iw, int ci, int oh, int ow,
                        int co, int kh, int kw, int stride, int pad_top, int pad_left, int co_begin, int co_end) {
  for (long r = 0; r < (long)kh * kw * ci; r++)
    for (int o = co_begin; o < co_end; o++) dw[r * co + o] = 0.0f;
  int chunk = ow >= 128 ? 1 : 128 / ow;
  int co_vec = co_begin + ((co_end - co_begin) & ~3);
  for (int b = 0; b < n; b++) {
    const float *xb = x + (long)b * ih * iw * ci;
    const float *dyb = dy + (long)b * oh * ow * co;
    for (int oh0 = 0; oh0 < oh; oh0 += chunk) {
      int oh1 = oh0 + chunk < oh ? oh0 + chunk : oh;
      for (int a = 0; a < kh; a++) {
        for (int q = 0; q < kw; q++) {
          int col_off = q - pad_left;
          // Output columns whose input column lies inside the image: 0 ≤ w·s + col_off < iw.
          int ow0 = col_off >= 0 ? 0 : (-col_off + stride - 1) / stride;
          int ow1 = iw - col_off <= 0 ? 0 : (iw - col_off + stride - 1) / stride;
          if (ow1 > ow) ow1 = ow;
          if (ow0 >= ow1) continue;
          float *dwab = dw + (long)(a * kw + q) * ci * co;
          int i = 0;
          for (; i + 4 <= ci; i += 4)
            filter_tiles(xb + i, dyb, dwab + i * co, 4, ih, iw, ci, ow, co, stride, a - pad_top, col_off, oh0, oh1, ow0,
                         ow1, co_begin, co_vec);
          for (; i < ci; i++)
            filter_tiles(xb + i, dyb, dwab + i * co, 1, ih, iw, ci, ow, co, stride, a - pad_top, col_off, oh0, oh1, ow0,
                         ow1, co_begin, co_vec);
          // Output channels past the last multiple of 4: scalar.
          for (int r = 0; r < ci && co_vec < co_end; r++) {
            for (int h = oh0; h < oh1; h++) {
              int y = h * stride + a - pad_top;
              if (y < 0 || y >= ih) continue;
              for (int w = ow0; w < ow1; w++) {
                float xv = xb[((long)y * iw + w * stride + col_off) * ci + r];
                const float *d = dyb + ((long)h * ow + w) * co;
                for (int o = co_vec; o < co_end; o++) dwab[r * co + o] += xv * d[o];
              }
            }
          }
        }
      }
    }
  }
}

// Pixels per GEMM tile: 4 × 2 vectors is 8 accumulators; 6 measured a third slower (V8 runs out of xmm registers).
#define GEMM_ROWS 4
// One register tile of a GEMM whose rows are `rows` pixels (1 to GEMM_ROWS) a fixed step apart in both A and C, and
// whose columns are `vecs` groups of 4 channels (1 or 2): c[r·c_step + j] += Σ_k a[r·a_step + k] · b[k·b_ld + j].
// The input gradient (A = dy, B = Wᵀ) and the forward convolution (A = x, B = W) are both this product per filter tap.
// With `load` 0 the sums start from zero instead of c's contents (Winograd's products overwrite their buffer).
static inline __attribute__((always_inline)) void gemm_tile(const float *a, long a_step, const float *b, long b_ld,
                                                            float *c, long c_step, int rows, int vecs, int k, int load) {
  v128_t acc[GEMM_ROWS][2];
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < vecs; j++) acc[r][j] = load ? wasm_v128_load(c + r * c_step + 4 * j) : wasm_f32x4_splat(0.0f);
  for (int t = 0; t < k; t++) {
    v128_t w[2];
    for (int j = 0; j < vecs; j++) w[j] = wasm_v128_load(b + t * b_ld + 4 * j);
    for (int r = 0; r < rows; r++) {
      v128_t d = wasm_v128_load32_splat(a + r * a_step + t);
      for (int j = 0; j < vecs; j++) acc[r][j] = MADD(d, w[j], acc[r][j]);
    }
  }
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < vecs; j++) wasm_v128_store(c + r * c_step + 4 * j, acc[r][j]);
}

// `rows` pixels × `width` channels (a multiple of 4): 8 channels at a time, then 4.
static inline __attribute__((always_inline)) void gemm_rows(const float *a, long a_step, const float *b, long b_ld,
                                                            float *c, long c_step, int rows, int width, int k, int load) {
  int j = 0;
  for (; j + 8 <= width; j += 8) gemm_tile(a, a_step, b + j, b_ld, c + j, c_step, rows, 2, k, load);
  for (; j < width; j += 4) gemm_tile(a, a_step, b + j, b_ld, c + j, c_step, rows, 1, k, load);
}

// The tiles of `count` pixels × `width` channels of one tap's product: GEMM_ROWS pixels at a time, and the rest in
// one tile rather than one by one, so the last pixels of a row also keep several independent sums in flight (up to
// a quarter faster on 8×8 maps, whose border taps cover 7 pixels).
static inline __attribute__((always_inline)) void gemm_span_with(const float *a, long a_step, const float *b, long b_ld,
                                                                 float *c, long c_step, int count, int width, int k,
                                                                 int load) {
  int p = 0;
  for (; p + GEMM_ROWS <= count; p += GEMM_ROWS)
    gemm_rows(a + p * a_step, a_step, b, b_ld, c + p * c_step, c_step, GEMM_ROWS, width, k, load);
  a += p * a_step, c += p * c_step;
  switch (count - p) {
  case 3: gemm_rows(a, a_step, b, b_ld, c, c_step, 3, width, k, load); break;
  case 2: gemm_rows(a, a_step, b, b_ld, c, c_step, 2, width, k, load); break;
  case 1: gemm_rows(a, a_step, b, b_ld, c, c_step, 1, width, k, load); break;
  }
}

// c += a·b (the direct convolutions sum their taps into c).
static void gemm_span(const float *a, long a_step, const float *b, long b_ld, float *c, long c_step, int count,
                      int width, int k) {
  gemm_span_with(a, a_step, b, b_ld, c, c_step, count, width, k, 1);
}

// c = a·b: saves Winograd the pass that would zero c first.
static void gemm_span_set(const float *a, long a_step, const float *b, long b_ld, float *c, long c_step, int count,
                          int width, int k) {
  gemm_span_with(a, a_step, b, b_ld, c, c_step, count, width, k, 0);
}

// dx[n, h·s + a − pad_top, w·s + b − pad_left, i] += Σ_o dy[n, h, w, o] · W[a, b, i, o] (NHWC), with
// wt = W transposed to [kh, kw, co, ci] and ci a multiple of 4: each (a, b) is a GEMM of dy's rows by wt[a, b]
// scattered into dx, so strided convolutions cost no zero-interleaving. Images [n_begin, n_end) only (threads).
EXPORT(conv2d_input_grad)
void conv2d_input_grad(const float *dy, const float *wt, float *dx, int n, int ih, int iw, int ci, int oh, int ow,
                       int co, int kh, int kw, int stride, int pad_top, int pad_left, int n_begin, int n_end) {
  long image = (long)ih * iw * ci;
  for (long t = n_begin * image; t < n_end * image; t++) dx[t] = 0.0f;
  for (int b = n_begin; b < n_end; b++) {
    for (int h = 0; h < oh; h++) {
      for (int a = 0; a < kh; a++) {
        int y = h * stride + a - pad_top;
        if (y < 0 || y >= ih) continue;
        for (int q = 0; q < kw; q++) {
          int col_off = q - pad_left;
          int ow0 = col_off >= 0 ? 0 : (-col_off + stride - 1) / stride;
          int ow1 = iw - col_off <= 0 ? 0 : (iw - col_off + stride - 1) / stride;
          if (ow1 > ow) ow1 = ow;
          const float *dyr = dy + ((long)b * oh + h) * ow * co;
          float *dxr = dx + ((long)b * ih + y) * iw * ci;
          if (ow0 < ow1)
            gemm_span(dyr + (long)ow0 * co, co, wt + (long)(a * kw + q) * co * ci, ci,
                      dxr + (long)(ow0 * stride + col_off) * ci, (long)stride * ci, ow1 - ow0, ci, co);
        }
      }
    }
  }
}

// row[p, o] ← row[p, o] + bias[o] (then max(·, 0) with `relu`) for `pixels` pixels of `co` channels, co % 4 == 0.
static void bias_activation(float *row, const float *bias, int pixels, int co, int relu) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int p = 0; p < pixels; p++, row += co) {
    for (int o = 0; o < co; o += 4) {
      v128_t v = wasm_f32x4_add(wasm_v128_load(row + o), wasm_v128_load(bias + o));
      wasm_v128_store(row + o, relu ? wasm_f32x4_max(v, zero) : v);
    }
  }
}

// y[n, h, w, o] = Σ_{a,b,i} x[n, h·s + a − pad_top, w·s + b − pad_left, i] · W[a, b, i, o] (NHWC, zero padding), with
// W [kh, kw, ci, co] and co a multiple of 4: the input gradient's loop nest with the roles of x and y swapped, so each
// tap is a GEMM of x's (strided) pixels by W[a, b] gathered into y. Output rows [row_begin, row_end) of the n·oh rows
// only, so threads share the work even for a single image (each value is summed the same way whatever the split).
// With `bias` (not 0) each row then gets y + bias, and with `relu` max(·, 0), while the row is still in cache: the
// folded conv → BatchNorm → ReLU of an evaluation forward in one pass.
EXPORT(conv2d_forward)
void conv2d_forward(const float *x, const float *w, float *y, int n, int ih, int iw, int ci, int oh, int ow, int co,
                    int kh, int kw, int stride, int pad_top, int pad_left, int row_begin, int row_end, const float *bias,
                    int relu) {
  long row_size = (long)ow * co;
  for (long t = row_begin * row_size; t < row_end * row_size; t++) y[t] = 0.0f;
  for (int r = row_begin; r < row_end; r++) {
    int b = r / oh, h = r % oh;
    float *yr = y + r * row_size;
    for (int a = 0; a < kh; a++) {
      int row = h * stride + a - pad_top;
      if (row < 0 || row >= ih) continue;
      const float *xr = x + ((long)b * ih + row) * iw * ci;
      for (int q = 0; q < kw; q++) {
        int col_off = q - pad_left;
        int ow0 = col_off >= 0 ? 0 : (-col_off + stride - 1) / stride;
        int ow1 = iw - col_off <= 0 ? 0 : (iw - col_off + stride - 1) / stride;
        if (ow1 > ow) ow1 = ow;
        if (ow0 < ow1)
          gemm_span(xr + (long)(ow0 * stride + col_off) * ci, (long)stride * ci, w + (long)(a * kw + q) * ci * co, co,
                    yr + (long)ow0 * co, co, ow1 - ow0, co, ci);
      }
    }
    if (bias) bias_activation(yr, bias, ow, co, relu);
  }
}

// Winograd F(2×2, 3×3) for 3×3 convolutions of stride 1 and padding 1 (output size = input size): each 2×2 output
// tile is Aᵀ [Σ_i (Bᵀ d_i B) ⊙ (G g_i Gᵀ)] A over its 4×4 input patch d, so the 36 multiplies per input channel and
// output channel of four direct outputs become 16, spent in 16 independent GEMMs (one per transform element e):
// M[e] (tiles × co) = V[e] (tiles × ci) · U[e] (ci × co), the same register-tiled product as the direct kernels.
// With Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], Aᵀ = [1 1 1 0; 0 1 −1 −1].

// u[e, i, o] = (G g Gᵀ)[e] of g = w[·, ·, i, o] (w [3, 3, ci, co], u [16, ci, co], co % 4 == 0), for input channels
// [i_begin, i_end) so threads can share it. With `flip`, g = w[2 − ·, 2 − ·, o, i] of w [3, 3, co, ci]: the kernel of
// the input gradient of the layer whose filter w is (rotated 180°, channel axes swapped), read in place because
// tfjs-backend-wasm's Reverse took a third as long as the Winograd convolution itself (8² × 64 × 64).
EXPORT(winograd_filter)
void winograd_filter(const float *w, float *u, int ci, int co, int i_begin, int i_end, int flip) {
  long tap = (long)ci * co;
  v128_t half = wasm_f32x4_splat(0.5f);
  for (int i = i_begin; i < i_end; i++) {
    for (int o = 0; o < co; o += 4) {
      v128_t r[4][3];
      // G g: along the kernel's rows, for each of its columns.
      for (int b = 0; b < 3; b++) {
        v128_t g[3];
        for (int a = 0; a < 3; a++) {
          if (flip) {
            const float *p = w + (long)((2 - a) * 3 + 2 - b) * tap + (long)o * ci + i;
            g[a] = wasm_f32x4_make(p[0], p[ci], p[2 * ci], p[3 * ci]);
          } else {
            g[a] = wasm_v128_load(w + (long)(a * 3 + b) * tap + (long)i * co + o);
          }
        }
        v128_t even = wasm_f32x4_add(g[0], g[2]);
        r[0][b] = g[0];
        r[1][b] = wasm_f32x4_mul(wasm_f32x4_add(even, g[1]), half);
        r[2][b] = wasm_f32x4_mul(wasm_f32x4_sub(even, g[1]), half);
        r[3][b] = g[2];
      }
      // (G g) Gᵀ: the same along its columns.
      float *out = u + (long)i * co + o;
      for (int a = 0; a < 4; a++) {
        v128_t even = wasm_f32x4_add(r[a][0], r[a][2]);
        wasm_v128_store(out + (a * 4 + 0) * tap, r[a][0]);
        wasm_v128_store(out + (a * 4 + 1) * tap, wasm_f32x4_mul(wasm_f32x4_add(even, r[a][1]), half));
        wasm_v128_store(out + (a * 4 + 2) * tap, wasm_f32x4_mul(wasm_f32x4_sub(even, r[a][1]), half));
        wasm_v128_store(out + (a * 4 + 3) * tap, r[a][2]);
      }
    }
  }
}

// v[e·stride + c..c+4) = (Bᵀ d B)[e] for the 4×4 patch whose top-left pixel is rows[0] + col0·ci (channels c..c+4):
// rows[r] is null for a row outside the image, and columns outside [0, iw) read as zero (`check` 0 skips that test
// for patches wholly inside).
static inline __attribute__((always_inline)) void winograd_input_tile(const float *const rows[4], int col0, int iw,
                                                                      int ci, int c, float *v, long stride, int check) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  v128_t t[4][4];
  for (int r = 0; r < 4; r++) {
    v128_t d[4];
    for (int q = 0; q < 4; q++) {
      int col = col0 + q;
      d[q] = !check || (rows[r] && col >= 0 && col < iw) ? wasm_v128_load(rows[r] + (long)col * ci + c) : zero;
    }
    // Along the row (d B): (d0 − d2, d1 + d2, d2 − d1, d1 − d3); then down the columns (Bᵀ ·) below.
    t[r][0] = wasm_f32x4_sub(d[0], d[2]);
    t[r][1] = wasm_f32x4_add(d[1], d[2]);
    t[r][2] = wasm_f32x4_sub(d[2], d[1]);
    t[r][3] = wasm_f32x4_sub(d[1], d[3]);
  }
  for (int q = 0; q < 4; q++) {
    wasm_v128_store(v + (0 * 4 + q) * stride, wasm_f32x4_sub(t[0][q], t[2][q]));
    wasm_v128_store(v + (1 * 4 + q) * stride, wasm_f32x4_add(t[1][q], t[2][q]));
    wasm_v128_store(v + (2 * 4 + q) * stride, wasm_f32x4_sub(t[2][q], t[1][q]));
    wasm_v128_store(v + (3 * 4 + q) * stride, wasm_f32x4_sub(t[1][q], t[3][q]));
  }
}

// Floats between consecutive planes of V and M beyond the block's own (see conv2d_winograd).
#define WINOGRAD_PAD 16

// The input transform of 2×2 output tile `tile` (of the n·th·tw, row-major per image) of x [n, h, w, ci], padded by
// one: its 16 planes go to vk, vk + v_stride, … (the forward's and the filter gradient's shared first step).
static inline __attribute__((always_inline)) void winograd_x_tile(const float *x, int h, int w, int ci, int th, int tw,
                                                                  int tile, float *vk, long v_stride) {
  int b = tile / (th * tw), rest = tile % (th * tw);
  int row0 = 2 * (rest / tw) - 1, col0 = 2 * (rest % tw) - 1;
  const float *rows[4];
  for (int r = 0; r < 4; r++) rows[r] = row0 + r >= 0 && row0 + r < h ? x + ((long)b * h + row0 + r) * w * ci : 0;
  if (row0 >= 0 && row0 + 3 < h && col0 >= 0 && col0 + 3 < w)
    for (int c = 0; c < ci; c += 4) winograd_input_tile(rows, col0, w, ci, c, vk + c, v_stride, 0);
  else
    for (int c = 0; c < ci; c += 4) winograd_input_tile(rows, col0, w, ci, c, vk + c, v_stride, 1);
}

// y = conv(x, w) for a 3×3 kernel, stride 1, padding 1 (x [n, h, w, ci], y [n, h, w, co], ci and co multiples of 4)
// by Winograd F(2×2, 3×3) from u = winograd_filter(w), for tiles [tile_begin, tile_end) of the n·⌈h/2⌉·⌈w/2⌉ 2×2
// output tiles (row-major per image), so threads can share the work: every output is computed the same way whatever
// the split. Tiles go `block` at a time through scratch (16·(block·(ci + co) + 2·WINOGRAD_PAD) floats, this part's
// own): the input
// transform V of the block, the 16 GEMMs into M, the output transform straight into y, so V and M stay in cache and
// never exist for the whole batch. With `bias` (not 0) each output gets + bias, then max(·, 0) with `relu`, as in
// conv2d_forward.
EXPORT(conv2d_winograd)
void conv2d_winograd(const float *x, const float *u, float *y, int n, int h, int w, int ci, int co, int tile_begin,
                     int tile_end, int block, float *scratch, const float *bias, int relu) {
  int th = (h + 1) / 2, tw = (w + 1) / 2;
  // One cache line between the 16 planes: planes a multiple of 4 kB apart share cache sets and measured up to a
  // third slower (16·64 tiles × 16 channels, 16 × 64 × 64, 32 × 32 × 32).
  long v_stride = (long)block * ci + WINOGRAD_PAD, m_stride = (long)block * co + WINOGRAD_PAD;
  float *v = scratch, *m = scratch + 16 * v_stride;
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int t0 = tile_begin; t0 < tile_end; t0 += block) {
    int count = tile_end - t0 < block ? tile_end - t0 : block;
    for (int k = 0; k < count; k++) winograd_x_tile(x, h, w, ci, th, tw, t0 + k, v + (long)k * ci, v_stride);
    for (int e = 0; e < 16; e++)
      gemm_span_set(v + e * v_stride, ci, u + (long)e * ci * co, co, m + e * m_stride, co, count, co, ci);
    for (int k = 0; k < count; k++) {
      int tile = t0 + k, b = tile / (th * tw), rest = tile % (th * tw);
      int oy = 2 * (rest / tw), ox = 2 * (rest % tw);
      float *y0 = y + (((long)b * h + oy) * w + ox) * co;
      int down = oy + 1 < h, right = ox + 1 < w;
      const float *mk = m + (long)k * co;
      for (int o = 0; o < co; o += 4) {
        // Aᵀ M along the columns, then (Aᵀ M) A along the rows.
        v128_t s0[4], s1[4];
        for (int q = 0; q < 4; q++) {
          v128_t m0 = wasm_v128_load(mk + (0 * 4 + q) * m_stride + o), m1 = wasm_v128_load(mk + (1 * 4 + q) * m_stride + o),
                 m2 = wasm_v128_load(mk + (2 * 4 + q) * m_stride + o), m3 = wasm_v128_load(mk + (3 * 4 + q) * m_stride + o);
          s0[q] = wasm_f32x4_add(wasm_f32x4_add(m0, m1), m2);
          s1[q] = wasm_f32x4_sub(wasm_f32x4_sub(m1, m2), m3);
        }
        v128_t out[2][2] = {
            {wasm_f32x4_add(wasm_f32x4_add(s0[0], s0[1]), s0[2]), wasm_f32x4_sub(wasm_f32x4_sub(s0[1], s0[2]), s0[3])},
            {wasm_f32x4_add(wasm_f32x4_add(s1[0], s1[1]), s1[2]), wasm_f32x4_sub(wasm_f32x4_sub(s1[1], s1[2]), s1[3])},
        };
        if (bias) {
          v128_t bv = wasm_v128_load(bias + o);
          for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) {
              out[i][j] = wasm_f32x4_add(out[i][j], bv);
              if (relu) out[i][j] = wasm_f32x4_max(out[i][j], zero);
            }
        }
        wasm_v128_store(y0 + o, out[0][0]);
        if (right) wasm_v128_store(y0 + co + o, out[0][1]);
        if (down) {
          wasm_v128_store(y0 + (long)w * co + o, out[1][0]);
          if (right) wasm_v128_store(y0 + (long)(w + 1) * co + o, out[1][1]);
        }
      }
    }
  }
}

// One register tile of the Winograd filter gradient's products: 4 input channels × `vecs` groups of 4 output channels
// (1 or 2), c[r·c_step + j] += Σ_t a[t·a_k + r] · b[t·b_k + j] over k tiles (c = the sum with `load` 0). Unlike
// gemm_tile the sum runs down the tile axis of both operands (each tile's transformed channels are contiguous), so
// neither operand has to be transposed.
static inline __attribute__((always_inline)) void winograd_grad_tile(const float *a, long a_k, const float *b, long b_k,
                                                                     float *c, long c_step, int vecs, int k, int load) {
  v128_t acc[4][2];
  for (int r = 0; r < 4; r++)
    for (int j = 0; j < vecs; j++) acc[r][j] = load ? wasm_v128_load(c + r * c_step + 4 * j) : wasm_f32x4_splat(0.0f);
  for (int t = 0; t < k; t++) {
    v128_t g[2];
    for (int j = 0; j < vecs; j++) g[j] = wasm_v128_load(b + t * b_k + 4 * j);
    for (int r = 0; r < 4; r++) {
      v128_t s = wasm_v128_load32_splat(a + t * a_k + r);
      for (int j = 0; j < vecs; j++) acc[r][j] = MADD(s, g[j], acc[r][j]);
    }
  }
  for (int r = 0; r < 4; r++)
    for (int j = 0; j < vecs; j++) wasm_v128_store(c + r * c_step + 4 * j, acc[r][j]);
}

// Blocks per run of the filter gradient's sums (see winograd_filter_grad): 16 × 32 tiles.
#define WINOGRAD_GRAD_RUN 16

// dw [3, 3, ci, co] of winograd_filter_grad's `spans` partials [spans, 16, ci, co], for input channels [i_begin, i_end)
// and output channels [o_begin, o_end): the spans added in order (so the sum does not depend on which thread summed
// which span), then dW = G'ᵀ P G' with G'ᵀ = [1 1 1 0; 0 1 −1 0; 0 1 1 1] (Gᵀ without the halves folded into D).
static inline __attribute__((always_inline)) void winograd_grad_output(const float *partials, float *dw, int ci, int co,
                                                                       int spans, int i_begin, int i_end, int o_begin,
                                                                       int o_end) {
  long plane = (long)ci * co, tap = plane;
  for (int i = i_begin; i < i_end; i++) {
    for (int o = o_begin; o < o_end; o += 4) {
      const float *pi = partials + (long)i * co + o;
      v128_t pe[16];
      for (int e = 0; e < 16; e++) {
        pe[e] = wasm_v128_load(pi + e * plane);
        for (int s = 1; s < spans; s++) pe[e] = wasm_f32x4_add(pe[e], wasm_v128_load(pi + (16L * s + e) * plane));
      }
      v128_t t[3][4];
      for (int q = 0; q < 4; q++) {
        v128_t p0 = pe[0 * 4 + q], p1 = pe[1 * 4 + q], p2 = pe[2 * 4 + q], p3 = pe[3 * 4 + q];
        t[0][q] = wasm_f32x4_add(wasm_f32x4_add(p0, p1), p2);
        t[1][q] = wasm_f32x4_sub(p1, p2);
        t[2][q] = wasm_f32x4_add(wasm_f32x4_add(p1, p2), p3);
      }
      float *out = dw + (long)i * co + o;
      for (int a = 0; a < 3; a++) {
        wasm_v128_store(out + (a * 3 + 0) * tap, wasm_f32x4_add(wasm_f32x4_add(t[a][0], t[a][1]), t[a][2]));
        wasm_v128_store(out + (a * 3 + 1) * tap, wasm_f32x4_sub(t[a][1], t[a][2]));
        wasm_v128_store(out + (a * 3 + 2) * tap, wasm_f32x4_add(wasm_f32x4_add(t[a][1], t[a][2]), t[a][3]));
      }
    }
  }
}

// dW of a 3×3, stride-1, padding-1 convolution by Winograd F(3×3, 2×2), the transpose of the forward's F(2×2, 3×3):
// per 2×2 tile y of dy and the 4×4 patch d of x the forward reads for it, dW += Gᵀ [(A y Aᵀ) ⊙ (Bᵀ d B)] G with the
// forward's Bᵀ and G, and A = (Aᵀ)ᵀ (4×2). The Hadamard products are summed over all tiles before the output
// transform, so per (input, output) channel pair the 36 multiplies of a tile's four positions become 16, spent in 16
// GEMMs P[e] (ci × co) += X[e]ᵀ (ci × tiles) · D[e] (tiles × co) with a reduction as long as the batch. Gᵀ's halves are
// folded into D (D = diag(1, ½, ½, 1) A y Aᵀ diag(1, ½, ½, 1), exact in float), so the output transform only adds.
// x [n, h, w, ci], dy [n, h, w, co], ci and co multiples of 4.
// This part sums the tiles of spans [s_begin, s_end) of `spans` (span s: tiles [s·span_tiles, (s + 1)·span_tiles),
// span_tiles a multiple of `block`) for output channels [o_begin, o_end) (multiples of 4) into partials[s] [16, ci,
// co]; winograd_filter_grad_sum then adds the spans in order. The spans are fixed by the shape, not the thread count,
// so threads share the tiles without each transforming all of x, and every value is summed the same way whatever the
// split. `scratch` is the part's own 16·(block·(ci + oc) + 2·WINOGRAD_PAD + ci·oc) floats (oc = o_end − o_begin):
// `block` tiles' X and D at a time, then the sums P of a run of WINOGRAD_GRAD_RUN blocks after a span's first. Summing
// in runs keeps each float sum a few hundred terms long instead of the whole batch's tiles (16384 at 64 × 32²), like the
// direct kernel's error rather than 1.4× it. P is the part's own rather than columns of a shared one: parts 8 channels
// wide shared every cache line of P and ran slower on 2 threads than on 1. With `dw` (not 0; only when there is one
// span) the part writes its channels of dw itself, sparing a second call (on 2 threads it cost 5 % at 8²×64→64).
EXPORT(winograd_filter_grad)
void winograd_filter_grad(const float *x, const float *dy, float *partials, int n, int h, int w, int ci, int co,
                          int s_begin, int s_end, int span_tiles, int o_begin, int o_end, int block, float *scratch,
                          float *dw) {
  int th = (h + 1) / 2, tw = (w + 1) / 2, tiles = n * th * tw, oc = o_end - o_begin;
  long v_stride = (long)block * ci + WINOGRAD_PAD, d_stride = (long)block * oc + WINOGRAD_PAD, plane = (long)ci * oc;
  long span_plane = (long)ci * co;
  float *v = scratch, *d = scratch + 16 * v_stride, *p = d + 16 * d_stride;
  v128_t zero = wasm_f32x4_splat(0.0f), half = wasm_f32x4_splat(0.5f);
  for (int s = s_begin; s < s_end; s++) {
    int s_tile0 = s * span_tiles, s_tile1 = s_tile0 + span_tiles < tiles ? s_tile0 + span_tiles : tiles;
    float *total = partials + 16 * span_plane * s + o_begin;
    for (int t0 = s_tile0, blocks = 0; t0 < s_tile1; t0 += block, blocks++) {
      int count = s_tile1 - t0 < block ? s_tile1 - t0 : block, first = blocks % WINOGRAD_GRAD_RUN == 0;
      // The span's first run sums straight into its total when the part has whole rows of it; otherwise (and for later
      // runs) into P, copied or added to the total at the run's end: parts writing halves of the total's rows shared
      // cache lines at their boundary in every block.
      int direct = blocks < WINOGRAD_GRAD_RUN && oc == co;
      for (int k = 0; k < count; k++) {
        int tile = t0 + k, b = tile / (th * tw), rest = tile % (th * tw);
        int row0 = 2 * (rest / tw) - 1, col0 = 2 * (rest % tw) - 1;
        winograd_x_tile(x, h, w, ci, th, tw, tile, v + (long)k * ci, v_stride);
        // dy's tile; its pixels past the map's edge (odd h or w) are zero, as if dy were padded.
        int oy = row0 + 1, ox = col0 + 1, down = oy + 1 < h, right = ox + 1 < w;
        const float *y0 = dy + (((long)b * h + oy) * w + ox) * co;
        float *dk = d + (long)k * oc - o_begin;
        for (int o = o_begin; o < o_end; o += 4) {
          v128_t g[2][2] = {
              {wasm_v128_load(y0 + o), right ? wasm_v128_load(y0 + co + o) : zero},
              {down ? wasm_v128_load(y0 + (long)w * co + o) : zero, down && right ? wasm_v128_load(y0 + (long)(w + 1) * co + o) : zero},
          };
          // Down the columns: (y0, (y0 + y1)/2, (y0 − y1)/2, −y1); then the same along the rows.
          v128_t c[4][2];
          for (int q = 0; q < 2; q++) {
            c[0][q] = g[0][q];
            c[1][q] = wasm_f32x4_mul(wasm_f32x4_add(g[0][q], g[1][q]), half);
            c[2][q] = wasm_f32x4_mul(wasm_f32x4_sub(g[0][q], g[1][q]), half);
            c[3][q] = wasm_f32x4_neg(g[1][q]);
          }
          for (int a = 0; a < 4; a++) {
            wasm_v128_store(dk + (a * 4 + 0) * d_stride + o, c[a][0]);
            wasm_v128_store(dk + (a * 4 + 1) * d_stride + o, wasm_f32x4_mul(wasm_f32x4_add(c[a][0], c[a][1]), half));
            wasm_v128_store(dk + (a * 4 + 2) * d_stride + o, wasm_f32x4_mul(wasm_f32x4_sub(c[a][0], c[a][1]), half));
            wasm_v128_store(dk + (a * 4 + 3) * d_stride + o, wasm_f32x4_neg(c[a][1]));
          }
        }
      }
      float *sums = direct ? total : p;
      long sums_row = direct ? co : oc, sums_plane = direct ? span_plane : plane;
      for (int e = 0; e < 16; e++) {
        const float *ve = v + e * v_stride, *de = d + e * d_stride;
        float *pe = sums + e * sums_plane;
        for (int i = 0; i < ci; i += 4) {
          int o = 0;
          for (; o + 8 <= oc; o += 8)
            winograd_grad_tile(ve + i, ci, de + o, oc, pe + (long)i * sums_row + o, sums_row, 2, count, !first);
          for (; o < oc; o += 4)
            winograd_grad_tile(ve + i, ci, de + o, oc, pe + (long)i * sums_row + o, sums_row, 1, count, !first);
        }
      }
      // P into the span's total at the run's end (or the span's), the first run's by copying.
      if (!direct && ((blocks + 1) % WINOGRAD_GRAD_RUN == 0 || t0 + block >= s_tile1)) {
        int copy = blocks < WINOGRAD_GRAD_RUN;
        for (int e = 0; e < 16; e++)
          for (int i = 0; i < ci; i++) {
            float *ti = total + e * span_plane + (long)i * co;
            const float *pi = p + e * plane + (long)i * oc;
            for (int o = 0; o < oc; o += 4) {
              v128_t sum = wasm_v128_load(pi + o);
              wasm_v128_store(ti + o, copy ? sum : wasm_f32x4_add(wasm_v128_load(ti + o), sum));
            }
          }
      }
    }
  }
  if (dw) winograd_grad_output(partials, dw, ci, co, 1, 0, ci, o_begin, o_end);
}

// winograd_grad_output of all output channels, for input channels [i_begin, i_end) so threads can share it.
EXPORT(winograd_filter_grad_sum)
void winograd_filter_grad_sum(const float *partials, float *dw, int ci, int co, int spans, int i_begin, int i_end) {
  winograd_grad_output(partials, dw, ci, co, spans, i_begin, i_end, 0, co);
}
