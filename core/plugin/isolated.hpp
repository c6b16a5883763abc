// Running a plugin in a child process (`isolation: process`), as osquery runs its extensions:
// a plugin that crashes, aborts, exhausts memory or hangs fails only its own source or export,
// and the report names the signal or the time-out.
//
// The child is `hopnhat plugin-host --manifest M --kind importer|exporter`. Host and child speak
// JSON lines over the child's stdin and stdout (docs/plugin-guide.md, "Process isolation"):
//   host → child  {"op": "configure", "options": "<json text>", "base_dir": "…", "dry_run": false}
//                 {"op": "check"}   {"op": "read", "state": "…", "full": false}
//                 {"op": "begin", "header": {…}}   {"op": "write", "person": {…}}   {"op": "finish"}
//   child → host  {"log": {"level": 1, "message": "…"}}   {"record": {…}}   {"reject": {"origin", "message"}}
//                 {"done": {"code": 0, "message": "", "result": {…}}}   — one per op, last
// Isolated instances are used by one thread at a time, like in-process ones.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "hopnhat/sdk/plugin.hpp"

namespace hopnhat::plugin {

struct IsolationSettings {
  std::filesystem::path manifest;
  double timeout_s = 3600;        // for a whole read or export
  std::size_t memory_mb = 4096;   // address-space limit of the child
};

/// A child process speaking the protocol above. Not copyable; kills the child when destroyed.
class PluginProcess {
 public:
  PluginProcess(const IsolationSettings& settings, const std::string& kind);
  ~PluginProcess();
  PluginProcess(const PluginProcess&) = delete;
  PluginProcess& operator=(const PluginProcess&) = delete;

  /// Sends one op and handles the child's lines until its "done"; `on_line` sees the others.
  /// A dead or silent child becomes a failed Status naming the signal, exit code or time-out.
  sdk::Status call(const nlohmann::json& op, sdk::Context* ctx, const std::function<void(const nlohmann::json&)>& on_line,
                   nlohmann::json* result = nullptr);

 private:
  sdk::Status failure(const std::string& what);
  IsolationSettings settings_;
  std::string kind_;
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  std::string buffer_;
  bool dead_ = false;
};

class IsolatedImporter final : public sdk::Importer {
 public:
  explicit IsolatedImporter(const IsolationSettings& settings) : process_(settings, "importer") {}
  sdk::Status configure(const std::string& options_json, sdk::Context& ctx) noexcept override;
  sdk::Status check() noexcept override;
  sdk::Status read(const sdk::ReadRequest& request, sdk::RecordSink& sink, sdk::ReadResult& result) noexcept override;

 private:
  PluginProcess process_;
  sdk::Context* ctx_ = nullptr;
};

class IsolatedExporter final : public sdk::Exporter {
 public:
  explicit IsolatedExporter(const IsolationSettings& settings) : process_(settings, "exporter") {}
  sdk::Status configure(const std::string& options_json, sdk::Context& ctx) noexcept override;
  sdk::Status begin(const sdk::ExportHeader& header, sdk::ExportPlan& plan) noexcept override;
  sdk::Status write(const sdk::PersonRecord& person) noexcept override;
  sdk::Status remove(const std::string& person_id) noexcept override;
  sdk::Status finish(sdk::ExportResult& result) noexcept override;

 private:
  PluginProcess process_;
  sdk::Context* ctx_ = nullptr;
};

/// The records of the protocol, both ways.
nlohmann::json record_to_json(const sdk::SourceRecord& r);
sdk::SourceRecord record_from_json(const nlohmann::json& j);
nlohmann::json header_to_json(const sdk::ExportHeader& h);
sdk::ExportHeader header_from_json(const nlohmann::json& j);
nlohmann::json person_to_json(const sdk::PersonRecord& p);
sdk::PersonRecord person_from_json(const nlohmann::json& j);

/// The child's side: serves one plugin instance over stdin/stdout until stdin closes.
int serve_plugin(const std::filesystem::path& manifest, const std::string& kind);

}  // namespace hopnhat::plugin
