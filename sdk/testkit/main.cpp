// hopnhat-testkit: runs the conformance tests against one plugin.
//   hopnhat-testkit --manifest DIR/NAME.plugin.json [--importer-options JSON|FILE]
//                   [--exporter-options JSON|FILE] [--roundtrip-options JSON|FILE] [catch2 options]
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

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
  std::string manifest, imp, exp, round;
  using namespace Catch::clara;
  auto cli = session.cli() | Opt(manifest, "path")["--manifest"]("the plugin's NAME.plugin.json") |
             Opt(imp, "json|file")["--importer-options"]("importer options that read a small sample") |
             Opt(exp, "json|file")["--exporter-options"]("exporter options (paths relative to a fresh folder)") |
             Opt(round, "json|file")["--roundtrip-options"]("importer options that read back the export");
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
  } catch (const std::exception& e) {
    std::cerr << "hopnhat-testkit: " << e.what() << "\n";
    return 2;
  }
  return session.run();
}
