// Portable kernels: GCC/Clang generic vectors of 16 floats (lowered to SSE2, NEON, ... by the compiler).
// Same width as AVX-512, so the tail/blocking logic shared with that path is exercised everywhere.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels_api.h"

namespace {

struct V {
  static constexpr int W = 16;
  typedef float F __attribute__((vector_size(64)));
  typedef int32_t I __attribute__((vector_size(64)));
  static inline F load(const float* p) { F v; std::memcpy(&v, p, sizeof v); return v; }
  static inline F keep(F v) { return v; }
  static inline void store(float* p, F v) { std::memcpy(p, &v, sizeof v); }
  /// Store that bypasses the cache (p aligned to the vector size); for rows not read again soon.
  static inline void stream(float* p, F v) { std::memcpy(p, &v, sizeof v); }
  /// Orders earlier streaming stores before whatever the thread does next (the pool hand-off).
  static inline void stream_fence() {}
  static inline F loadn(const float* p, int64_t n) { F v = {}; std::memcpy(&v, p, (size_t)n * 4); return v; }
  static inline void storen(float* p, F v, int64_t n) { std::memcpy(p, &v, (size_t)n * 4); }
  static inline F set1(float x) { return F{} + x; }
  static inline F zero() { return F{}; }
  static inline F add(F a, F b) { return a + b; }
  static inline F sub(F a, F b) { return a - b; }
  static inline F mul(F a, F b) { return a * b; }
  static inline F div(F a, F b) { return a / b; }
  static inline F fma(F a, F b, F c) { return a * b + c; }
  static inline F max(F a, F b) { return a > b ? a : b; }
  static inline F min(F a, F b) { return a < b ? a : b; }
  static inline F abs(F a) { return (F)((I)a & 0x7fffffff); }
  static inline I gt(F a, F b) { return a > b; }
  static inline I lt(F a, F b) { return a < b; }
  static inline F sel(I m, F a, F b) { return m ? a : b; }
  static inline F round(F x) {
    F r;
    for (int i = 0; i < W; ++i) r[i] = __builtin_rintf(x[i]);
    return r;
  }
  static inline F pow2i(F n) {
    I e = __builtin_convertvector(n, I) + 127;
    return (F)(e << 23);
  }
  /// a*b - p exactly, without FMA (Dekker's product with Veltkamp splitting).
  static inline F mul_err(F a, F b, F p) {
    const F c = set1(4097.0f);
    const F ac = a * c, bc = b * c;
    const F ah = ac - (ac - a), al = a - ah;
    const F bh = bc - (bc - b), bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  }
  static inline float hsum(F v) {
    float s[W];
    std::memcpy(s, &v, sizeof v);
    for (int w = W / 2; w >= 1; w /= 2)
      for (int i = 0; i < w; ++i) s[i] += s[i + w];
    return s[0];
  }
};

constexpr int MR = 4;
constexpr int KC = 256;
constexpr int MC = 128;
constexpr int FFF_WALK = 3;  // FFF tokens walked in lockstep (kernels.inc)
constexpr int FFF_LEAF_RUN = 0;  // FFF tokens on one leaf written together, 0: pairs only (kernels.inc)
#define ISA_NAME "portable"
#include "kernels.inc"
#undef ISA_NAME

}  // namespace

const ufb::KernelTable* ufb::kernels_portable() { return &TABLE; }
