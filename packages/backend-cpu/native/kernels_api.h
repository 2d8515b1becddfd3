// Interface between the addon (addon.cc, pool.cc) and the ISA-specific kernel translation units.
// Plain structs and function pointers only: the ISA units are compiled with wider target options
// and must not share inline/template code (e.g. the STL) with the rest of the addon.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ufb {

enum Act : int { ACT_NONE = 0, ACT_GELU = 1, ACT_TANH = 2 };

/// Weight [N, K] row-major packed into panels of NR columns, in blocks of KC along K.
struct PackedB {
  const float* data;
  int64_t N, K;
  int64_t kc;       // K block
  int64_t nr;       // panel width
  int64_t nPanels;  // ceil(N / nr)
  int64_t nKBlocks; // ceil(K / kc)
};

struct GemmArgs {
  const float* x;  // [M, K]
  const PackedB* w;
  const float* bias;  // [N] or null
  float* y;           // [M, N]
  int64_t M;
  int act;
};

struct FffArgs {
  const float* x;     // [rows, in]
  const float* wIn;   // [trees*nodes, in]
  const float* bIn;   // [trees*nodes]
  const float* wOut;  // [trees*nodes, out] node-major, or null for routing only
  float* y;           // [rows, out] or null
  int32_t* paths;     // [rows, trees, depth+1] or null
  int64_t rows, in, out;
  int64_t depth, trees, nodes;
  int64_t split;  // levels [0, split) are walked in token order (fff_top), the rest per subtree bucket (fff_sub)
  bool stream;    // y is too large to stay in cache: write it with non-temporal stores
  // Work arrays owned by the caller, [rows, trees * (depth+1)]: logits (the output pass reads them
  // and keeps its activations in its own buffer) and the visited node's global row
  // (tree * nodes + node); [rows, trees]: each token's current node.
  float* logit;
  int32_t* gnode;
  int32_t* cur;
};

struct AttnArgs {
  const float* qkv;     // [B, S, 3H]
  const int32_t* mask;  // [B, S] or null
  float* out;           // [B, S, H]
  int64_t B, S, H, heads;
  float scale;
};

struct KernelTable {
  const char* isa;
  int64_t nr, kc, mc, mr;
  /// Floats of one packed m-block of A (mc rows, all of K).
  int64_t (*packed_a_size)(int64_t K);
  void (*pack_a)(const float* x, int64_t K, int64_t m0, int64_t m1, float* out);
  void (*pack_b)(const float* w, int64_t N, int64_t K, float* out);
  /// Rows [m0, m1) (m1 - m0 <= mc, packed by pack_a into apack), panels [p0, p1).
  void (*gemm_tile)(const GemmArgs* a, int64_t m0, int64_t m1, int64_t p0, int64_t p1, const float* apack);
  /// FFF phases (see kernels.inc): the top levels of rows [r0, r1); then, per bucket of n tokens
  /// that reached the same subtree of tree k, the subtree's levels, and the output rows.
  void (*fff_top)(const FffArgs* a, int64_t r0, int64_t r1);
  void (*fff_sub)(const FffArgs* a, int64_t k, const int32_t* toks, int64_t n);
  void (*fff_out)(const FffArgs* a, int64_t k, const int32_t* toks, int64_t n);
  int64_t (*attn_scratch)(const AttnArgs* a);
  /// (batch, head) pairs [t0, t1).
  void (*attention)(const AttnArgs* a, int64_t t0, int64_t t1, float* scratch);
  void (*layernorm_rows)(const float* x, const float* w, const float* b, float* y, int64_t h, int64_t r0, int64_t r1,
                         float eps);
  void (*softmax_rows)(const float* x, float* y, int64_t n, int64_t r0, int64_t r1);
  void (*gelu)(const float* x, float* y, int64_t n);
  void (*add)(const float* a, const float* b, float* y, int64_t n, int64_t bn, int64_t i0, int64_t i1);
};

const KernelTable* kernels_portable();
const KernelTable* kernels_avx2();    // null when not compiled for this architecture
const KernelTable* kernels_avx512();  // null when not compiled for this architecture

}  // namespace ufb
