// RunGuard: a run that ends abruptly still ends with a word (issue #22, item 2).
//
// A plugin loaded in-process shares the process: its exit(0), abort, segfault or a destructor
// that throws would end hopnhat with no run recorded — and exit(0) would tell cron the night
// went well. While a run is guarded:
// - a note file beside the store (one per process: NAME.unfinished-run.PID) says which run is
//   under way and in which phase (which plugin entry, doing what). It is written when the run
//   starts and removed when the guard is destroyed — which an abrupt end never reaches — so
//   even SIGKILL (the OOM killer) leaves it behind;
// - exit() from anywhere, std::terminate and the fatal signals (SEGV, BUS, ILL, FPE, ABRT) are
//   caught: stderr names the plugin and the phase, the note records how the process ended, and
//   the process exits 1 (or dies of the signal) — never 0 for a run that did not commit. After
//   the commit, the same events print the run's summary and write its report first, and the
//   exit status is the run's own;
// - the next sync, once it holds the store's run lock, records each note of a process that no
//   longer runs as a failed run (take_unfinished_runs), with the note's words as its error.
//
// One guard per process at a time (the handlers are process-wide). Handlers only use
// async-signal-safe calls on buffers prepared beforehand. Not copyable.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace hopnhat::sync {

/// Where the notes of `config`'s runs live (a process adds "." and its pid): beside the SQLite
/// store, or beside the configuration for PostgreSQL.
std::filesystem::path unfinished_run_note(const config::Config& config);

class RunGuard {
 public:
  RunGuard(const std::filesystem::path& note_base, const std::string& started_at);
  ~RunGuard();  // the run is over (its caller reports how): disarms the handlers, removes the note
  RunGuard(const RunGuard&) = delete;
  RunGuard& operator=(const RunGuard&) = delete;

  /// What the run is doing now: `who` (e.g. "source hrm (plugin csv)", or "" for the host) and `what` ("read").
  void phase(const std::string& who, const std::string& what);
  /// The run's outcome is in the store (it committed, or its failure is recorded): from here
  /// an abrupt end prints `summary`, writes `report_json` to `report_path` (when given) and
  /// exits with `exit_code`, the run's own.
  void outcome_recorded(const std::string& summary, const std::string& report_json, const std::filesystem::path& report_path, int exit_code);

  /// The guard of this process's run, if one is under way (for the stages to report phases).
  static RunGuard* current();
};

/// Sets the phase of the current run, if any.
void run_phase(const std::string& who, const std::string& what);

/// The notes left by runs that ended abruptly (their processes gone), removed as they are read.
struct UnfinishedRun {
  std::string started_at;
  std::string error;
};
std::vector<UnfinishedRun> take_unfinished_runs(const std::filesystem::path& note_base);

}  // namespace hopnhat::sync
