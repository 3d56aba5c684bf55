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

// The evaluation forward's epilogue on 4 channels of one output: + bias, + the residual (a block's shortcut, 0 when
// none), then max(·, 0) with `relu`, in the unfused chain's order ((conv + bias) + shortcut), so fused and unfused agree.
static inline __attribute__((always_inline)) v128_t epilogue(v128_t v, const float *bias, const float *residual,
                                                           int relu) {
  if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias));
  if (residual) v = wasm_f32x4_add(v, wasm_v128_load(residual));
  return relu ? wasm_f32x4_max(v, wasm_f32x4_splat(0.0f)) : v;
}

// row[p, o] ← epilogue(row[p, o]) for `pixels` pixels of `co` channels, co % 4 == 0; `residual` is the same row of the
// shortcut (or 0).
static void bias_activation(float *row, const float *bias, const float *residual, int pixels, int co, int relu) {
  for (int p = 0; p < pixels; p++, row += co, residual = residual ? residual + co : 0)
    for (int o = 0; o < co; o += 4)
      wasm_v128_store(row + o, epilogue(wasm_v128_load(row + o), bias ? bias + o : 0, residual ? residual + o : 0, relu));
}

// y[n, h, w, o] = Σ_{a,b,i} x[n, h·s + a − pad_top, w·s + b − pad_left, i] · W[a, b, i, o] (NHWC, zero padding), with
// W [kh, kw, ci, co] and co a multiple of 4: the input gradient's loop nest with the roles of x and y swapped, so each
// tap is a GEMM of x's (strided) pixels by W[a, b] gathered into y. Output rows [row_begin, row_end) of the n·oh rows
// only, so threads share the work even for a single image (each value is summed the same way whatever the split).
// With `bias` (not 0) each row then gets y + bias, with `residual` (not 0, y's shape) + residual, and with `relu`
// max(·, 0), while the row is still in cache: the folded conv → BatchNorm (→ + shortcut) → ReLU of an evaluation
// forward in one pass.
EXPORT(conv2d_forward)
void conv2d_forward(const float *x, const float *w, float *y, int n, int ih, int iw, int ci, int oh, int ow, int co,
                    int kh, int kw, int stride, int pad_top, int pad_left, int row_begin, int row_end, const float *bias,
                    int relu, const float *residual) {
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
    if (bias || residual) bias_activation(yr, bias, residual ? residual + r * row_size : 0, ow, co, relu);
  }
}

// Winograd F(m×m, 3×3) for 3×3 convolutions of stride 1 and padding 1 (output size = input size), m = `size` 2 or 4:
// each m×m output tile is Aᵀ [Σ_i (Bᵀ d_i B) ⊙ (G g_i Gᵀ)] A over its (m+2)×(m+2) input patch d, so the 9·m²
// multiplies per input channel and output channel of m² direct outputs become (m+2)²: 16 for four outputs (F(2×2)),
// 36 for sixteen (F(4×4), 1.8× fewer again at about six times F(2×2)'s rounding error: 3e-6 to 1.2e-5 of the largest
// output on 16 to 256 channels), spent in (m+2)² independent GEMMs (one per transform element e):
// M[e] (tiles × co) = V[e] (tiles × ci) · U[e] (ci × co), the same register-tiled product as the direct kernels. The
// 1-D transforms are below; each 2-D one applies its 1-D one along the rows, then down the columns (or the reverse for
// Aᵀ · A). Loops over a patch's side are unrolled in full (the pragmas), so the transforms' arrays are registers or
// wasm locals, never the C stack this module must not use.
#define WINOGRAD_MAX 6

static inline __attribute__((always_inline)) v128_t splat(float f) { return wasm_f32x4_splat(f); }

