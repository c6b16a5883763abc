// Plugin manifests: what a plugin is, read from NAME.plugin.json without loading the library.
// A PluginManifest is a plain value.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hopnhat::plugin {

struct PluginManifest {
  std::string name;
  std::string version;
  std::string description;
  bool importer = false;
  bool exporter = false;
  int abi = 0;
  std::vector<std::string> formats;
  std::vector<std::string> systems;
  bool needs_attributes = false;  // the exporter reads the linked records' raw columns
  bool needs_history = false;     // the exporter reads the history of golden values
  bool needs_timeline = false;    // the exporter reads the persons' postings, grades, party events
  nlohmann::json importer_options = nlohmann::json::object();  // JSON Schema of the options
  nlohmann::json exporter_options = nlohmann::json::object();
  std::filesystem::path manifest_path;
  std::filesystem::path library_path;  // absolute; the manifest's "library" beside it

  std::vector<std::string> kinds() const;
};

/// Reads and checks a manifest (JSON, the manifest schema, the option schemas being valid JSON
/// Schemas, the library file existing). Throws std::runtime_error with a sentence naming the file.
PluginManifest read_manifest(const std::filesystem::path& path);

/// The compiled-in JSON Schema of manifests.
const nlohmann::json& manifest_schema();

}  // namespace hopnhat::plugin
