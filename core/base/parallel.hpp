// Splitting a loop over the machine's cores. The nightly job's heavy stages (normalising
// records, preparing match features, building golden records) are independent per item; the
// store is written afterwards from one thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace hopnhat::base {

/// Threads worth starting for `items` pieces of work: one per core, none for small loops (fewer
/// than `min_items`; pass 1 when each item is itself large).
inline unsigned worker_count(std::size_t items, std::size_t min_items = 512) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return items < min_items ? 1u : static_cast<unsigned>(std::min<std::size_t>(cores, items));
}

/// Calls `body(begin, end, worker)` on contiguous slices of [0, n), one slice per worker, and
/// waits for all of them. The first exception thrown by a slice is rethrown here. `body` must
/// only write what belongs to its slice (or to its worker index).
template <typename Body>
void parallel_slices(std::size_t n, Body&& body, std::size_t min_items = 512) {
  const unsigned workers = worker_count(n, min_items);
  if (workers <= 1) {
    body(std::size_t{0}, n, 0u);
    return;
  }
  std::vector<std::exception_ptr> errors(workers);
  std::vector<std::thread> threads;
  const std::size_t step = (n + workers - 1) / workers;
  for (unsigned w = 1; w < workers; ++w)
    threads.emplace_back([&, w] {
      try {
        body(std::min(n, w * step), std::min(n, (w + 1) * step), w);
      } catch (...) {
        errors[w] = std::current_exception();
      }
    });
  try {
    body(std::size_t{0}, std::min(n, step), 0u);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace hopnhat::base