// G g for one column g of the kernel. F(2×2): G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. F(4×4): G = [¼ 0 0; −⅙ −⅙ −⅙;
// −⅙ ⅙ −⅙; 1/24 1/12 ⅙; 1/24 −1/12 ⅙; 0 0 1].
static inline __attribute__((always_inline)) void winograd_g(int size, v128_t g0, v128_t g1, v128_t g2, v128_t *u) {
  v128_t even = wasm_f32x4_add(g0, g2);
  if (size == 2) {
    u[0] = g0;
    u[1] = wasm_f32x4_mul(wasm_f32x4_add(even, g1), splat(0.5f));
    u[2] = wasm_f32x4_mul(wasm_f32x4_sub(even, g1), splat(0.5f));
    u[3] = g2;
    return;
  }
  v128_t quad = wasm_f32x4_add(g0, wasm_f32x4_mul(g2, splat(4.0f))), twice = wasm_f32x4_add(g1, g1);
  u[0] = wasm_f32x4_mul(g0, splat(0.25f));
  u[1] = wasm_f32x4_mul(wasm_f32x4_add(even, g1), splat(-1.0f / 6));
  u[2] = wasm_f32x4_mul(wasm_f32x4_sub(even, g1), splat(-1.0f / 6));
  u[3] = wasm_f32x4_mul(wasm_f32x4_add(quad, twice), splat(1.0f / 24));
  u[4] = wasm_f32x4_mul(wasm_f32x4_sub(quad, twice), splat(1.0f / 24));
  u[5] = g2;
}

// Bᵀ d for one row or column d of a patch. F(2×2): Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]. F(4×4): Bᵀ =
// [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1].
static inline __attribute__((always_inline)) void winograd_b(int size, const v128_t *d, v128_t *t) {
  if (size == 2) {
    t[0] = wasm_f32x4_sub(d[0], d[2]);
    t[1] = wasm_f32x4_add(d[1], d[2]);
    t[2] = wasm_f32x4_sub(d[2], d[1]);
    t[3] = wasm_f32x4_sub(d[1], d[3]);
    return;
  }
  v128_t a = MADD(d[2], splat(-4.0f), d[4]), b = MADD(d[1], splat(-4.0f), d[3]);
  v128_t c = wasm_f32x4_sub(d[4], d[2]), e = wasm_f32x4_mul(wasm_f32x4_sub(d[3], d[1]), splat(2.0f));
  t[0] = MADD(d[2], splat(-5.0f), MADD(d[0], splat(4.0f), d[4]));
  t[1] = wasm_f32x4_add(a, b);
  t[2] = wasm_f32x4_sub(a, b);
  t[3] = wasm_f32x4_add(c, e);
  t[4] = wasm_f32x4_sub(c, e);
  t[5] = MADD(d[3], splat(-5.0f), MADD(d[1], splat(4.0f), d[5]));
}

// Aᵀ m for one row or column m of a product tile. F(2×2): Aᵀ = [1 1 1 0; 0 1 −1 −1]. F(4×4): Aᵀ = [1 1 1 1 1 0;
// 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].
static inline __attribute__((always_inline)) void winograd_a(int size, const v128_t *m, v128_t *o) {
  if (size == 2) {
    o[0] = wasm_f32x4_add(wasm_f32x4_add(m[0], m[1]), m[2]);
    o[1] = wasm_f32x4_sub(wasm_f32x4_sub(m[1], m[2]), m[3]);
    return;
  }
  v128_t s12 = wasm_f32x4_add(m[1], m[2]), d12 = wasm_f32x4_sub(m[1], m[2]);
  v128_t s34 = wasm_f32x4_add(m[3], m[4]), d34 = wasm_f32x4_sub(m[3], m[4]);
  o[0] = wasm_f32x4_add(wasm_f32x4_add(m[0], s12), s34);
  o[1] = MADD(d34, splat(2.0f), d12);
  o[2] = MADD(s34, splat(4.0f), s12);
  o[3] = wasm_f32x4_add(MADD(d34, splat(8.0f), d12), m[5]);
}

