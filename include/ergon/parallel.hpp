// Thread-level parallelism shared by every stage: a static parallel map whose
// result never depends on the number of threads.
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

}  // namespace ergon
