#include "ergon/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ergon {

int resolve_threads(int threads) {
  if (threads > 0) return threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void parallel_for(int count, int threads, const std::function<void(int)>& fn) {
  parallel_for_workers(count, threads, [&](int i, int) { fn(i); });
}

void parallel_for_workers(int count, int threads, const std::function<void(int, int)>& fn) {
  const int n = std::min(resolve_threads(threads), std::max(count, 1));
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  int error_index = count;
  std::mutex error_mutex;
  auto worker = [&](int w) {
    while (!failed.load(std::memory_order_relaxed)) {
      const int i = next.fetch_add(1);
      if (i >= count) return;
      try {
        fn(i, w);
      } catch (...) {
        // Report the lowest failing index, whatever the scheduling.
        std::lock_guard<std::mutex> lock(error_mutex);
        if (i < error_index) {
          error_index = i;
          error = std::current_exception();
        }
        failed = true;
      }
    }
  };
  if (n <= 1) {
    worker(0);
  } else {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(n));
    for (int t = 0; t < n; ++t) pool.emplace_back(worker, t);
    for (auto& t : pool) t.join();
  }
  if (error) std::rethrow_exception(error);
}

void run_polling(const std::function<void()>& work, const std::function<void()>& poll, int interval_ms) {
  std::exception_ptr error;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  std::thread runner([&] {
    try {
      work();
    } catch (...) {
      error = std::current_exception();
    }
    const std::lock_guard<std::mutex> lock(mutex);
    done = true;
    done_cv.notify_all();
  });
  std::exception_ptr poll_error;
  std::unique_lock<std::mutex> lock(mutex);
  while (!done) {
    if (!poll_error) {
      lock.unlock();
      try {
        poll();
      } catch (...) {
        poll_error = std::current_exception();  // stop polling; the runner still has to finish
      }
      lock.lock();
    }
    done_cv.wait_for(lock, std::chrono::milliseconds(interval_ms), [&] { return done; });
  }
  lock.unlock();
  runner.join();
  if (error) std::rethrow_exception(error);
  if (poll_error) std::rethrow_exception(poll_error);
}

}  // namespace ergon
