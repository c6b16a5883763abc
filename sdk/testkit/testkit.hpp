// The hopnhat conformance testkit: what every plugin must do, checked against a built plugin.
// Tests are gated on what the manifest declares (importer and/or exporter) and on the options
// the plugin author supplies; see docs/plugin-guide.md.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace hopnhat::testkit {

struct Settings {
  std::filesystem::path manifest;
  nlohmann::json importer_options;   // null: importer tests that need options are skipped
  nlohmann::json exporter_options;
  nlohmann::json roundtrip_options;  // importer options that read what the exporter wrote
  std::filesystem::path base_dir;    // relative paths in importer options resolve here
};

/// Filled in by main() before the tests run.
Settings& settings();

}  // namespace hopnhat::testkit
