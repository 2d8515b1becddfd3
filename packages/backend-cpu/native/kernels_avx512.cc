// AVX-512 (F, VL, DQ, BW) kernels (x86-64 only), called only after a runtime CPU check.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels_api.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")
#endif

namespace {

struct V {
  static constexpr int W = 16;
  using F = __m512;
  using M = __mmask16;
  static inline __mmask16 tailmask(int64_t n) { return (__mmask16)((1u << n) - 1u); }
  static inline F load(const float* p) { return _mm512_loadu_ps(p); }
  /// Forces v into a register (see kernels_avx2.cc).
  static inline F keep(F v) {
    __asm__("" : "+v"(v));
    return v;
  }
  static inline void store(float* p, F v) { _mm512_storeu_ps(p, v); }
  /// Store that bypasses the cache (p aligned to the vector size); for rows not read again soon.
  static inline void stream(float* p, F v) { _mm512_stream_ps(p, v); }
  /// Orders earlier streaming stores before whatever the thread does next (the pool hand-off).
  static inline void stream_fence() { _mm_sfence(); }
  static inline F loadn(const float* p, int64_t n) { return _mm512_maskz_loadu_ps(tailmask(n), p); }
  static inline void storen(float* p, F v, int64_t n) { _mm512_mask_storeu_ps(p, tailmask(n), v); }
  static inline F set1(float x) { return _mm512_set1_ps(x); }
  static inline F zero() { return _mm512_setzero_ps(); }
  static inline F add(F a, F b) { return _mm512_add_ps(a, b); }
  static inline F sub(F a, F b) { return _mm512_sub_ps(a, b); }
  static inline F mul(F a, F b) { return _mm512_mul_ps(a, b); }
  static inline F div(F a, F b) { return _mm512_div_ps(a, b); }
  static inline F fma(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
  static inline F max(F a, F b) { return _mm512_max_ps(a, b); }
  static inline F min(F a, F b) { return _mm512_min_ps(a, b); }
  static inline F abs(F a) { return _mm512_abs_ps(a); }
  static inline M gt(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static inline M lt(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static inline F sel(M m, F a, F b) { return _mm512_mask_blend_ps(m, b, a); }
  static inline F round(F x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static inline F pow2i(F n) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23));
  }
  static inline F mul_err(F a, F b, F p) { return _mm512_fmsub_ps(a, b, p); }
  static inline float hsum(F v) {
    const __m256 lo = _mm512_castps512_ps256(v);
    const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    const __m256 s8 = _mm256_add_ps(lo, hi);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
  }
};

constexpr int MR = 12;
constexpr int KC = 256;
constexpr int MC = 144;
constexpr int FFF_WALK = 4;  // FFF tokens walked in lockstep (kernels.inc)
constexpr int FFF_LEAF_RUN = 4;  // FFF tokens on one leaf written together, 0: pairs only (kernels.inc)
#define ISA_NAME "avx512"
#include "kernels.inc"
#undef ISA_NAME

}  // namespace

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

const ufb::KernelTable* ufb::kernels_avx512() { return &TABLE; }

#else
const ufb::KernelTable* ufb::kernels_avx512() { return nullptr; }
#endif
