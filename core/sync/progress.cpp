#include "sync/progress.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

namespace hopnhat::sync {

Progress::Progress(std::string stage, std::int64_t total)
    : stage_(std::move(stage)), total_(total), terminal_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()), shown_(start_) {}

Progress::~Progress() { maybe_show(true); }

void Progress::maybe_show(bool last) {
  auto now = std::chrono::steady_clock::now();
  double since_shown = std::chrono::duration<double>(now - shown_).count();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  if (!last && since_shown < (terminal_ ? 0.1 : 10.0)) return;
  if (last && elapsed < 1.0) {  // a short stage needs no progress line
    if (terminal_ && shown_ != start_) std::fprintf(stderr, "\r\033[K");
    return;
  }
  shown_ = now;
  double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  char line[160];
  if (total_ > 0 && done_ <= total_) {
    double share = static_cast<double>(done_) / static_cast<double>(total_);
    double left = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
    if (terminal_) {
      char bar[31];
      int filled = static_cast<int>(share * 30);
      for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
      bar[30] = 0;
      std::snprintf(line, sizeof line, "%-10s [%s] %3.0f%% %lld/%lld  %.0f/s  %.0f s left", stage_.c_str(), bar, share * 100,
                    static_cast<long long>(done_), static_cast<long long>(total_), rate, left);
    } else {
      std::snprintf(line, sizeof line, "%s: %.0f%% (%lld of %lld), %.0f/s, about %.0f s left", stage_.c_str(), share * 100,
                    static_cast<long long>(done_), static_cast<long long>(total_), rate, left);
    }
  } else {
    std::snprintf(line, sizeof line, terminal_ ? "%-10s %lld  %.0f/s" : "%s: %lld so far, %.0f/s", stage_.c_str(),
                  static_cast<long long>(done_), rate);
  }
  if (terminal_) std::fprintf(stderr, "\r\033[K%s%s", line, last ? "\n" : "");
  else spdlog::info("{}", line);
}

}  // namespace hopnhat::sync
