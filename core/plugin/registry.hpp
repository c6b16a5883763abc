// PluginRegistry: finds plugins by their manifests and loads each library at most once.
//
// Search order: the bundled folder (lib/hopnhat/plugins beside the running binary's bin/), then
// each --plugin-dir, the configuration's plugin_dirs, and the folders of HOPNHAT_PLUGIN_PATH
// (colon-separated). The first plugin of a name wins; a later one of the same name is reported,
// never silently used, so a folder cannot shadow a trusted plugin.
//
// Listing reads manifests only. A manifest that cannot be read is recorded as a problem and the
// others are still listed. Loaded libraries stay loaded until the registry is destroyed: never
// during a run. Not thread-safe: use from the thread that runs the job.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plugin/library.hpp"
#include "plugin/manifest.hpp"

namespace hopnhat::plugin {

struct PluginProblem {
  std::filesystem::path path;
  std::string message;
};

class PluginRegistry {
 public:
  explicit PluginRegistry(std::vector<std::filesystem::path> search_dirs);

  /// Bundled folder, then `cli_dirs`, `config_dirs` and HOPNHAT_PLUGIN_PATH.
  static std::vector<std::filesystem::path> search_path(const std::vector<std::filesystem::path>& cli_dirs,
                                                        const std::vector<std::filesystem::path>& config_dirs);
  /// The folder of the plugins shipped with this binary.
  static std::filesystem::path bundled_dir();

  const std::vector<PluginManifest>& plugins() const { return plugins_; }
  const std::vector<PluginProblem>& problems() const { return problems_; }
  const PluginManifest* find(const std::string& name) const;
  /// The manifests that carry `name` when more than one folder has a plugin of that name (the
  /// first found is listed; a run must not pick one silently), else nullptr.
  const std::vector<std::filesystem::path>* ambiguous(const std::string& name) const;
  /// Names of all plugins, for "did you mean" messages.
  std::string known_names() const;

  /// Loads (once) and returns the library of plugin `name`. Throws PluginError.
  std::shared_ptr<PluginLibrary> open(const std::string& name);

 private:
  std::vector<PluginManifest> plugins_;
  std::vector<PluginProblem> problems_;
  std::map<std::string, std::vector<std::filesystem::path>> ambiguous_;
  std::map<std::string, std::shared_ptr<PluginLibrary>> loaded_;
};

}  // namespace hopnhat::plugin
