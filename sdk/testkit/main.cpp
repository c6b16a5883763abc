// hopnhat-testkit: runs the conformance tests against one plugin.
//   hopnhat-testkit --manifest DIR/NAME.plugin.json [--importer-options JSON|FILE]
//                   [--exporter-options JSON|FILE] [--roundtrip-options JSON|FILE]
//                   [--expected-records FILE] [--host PATH] [--timeout SECONDS] [catch2 options]
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/dll/runtime_symbol_info.hpp>

#include "testkit.hpp"

namespace hopnhat::testkit {
Settings& settings() {
  static Settings s;
  return s;
}
}  // namespace hopnhat::testkit

namespace {
nlohmann::json options_from(const std::string& text, const char* flag) {
  if (text.empty()) return nullptr;
  std::string body = text;
  if (text.front() != '{') {
    std::ifstream in(text);
    if (!in) throw std::runtime_error(std::string(flag) + ": cannot read " + text);
    std::stringstream ss;
    ss << in.rdbuf();
    body = ss.str();
  }
  try {
    return nlohmann::json::parse(body);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(flag) + ": not valid JSON: " + e.what());
  }
}
}  // namespace

int main(int argc, char** argv) {
  Catch::Session session;
  std::string manifest, imp, exp, round, expected, host;
  double timeout_s = 60;
  using namespace Catch::clara;
  auto cli = session.cli() | Opt(manifest, "path")["--manifest"]("the plugin's NAME.plugin.json") |
             Opt(imp, "json|file")["--importer-options"]("importer options that read a small sample") |
             Opt(exp, "json|file")["--exporter-options"]("exporter options (paths relative to a fresh folder)") |
             Opt(round, "json|file")["--roundtrip-options"]("importer options that read back the export") |
             Opt(expected, "file")["--expected-records"]("a JSON array of the records the importer options must read") |
             Opt(host, "path")["--host"]("the hopnhat program that runs the plugin (default: the one beside the testkit)") |
             Opt(timeout_s, "seconds")["--timeout"]("the deadline of one op, a whole read or a whole export (default 60)");
  session.cli(cli);
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  if (manifest.empty()) {
    std::cerr << "hopnhat-testkit: --manifest is required\n";
    return 2;
  }
  try {
    auto& s = hopnhat::testkit::settings();
    s.manifest = std::filesystem::absolute(manifest);
    s.importer_options = options_from(imp, "--importer-options");
    s.exporter_options = options_from(exp, "--exporter-options");
    s.roundtrip_options = options_from(round, "--roundtrip-options");
    s.base_dir = std::filesystem::current_path();
    // Installed or in a build tree, hopnhat sits in the same bin folder as the testkit.
    s.host = host.empty() ? std::filesystem::path(boost::dll::program_location()).parent_path() / "hopnhat" : std::filesystem::path(host);
    if (::access(s.host.c_str(), X_OK) != 0)
      throw std::runtime_error("cannot run " + s.host.string() + ", the hopnhat program that hosts the plugin under test; give --host PATH");
    if (!(timeout_s > 0)) throw std::runtime_error("--timeout: expected a number of seconds above 0");
    s.timeout_s = timeout_s;
    if (!expected.empty()) {
      if (s.importer_options.is_null()) throw std::runtime_error("--expected-records needs --importer-options: they say what to read");
      s.expected_records = hopnhat::testkit::read_expected_records(expected);
      s.has_expected_records = true;
    }
  } catch (const std::exception& e) {
    std::cerr << "hopnhat-testkit: " << e.what() << "\n";
    return 2;
  }
  return session.run();
}
