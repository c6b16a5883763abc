// Running a plugin in a child process (`isolation: process`), as osquery runs its extensions:
// a plugin that crashes, aborts, exhausts memory, hangs, exits or prints fails only its own
// source or export, and the report names the signal, the exit or the time-out.
//
// The child is `hopnhat plugin-host --manifest M --kind importer|exporter`. Host and child speak
// JSON lines over a socket that is the child's descriptor 3 (docs/plugin-guide.md, "Process
// isolation"), so nothing the plugin writes to its standard output can pass for a frame:
//   host → child  {"op": "load"}   {"op": "configure", "options": "<json text>", "base_dir": "…", "dry_run": false}
//                 {"op": "check"}   {"op": "read", "state": "…", "full": false}
//                 {"op": "begin", "header": {…}}   {"op": "write", "person": {…}}   {"op": "finish"}
//   child → host  {"log": {"level": 1, "message": "…"}}   {"record": {…}}   {"reject": {"origin", "message"}}
//                 {"done": {"code": 0, "message": "", "result": {…}}}   — one per op, last
// The child's standard input is /dev/null; its standard output is a pipe the host reads into
// the log (a warning of the source or export) and into IsolationSettings::on_stdout.
// Isolated instances are used by one thread at a time, like in-process ones.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "hopnhat/sdk/plugin.hpp"

namespace hopnhat::plugin {

struct IsolationSettings {
  std::filesystem::path manifest;
  double timeout_s = 3600;        // for a whole read or export (begin … finish); for each other op
  std::size_t memory_mb = 4096;   // address-space limit of the child
  std::filesystem::path host;     // the program run as `HOST plugin-host …`; empty: hopnhat itself
  /// Sees each line the plugin writes to its standard output (after it went to the log); called
  /// on the thread that called the op. Empty: the log only.
  std::function<void(const std::string&)> on_stdout;
};

/// A child process speaking the protocol above. Owns the child and its descriptors: not
/// copyable; kills the child when destroyed. One thread at a time.
class PluginProcess {
 public:
  PluginProcess(const IsolationSettings& settings, const std::string& kind);
  ~PluginProcess();
  PluginProcess(const PluginProcess&) = delete;
  PluginProcess& operator=(const PluginProcess&) = delete;

  /// Sends one op and handles the child's frames until its "done"; `on_line` sees the others.
  /// A dead, silent or garbling child becomes a failed Status naming the signal, exit code,
  /// time-out or bad frame; the child is then gone and every later call fails at once.
  sdk::Status call(const nlohmann::json& op, sdk::Context* ctx, const std::function<void(const nlohmann::json&)>& on_line,
                   nlohmann::json* result = nullptr);

  /// Until end_span(), every call shares one deadline timeout_s from now: the time-out covers a
  /// whole read or export, not each of its ops.
  void begin_span();
  void end_span() { span_deadline_.reset(); }

  /// False once the child crashed, exited, timed out or broke the protocol.
  bool alive() const noexcept { return !dead_; }

 private:
  sdk::Status failure(const std::string& what, sdk::Context* ctx);
  void stop();
  void take_output(sdk::Context* ctx, bool to_the_end);
  void output_line(const std::string& line, sdk::Context* ctx);

  IsolationSettings settings_;
  std::string kind_;
  pid_t pid_ = -1;
  int channel_ = -1;  // our end of the socket that is the child's descriptor 3
  int output_ = -1;   // the read end of the child's standard output
  std::string buffer_, output_buffer_;
  std::optional<std::chrono::steady_clock::time_point> span_deadline_;
  bool dead_ = false;
};

class IsolatedImporter final : public sdk::Importer {
 public:
  explicit IsolatedImporter(const IsolationSettings& settings) : process_(settings, "importer") {}
  sdk::Status configure(const std::string& options_json, sdk::Context& ctx) noexcept override;
  sdk::Status check() noexcept override;
  sdk::Status read(const sdk::ReadRequest& request, sdk::RecordSink& sink, sdk::ReadResult& result) noexcept override;
  /// False once the child is gone (a failed Status then came from the process, not the plugin).
  bool alive() const noexcept { return process_.alive(); }

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
  bool alive() const noexcept { return process_.alive(); }

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
sdk::Status status_from_done(const nlohmann::json& done);
nlohmann::json done_of(const sdk::Status& st);

/// The child's side (plugin_host.cpp): serves one plugin instance over descriptor 3 until the
/// host closes it. Returns the process's exit code.
int serve_plugin(const std::filesystem::path& manifest, const std::string& kind);

}  // namespace hopnhat::plugin
