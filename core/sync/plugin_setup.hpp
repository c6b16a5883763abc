// Turning a configuration's sources and exports into configured plugin instances: the plugin is
// found, its options are checked against the manifest's schema (messages name the JSON path,
// e.g. "sources[0].options.encoding"), the library is loaded and the instance configured.
// Any failure is a config::ConfigError (exit code 2) raised before the store is touched.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "hopnhat/sdk/plugin.hpp"
#include "plugin/library.hpp"
#include "plugin/registry.hpp"

namespace hopnhat::sync {

/// The host's side of sdk::Context for one source or export; logs under its name.
class HostContext final : public sdk::Context {
 public:
  HostContext(std::string name, std::string base_dir, bool dry_run)
      : name_(std::move(name)), base_dir_(std::move(base_dir)), dry_run_(dry_run) {}
  std::string base_dir() const noexcept override { return base_dir_; }
  bool dry_run() const noexcept override { return dry_run_; }
  bool cancelled() const noexcept override { return false; }
  void log(sdk::LogLevel level, const std::string& message) noexcept override;
  /// The warnings logged since the last call (at most kMaxWarnings, each cut to kMaxWarningBytes):
  /// what the run report lists as the source's notes, so that a plugin's guess (an encoding, a
  /// format) is reported with its evidence, not only logged.
  std::vector<std::string> take_warnings();
  static constexpr std::size_t kMaxWarnings = 20, kMaxWarningBytes = 500;

 private:
  std::string name_;
  std::string base_dir_;
  bool dry_run_;
  std::mutex mutex_;  // a plugin may log from its own threads
  std::vector<std::string> warnings_;
};

struct PreparedSource {
  const config::PluginUse* use = nullptr;
  std::unique_ptr<HostContext> context;  // declared before the instance: outlives it
  plugin::ImporterPtr importer;
};

struct PreparedExport {
  const config::PluginUse* use = nullptr;
  bool needs_attributes = false;  // from the plugin's manifest
  bool needs_history = false;
  bool needs_timeline = false;
  std::unique_ptr<HostContext> context;
  plugin::ExporterPtr exporter;
};

struct PreparedPlugins {
  std::vector<PreparedSource> sources;
  std::vector<PreparedExport> exports;
};

/// Throws config::ConfigError naming the file and JSON path of the first unusable entry.
PreparedPlugins prepare_plugins(const config::Config& config, plugin::PluginRegistry& registry, bool dry_run);

}  // namespace hopnhat::sync
