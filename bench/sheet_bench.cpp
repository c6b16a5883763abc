// hopnhat-sheet-bench: the spreadsheet figures of docs/benchmarks.md, each in its own process so
// that the peak RSS is the plugin's own.
//   hopnhat-sheet-bench export ROWS FILE.xlsx   a roster of ROWS persons with 25 fields
//   hopnhat-sheet-bench import FILE.xlsx        read it back (person_id as the record id)
// Prints one JSON line: {"what", "rows", "seconds", "peak_rss_mib"}.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <iostream>

#include "hopnhat/sdk/fields.hpp"
#include "plugin/library.hpp"
#include "plugin/registry.hpp"

namespace {

using namespace hopnhat;

class BenchContext final : public sdk::Context {
 public:
  std::string base_dir() const noexcept override { return "."; }
  bool dry_run() const noexcept override { return false; }
  bool cancelled() const noexcept override { return false; }
  void log(sdk::LogLevel, const std::string&) noexcept override {}
};

class CountingSink final : public sdk::RecordSink {
 public:
  bool emit(sdk::SourceRecord&&) noexcept override { ++records; return true; }
  void reject(const std::string&, const std::string&) noexcept override { ++rejected; }
  long records = 0, rejected = 0;
};

// VmHWM of this process image: getrusage's ru_maxrss would also count the memory of the
// parent that forked us (Linux keeps the maximum across execve).
double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: hopnhat-sheet-bench export ROWS FILE.xlsx | import FILE.xlsx\n";
    return 2;
  }
  const std::string mode = argv[1];
  plugin::PluginRegistry registry(plugin::PluginRegistry::search_path({}, {}));
  auto lib = registry.open("spreadsheet");
  BenchContext ctx;
  auto start = std::chrono::steady_clock::now();
  long rows = 0;
  if (mode == "export" && argc == 4) {
    rows = std::stol(argv[2]);
    auto exporter = lib->create_exporter();
    std::string options = nlohmann::json{{"path", std::filesystem::absolute(argv[3]).string()}}.dump();
    if (!exporter->configure(options, ctx)) return 1;
    sdk::ExportHeader header;
    header.run_id = 1;
    for (const auto& f : sdk::kCanonicalFields)
      if (header.fields.size() < 25) header.fields.emplace_back(f.name);
    sdk::ExportPlan plan;
    if (!exporter->begin(header, plan)) return 1;
    for (long i = 0; i < rows; ++i) {
      sdk::PersonRecord p;
      p.person_id = "P" + std::to_string(1000000 + i);
      for (const auto& f : header.fields) {
        std::string v = f == "birth_date" || f == "party_join_date" || f == "party_official_date" ? "1970-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 9)
                        : f == "citizen_id" ? "00107" + std::to_string(1000000 + i)
                        : f == "full_name" ? "Nguyễn Văn Thành " + std::to_string(i)
                        : f + " " + std::to_string(i % 1000);
        p.fields[f] = {v, {"bench", std::to_string(i), 1, "only_value"}};
      }
      if (!exporter->write(p)) return 1;
    }
    sdk::ExportResult result;
    sdk::Status st = exporter->finish(result);
    if (!st) { std::cerr << st.message() << "\n"; return 1; }
  } else if (mode == "import") {
    auto importer = lib->create_importer();
    std::string options = nlohmann::json{{"path", std::filesystem::absolute(argv[2]).string()}, {"id", "person_id"}}.dump();
    if (!importer->configure(options, ctx)) return 1;
    CountingSink sink;
    sdk::ReadResult result;
    sdk::Status st = importer->read({}, sink, result);
    if (!st) { std::cerr << st.message() << "\n"; return 1; }
    rows = sink.records;
  } else {
    std::cerr << "hopnhat-sheet-bench: unknown mode " << mode << "\n";
    return 2;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"what\": \"%s\", \"rows\": %ld, \"seconds\": %.2f, \"peak_rss_mib\": %.0f}\n", mode.c_str(), rows, seconds, peak_rss_mib());
  return 0;
}
