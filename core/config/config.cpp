#include "config/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "config/json_schema.hpp"
#include "hopnhat/sdk/fields.hpp"

namespace hopnhat::config {
namespace embedded {
std::string_view schema_file(std::string_view file_name);
}

const nlohmann::json& config_schema() {
  static const nlohmann::json kSchema = nlohmann::json::parse(embedded::schema_file("config.schema.json"));
  return kSchema;
}

void substitute_environment(nlohmann::json& doc, const std::string& file, const std::string& path) {
  if (doc.is_object()) {
    for (auto& [k, v] : doc.items()) substitute_environment(v, file, path.empty() ? k : path + "." + k);
  } else if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) substitute_environment(doc[i], file, path + "[" + std::to_string(i) + "]");
  } else if (doc.is_string()) {
    const std::string& s = doc.get_ref<const std::string&>();
    if (s.find("${") == std::string::npos) return;
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
      auto open = s.find("${", i);
      if (open == std::string::npos) { out += s.substr(i); break; }
      auto close = s.find('}', open);
      if (close == std::string::npos)
        throw ConfigError(file + ": " + path + ": \"${\" without a closing \"}\"");
      out += s.substr(i, open - i);
      std::string name = s.substr(open + 2, close - open - 2);
      const char* value = std::getenv(name.c_str());
      if (!value)
        throw ConfigError(file + ": " + path + ": the environment variable " + name + " is not set");
      out += value;
      i = close + 1;
    }
    doc = out;
  }
}

