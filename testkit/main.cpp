// hopnhat-testkit: runs the conformance tests against one plugin.
//   hopnhat-testkit --manifest DIR/NAME.plugin.json [--importer-options JSON|FILE]
//                   [--exporter-options JSON|FILE] [--roundtrip-options JSON|FILE]
//                   [--expected-records FILE] [--host PATH] [--timeout SECONDS]
//                   [--junit FILE] [--list] [CASE | [TAG]]...
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/dll/runtime_symbol_info.hpp>

#include "check.hpp"
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

constexpr const char* kUsage =
    "usage: hopnhat-testkit --manifest DIR/NAME.plugin.json [options] [CASE | [TAG]]...\n"
    "  --manifest FILE            the plugin's NAME.plugin.json (required)\n"
    "  --importer-options JSON|FILE  importer options that read a small sample\n"
    "  --exporter-options JSON|FILE  exporter options (paths relative to a fresh folder)\n"
    "  --roundtrip-options JSON|FILE importer options that read back the export\n"
    "  --expected-records FILE    a JSON array of the records the importer options must read\n"
    "  --host PATH                the hopnhat program that runs the plugin (default: the one beside the testkit)\n"
    "  --timeout SECONDS          the deadline of one op, a whole read or a whole export (default 60)\n"
    "  --junit FILE               also write a JUnit XML report\n"
    "  --list                     list the checks and their tags, run none\n"
    "Exit status: 0 every check passed, 1 some failed, 2 the command line or the settings are wrong.\n";

int main(int argc, char** argv) {
  std::string manifest, imp, exp, round, expected, host, timeout_text = "60";
  hopnhat::testkit::RunOptions run;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string* value = arg == "--manifest" ? &manifest : arg == "--importer-options" ? &imp
                       : arg == "--exporter-options" ? &exp : arg == "--roundtrip-options" ? &round
                       : arg == "--expected-records" ? &expected : arg == "--host" ? &host
                       : arg == "--timeout" ? &timeout_text : arg == "--junit" ? &run.junit_path : nullptr;
    if (value) {
      if (i + 1 == argc) {
        std::cerr << "hopnhat-testkit: " << arg << " expects a value\n" << kUsage;
        return 2;
      }
      *value = argv[++i];
    } else if (arg == "--list") {
      run.list = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg.rfind("-", 0) == 0) {
      std::cerr << "hopnhat-testkit: unknown option " << arg << "\n" << kUsage;
      return 2;
    } else {
      run.filters.push_back(arg);
    }
  }
  if (run.list) return hopnhat::testkit::run_cases(run, std::cout);
  double timeout_s = 0;
  try {
    std::size_t used = 0;
    timeout_s = std::stod(timeout_text, &used);
    if (used != timeout_text.size()) timeout_s = 0;
  } catch (const std::exception&) {
  }
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
  try {
    return hopnhat::testkit::run_cases(run, std::cout);
  } catch (const std::exception& e) {
    std::cerr << "hopnhat-testkit: " << e.what() << "\n";
    return 2;
  }
}
