// The process's resident memory, for the run report and debug logs (Linux /proc).
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

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

}  // namespace hopnhat::base
