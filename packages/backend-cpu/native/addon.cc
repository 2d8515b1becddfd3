// N-API entry points of the UltraFastBERT CPU backend: storage, ISA dispatch, op execution
// (inline for tiny calls, otherwise on a libuv worker that drives the backend's thread pool).
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "kernels_api.h"
#include "pool.h"

namespace ufb {
namespace {

// ----------------------------------------------------------------------------- storage

float* alloc_floats(size_t n, bool huge = true);
void free_floats(float* p, size_t n);

struct Packed {
  float* data = nullptr;
  size_t count = 0;
  PackedB desc{};
  const KernelTable* kt = nullptr;
  ~Packed() { free_floats(data, count); }
};

// Buffers are recycled by exact (rounded) size instead of going back to the OS: on VMs a fresh
// mapping costs a page fault per 4 KiB page (measured here: ~80 ms to fault in 50 MB), which would
// dominate ops like a 16384-token FFF. Inference loops allocate the same sizes over and over.
// Under AddressSanitizer the cache is off so use-after-free stays detectable.
#if defined(__SANITIZE_ADDRESS__)
#define UFB_BUFFER_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UFB_BUFFER_CACHE 0
#endif
#endif
#ifndef UFB_BUFFER_CACHE
#define UFB_BUFFER_CACHE 1
#endif

size_t alloc_bytes(size_t n) {
  const size_t raw = n * 4 + 64;  // one spare cache line
  const size_t gran = raw <= (size_t(1) << 16) ? 64 : 4096;
  return (raw + gran - 1) / gran * gran;
}

struct BufferCache {
  std::mutex mu;
  std::unordered_map<size_t, std::vector<void*>> free;
  size_t cached = 0;
  static constexpr size_t kLimit = size_t(1) << 30;  // keep at most 1 GiB of idle buffers
  void* get(size_t bytes, bool huge) {
    {
      std::lock_guard<std::mutex> lk(mu);
      auto it = free.find(bytes);
      if (it != free.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached -= bytes;
        return p;
      }
    }
    return fresh(bytes, huge);
  }
  /// Large buffers get 2 MiB alignment and ask for transparent huge pages: the FFF kernel reads
  /// activation rows in bucket order, and 4 KiB pages made most of those reads TLB misses.
  /// Uploads do not ask (huge = false): a huge page's first touch cost 0.3-5 GB/s on a VM (the host
  /// backs 2 MiB at a time) against a steady ~1.4 GB/s for 4 KiB pages, which made model loads
  /// swing by a second; weights are touched once and their rows are hot in cache when used.
  static void* fresh(size_t bytes, bool huge) {
    constexpr size_t kHuge = size_t(2) << 20;
    if (!huge || bytes < 2 * kHuge) return std::aligned_alloc(64, bytes);
    void* p = std::aligned_alloc(kHuge, (bytes + kHuge - 1) / kHuge * kHuge);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p) madvise(p, (bytes + kHuge - 1) / kHuge * kHuge, MADV_HUGEPAGE);
#endif
    return p;
  }
  void put(void* p, size_t bytes) {
    if (!p) return;
    {
      std::lock_guard<std::mutex> lk(mu);
      if (UFB_BUFFER_CACHE && cached + bytes <= kLimit) {
        free[bytes].push_back(p);
        cached += bytes;
        return;
      }
    }
    std::free(p);
  }
};
BufferCache& buffer_cache() {
  static BufferCache* c = new BufferCache();  // never destroyed: buffers may be released at exit
  return *c;
}

float* alloc_floats(size_t n, bool huge) { return static_cast<float*>(buffer_cache().get(alloc_bytes(n), huge)); }
void free_floats(float* p, size_t n) { buffer_cache().put(p, alloc_bytes(n)); }

struct Buf {
  float* p = nullptr;
  size_t n = 0;  // elements (f32 or i32, 4 bytes each)
  std::mutex packMu;
  std::shared_ptr<Packed> packed;  // cached packed form when used as a linear weight (tensors are immutable)
  explicit Buf(size_t count, bool huge = true) : n(count) { p = alloc_floats(count, huge); }
  ~Buf() { free_floats(p, n); }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  int32_t* i32() const { return reinterpret_cast<int32_t*>(p); }
};
using BufPtr = std::shared_ptr<Buf>;

struct Handle {
  BufPtr buf;
};

// ----------------------------------------------------------------------------- ISA + context

struct Cpu {
  bool avx2 = false, avx512 = false;
};

Cpu detect() {
  Cpu c;
#if (defined(__x86_64__) || defined(_M_X64)) && defined(__GNUC__)
  __builtin_cpu_init();
  c.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  c.avx512 = c.avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
#endif
  return c;
}

struct Ctx {
  std::unique_ptr<Pool> pool;
  const KernelTable* kt = nullptr;
  int threads = 1;
};
using CtxPtr = std::shared_ptr<Ctx>;
struct CtxHandle {
  CtxPtr ctx;
};

thread_local std::vector<float> tl_scratch;
float* scratch(int64_t n) {
  if ((int64_t)tl_scratch.size() < n) tl_scratch.resize((size_t)n);
  return tl_scratch.data();
}

// ----------------------------------------------------------------------------- ops

enum Op {
  OP_LINEAR = 0,
  OP_FFF,
  OP_FFF_ROUTE,
  OP_LAYERNORM,
  OP_ATTENTION,
  OP_GELU,
  OP_TANH,
  OP_ADD,
  OP_EMBEDDING,
  OP_MEANPOOL,
  OP_SOFTMAX,
  OP_TOPK,
  OP_COUNT
};

struct Job {
  int op = 0;
  CtxPtr ctx;
  std::vector<BufPtr> in;   // null for absent optional inputs
  std::vector<BufPtr> out;
  std::vector<int64_t> I;
  std::vector<double> Fp;
  std::string errCode, errMsg;
  bool parallel = false;