Config load_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file.string() + ": cannot open the configuration file");
  std::stringstream buf;
  buf << in.rdbuf();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(buf.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError(file.string() + ": not valid JSON (" + e.what() + ")");
  }
  static const SchemaCheck kCheck(config_schema());
  auto problems = kCheck.problems(doc);
  if (!problems.empty()) {
    std::string msg = file.string() + ": " + problems.front();
    for (std::size_t i = 1; i < problems.size() && i < 5; ++i) msg += "\n" + file.string() + ": " + problems[i];
    throw ConfigError(msg);
  }
  substitute_environment(doc, file.string());

  Config c;
  c.file = std::filesystem::absolute(file);
  c.base_dir = c.file.parent_path();
  auto resolve = [&](const std::string& p) {
    std::filesystem::path path(p);
    return (path.is_relative() ? c.base_dir / path : path).lexically_normal();
  };
  const auto& store = doc["store"];
  if (store.contains("sqlite") && store.contains("postgres"))
    throw ConfigError(file.string() + ": store: give \"sqlite\" or \"postgres\", not both");
  if (store.contains("sqlite")) {
    c.sqlite_path = resolve(store["sqlite"].get<std::string>());
  } else {
    c.postgres = store["postgres"].get<std::string>();
    const nlohmann::json options = store.value("postgres_options", nlohmann::json::object());
    for (auto& [k, v] : options.items()) c.postgres_options[k] = v.get<std::string>();
  }
  // By default beside the SQLite store (named after it, so two stores in a folder keep apart),
  // or beside this file for PostgreSQL.
  const std::filesystem::path audit_base =
      c.sqlite_path.empty() ? c.base_dir / c.file.stem() : c.sqlite_path;
  const nlohmann::json audit = doc.value("audit", nlohmann::json::object());
  c.audit_key_file = audit.contains("key_file") ? resolve(audit["key_file"].get<std::string>())
                                                : std::filesystem::path(audit_base.string() + ".audit-key");
  c.audit_checkpoint_file = audit.contains("checkpoint_file") ? resolve(audit["checkpoint_file"].get<std::string>())
                                                              : std::filesystem::path(audit_base.string() + ".audit-head");
  if (doc.contains("organisation")) {
    const auto& o = doc["organisation"];
    try {
      c.organisation = std::make_shared<const org::OrgRegistry>(org::OrgRegistry::load(
          resolve(o["units"].get<std::string>()), o.contains("crosswalk") ? resolve(o["crosswalk"].get<std::string>()) : std::filesystem::path()));
    } catch (const org::OrgError& e) {
      throw ConfigError(file.string() + ": organisation: " + e.what());
    }
    if (o.contains("positions")) {
      for (const auto& t : o["positions"].value("heads", nlohmann::json::array())) c.head_titles.push_back(t.get<std::string>());
      for (const auto& t : o["positions"].value("deputies", nlohmann::json::array())) c.deputy_titles.push_back(t.get<std::string>());
    }
  }
  std::vector<org::CommuneFiles> communes;
  for (const auto& l : doc.value("places", nlohmann::json::array()))
    communes.push_back({resolve(l["communes"].get<std::string>()), resolve(l["merges"].get<std::string>())});
  try {
    c.places = communes.empty() ? std::shared_ptr<const org::PlaceRegistry>(&org::PlaceRegistry::builtin(), [](const auto*) {})
                                : std::make_shared<const org::PlaceRegistry>(org::PlaceRegistry::with(communes));
  } catch (const org::OrgError& e) {
    throw ConfigError(file.string() + ": places: " + e.what());
  }
  for (auto& d : doc.value("plugin_dirs", nlohmann::json::array())) c.plugin_dirs.push_back(resolve(d.get<std::string>()));
  c.keep_runs = doc.value("keep_runs", 365);

  std::set<std::string> names;
  auto read_uses = [&](const char* key, std::vector<PluginUse>& out) {
    const auto& list = doc.value(key, nlohmann::json::array());
    for (std::size_t i = 0; i < list.size(); ++i) {
      PluginUse u;
      u.name = list[i]["name"].get<std::string>();
      u.plugin = list[i]["plugin"].get<std::string>();
      u.options = list[i].value("options", nlohmann::json::object());
      u.json_path = std::string(key) + "[" + std::to_string(i) + "]";
      u.keep_previous_on_error = list[i].value("on_error", "fail") == "keep_previous";
      u.max_deletion_share = list[i].value("max_deletion_share", 0.2);
      if (list[i].contains("isolation"))
        u.isolation = list[i]["isolation"] == "process" ? PluginUse::Isolation::kProcess : PluginUse::Isolation::kInProcess;
      u.timeout_s = list[i].value("timeout_s", 3600.0);
      u.memory_mb = list[i].value("memory_mb", static_cast<std::size_t>(4096));
      u.limits_given = list[i].contains("timeout_s") || list[i].contains("memory_mb");
      if (u.limits_given && u.isolation == PluginUse::Isolation::kInProcess)
        throw ConfigError(file.string() + ": " + u.json_path + (list[i].contains("timeout_s") ? ".timeout_s" : ".memory_mb") +
                          ": a limit applies only to isolation \"process\", and this entry runs in hopnhat's process "
                          "(isolation \"none\"): remove the limit or set isolation to \"process\"");
      if (!names.insert(std::string(key) + ":" + u.name).second)
        throw ConfigError(file.string() + ": " + u.json_path + ".name: \"" + u.name + "\" is used twice");
      out.push_back(std::move(u));
    }
  };
  read_uses("sources", c.sources);
  read_uses("exports", c.exports);
  if (c.sources.empty()) throw ConfigError(file.string() + ": sources: at least one source is needed");

  std::set<std::string> source_names;
  for (auto& s : c.sources) source_names.insert(s.name);
  auto check_sources = [&](const nlohmann::json& list, const std::string& path) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string n = list[i].get<std::string>();
      if (!source_names.count(n))
        throw ConfigError(file.string() + ": " + path + "[" + std::to_string(i) + "]: \"" + n + "\" is not the name of a source");
      out.push_back(n);
    }
    return out;
  };
  if (doc.contains("survivorship")) {
    const auto& sv = doc["survivorship"];
    if (sv.contains("source_priority")) c.source_priority = check_sources(sv["source_priority"], "survivorship.source_priority");
    if (sv.contains("fields"))
      for (auto& [field, list] : sv["fields"].items()) {
        if (!sdk::find_field(field))
          throw ConfigError(file.string() + ": survivorship.fields." + field + ": not a canonical field");
        c.field_priority[field] = check_sources(list, "survivorship.fields." + field);
      }
  }
  if (doc.contains("match")) {
    try {
      c.match = match::parse_settings(doc["match"]);
    } catch (const std::exception& e) {
      throw ConfigError(file.string() + ": " + e.what());
    }
  }
  if (c.match.max_person_records == 0) c.match.max_person_records = 3 * std::max<std::size_t>(c.sources.size(), 1);
  if (c.source_priority.empty())
    for (auto& s : c.sources) c.source_priority.push_back(s.name);
  c.raw = std::move(doc);
  return c;
}

}  // namespace hopnhat::config
