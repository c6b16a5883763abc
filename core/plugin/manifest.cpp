#include "plugin/manifest.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "config/json_schema.hpp"

namespace hopnhat::config::embedded {
std::string_view schema_file(std::string_view file_name);
}

namespace hopnhat::plugin {

std::vector<std::string> PluginManifest::kinds() const {
  std::vector<std::string> k;
  if (importer) k.push_back("importer");
  if (exporter) k.push_back("exporter");
  return k;
}

const nlohmann::json& manifest_schema() {
  static const nlohmann::json kSchema = nlohmann::json::parse(config::embedded::schema_file("manifest.schema.json"));
  return kSchema;
}

PluginManifest read_manifest(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(where + ": cannot read the plugin manifest");
  std::stringstream buf;
  buf << in.rdbuf();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(buf.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(where + ": the plugin manifest is not valid JSON (" + e.what() + ")");
  }
  static const config::SchemaCheck kCheck(manifest_schema());
  auto problems = kCheck.problems(doc);
  if (!problems.empty()) throw std::runtime_error(where + ": invalid plugin manifest: " + problems.front());

  PluginManifest m;
  m.name = doc["name"];
  m.version = doc["version"];
  m.description = doc.value("description", "");
  for (auto& k : doc["kinds"]) {
    if (k == "importer") m.importer = true;
    if (k == "exporter") m.exporter = true;
  }
  m.abi = doc["abi"];
  m.formats = doc.value("formats", std::vector<std::string>{});
  m.systems = doc.value("systems", std::vector<std::string>{});
  for (const auto& need : doc.value("needs", std::vector<std::string>{})) {
    if (need == "attributes") m.needs_attributes = true;
    else if (need == "history") m.needs_history = true;
    else if (need == "timeline") m.needs_timeline = true;
    else throw std::runtime_error(where + ": \"needs\" lists \"" + need + "\"; expected attributes, history or timeline");
  }
  for (const char* key : {"importer_options", "exporter_options"}) {
    if (!doc.contains(key)) continue;
    try {
      config::SchemaCheck check(doc[key]);
    } catch (const std::exception& e) {
      throw std::runtime_error(where + ": " + key + " is " + e.what());
    }
    (std::string(key) == "importer_options" ? m.importer_options : m.exporter_options) = doc[key];
  }
  m.manifest_path = std::filesystem::absolute(path).lexically_normal();
  std::filesystem::path lib(doc["library"].get<std::string>());
  if (lib.has_parent_path() && lib.is_relative())
    throw std::runtime_error(where + ": \"library\" must be a file name beside the manifest, got \"" + lib.string() + "\"");
  m.library_path = lib.is_absolute() ? lib : m.manifest_path.parent_path() / lib;
  return m;
}

}  // namespace hopnhat::plugin