  void fail(const char* code, std::string msg) {
    errCode = code;
    errMsg = std::move(msg);
  }

  void pfor(int64_t n, const std::function<void(int64_t)>& fn) {
    if (parallel && ctx->pool) {
      ctx->pool->run(n, fn);
    } else {
      for (int64_t i = 0; i < n; ++i) fn(i);
    }
  }
  /// Split [0, total) into about `parts` chunks of at least `minChunk`; fn(begin, end).
  void prange(int64_t total, int64_t minChunk, const std::function<void(int64_t, int64_t)>& fn) {
    if (total <= 0) return;
    const int64_t parts = parallel ? (int64_t)ctx->threads * 4 : 1;
    int64_t chunk = std::max<int64_t>(minChunk, (total + parts - 1) / parts);
    const int64_t n = (total + chunk - 1) / chunk;
    pfor(n, [&](int64_t i) { fn(i * chunk, std::min(total, (i + 1) * chunk)); });
  }

  void execute();
  void linear();
  void fff(bool route);
};

std::shared_ptr<Packed> packed_weight(Buf& w, const KernelTable* kt, int64_t N, int64_t K) {
  std::lock_guard<std::mutex> lk(w.packMu);
  if (w.packed && w.packed->kt == kt && w.packed->desc.N == N && w.packed->desc.K == K) return w.packed;
  auto pk = std::make_shared<Packed>();
  pk->kt = kt;
  PackedB& d = pk->desc;
  d.N = N;
  d.K = K;
  d.kc = kt->kc;
  d.nr = kt->nr;
  d.nPanels = (N + d.nr - 1) / d.nr;
  d.nKBlocks = (K + d.kc - 1) / d.kc;
  pk->count = (size_t)(d.nPanels * d.nKBlocks * d.kc * d.nr);
  pk->data = alloc_floats(pk->count);
  kt->pack_b(w.p, N, K, pk->data);
  d.data = pk->data;
  w.packed = pk;
  return pk;
}

void Job::linear() {
  const int64_t M = I[0], K = I[1], N = I[2], act = I[3];
  const float* bias = in[2] ? in[2]->p : nullptr;
  float* y = out[0]->p;
  if (M == 0 || N == 0) return;
  if (K == 0) {
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) y[m * N + n] = bias ? bias[n] : 0.0f;
    if (act == ACT_GELU) ctx->kt->gelu(y, y, M * N);
    if (act == ACT_TANH)
      for (int64_t i = 0; i < M * N; ++i) y[i] = std::tanh(y[i]);
    return;
  }
  const KernelTable* kt = ctx->kt;
  auto pk = packed_weight(*in[1], kt, N, K);
  GemmArgs g{in[0]->p, &pk->desc, bias, y, M, (int)act};
  const int64_t nP = pk->desc.nPanels;
  // Row blocks of at most mc rows, as many as a multiple of the thread count and equal in size
  // (M=1024 was 7 blocks of 144 and one of 16: a thread idled for an eighth of the call).
  const int64_t threads = parallel ? (int64_t)ctx->threads : 1;
  int64_t mBlocks = (M + kt->mc - 1) / kt->mc;
  if (mBlocks > 1) mBlocks = (mBlocks + threads - 1) / threads * threads;
  const int64_t mc = std::min<int64_t>(kt->mc, ((M + mBlocks - 1) / mBlocks + kt->mr - 1) / kt->mr * kt->mr);
  mBlocks = (M + mc - 1) / mc;
  const int64_t want = threads * 4;
  const int64_t nSplit = std::min<int64_t>(nP, std::max<int64_t>(1, (want + mBlocks - 1) / mBlocks));
  const int64_t per = (nP + nSplit - 1) / nSplit;
  const int64_t nSplitReal = (nP + per - 1) / per;
  // A is packed once per m-block: up front into a shared buffer when several tasks split one
  // m-block's columns, otherwise by the task itself.
  const int64_t aSize = kt->packed_a_size(K);
  float* shared = nSplitReal > 1 ? alloc_floats((size_t)(mBlocks * aSize)) : nullptr;  // recycled, not zeroed
  if (shared)
    pfor(mBlocks, [&](int64_t mb) { kt->pack_a(g.x, K, mb * mc, std::min(M, (mb + 1) * mc), shared + mb * aSize); });
  pfor(mBlocks * nSplitReal, [&](int64_t t) {
    const int64_t mb = t / nSplitReal, ns = t % nSplitReal;
    const int64_t m0 = mb * mc, m1 = std::min(M, m0 + mc);
    const int64_t p0 = ns * per, p1 = std::min(nP, p0 + per);
    const float* apack = shared ? shared + mb * aSize : nullptr;
    if (!apack) {
      float* own = scratch(aSize);
      kt->pack_a(g.x, K, m0, m1, own);
      apack = own;
    }
    kt->gemm_tile(&g, m0, m1, p0, p1, apack);
  });
  if (shared) free_floats(shared, (size_t)(mBlocks * aSize));
}

