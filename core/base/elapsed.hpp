// Seconds since a steady-clock reading: the stage timings of the run report and the debug log.
// Pure; thread-safe.
#pragma once

#include <chrono>

namespace hopnhat::base {

/// Seconds from `start` (a std::chrono::steady_clock reading) to now.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace hopnhat::base