// A y for one row or column y of a dy tile (the filter gradient's transform of dy; A = (Aᵀ)ᵀ). F(2×2): with G's halves
// folded in, diag(1, ½, ½, 1) A: (y0, (y0 + y1)/2, (y0 − y1)/2, −y1), exact in float. F(4×4): A = [1 0 0 0; 1 1 1 1;
// 1 −1 1 −1; 1 2 4 8; 1 −2 4 −8; 0 0 0 1].
static inline __attribute__((always_inline)) void winograd_at_t(int size, const v128_t *y, v128_t *d) {
  if (size == 2) {
    d[0] = y[0];
    d[1] = wasm_f32x4_mul(wasm_f32x4_add(y[0], y[1]), splat(0.5f));
    d[2] = wasm_f32x4_mul(wasm_f32x4_sub(y[0], y[1]), splat(0.5f));
    d[3] = wasm_f32x4_neg(y[1]);
    return;
  }
  v128_t even = wasm_f32x4_add(y[0], y[2]), odd = wasm_f32x4_add(y[1], y[3]);
  v128_t even4 = MADD(y[2], splat(4.0f), y[0]), odd8 = MADD(y[3], splat(8.0f), wasm_f32x4_add(y[1], y[1]));
  d[0] = y[0];
  d[1] = wasm_f32x4_add(even, odd);
  d[2] = wasm_f32x4_sub(even, odd);
  d[3] = wasm_f32x4_add(even4, odd8);
  d[4] = wasm_f32x4_sub(even4, odd8);
  d[5] = y[3];
}

// The transforms a 2-D transform's second pass applies in place (winograd_in_place).
enum { WINOGRAD_B, WINOGRAD_AT, WINOGRAD_A };

// Bᵀ (side → side vectors), Aᵀ (side → size) or A (size → side) applied in place to the vectors p, p + step, …: the
// second pass of a 2-D transform, over the first pass's results in scratch (held in registers, F(4×4)'s 36 vectors
// would not fit the 16 SIMD registers V8 uses, and its spills made F(4×4) no faster than F(2×2) on 16 channels).
static inline __attribute__((always_inline)) void winograd_in_place(int size, int kind, float *p, long step) {
  int side = size + 2, count = kind == WINOGRAD_A ? size : side;
  v128_t in[WINOGRAD_MAX], out[WINOGRAD_MAX];
#pragma clang loop unroll(full)
  for (int r = 0; r < count; r++) in[r] = wasm_v128_load(p + r * step);
  if (kind == WINOGRAD_AT)
    winograd_a(size, in, out);
  else if (kind == WINOGRAD_A)
    winograd_at_t(size, in, out);
  else
    winograd_b(size, in, out);
#pragma clang loop unroll(full)
  for (int e = 0; e < (kind == WINOGRAD_AT ? size : side); e++) wasm_v128_store(p + e * step, out[e]);
}

// u[e, i, o] = (G g Gᵀ)[e] of g = w[·, ·, i, o] (w [3, 3, ci, co], u [(size+2)², ci, co], co % 4 == 0), for input
// channels [i_begin, i_end) so threads can share it. With `flip`, g = w[2 − ·, 2 − ·, o, i] of w [3, 3, co, ci]: the
// kernel of the input gradient of the layer whose filter w is (rotated 180°, channel axes swapped), read in place
// because tfjs-backend-wasm's Reverse took a third as long as the Winograd convolution itself (8² × 64 × 64).
static inline __attribute__((always_inline)) void winograd_filter_with(int size, const float *w, float *u, int ci,
                                                                       int co, int i_begin, int i_end, int flip) {
  int side = size + 2;
  long tap = (long)ci * co;
  for (int i = i_begin; i < i_end; i++) {
    for (int o = 0; o < co; o += 4) {
      v128_t r[WINOGRAD_MAX][3];
      // G g: down the kernel's rows, for each of its columns.
      for (int b = 0; b < 3; b++) {
        v128_t g[3], col[WINOGRAD_MAX];
        for (int a = 0; a < 3; a++) {
          if (flip) {
            const float *p = w + (long)((2 - a) * 3 + 2 - b) * tap + (long)o * ci + i;
            g[a] = wasm_f32x4_make(p[0], p[ci], p[2 * ci], p[3 * ci]);
          } else {
            g[a] = wasm_v128_load(w + (long)(a * 3 + b) * tap + (long)i * co + o);
          }
        }
        winograd_g(size, g[0], g[1], g[2], col);
        #pragma clang loop unroll(full)
        for (int a = 0; a < side; a++) r[a][b] = col[a];
      }
      // (G g) Gᵀ: the same along its rows.
      float *out = u + (long)i * co + o;
      #pragma clang loop unroll(full)
      for (int a = 0; a < side; a++) {
        v128_t row[WINOGRAD_MAX];
        winograd_g(size, r[a][0], r[a][1], r[a][2], row);
        #pragma clang loop unroll(full)
        for (int e = 0; e < side; e++) wasm_v128_store(out + (a * side + e) * tap, row[e]);
      }
    }
  }
}