/// FFF work arrays, kept per calling thread so repeated calls do not fault fresh pages in.
struct FffWork {
  std::vector<float> logit;
  std::vector<int32_t> ints;
};
thread_local FffWork tl_fff;

/// Orders one bucket piece's tokens (all below one subtree root of tree k) by the leaf they reached,
/// so that the output pass's pairs mostly share their whole path and load each row once for both
/// (2-core Zen 3, 16384 tokens: whole FFF 4-7% faster, medians of 10-12 interleaved runs). A
/// counting sort over the subtree's leaves; skipped where leaves far outnumber tokens, as pairs then
/// rarely share a leaf. The order does not change any bits: each token's sum is its own.
void sort_by_leaf(const FffArgs& a, int64_t k, int32_t* toks, int64_t n) {
  const int64_t D1 = a.depth + 1, L = a.trees * D1, below = a.depth - a.split;
  const int64_t leaves = int64_t(1) << below;
  if (n < 3 || below <= 0 || leaves > 4 * n) return;
  thread_local std::vector<int32_t> count, tmp;
  count.assign((size_t)leaves + 1, 0);
  tmp.resize((size_t)n);
  const int32_t* g = a.gnode + k * D1;
  const int64_t root = g[(int64_t)toks[0] * L + a.split] - k * a.nodes;  // the piece's subtree root
  const int64_t first = k * a.nodes + ((root + 1) << below) - 1;      // its leftmost leaf's row
  for (int64_t i = 0; i < n; ++i) ++count[(size_t)(g[(int64_t)toks[i] * L + a.depth] - first + 1)];
  for (int64_t l = 0; l < leaves; ++l) count[(size_t)l + 1] += count[(size_t)l];
  for (int64_t i = 0; i < n; ++i) tmp[(size_t)count[(size_t)(g[(int64_t)toks[i] * L + a.depth] - first)]++] = toks[i];
  std::copy(tmp.begin(), tmp.end(), toks);
}

