#include "pool.h"

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

namespace ufb {

Pool::Pool(int threads) : threads_(threads < 1 ? 1 : threads) {
  // The thread that submits a job (a libuv worker) computes too, beside `threads - 1` helpers, so
  // the process never has more compute threads than asked for. (Waking a sleeping thread costs tens
  // of microseconds on a VM: with only helpers computing, each run paid it before any work started,
  // ~0.1 ms per run, a third of a 128-token FFF call on one thread.)
  for (int i = 1; i < threads_; ++i) {
    workers_.emplace_back([this] { worker(); });
#if defined(__linux__)
    // A name for top, gdb and /proc/<pid>/task/*/comm (the tests count the pool's threads by it),
    // set here so it is in place when the constructor returns.
    (void)pthread_setname_np(workers_.back().native_handle(), "ufb-cpu-pool");
#endif
  }
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void Pool::drain() {
  const auto& fn = *fn_;
  for (;;) {
    const int64_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= n_) break;
    fn(i);
  }
}

void Pool::worker() {
#if defined(__linux__)
  // SCHED_BATCH: same CPU share as normal threads, but the scheduler treats them as CPU-bound, so the
  // JS thread (interactive) is favoured when it wakes up: the event loop stays responsive.
  sched_param sp{};
  sp.sched_priority = 0;
  (void)sched_setscheduler(0, SCHED_BATCH, &sp);
#endif
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(mu_);
      wake_.wait(lk, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (!open_) continue;  // woke after the caller had finished that job alone
      ++active_;
    }
    drain();
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (--active_ == 0) done_.notify_one();
    }
  }
}

void Pool::run(int64_t n, const std::function<void(int64_t)>& fn) {
  if (n <= 0) return;
  std::lock_guard<std::mutex> runLock(runMu_);
  // The caller keeps its normal policy: switching it to SCHED_BATCH and back around each run
  // measured slower (FFF 1x11, 2 threads: 128 tokens 0.45 vs 0.41 ms, 16384 tokens 17.6 vs 15.5 ms,
  // medians of 10 interleaved rounds), and the JS thread, asleep between events, still preempts
  // it on waking (eventloop.test.ts).
  if (workers_.empty()) {
    for (int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lk(mu_);
    fn_ = &fn;
    n_ = n;
    next_.store(0, std::memory_order_relaxed);
    open_ = true;
    ++generation_;
  }
  wake_.notify_all();
  drain();
  // Every task is taken. Wait only for helpers still inside one: a helper that had not woken yet
  // must not make a short job wait for its wake-up.
  std::unique_lock<std::mutex> lk(mu_);
  open_ = false;
  done_.wait(lk, [&] { return active_ == 0; });
  fn_ = nullptr;
}

}  // namespace ufb
