// Splitting a loop over the machine's cores. The nightly job's heavy stages (normalising
// records, preparing match features, building golden records) are independent per item; the
// store is written afterwards from one thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "base/threads.hpp"

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
  std::vector<AsyncTask<void>> helpers;  // each waits for its slice when destroyed, even after a throw
  helpers.reserve(workers - 1);
  const std::size_t step = (n + workers - 1) / workers;
  for (unsigned w = 1; w < workers; ++w)
    helpers.push_back(run_async([&, w] {
      try {
        body(std::min(n, w * step), std::min(n, (w + 1) * step), w);
      } catch (...) {
        errors[w] = std::current_exception();
      }
    }));
  try {
    body(std::size_t{0}, std::min(n, step), 0u);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& h : helpers) h.wait();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

/// Sorts `v` by `less`: one slice per core sorted at once, then the slices merged. Not stable.
template <typename T, typename Less = std::less<>>
void parallel_sort(std::vector<T>& v, Less less = {}) {
  const std::size_t n = v.size();
  const unsigned workers = worker_count(n, std::size_t{1} << 16);
  if (workers <= 1) {
    std::sort(v.begin(), v.end(), less);
    return;
  }
  const std::size_t step = (n + workers - 1) / workers;
  auto at = [&](std::size_t k) { return v.begin() + static_cast<std::ptrdiff_t>(std::min(n, k)); };
  parallel_slices(
      workers, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t w = b; w < e; ++w) std::sort(at(w * step), at((w + 1) * step), less);
      },
      1);
  for (std::size_t width = step; width < n; width *= 2)
    for (std::size_t lo = 0; lo + width < n; lo += 2 * width) std::inplace_merge(at(lo), at(lo + width), at(lo + 2 * width), less);
}

/// Destroys large objects on another thread while the caller goes on: a run's millions of small
/// strings take a second of one core to free, while the stage after it leaves the other core
/// idle. Waits for every destruction it started when it is itself destroyed. Not thread-safe:
/// one owner adds.
class BackgroundDisposal {
 public:
  BackgroundDisposal() = default;
  BackgroundDisposal(const BackgroundDisposal&) = delete;
  BackgroundDisposal& operator=(const BackgroundDisposal&) = delete;
  ~BackgroundDisposal() {
    for (auto& f : pending_) f.wait();
  }

  /// Takes `object` (moved from) and destroys it on another thread.
  template <typename T>
  void add(T&& object) {
    auto owned = std::make_shared<std::decay_t<T>>(std::forward<T>(object));
    try {
      pending_.push_back(std::async(std::launch::async, [owned = std::move(owned)]() mutable {
        // On Linux a thread has its own nice value: freeing waits for a core the run leaves idle.
        (void)setpriority(PRIO_PROCESS, 0, 19);
        owned.reset();
      }));
    } catch (const std::system_error&) {
      // No thread to be had: the object died with the task that could not start, here.
    }
  }

 private:
  std::vector<std::future<void>> pending_;
};

}  // namespace hopnhat::base