void Job::fff(bool route) {
  FffArgs a{};
  a.x = in[0]->p;
  a.wIn = in[1]->p;
  a.bIn = in[2]->p;
  a.rows = I[0];
  a.in = I[1];
  a.out = route ? 0 : I[2];
  a.depth = I[3];
  a.trees = I[4];
  a.nodes = (int64_t(2) << a.depth) - 1;
  if (route) {
    a.paths = out[0]->i32();
  } else {
    a.wOut = in[3]->p;
    a.y = out[0]->p;
  }
  const int64_t rows = a.rows, D1 = a.depth + 1, K = a.trees, L = K * D1;
  if (rows == 0) return;
  // Top half of the levels per token, bottom half per subtree: both halves' rows fit in L2.
  // (Measured on a 2-core Zen 3 at 16384 tokens: splits 3..8 within noise; bucketing the whole
  // batch beat chunks of 4096/1024/256 tokens by 15-60%, as deep rows are then read once.)
  a.split = D1 / 2;
  // An output past the size of a cache is written around it (no read-for-ownership); smaller ones
  // stay cached for the residual add that follows in a model.
  a.stream = rows * a.out * 4 >= (int64_t(16) << 20);
  const int64_t nb = int64_t(1) << a.split;  // subtrees per tree below the split
  FffWork& w = tl_fff;
  w.logit.resize((size_t)(rows * L));
  w.ints.resize((size_t)(rows * L + 2 * rows * K));
  a.logit = w.logit.data();
  a.gnode = w.ints.data();
  a.cur = a.gnode + rows * L;
  int32_t* order = a.cur + rows * K;  // token ids grouped by bucket, one tree at a time
  const KernelTable* kt = ctx->kt;
  const bool wasParallel = parallel;
  parallel = parallel && rows >= 16;  // waking the pool costs more than a few tokens' work
  std::vector<int64_t> start((size_t)(nb + 1)), fill((size_t)nb);
  // Tasks are small (~256 tokens, ~0.1 ms) and dealt out dynamically: on a shared machine one core
  // is often slowed for a while, and a coarse split left the other idle at each phase's end.
  const int64_t grain = std::max<int64_t>(16, std::min<int64_t>(256, rows / (8 * ctx->threads)));
  pfor((rows + grain - 1) / grain, [&](int64_t i) { kt->fff_top(&a, i * grain, std::min(rows, (i + 1) * grain)); });
  std::vector<std::pair<int64_t, int64_t>> tasks;  // (first, count) of a piece of one bucket
  for (int64_t k = 0; k < K; ++k) {
    // stable counting sort of the tokens by the subtree they reached in tree k
    std::fill(start.begin(), start.end(), 0);
    for (int64_t t = 0; t < rows; ++t) ++start[(size_t)(a.cur[t * K + k] - (nb - 1) + 1)];
    for (int64_t b = 0; b < nb; ++b) start[(size_t)b + 1] += start[(size_t)b];
    for (int64_t b = 0; b < nb; ++b) fill[(size_t)b] = start[(size_t)b];
    for (int64_t t = 0; t < rows; ++t) order[fill[(size_t)(a.cur[t * K + k] - (nb - 1))]++] = (int32_t)t;
    // Buckets are cut into pieces of at most `cap` tokens, so a skewed router (most tokens in one
    // subtree) still keeps every thread busy, and the largest pieces go first so the phase ends
    // with small ones. A piece still reads its subtree's rows once for all its tokens.
    const int64_t cap = std::max<int64_t>(64, rows / (4 * ctx->threads));
    tasks.clear();
    for (int64_t b = 0; b < nb; ++b)
      for (int64_t s = start[(size_t)b]; s < start[(size_t)b + 1]; s += cap)
        tasks.emplace_back(s, std::min(cap, start[(size_t)b + 1] - s));
    std::stable_sort(tasks.begin(), tasks.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
    // Trees run one after another: tree k's output continues tree k-1's sum in y.
    pfor((int64_t)tasks.size(), [&](int64_t i) {
      int32_t* toks = order + tasks[(size_t)i].first;
      const int64_t n = tasks[(size_t)i].second;
      kt->fff_sub(&a, k, toks, n);
      if (route) return;
      sort_by_leaf(a, k, toks, n);
      kt->fff_out(&a, k, toks, n);
    });
  }
  if (route) {
    prange(rows, 64, [&](int64_t r0, int64_t r1) {
      for (int64_t t = r0; t < r1; ++t)
        for (int64_t k = 0; k < K; ++k)
          for (int64_t l = 0; l < D1; ++l)
            a.paths[t * L + k * D1 + l] = a.gnode[t * L + k * D1 + l] - (int32_t)(k * a.nodes);
    });
  }
  parallel = wasParallel;
}

void Job::execute() {
  const KernelTable* kt = ctx->kt;
  switch (op) {
    case OP_LINEAR:
      return linear();
    case OP_FFF:
      return fff(false);
    case OP_FFF_ROUTE:
      return fff(true);
    case OP_LAYERNORM: {
      const int64_t rows = I[0], h = I[1];
      const float eps = (float)Fp[0];
      const float *x = in[0]->p, *w = in[1]->p, *b = in[2]->p;
      float* y = out[0]->p;
      return prange(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(h, 1)),
                    [&](int64_t r0, int64_t r1) { kt->layernorm_rows(x, w, b, y, h, r0, r1, eps); });
    }
    case OP_ATTENTION: {
      AttnArgs a{in[0]->p, in[1] ? in[1]->i32() : nullptr, out[0]->p, I[0], I[1], I[2], I[3], (float)Fp[0]};
      const int64_t need = kt->attn_scratch(&a);
      return pfor(a.B * a.heads, [&](int64_t t) { kt->attention(&a, t, t + 1, scratch(need)); });
    }
    case OP_GELU: {
      const float* x = in[0]->p;
      float* y = out[0]->p;
      return prange(I[0], 16384, [&](int64_t i0, int64_t i1) { kt->gelu(x + i0, y + i0, i1 - i0); });
    }
    case OP_TANH: {
      const float* x = in[0]->p;
      float* y = out[0]->p;
      return prange(I[0], 16384, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) y[i] = std::tanh(x[i]);
      });
    }
    case OP_ADD: {
      const int64_t n = I[0], bn = I[1];
      if (n == 0 || bn == 0) return;
      const float *a = in[0]->p, *b = in[1]->p;
      float* y = out[0]->p;
      return prange(n / bn, std::max<int64_t>(1, 16384 / bn),
                    [&](int64_t r0, int64_t r1) { kt->add(a, b, y, n, bn, r0, r1); });
    }
    case OP_EMBEDDING: {
      const int64_t V = I[0], H = I[1], n = I[2];
      const int32_t* ids = in[1]->i32();
      for (int64_t i = 0; i < n; ++i) {
        if (ids[i] < 0 || ids[i] >= V) {
          return fail("E_INDEX_RANGE", "embedding: id " + std::to_string(ids[i]) + " at position " +
                                           std::to_string(i) + " is outside the table's " + std::to_string(V) +
                                           " rows");
        }
      }
      const float* t = in[0]->p;
      float* y = out[0]->p;
      return prange(n, std::max<int64_t>(1, 16384 / std::max<int64_t>(H, 1)), [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) std::memcpy(y + i * H, t + (int64_t)ids[i] * H, (size_t)H * 4);
      });
    }
    case OP_MEANPOOL: {
      const int64_t B = I[0], S = I[1], H = I[2];
      const float* x = in[0]->p;
      const int32_t* mask = in[1] ? in[1]->i32() : nullptr;
      float* y = out[0]->p;
      return pfor(B, [&](int64_t b) {
        std::vector<double> acc((size_t)H, 0.0);
        int64_t count = 0;
        for (int64_t s = 0; s < S; ++s) {
          if (mask && mask[b * S + s] == 0) continue;
          ++count;
          const float* xr = x + (b * S + s) * H;
          for (int64_t h = 0; h < H; ++h) acc[(size_t)h] += xr[h];
        }
        for (int64_t h = 0; h < H; ++h) y[b * H + h] = count == 0 ? 0.0f : (float)(acc[(size_t)h] / (double)count);
      });
    }
    case OP_SOFTMAX: {
      const int64_t rows = I[0], n = I[1];
      if (n == 0) return;
      const float* x = in[0]->p;
      float* y = out[0]->p;
      return prange(rows, std::max<int64_t>(1, 16384 / n),
                    [&](int64_t r0, int64_t r1) { kt->softmax_rows(x, y, n, r0, r1); });
    }
    case OP_TOPK: {
      const int64_t rows = I[0], n = I[1], k = I[2];
      const float* x = in[0]->p;
      float* vals = out[0]->p;
      int32_t* idx = out[1]->i32();
      return prange(rows, 1, [&](int64_t r0, int64_t r1) {
        std::vector<int32_t> order((size_t)n);
        for (int64_t r = r0; r < r1; ++r) {
          const float* xr = x + r * n;
          auto key = [&](int32_t i) { return std::isnan(xr[i]) ? -INFINITY : xr[i]; };
          auto before = [&](int32_t a, int32_t b) {
            const float ka = key(a), kb = key(b);
            return ka > kb || (ka == kb && a < b);
          };
          for (int64_t i = 0; i < n; ++i) order[(size_t)i] = (int32_t)i;
          if (k == 1) {
            int32_t best = 0;
            for (int32_t i = 1; i < (int32_t)n; ++i)
              if (before(i, best)) best = i;
            order[0] = best;
          } else {
            std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
          }
          for (int64_t j = 0; j < k; ++j) {
            idx[r * k + j] = order[(size_t)j];
            vals[r * k + j] = xr[order[(size_t)j]];
          }
        }
      });
    }
    default:
      return fail("E_INVALID_ARGUMENT", "unknown op code " + std::to_string(op));
  }
}

