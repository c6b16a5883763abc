// Progress of a long stage: on a terminal, a bar with the rate and the time left, redrawn at
// most ten times a second on stderr; otherwise an info log line every ten seconds. The total may
// be an estimate (a source's last size), or 0 when unknown (then only the count and the rate).
// One Progress per stage, used from the thread running it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace hopnhat::sync {

class Progress {
 public:
  Progress(std::string stage, std::int64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::int64_t n = 1) {
    done_ += n;
    if ((done_ & 1023) == 0) maybe_show(false);
  }

 private:
  void maybe_show(bool last);
  std::string stage_;
  std::int64_t total_;
  std::int64_t done_ = 0;
  bool terminal_;
  std::chrono::steady_clock::time_point start_, shown_;
};

}  // namespace hopnhat::sync
