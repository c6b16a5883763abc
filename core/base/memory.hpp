// The process's resident memory, for the run report and debug logs (Linux /proc).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace hopnhat::base {

/// VmRSS ("VmRSS") or its peak so far ("VmHWM") in MiB; 0 where /proc is not available.
inline std::int64_t resident_mib(const char* which = "VmRSS") {
  std::ifstream in("/proc/self/status");
  std::string key;
  std::int64_t kib = 0;
  while (in >> key) {
    if (key == std::string(which) + ":") {
      in >> kib;
      return kib / 1024;
    }
    std::getline(in, key);
  }
  return 0;
}

/// Gives the heap's free pages back to the system. glibc keeps memory freed by a thread in that
/// thread's arena, where only that thread's later allocations reuse it: after a stage whose
/// workers built and dropped millions of small strings (reading sources, normalising), the next
/// stage's allocations would otherwise come on top of it. Costs a walk of the heap (milliseconds
/// to a few tens of them), so it is called between stages, not within one.
inline void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace hopnhat::base