EXPORT(winograd_filter)
void winograd_filter(const float *w, float *u, int ci, int co, int i_begin, int i_end, int flip, int size) {
  if (size == 4) winograd_filter_with(4, w, u, ci, co, i_begin, i_end, flip);
  else winograd_filter_with(2, w, u, ci, co, i_begin, i_end, flip);
}

// v[e·stride + c..c+4) = (Bᵀ d B)[e] for the (size+2)² patch whose top-left pixel is rows[0] + col0·ci (channels
// c..c+4): rows[r] is null for a row outside the image, and columns outside [0, iw) read as zero (`check` 0 skips that
// test for patches wholly inside). The row pass writes its results to v and the column pass transforms them there
// (winograd_in_place).
static inline __attribute__((always_inline)) void winograd_input_tile(int size, const float *const *rows, int col0,
                                                                      int iw, int ci, int c, float *v, long stride,
                                                                      int check) {
  int side = size + 2;
#pragma clang loop unroll(full)
  for (int r = 0; r < side; r++) {
    v128_t d[WINOGRAD_MAX], t[WINOGRAD_MAX];
#pragma clang loop unroll(full)
    for (int q = 0; q < side; q++) {
      int col = col0 + q;
      d[q] = !check || (rows[r] && col >= 0 && col < iw) ? wasm_v128_load(rows[r] + (long)col * ci + c) : splat(0.0f);
    }
    winograd_b(size, d, t);
#pragma clang loop unroll(full)
    for (int q = 0; q < side; q++) wasm_v128_store(v + (r * side + q) * stride, t[q]);
  }
#pragma clang loop unroll(full)
  for (int q = 0; q < side; q++) winograd_in_place(size, WINOGRAD_B, v + q * stride, side * stride);
}

// Floats between consecutive planes of V and M beyond the block's own (see conv2d_winograd).
#define WINOGRAD_PAD 16

// y[at + j·co] = epilogue(out[j]) for the first `cols` of a tile row's `size` pixels (4 channels; `residual` has y's
// layout).
static inline __attribute__((always_inline)) void store_row(float *y, long at, const v128_t *out, int size, int cols,
                                                            int co, const float *bias, const float *residual, int relu) {
  // The whole row with the bound inside, so out's indices are constants once unrolled (out stays in registers).
#pragma clang loop unroll(full)
  for (int j = 0; j < size; j++) {
    long k = at + (long)j * co;
    if (j < cols) wasm_v128_store(y + k, epilogue(out[j], bias, residual ? residual + k : 0, relu));
  }
}

