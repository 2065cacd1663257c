// Thread-level parallelism shared by every stage: a parallel map (indices
// handed out dynamically) whose result never depends on the number of
// threads, and a background run polled from the calling thread.
#pragma once

#include <functional>

namespace ergon {

// Number of worker threads for a request: `threads` if > 0, else all cores.
int resolve_threads(int threads);

// Calls fn(i) for each i in [0, count) on up to `threads` threads (0 = all
// cores), handing out indices dynamically. Deterministic as long as fn(i)
// writes only its own slot. The first exception thrown by fn is rethrown on
// the calling thread after all workers stop.
void parallel_for(int count, int threads, const std::function<void(int)>& fn);

// As parallel_for, with the worker's number (0 <= worker < threads) passed
// too, for per-worker scratch space.
void parallel_for_workers(int count, int threads, const std::function<void(int index, int worker)>& fn);

// Runs work() on a background thread and calls poll() on the calling thread
// at once and then every `interval_ms` milliseconds until work returns (poll
// reports progress or checks for signals; if it throws, polling ends and the
// exception is rethrown once work has returned). Rethrows work's exception on
// the calling thread.
void run_polling(const std::function<void()>& work, const std::function<void()>& poll, int interval_ms);

}  // namespace ergon