/// Elements each input must hold (and each output will hold), from the op's integer parameters.
bool check_sizes(Job& j, std::string& why) {
  const auto& I = j.I;
  auto need = [&](size_t idx, int64_t count, const char* name) {
    if (idx >= j.in.size() || !j.in[idx]) {
      why = std::string("missing input '") + name + "'";
      return false;
    }
    if ((int64_t)j.in[idx]->n != count) {
      why = std::string("input '") + name + "' holds " + std::to_string(j.in[idx]->n) + " elements, the call needs " +
            std::to_string(count);
      return false;
    }
    return true;
  };
  auto opt = [&](size_t idx, int64_t count, const char* name) {
    return idx >= j.in.size() || !j.in[idx] || need(idx, count, name);
  };
  auto outs = [&](std::initializer_list<int64_t> counts) {
    if (j.out.size() != counts.size()) {
      why = "wrong number of outputs";
      return false;
    }
    size_t i = 0;
    for (int64_t c : counts) {
      if ((int64_t)j.out[i++]->n != c) {
        why = "output size does not match the call";
        return false;
      }
    }
    return true;
  };
  auto nI = [&](size_t n) {
    if (I.size() != n) {
      why = "wrong number of integer parameters";
      return false;
    }
    for (int64_t v : I)
      if (v < 0) {
        why = "negative size";
        return false;
      }
    return true;
  };
  switch (j.op) {
    case OP_LINEAR:
      return nI(4) && I[3] <= 2 && need(0, I[0] * I[1], "x") && need(1, I[2] * I[1], "weight") &&
             opt(2, I[2], "bias") && outs({I[0] * I[2]});
    case OP_FFF:
    case OP_FFF_ROUTE: {
      const bool route = j.op == OP_FFF_ROUTE;
      if (!nI(5) || I[3] > 30 || I[4] < 1) {
        if (why.empty()) why = "bad depth/trees";
        return false;
      }
      const int64_t rowsW = I[4] * ((int64_t(2) << I[3]) - 1);
      if (!need(0, I[0] * I[1], "x") || !need(1, rowsW * I[1], "wIn") || !need(2, rowsW, "bIn")) return false;
      if (route) return outs({I[0] * I[4] * (I[3] + 1)});
      return need(3, rowsW * I[2], "wOut") && outs({I[0] * I[2]});
    }
    case OP_LAYERNORM:
      return nI(2) && j.Fp.size() == 1 && need(0, I[0] * I[1], "x") && need(1, I[1], "weight") &&
             need(2, I[1], "bias") && outs({I[0] * I[1]});
    case OP_ATTENTION:
      if (!nI(4) || I[3] < 1 || I[2] % I[3] != 0 || j.Fp.size() != 1) {
        if (why.empty()) why = "bad attention parameters";
        return false;
      }
      return need(0, I[0] * I[1] * 3 * I[2], "qkv") && opt(1, I[0] * I[1], "mask") && outs({I[0] * I[1] * I[2]});
    case OP_GELU:
    case OP_TANH:
      return nI(1) && need(0, I[0], "x") && outs({I[0]});
    case OP_ADD:
      return nI(2) && (I[1] == 0 ? I[0] == 0 : I[0] % I[1] == 0) && need(0, I[0], "a") && need(1, I[1], "b") &&
             outs({I[0]});
    case OP_EMBEDDING:
      return nI(3) && need(0, I[0] * I[1], "table") && need(1, I[2], "ids") && outs({I[2] * I[1]});
    case OP_MEANPOOL:
      return nI(3) && need(0, I[0] * I[1] * I[2], "x") && opt(1, I[0] * I[1], "mask") && outs({I[0] * I[2]});
    case OP_SOFTMAX:
      return nI(2) && need(0, I[0] * I[1], "x") && outs({I[0] * I[1]});
    case OP_TOPK:
      return nI(3) && I[2] >= 1 && I[2] <= I[1] && need(0, I[0] * I[1], "x") && outs({I[0] * I[2], I[0] * I[2]});
    default:
      why = "unknown op";
      return false;
  }
}

