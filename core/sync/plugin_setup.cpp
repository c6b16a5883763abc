#include "sync/plugin_setup.hpp"

#include "sync/run_guard.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "config/json_schema.hpp"
#include "plugin/isolated.hpp"

namespace hopnhat::sync {

void HostContext::log(sdk::LogLevel level, const std::string& message) noexcept {
  try {
    switch (level) {
      case sdk::LogLevel::kDebug: spdlog::debug("[{}] {}", name_, message); break;
      case sdk::LogLevel::kInfo: spdlog::info("[{}] {}", name_, message); break;
      case sdk::LogLevel::kWarning: {
        spdlog::warn("[{}] {}", name_, message);
        std::lock_guard lock(mutex_);
        if (warnings_.size() < kMaxWarnings) warnings_.push_back(message.substr(0, kMaxWarningBytes));
        break;
      }
      case sdk::LogLevel::kError: spdlog::error("[{}] {}", name_, message); break;
    }
  } catch (...) {
  }
}

std::vector<std::string> HostContext::take_warnings() {
  std::lock_guard lock(mutex_);
  return std::exchange(warnings_, {});
}

namespace {

plugin::IsolationSettings isolation_of(const plugin::PluginManifest& m, const config::PluginUse& use) {
  plugin::IsolationSettings s;
  s.manifest = m.manifest_path;
  s.timeout_s = use.timeout_s;
  s.memory_mb = use.memory_mb;
  return s;  // the child is this hopnhat; what the plugin prints goes to the entry's log
}

// Plugins shipped with hopnhat (its bundled folder) run in-process unless told otherwise; any
// other runs in a child process unless told otherwise: code from elsewhere does not get to end,
// or write into, the process that holds the store.
bool runs_isolated(const config::Config& c, const config::PluginUse& use, const plugin::PluginManifest& m) {
  std::error_code ec;
  const bool bundled =
      std::filesystem::equivalent(m.manifest_path.parent_path(), plugin::PluginRegistry::bundled_dir(), ec) && !ec;
  const bool isolated = use.isolation == config::PluginUse::Isolation::kProcess ||
                        (use.isolation == config::PluginUse::Isolation::kDefault && !bundled);
  if (!isolated && use.limits_given)
    throw config::ConfigError(c.file.string() + ": " + use.json_path +
                              ": timeout_s and memory_mb apply only to isolation \"process\", and the bundled plugin \"" +
                              use.plugin + "\" runs in hopnhat's process by default: set isolation to \"process\" or remove them");
  return isolated;
}

const plugin::PluginManifest& find_plugin(const config::Config& c, plugin::PluginRegistry& registry,
                                          const config::PluginUse& use, bool importer) {
  const plugin::PluginManifest* m = registry.find(use.plugin);
  if (const auto* files = registry.ambiguous(use.plugin)) {
    std::string list;
    for (const auto& f : *files) list += (list.empty() ? "" : ", ") + f.string();
    throw config::ConfigError(c.file.string() + ": " + use.json_path + ".plugin: more than one plugin is named \"" + use.plugin +
                              "\" (" + list + "); remove or rename all but one (plugin_dirs order does not choose)");
  }
  if (!m)
    throw config::ConfigError(c.file.string() + ": " + use.json_path + ".plugin: no plugin named \"" + use.plugin +
                              "\" (found: " + registry.known_names() + ")");
  if (importer && !m->importer)
    throw config::ConfigError(c.file.string() + ": " + use.json_path + ".plugin: \"" + use.plugin + "\" is not an importer");
  if (!importer && !m->exporter)
    throw config::ConfigError(c.file.string() + ": " + use.json_path + ".plugin: \"" + use.plugin + "\" is not an exporter");
  const nlohmann::json& schema = importer ? m->importer_options : m->exporter_options;
  config::SchemaCheck check(schema);
  auto problems = check.problems(use.options, use.json_path + ".options");
  if (!problems.empty()) throw config::ConfigError(c.file.string() + ": " + problems.front());
  return *m;
}

template <class Instance>
void configure(const config::Config& c, const config::PluginUse& use, Instance& instance, HostContext& ctx) {
  run_phase("the plugin of " + use.json_path + " (" + use.plugin + ")", "configure");
  sdk::Status st = instance->configure(use.options.dump(), ctx);
  if (!st) throw config::ConfigError(c.file.string() + ": " + use.json_path + ".options: " + st.message());
}

}  // namespace

PreparedPlugins prepare_plugins(const config::Config& c, plugin::PluginRegistry& registry, bool dry_run) {
  PreparedPlugins out;
  try {
    for (const auto& use : c.sources) {
      find_plugin(c, registry, use, true);
      PreparedSource s;
      s.use = &use;
      s.context = std::make_unique<HostContext>(use.name, c.base_dir.string(), dry_run);
      if (runs_isolated(c, use, *registry.find(use.plugin)))
        s.importer = plugin::ImporterPtr(new plugin::IsolatedImporter(isolation_of(*registry.find(use.plugin), use)),
                                         plugin::ImporterDeleter{});
      else
        s.importer = registry.open(use.plugin)->create_importer();
      configure(c, use, s.importer, *s.context);
      out.sources.push_back(std::move(s));
    }
    for (const auto& use : c.exports) {
      find_plugin(c, registry, use, false);
      PreparedExport e;
      e.use = &use;
      e.needs_attributes = registry.find(use.plugin)->needs_attributes;
      e.needs_history = registry.find(use.plugin)->needs_history;
      e.needs_timeline = registry.find(use.plugin)->needs_timeline;
      e.context = std::make_unique<HostContext>(use.name, c.base_dir.string(), dry_run);
      if (runs_isolated(c, use, *registry.find(use.plugin)))
        e.exporter = plugin::ExporterPtr(new plugin::IsolatedExporter(isolation_of(*registry.find(use.plugin), use)),
                                         plugin::ExporterDeleter{});
      else
        e.exporter = registry.open(use.plugin)->create_exporter();
      configure(c, use, e.exporter, *e.context);
      out.exports.push_back(std::move(e));
    }
  } catch (const plugin::PluginError& e) {
    throw config::ConfigError(c.file.string() + ": " + e.what());
  }
  return out;
}

}  // namespace hopnhat::sync
