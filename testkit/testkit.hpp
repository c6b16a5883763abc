// The hopnhat conformance testkit: what every plugin must do, checked against a built plugin.
// Tests are gated on what the manifest declares (importer and/or exporter) and on the options
// the plugin author supplies; see docs/plugin-guide.md. The plugin under test always runs in a
// child `hopnhat plugin-host` process with a deadline per check, so a plugin that crashes,
// hangs, exits or prints fails the check it did that in, and the later checks still run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "expected_records.hpp"

namespace hopnhat::testkit {

/// Written once by main() before any test runs, read-only afterwards.
struct Settings {
  std::filesystem::path manifest;
  nlohmann::json importer_options;   // null: importer tests that need options are skipped
  nlohmann::json exporter_options;
  nlohmann::json roundtrip_options;  // importer options that read what the exporter wrote
  std::filesystem::path base_dir;    // relative paths in importer options resolve here
  std::filesystem::path host;        // the hopnhat program that runs `plugin-host`
  double timeout_s = 60;             // each check's deadline for one op, a whole read or export
  bool has_expected_records = false;
  std::vector<ExpectedRecord> expected_records;  // what a read with importer_options must yield
};

/// Filled in by main() before the tests run.
Settings& settings();

}  // namespace hopnhat::testkit