// ----------------------------------------------------------------------------- N-API glue

Napi::Value throw_error(Napi::Env env, const std::string& code, const std::string& msg) {
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Object make_error(Napi::Env env, const std::string& code, const std::string& msg) {
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  return e.Value();
}

Napi::Value wrap_buf(Napi::Env env, BufPtr b) {
  return Napi::External<Handle>::New(env, new Handle{std::move(b)}, [](Napi::Env, Handle* h) { delete h; });
}

Napi::Array outputs_array(Napi::Env env, Job& j) {
  Napi::Array arr = Napi::Array::New(env, j.out.size());
  for (size_t i = 0; i < j.out.size(); ++i) arr.Set((uint32_t)i, wrap_buf(env, j.out[i]));
  return arr;
}

class OpWorker : public Napi::AsyncWorker {
 public:
  OpWorker(Napi::Env env, std::unique_ptr<Job> job)
      : Napi::AsyncWorker(env, "ultrafastbert:cpu-op"), job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    job_->parallel = true;
    job_->execute();
    if (!job_->errCode.empty()) SetError(job_->errMsg);
  }
  void OnOK() override {
    Napi::HandleScope scope(Env());
    deferred_.Resolve(outputs_array(Env(), *job_));
  }
  void OnError(const Napi::Error&) override {
    Napi::HandleScope scope(Env());
    deferred_.Reject(make_error(Env(), job_->errCode, job_->errMsg));
  }

 private:
  std::unique_ptr<Job> job_;
  Napi::Promise::Deferred deferred_;
};

BufPtr buf_of(const Napi::Value& v) {
  if (!v.IsExternal()) return nullptr;
  Handle* h = v.As<Napi::External<Handle>>().Data();
  return h ? h->buf : nullptr;
}

