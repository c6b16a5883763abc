// The configuration file: JSON, checked against config/schema/config.schema.json (compiled into
// the binary), with ${ENV_VAR} substituted in every string so secrets stay out of the file.
// A Config is a plain value, built once per command and read-only afterwards.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "match/settings.hpp"
#include "org/places.hpp"
#include "org/units.hpp"

namespace hopnhat::config {

/// A configuration that cannot be used; the message names the file and the JSON path.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PluginUse {
  std::string name;       // the source's or export's name
  std::string plugin;     // plugin name as in its manifest
  nlohmann::json options = nlohmann::json::object();
  std::string json_path;  // "sources[1]", for messages
  bool keep_previous_on_error = false;  // sources: on_error = keep_previous
  double max_deletion_share = 0.2;      // sources: the mass-deletion guard
  // Where the plugin runs. Unset: in-process for the plugins shipped with hopnhat (its bundled
  // folder), in a child process for every other (sync::prepare_plugins decides).
  enum class Isolation { kDefault, kInProcess, kProcess } isolation = Isolation::kDefault;
  double timeout_s = 3600;
  std::size_t memory_mb = 4096;
  bool limits_given = false;            // timeout_s or memory_mb written: only isolation process has them
};

struct Config {
  std::filesystem::path file;       // the configuration file
  std::filesystem::path base_dir;   // its folder: relative paths are resolved against it
  std::filesystem::path sqlite_path;  // the SQLite store's file, or empty for PostgreSQL
  std::string postgres;               // PostgreSQL connection URI, or empty for SQLite
  std::map<std::string, std::string> postgres_options;  // libpq keywords passed through (sslmode, …)
  std::filesystem::path audit_key_file;         // the audit chain's HMAC key, outside the store
  std::filesystem::path audit_checkpoint_file;  // the audit chain's head, outside the store
  // The organisation's units and crosswalk (docs/organisation.md), loaded and checked with the
  // configuration; null when the configuration has no "organisation".
  std::shared_ptr<const org::OrgRegistry> organisation;
  std::vector<std::string> head_titles, deputy_titles;  // organisation.positions: added to the defaults
  // The places of before 2025 (docs/organisation.md, "Places of before 2025"): the lists compiled
  // in, and the other provinces' commune lists the configuration names ("places"). Never null.
  std::shared_ptr<const org::PlaceRegistry> places;
  std::vector<std::filesystem::path> plugin_dirs;
  int keep_runs = 365;
  std::vector<PluginUse> sources;
  std::vector<PluginUse> exports;
  std::vector<std::string> source_priority;                          // survivorship order
  std::map<std::string, std::vector<std::string>> field_priority;    // field → source order
  match::MatchSettings match = match::default_settings();
  nlohmann::json raw;  // the document after substitution (never logged: it may hold secrets)
};

/// The compiled-in JSON Schema of the configuration.
const nlohmann::json& config_schema();

/// Reads, substitutes and validates `file`. Throws ConfigError.
Config load_config(const std::filesystem::path& file);

/// Replaces ${NAME} in every string of `doc` by the environment variable NAME. Throws
/// ConfigError naming the JSON path when a variable is not set.
void substitute_environment(nlohmann::json& doc, const std::string& file, const std::string& path = "");

}  // namespace hopnhat::config
