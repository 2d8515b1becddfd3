// A small persistent thread pool: `run(n, fn)` calls fn(task) for task in [0, n) on the calling
// thread and `threads - 1` helpers, with dynamic (atomic counter) scheduling. One run at a time;
// concurrent callers (several libuv threads) queue on a mutex.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ufb {

class Pool {
 public:
  explicit Pool(int threads);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  int threads() const { return threads_; }
  void run(int64_t n, const std::function<void(int64_t)>& fn);

 private:
  void worker();
  void drain();
  int threads_;
  std::vector<std::thread> workers_;
  std::mutex runMu_;  // serialises run() calls
  std::mutex mu_;
  std::condition_variable wake_, done_;
  uint64_t generation_ = 0;
  bool stop_ = false;
  bool open_ = false;  // a job is running and helpers may still join it
  int active_ = 0;     // helpers inside the current job
  const std::function<void(int64_t)>* fn_ = nullptr;
  int64_t n_ = 0;
  std::atomic<int64_t> next_{0};
};

}  // namespace ufb
