// AVX2 + FMA kernels (x86-64 only). Everything after the target pragma is compiled for AVX2/FMA;
// it is only called after a runtime CPU check (see addon.cc). Standard headers come first so no
// shared inline code is compiled with these options.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels_api.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

namespace {

struct V {
  static constexpr int W = 8;
  using F = __m256;
  using M = __m256;
  static inline __m256i tailmask(int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static inline F load(const float* p) { return _mm256_loadu_ps(p); }
  /// Forces v into a register: a value loaded once and used by several FMAs is not re-loaded by
  /// each (GCC folds such loads into memory operands).
  static inline F keep(F v) {
    __asm__("" : "+x"(v));
    return v;
  }
  static inline void store(float* p, F v) { _mm256_storeu_ps(p, v); }
  /// Store that bypasses the cache (p aligned to the vector size); for rows not read again soon.
  static inline void stream(float* p, F v) { _mm256_stream_ps(p, v); }
  /// Orders earlier streaming stores before whatever the thread does next (the pool hand-off).
  static inline void stream_fence() { _mm_sfence(); }
  static inline F loadn(const float* p, int64_t n) { return _mm256_maskload_ps(p, tailmask(n)); }
  static inline void storen(float* p, F v, int64_t n) { _mm256_maskstore_ps(p, tailmask(n), v); }
  static inline F set1(float x) { return _mm256_set1_ps(x); }
  static inline F zero() { return _mm256_setzero_ps(); }
  static inline F add(F a, F b) { return _mm256_add_ps(a, b); }
  static inline F sub(F a, F b) { return _mm256_sub_ps(a, b); }
  static inline F mul(F a, F b) { return _mm256_mul_ps(a, b); }
  static inline F div(F a, F b) { return _mm256_div_ps(a, b); }
  static inline F fma(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static inline F max(F a, F b) { return _mm256_max_ps(a, b); }
  static inline F min(F a, F b) { return _mm256_min_ps(a, b); }
  static inline F abs(F a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static inline M gt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static inline M lt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static inline F sel(M m, F a, F b) { return _mm256_blendv_ps(b, a, m); }
  static inline F round(F x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static inline F pow2i(F n) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
  }
  static inline F mul_err(F a, F b, F p) { return _mm256_fmsub_ps(a, b, p); }
  static inline float hsum(F v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
  }
};

constexpr int MR = 6;
constexpr int KC = 256;
constexpr int MC = 144;
constexpr int FFF_WALK = 3;  // FFF tokens walked in lockstep (kernels.inc)
constexpr int FFF_LEAF_RUN = 0;  // FFF tokens on one leaf written together, 0: pairs only (kernels.inc)
#define ISA_NAME "avx2"
#include "kernels.inc"
#undef ISA_NAME

}  // namespace

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

const ufb::KernelTable* ufb::kernels_avx2() { return &TABLE; }

#else
const ufb::KernelTable* ufb::kernels_avx2() { return nullptr; }
#endif
