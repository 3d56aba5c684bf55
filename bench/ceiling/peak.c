// The arithmetic ceiling of one core: 12 independent multiply-add chains (enough to hide latency on every x86 core
// we know), timed by bench/ceiling.ts. Built twice: for wasm32 SIMD128 (what lt's kernels can use: 4 lanes, a
// separate multiply and add) and natively with the widest FMA the CPU has (what PyTorch's oneDNN kernels use).
#ifdef __wasm__
#include <wasm_simd128.h>
typedef v128_t vec;
#define LANES 4
#define SPLAT(v) wasm_f32x4_splat(v)
#define MADD(a, m, c) wasm_f32x4_add(wasm_f32x4_mul(a, m), c)
#define FIRST(v) wasm_f32x4_extract_lane(v, 0)
#define ADD(a, b) wasm_f32x4_add(a, b)
#else
#include <immintrin.h>
#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SPLAT(v) _mm512_set1_ps(v)
#define MADD(a, m, c) _mm512_fmadd_ps(a, m, c)
#define FIRST(v) _mm512_cvtss_f32(v)
#define ADD(a, b) _mm512_add_ps(a, b)
#else
typedef __m256 vec;
#define LANES 8
#define SPLAT(v) _mm256_set1_ps(v)
#define MADD(a, m, c) _mm256_fmadd_ps(a, m, c)
#define FIRST(v) _mm256_cvtss_f32(v)
#define ADD(a, b) _mm256_add_ps(a, b)
#endif
#endif

/** Runs `iters` rounds of 12 multiply-adds over LANES floats (24·LANES flops a round); returns a checksum. */
float peak(int iters) {
  vec m = SPLAT(0.9999f), c = SPLAT(0.0001f);
  vec a0 = SPLAT(1.0f), a1 = SPLAT(1.1f), a2 = SPLAT(1.2f), a3 = SPLAT(1.3f), a4 = SPLAT(1.4f), a5 = SPLAT(1.5f);
  vec a6 = SPLAT(1.6f), a7 = SPLAT(1.7f), a8 = SPLAT(1.8f), a9 = SPLAT(1.9f), a10 = SPLAT(2.0f), a11 = SPLAT(2.1f);
  for (int i = 0; i < iters; i++) {
    a0 = MADD(a0, m, c); a1 = MADD(a1, m, c); a2 = MADD(a2, m, c); a3 = MADD(a3, m, c);
    a4 = MADD(a4, m, c); a5 = MADD(a5, m, c); a6 = MADD(a6, m, c); a7 = MADD(a7, m, c);
    a8 = MADD(a8, m, c); a9 = MADD(a9, m, c); a10 = MADD(a10, m, c); a11 = MADD(a11, m, c);
  }
  vec s = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));
  return FIRST(ADD(s, ADD(ADD(a8, a9), ADD(a10, a11))));
}

int lanes(void) { return LANES; }

#ifndef __wasm__
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
/** Native: prints the GFLOP/s of one core (the caller starts one process per core). */
int main(int argc, char **argv) {
  int iters = argc > 1 ? atoi(argv[1]) : 100000000;
  peak(iters / 100);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  float check = peak(iters);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  printf("%f %d %f\n", (double)iters * 24 * LANES / seconds / 1e9, LANES, check);
  return 0;
}
#endif