// The input transform of size × size output tile `tile` (of the n·th·tw, row-major per image) of x [n, h, w, ci],
// padded by one: its (size+2)² planes go to vk, vk + v_stride, … (the forward's and the filter gradient's first step).
static inline __attribute__((always_inline)) void winograd_x_tile(int size, const float *x, int h, int w, int ci,
                                                                  int th, int tw, int tile, float *vk, long v_stride) {
  int side = size + 2, b = tile / (th * tw), rest = tile % (th * tw);
  int row0 = size * (rest / tw) - 1, col0 = size * (rest % tw) - 1;
  const float *rows[WINOGRAD_MAX];
  #pragma clang loop unroll(full)
  for (int r = 0; r < side; r++) rows[r] = row0 + r >= 0 && row0 + r < h ? x + ((long)b * h + row0 + r) * w * ci : 0;
  if (row0 >= 0 && row0 + side <= h && col0 >= 0 && col0 + side <= w)
    for (int c = 0; c < ci; c += 4) winograd_input_tile(size, rows, col0, w, ci, c, vk + c, v_stride, 0);
  else
    for (int c = 0; c < ci; c += 4) winograd_input_tile(size, rows, col0, w, ci, c, vk + c, v_stride, 1);
}

// y = conv(x, w) for a 3×3 kernel, stride 1, padding 1 (x [n, h, w, ci], y [n, h, w, co], ci and co multiples of 4)
// by Winograd F(size×size, 3×3) from u = winograd_filter(w, size), for tiles [tile_begin, tile_end) of the
// n·⌈h/size⌉·⌈w/size⌉ output tiles (row-major per image), so threads can share the work: every output is computed the
// same way whatever the split. Tiles go `block` at a time through scratch ((size+2)²·(block·(ci + co) +
// 2·WINOGRAD_PAD) floats, this part's own): the input transform V of the block, the GEMMs into M, the output transform
// straight into y, so V and M stay in cache and never exist for the whole batch. `bias`, `residual` and `relu` as in
// conv2d_forward.
static inline __attribute__((always_inline)) void conv2d_winograd_with(int size, const float *x, const float *u,
                                                                       float *y, int n, int h, int w, int ci, int co,
                                                                       int tile_begin, int tile_end, int block,
                                                                       float *scratch, const float *bias, int relu,
                                                                       const float *residual) {
  int side = size + 2, planes = side * side, th = (h + size - 1) / size, tw = (w + size - 1) / size;
  // One cache line between the planes: planes a multiple of 4 kB apart share cache sets and measured up to a third
  // slower (16·64 tiles × 16 channels, 16 × 64 × 64, 32 × 32 × 32).
  long v_stride = (long)block * ci + WINOGRAD_PAD, m_stride = (long)block * co + WINOGRAD_PAD;
  float *v = scratch, *m = scratch + planes * v_stride;
  for (int t0 = tile_begin; t0 < tile_end; t0 += block) {
    int count = tile_end - t0 < block ? tile_end - t0 : block;
    for (int k = 0; k < count; k++) winograd_x_tile(size, x, h, w, ci, th, tw, t0 + k, v + (long)k * ci, v_stride);
    for (int e = 0; e < planes; e++)
      gemm_span_set(v + e * v_stride, ci, u + (long)e * ci * co, co, m + e * m_stride, co, count, co, ci);
    for (int k = 0; k < count; k++) {
      int tile = t0 + k, b = tile / (th * tw), rest = tile % (th * tw);
      int oy = size * (rest / tw), ox = size * (rest % tw);
      int rows = h - oy < size ? h - oy : size, cols = w - ox < size ? w - ox : size;
      long at = (((long)b * h + oy) * w + ox) * co;
      float *mk = m + (long)k * co;
      for (int o = 0; o < co; o += 4) {
        // Aᵀ M down the columns, written over M's first rows (winograd_in_place), then (Aᵀ M) A along them into y.
#pragma clang loop unroll(full)
        for (int q = 0; q < side; q++) winograd_in_place(size, WINOGRAD_AT, mk + q * m_stride + o, side * m_stride);
#pragma clang loop unroll(full)
        for (int i = 0; i < size; i++) {
          v128_t row[WINOGRAD_MAX], out[WINOGRAD_MAX];
#pragma clang loop unroll(full)
          for (int q = 0; q < side; q++) row[q] = wasm_v128_load(mk + (i * side + q) * m_stride + o);
          winograd_a(size, row, out);
          if (i < rows) store_row(y, at + (long)i * w * co + o, out, size, cols, co, bias ? bias + o : 0, residual, relu);
        }
      }
    }
  }
}

