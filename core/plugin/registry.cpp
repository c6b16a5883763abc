#include "plugin/registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

#include <boost/dll/runtime_symbol_info.hpp>

namespace hopnhat::plugin {

namespace fs = std::filesystem;

std::filesystem::path PluginRegistry::bundled_dir() {
  fs::path exe = boost::dll::program_location();
  return (exe.parent_path().parent_path() / "lib" / "hopnhat" / "plugins").lexically_normal();
}

std::vector<fs::path> PluginRegistry::search_path(const std::vector<fs::path>& cli_dirs,
                                                  const std::vector<fs::path>& config_dirs) {
  std::vector<fs::path> dirs{bundled_dir()};
  dirs.insert(dirs.end(), cli_dirs.begin(), cli_dirs.end());
  dirs.insert(dirs.end(), config_dirs.begin(), config_dirs.end());
  if (const char* env = std::getenv("HOPNHAT_PLUGIN_PATH")) {
    std::stringstream ss(env);
    std::string d;
    while (std::getline(ss, d, ':'))
      if (!d.empty()) dirs.emplace_back(d);
  }
  return dirs;
}

PluginRegistry::PluginRegistry(std::vector<fs::path> search_dirs) {
  std::set<fs::path> seen_dirs;
  for (const auto& dir : search_dirs) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(dir, ec);
    if (!seen_dirs.insert(canonical).second) continue;
    if (!fs::is_directory(dir, ec)) {
      if (dir != bundled_dir()) problems_.push_back({dir, "not a folder; no plugins read from it"});
      continue;
    }
    std::vector<fs::path> manifests;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 12 && name.ends_with(".plugin.json")) manifests.push_back(entry.path());
    }
    std::sort(manifests.begin(), manifests.end());
    for (const auto& path : manifests) {
      try {
        PluginManifest m = read_manifest(path);
        // The file name says which plugin it is, so that two files cannot both claim one name
        // unseen by whoever looks at the folder.
        if (path.filename().string() != m.name + ".plugin.json") {
          problems_.push_back({path, "ignored: a manifest of the plugin '" + m.name + "' must be named '" + m.name +
                                         ".plugin.json'"});
          continue;
        }
        if (const PluginManifest* first = find(m.name)) {
          auto& files = ambiguous_[m.name];
          if (files.empty()) files.push_back(first->manifest_path);
          files.push_back(path);
          problems_.push_back({path, "ambiguous: a plugin named '" + m.name + "' was already found at " +
                                         first->manifest_path.string() + "; a configuration that uses it is refused"});
          continue;
        }
        plugins_.push_back(std::move(m));
      } catch (const std::exception& e) {
        problems_.push_back({path, e.what()});
      }
    }
  }
}

const PluginManifest* PluginRegistry::find(const std::string& name) const {
  for (const auto& m : plugins_)
    if (m.name == name) return &m;
  return nullptr;
}

const std::vector<fs::path>* PluginRegistry::ambiguous(const std::string& name) const {
  auto it = ambiguous_.find(name);
  return it == ambiguous_.end() ? nullptr : &it->second;
}

std::string PluginRegistry::known_names() const {
  std::string out;
  for (const auto& m : plugins_) out += (out.empty() ? "" : ", ") + m.name;
  return out.empty() ? "none found" : out;
}

std::shared_ptr<PluginLibrary> PluginRegistry::open(const std::string& name) {
  if (auto it = loaded_.find(name); it != loaded_.end()) return it->second;
  const PluginManifest* m = find(name);
  if (!m) throw PluginError("no plugin named '" + name + "' (known: " + known_names() + ")");
  auto lib = PluginLibrary::load(*m);
  loaded_.emplace(name, lib);
  return lib;
}

}  // namespace hopnhat::plugin
