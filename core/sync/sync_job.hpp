// A sync run: import every source, store what changed, reconcile, export — all inside one store
// transaction, so the run commits whole or leaves the store as it was (a dry run always rolls
// back). Configuration problems surface as config::ConfigError before the store is opened.
#pragma once

#include <filesystem>
#include <stdexcept>

#include "config/config.hpp"
#include "plugin/registry.hpp"
#include "sync/report.hpp"

namespace hopnhat::sync {

struct SyncOptions {
  bool dry_run = false;
  bool rematch = false;     // match every record and train a new model, however few changed
  bool keep_model = false;  // with rematch: under the last run's model, without training
  bool full_export = false; // every export writes its whole output, even one that could patch its last
  // Where the caller writes the report: if the process must end abruptly once the run's outcome
  // is recorded (a plugin's destructor throws), the report is written there first (RunGuard).
  std::filesystem::path report_path;
};

/// Runs one sync. Returns the report with status "succeeded", "partial" (sources with
/// on_error: keep_previous failed and kept their records; the rest committed) or "failed" (then
/// `error` says why and nothing was committed). Throws config::ConfigError for an unusable
/// configuration and LockedError (run_lock.hpp) when another run holds the store.
RunReport run_sync(const config::Config& config, plugin::PluginRegistry& registry, const SyncOptions& options);

}  // namespace hopnhat::sync
