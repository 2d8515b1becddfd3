#include "pool.h"

#if defined(__linux__)
#include <sched.h>
#endif

namespace ufb {

Pool::Pool(int threads) : threads_(threads < 1 ? 1 : threads) {
  // `threads` workers do all the computing; the libuv thread that submits a job only waits, so the
  // process never has more compute threads than asked for.
  for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { worker(); });
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
  if (workers_.empty()) {
    for (int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::lock_guard<std::mutex> runLock(runMu_);
  {
    std::lock_guard<std::mutex> lk(mu_);
    fn_ = &fn;
    n_ = n;
    next_.store(0, std::memory_order_relaxed);
    active_ = (int)workers_.size();
    ++generation_;
  }
  wake_.notify_all();
  std::unique_lock<std::mutex> lk(mu_);
  done_.wait(lk, [&] { return active_ == 0; });
  fn_ = nullptr;
}

}  // namespace ufb