EXPORT(conv2d_winograd)
void conv2d_winograd(const float *x, const float *u, float *y, int n, int h, int w, int ci, int co, int tile_begin,
                     int tile_end, int block, float *scratch, const float *bias, int relu, const float *residual,
                     int size) {
  if (size == 4)
    conv2d_winograd_with(4, x, u, y, n, h, w, ci, co, tile_begin, tile_end, block, scratch, bias, relu, residual);
  else
    conv2d_winograd_with(2, x, u, y, n, h, w, ci, co, tile_begin, tile_end, block, scratch, bias, relu, residual);
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

// Blocks per run of the filter gradient's sums (see winograd_filter_grad): 16 × 32 tiles of F(2×2), 16 × 16 of F(4×4).
#define WINOGRAD_GRAD_RUN 16

// G'ᵀ p for one row or column p of the summed products: the filter gradient's output transform (G' = the forward's G).
// F(2×2), whose halves are folded into D (winograd_at_t): [1 1 1 0; 0 1 −1 0; 0 1 1 1]. F(4×4): Gᵀ = [¼ −⅙ −⅙ 1/24
// 1/24 0; 0 −⅙ ⅙ 1/12 −1/12 0; 0 −⅙ −⅙ ⅙ ⅙ 1].
static inline __attribute__((always_inline)) void winograd_gt(int size, const v128_t *p, v128_t *o) {
  if (size == 2) {
    o[0] = wasm_f32x4_add(wasm_f32x4_add(p[0], p[1]), p[2]);
    o[1] = wasm_f32x4_sub(p[1], p[2]);
    o[2] = wasm_f32x4_add(wasm_f32x4_add(p[1], p[2]), p[3]);
    return;
  }
  v128_t s12 = wasm_f32x4_add(p[1], p[2]), d12 = wasm_f32x4_sub(p[1], p[2]);
  v128_t s34 = wasm_f32x4_add(p[3], p[4]), d34 = wasm_f32x4_sub(p[3], p[4]);
  o[0] = MADD(s34, splat(1.0f / 24), MADD(s12, splat(-1.0f / 6), wasm_f32x4_mul(p[0], splat(0.25f))));
  o[1] = MADD(d34, splat(1.0f / 12), wasm_f32x4_mul(d12, splat(-1.0f / 6)));
  o[2] = MADD(wasm_f32x4_sub(s34, s12), splat(1.0f / 6), p[5]);
}

// dw [3, 3, ci, co] of winograd_filter_grad's `spans` partials [spans, (size+2)², ci, co], for input channels
// [i_begin, i_end) and output channels [o_begin, o_end): the spans added in order (so the sum does not depend on which
// thread summed which span), then dW = G'ᵀ P G' (winograd_gt).
static inline __attribute__((always_inline)) void winograd_grad_output(int size, const float *partials, float *dw,
                                                                       int ci, int co, int spans, int i_begin,
                                                                       int i_end, int o_begin, int o_end) {
  int side = size + 2, planes = side * side;
  long plane = (long)ci * co, tap = plane;
  for (int i = i_begin; i < i_end; i++) {
    for (int o = o_begin; o < o_end; o += 4) {
      const float *pi = partials + (long)i * co + o;
      v128_t pe[WINOGRAD_MAX * WINOGRAD_MAX], t[3][WINOGRAD_MAX];
#pragma clang loop unroll(full)
      for (int e = 0; e < planes; e++) {
        pe[e] = wasm_v128_load(pi + e * plane);
        for (int s = 1; s < spans; s++) pe[e] = wasm_f32x4_add(pe[e], wasm_v128_load(pi + ((long)planes * s + e) * plane));
      }
#pragma clang loop unroll(full)
      for (int q = 0; q < side; q++) {
        v128_t col[WINOGRAD_MAX], sum[3];
#pragma clang loop unroll(full)
        for (int r = 0; r < side; r++) col[r] = pe[r * side + q];
        winograd_gt(size, col, sum);
#pragma clang loop unroll(full)
        for (int a = 0; a < 3; a++) t[a][q] = sum[a];
      }
      float *out = dw + (long)i * co + o;
#pragma clang loop unroll(full)
      for (int a = 0; a < 3; a++) {
        v128_t row[3];
        winograd_gt(size, t[a], row);
#pragma clang loop unroll(full)
        for (int b = 0; b < 3; b++) wasm_v128_store(out + (a * 3 + b) * tap, row[b]);
      }
    }
  }
}

// dW of a 3×3, stride-1, padding-1 convolution by Winograd F(3×3, m×m), m = `size` 2 or 4, the transpose of the
// forward's F(m×m, 3×3): per m×m tile y of dy and the (m+2)² patch d of x the forward reads for it,
// dW += Gᵀ [(A y Aᵀ) ⊙ (Bᵀ d B)] G with the forward's Bᵀ and G, and A = (Aᵀ)ᵀ. The Hadamard products are summed over
// all tiles before the output transform, so per (input, output) channel pair the 9·m² multiplies of a tile's
// positions become (m+2)² (16 instead of 36, 36 instead of 144), spent in (m+2)² GEMMs
// P[e] (ci × co) += X[e]ᵀ (ci × tiles) · D[e] (tiles × co) with a reduction as long as the batch. F(2×2)'s halves of Gᵀ
// are folded into D (winograd_at_t), so its output transform only adds.
// x [n, h, w, ci], dy [n, h, w, co], ci and co multiples of 4.
// This part sums the tiles of spans [s_begin, s_end) of `spans` (span s: tiles [s·span_tiles, (s + 1)·span_tiles),
// span_tiles a multiple of `block`) for output channels [o_begin, o_end) (multiples of 4) into partials[s]
// [(m+2)², ci, co]; winograd_filter_grad_sum then adds the spans in order. The spans are fixed by the shape, not the
// thread count, so threads share the tiles without each transforming all of x, and every value is summed the same way
// whatever the split. `scratch` is the part's own (m+2)²·(block·(ci + oc) + 2·WINOGRAD_PAD + ci·oc) floats
// (oc = o_end − o_begin): `block` tiles' X and D at a time, then the sums P of a run of WINOGRAD_GRAD_RUN blocks after
// a span's first. Summing in runs keeps each float sum a few hundred terms long instead of the whole batch's tiles
// (16384 at 64 × 32² for F(2×2)), like the direct kernel's error rather than 1.4× it. P is the part's own rather than
// columns of a shared one: parts 8 channels wide shared every cache line of P and ran slower on 2 threads than on 1.
// With `dw` (not 0; only when there is one span) the part writes its channels of dw itself, sparing a second call (on
// 2 threads it cost 5 % at 8²×64→64).
static inline __attribute__((always_inline)) void winograd_filter_grad_with(int size, const float *x, const float *dy,
                                                                            float *partials, int n, int h, int w,
                                                                            int ci, int co, int s_begin, int s_end,
                                                                            int span_tiles, int o_begin, int o_end,
                                                                            int block, float *scratch, float *dw) {
  int side = size + 2, planes = side * side;
  int th = (h + size - 1) / size, tw = (w + size - 1) / size, tiles = n * th * tw, oc = o_end - o_begin;
  long v_stride = (long)block * ci + WINOGRAD_PAD, d_stride = (long)block * oc + WINOGRAD_PAD, plane = (long)ci * oc;
  long span_plane = (long)ci * co;
  float *v = scratch, *d = scratch + planes * v_stride, *p = d + planes * d_stride;
  for (int s = s_begin; s < s_end; s++) {
    int s_tile0 = s * span_tiles, s_tile1 = s_tile0 + span_tiles < tiles ? s_tile0 + span_tiles : tiles;
    float *total = partials + planes * span_plane * s + o_begin;
    for (int t0 = s_tile0, blocks = 0; t0 < s_tile1; t0 += block, blocks++) {
      int count = s_tile1 - t0 < block ? s_tile1 - t0 : block, first = blocks % WINOGRAD_GRAD_RUN == 0;
      // The span's first run sums straight into its total when the part has whole rows of it; otherwise (and for later
      // runs) into P, copied or added to the total at the run's end: parts writing halves of the total's rows shared
      // cache lines at their boundary in every block.
      int direct = blocks < WINOGRAD_GRAD_RUN && oc == co;
      for (int k = 0; k < count; k++) {
        int tile = t0 + k, b = tile / (th * tw), rest = tile % (th * tw);
        int oy = size * (rest / tw), ox = size * (rest % tw);
        int rows = h - oy < size ? h - oy : size, cols = w - ox < size ? w - ox : size;
        winograd_x_tile(size, x, h, w, ci, th, tw, tile, v + (long)k * ci, v_stride);
        // dy's tile; its pixels past the map's edge are zero, as if dy were padded. D = A y Aᵀ: along each row into
        // D's first rows, then down the columns in place.
        const float *y0 = dy + (((long)b * h + oy) * w + ox) * co;
        float *dk = d + (long)k * oc - o_begin;
        for (int o = o_begin; o < o_end; o += 4) {
#pragma clang loop unroll(full)
          for (int r = 0; r < size; r++) {
            v128_t y[WINOGRAD_MAX], t[WINOGRAD_MAX];
#pragma clang loop unroll(full)
            for (int c = 0; c < size; c++)
              y[c] = r < rows && c < cols ? wasm_v128_load(y0 + ((long)r * w + c) * co + o) : splat(0.0f);
            winograd_at_t(size, y, t);
#pragma clang loop unroll(full)
            for (int e = 0; e < side; e++) wasm_v128_store(dk + (r * side + e) * d_stride + o, t[e]);
          }
#pragma clang loop unroll(full)
          for (int e = 0; e < side; e++) winograd_in_place(size, WINOGRAD_A, dk + e * d_stride + o, side * d_stride);
        }
      }
      float *sums = direct ? total : p;
      long sums_row = direct ? co : oc, sums_plane = direct ? span_plane : plane;
      for (int e = 0; e < planes; e++) {
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
        for (int e = 0; e < planes; e++)
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
  if (dw) winograd_grad_output(size, partials, dw, ci, co, 1, 0, ci, o_begin, o_end);
}

EXPORT(winograd_filter_grad)
void winograd_filter_grad(const float *x, const float *dy, float *partials, int n, int h, int w, int ci, int co,
                          int s_begin, int s_end, int span_tiles, int o_begin, int o_end, int block, float *scratch,
                          float *dw, int size) {
  if (size == 4)
    winograd_filter_grad_with(4, x, dy, partials, n, h, w, ci, co, s_begin, s_end, span_tiles, o_begin, o_end, block,
                              scratch, dw);
  else
    winograd_filter_grad_with(2, x, dy, partials, n, h, w, ci, co, s_begin, s_end, span_tiles, o_begin, o_end, block,
                              scratch, dw);
}

// winograd_grad_output of all output channels, for input channels [i_begin, i_end) so threads can share it.
EXPORT(winograd_filter_grad_sum)
void winograd_filter_grad_sum(const float *partials, float *dw, int ci, int co, int spans, int i_begin, int i_end,
                              int size) {
  if (size == 4)
    winograd_grad_output(4, partials, dw, ci, co, spans, i_begin, i_end, 0, co);
  else
    winograd_grad_output(2, partials, dw, ci, co, spans, i_begin, i_end, 0, co);
}