Napi::Value Detect(const Napi::CallbackInfo& info) {
  Cpu c = detect();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("avx2", c.avx2 && kernels_avx2() != nullptr);
  o.Set("avx512", c.avx512 && kernels_avx512() != nullptr);
  return o;
}

// createContext(threads, isa: 'avx512' | 'avx2' | 'portable' | '') -> { ctx, isa }
Napi::Value CreateContext(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsString())
    return throw_error(env, "E_INVALID_ARGUMENT", "createContext(threads, isa)");
  const int threads = info[0].As<Napi::Number>().Int32Value();
  if (threads < 1 || threads > 1024) return throw_error(env, "E_INVALID_ARGUMENT", "threads must be in [1, 1024]");
  const std::string want = info[1].As<Napi::String>();
  const Cpu c = detect();
  const KernelTable* kt = nullptr;
  if (want.empty()) {
    kt = c.avx512 && kernels_avx512() ? kernels_avx512() : c.avx2 && kernels_avx2() ? kernels_avx2() : kernels_portable();
  } else if (want == "avx512") {
    if (c.avx512 && kernels_avx512()) kt = kernels_avx512();
  } else if (want == "avx2") {
    if (c.avx2 && kernels_avx2()) kt = kernels_avx2();
  } else if (want == "portable") {
    kt = kernels_portable();
  }
  if (!kt) return throw_error(env, "E_INVALID_ARGUMENT", "ISA '" + want + "' is not available on this CPU/build");
  auto ctx = std::make_shared<Ctx>();
  ctx->kt = kt;
  ctx->threads = threads;
  ctx->pool = std::make_unique<Pool>(threads);
  Napi::Object o = Napi::Object::New(env);
  o.Set("ctx", Napi::External<CtxHandle>::New(env, new CtxHandle{ctx}, [](Napi::Env, CtxHandle* h) { delete h; }));
  o.Set("isa", Napi::String::New(env, kt->isa));
  return o;
}

Napi::Value DestroyContext(const Napi::CallbackInfo& info) {
  if (info.Length() >= 1 && info[0].IsExternal()) {
    CtxHandle* h = info[0].As<Napi::External<CtxHandle>>().Data();
    if (h) h->ctx.reset();  // running jobs keep their own reference; the pool stops with the last one
  }
  return info.Env().Undefined();
}

/// memcpy into fresh memory, split over `threads` threads when large: the copy is bound by first-touch
/// page faults, which a VM serves per vCPU (755 MB of weights: 0.3-1.4 GB/s on one thread, 1.7-2.2
/// on two). Ad-hoc threads, not the pool: a running inference holds the pool, and the JS thread
/// must not wait for it.
void copy_parallel(void* dst, const void* src, size_t bytes, int64_t threads) {
  constexpr size_t kMin = size_t(8) << 20;  // below this, thread start-up is not worth it
  const int64_t t = bytes < kMin ? 1 : std::min<int64_t>(threads, (int64_t)(bytes / (kMin / 2)));
  const size_t per = (bytes / (size_t)t + 4095) / 4096 * 4096;
  auto part = [&](int64_t i) {
    const size_t a = std::min(bytes, (size_t)i * per), e = std::min(bytes, a + per);
    if (e > a) std::memcpy(static_cast<char*>(dst) + a, static_cast<const char*>(src) + a, e - a);
  };
  std::vector<std::thread> helpers;
  for (int64_t i = 1; i < t; ++i) {
    try {
      helpers.emplace_back(part, i);
    } catch (...) {  // no thread to be had: copy that part here
      part(i);
    }
  }
  part(0);
  for (auto& h : helpers) h.join();
}

// upload(typedArray, threads?) -> handle (copies)
Napi::Value Upload(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray()) return throw_error(env, "E_INVALID_ARGUMENT", "upload(typedArray)");
  Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
  const auto t = ta.TypedArrayType();
  if (t != napi_float32_array && t != napi_int32_array)
    return throw_error(env, "E_INVALID_ARGUMENT", "upload: Float32Array or Int32Array expected");
  const size_t n = ta.ElementLength();
  auto b = std::make_shared<Buf>(n, false);
  if (!b->p) return throw_error(env, "E_OUT_OF_MEMORY", "upload: cannot allocate " + std::to_string(n * 4) + " bytes");
  const uint8_t* src = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  int64_t threads = 1;
  if (info.Length() > 1 && info[1].IsNumber()) threads = std::clamp<int64_t>(info[1].As<Napi::Number>().Int64Value(), 1, 64);
  copy_parallel(b->p, src, n * 4, threads);
  return wrap_buf(env, std::move(b));
}

// read(handle, dest typedArray of the same length)
Napi::Value Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[1].IsTypedArray()) return throw_error(env, "E_INVALID_ARGUMENT", "read(handle, dest)");
  BufPtr b = buf_of(info[0]);
  if (!b) return throw_error(env, "E_DISPOSED", "read: storage was freed");
  Napi::TypedArray ta = info[1].As<Napi::TypedArray>();
  if (ta.ElementLength() != b->n || ta.ByteLength() != b->n * 4)
    return throw_error(env, "E_SHAPE", "read: destination holds " + std::to_string(ta.ElementLength()) +
                                           " elements, storage " + std::to_string(b->n));
  uint8_t* dst = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  if (b->n) std::memcpy(dst, b->p, b->n * 4);
  return env.Undefined();
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  if (info.Length() >= 1 && info[0].IsExternal()) {
    Handle* h = info[0].As<Napi::External<Handle>>().Data();
    if (h) h->buf.reset();  // a running job holds its own reference
  }
  return info.Env().Undefined();
}

Napi::Value Size(const Napi::CallbackInfo& info) {
  BufPtr b = info.Length() >= 1 ? buf_of(info[0]) : nullptr;
  return Napi::Number::New(info.Env(), b ? (double)b->n : -1.0);
}

// run(ctx, op, inputs[], ints[], floats[], outSizes[], async) -> handles[] | Promise<handles[]>
Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7 || !info[0].IsExternal() || !info[1].IsNumber() || !info[2].IsArray() || !info[3].IsArray() ||
      !info[4].IsArray() || !info[5].IsArray())
    return throw_error(env, "E_INVALID_ARGUMENT", "run(ctx, op, inputs, ints, floats, outSizes, async)");
  CtxHandle* ch = info[0].As<Napi::External<CtxHandle>>().Data();
  if (!ch || !ch->ctx) return throw_error(env, "E_DESTROYED", "cpu backend: destroy() was called");
  auto job = std::make_unique<Job>();
  job->ctx = ch->ctx;
  job->op = info[1].As<Napi::Number>().Int32Value();
  Napi::Array ins = info[2].As<Napi::Array>();
  for (uint32_t i = 0; i < ins.Length(); ++i) {
    Napi::Value v = ins.Get(i);
    if (v.IsNull() || v.IsUndefined()) {
      job->in.push_back(nullptr);
      continue;
    }
    BufPtr b = buf_of(v);
    if (!b) return throw_error(env, "E_DISPOSED", "run: input " + std::to_string(i) + " was freed");
    job->in.push_back(std::move(b));
  }
  Napi::Array ints = info[3].As<Napi::Array>();
  for (uint32_t i = 0; i < ints.Length(); ++i) {
    const double d = ints.Get(i).As<Napi::Number>().DoubleValue();
    if (!(d >= -9007199254740991.0 && d <= 9007199254740991.0) || d != std::floor(d))
      return throw_error(env, "E_INVALID_ARGUMENT", "run: integer parameter expected");
    job->I.push_back((int64_t)d);
  }
  Napi::Array fl = info[4].As<Napi::Array>();
  for (uint32_t i = 0; i < fl.Length(); ++i) job->Fp.push_back(fl.Get(i).As<Napi::Number>().DoubleValue());
  Napi::Array outs = info[5].As<Napi::Array>();
  for (uint32_t i = 0; i < outs.Length(); ++i) {
    const double d = outs.Get(i).As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 4.0e12) || d != std::floor(d)) return throw_error(env, "E_INVALID_ARGUMENT", "run: bad output size");
    auto b = std::make_shared<Buf>((size_t)d);
    if (!b->p) return throw_error(env, "E_OUT_OF_MEMORY", "run: cannot allocate output");
    job->out.push_back(std::move(b));
  }
  std::string why;
  if (!check_sizes(*job, why)) return throw_error(env, "E_SHAPE", "cpu backend: " + why);
  const bool async = info[6].ToBoolean().Value();
  if (!async) {
    job->parallel = false;
    job->execute();
    if (!job->errCode.empty()) return throw_error(env, job->errCode, job->errMsg);
    return outputs_array(env, *job);
  }
  auto* w = new OpWorker(env, std::move(job));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("detect", Napi::Function::New(env, Detect));
  exports.Set("createContext", Napi::Function::New(env, CreateContext));
  exports.Set("destroyContext", Napi::Function::New(env, DestroyContext));
  exports.Set("upload", Napi::Function::New(env, Upload));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("free", Napi::Function::New(env, Free));
  exports.Set("size", Napi::Function::New(env, Size));
  exports.Set("run", Napi::Function::New(env, Run));
  return exports;
}

}  // namespace
}  // namespace ufb

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return ufb::Init(env, exports); }

NODE_API_MODULE(ultrafastbert_cpu, InitAddon)
