#include "plugin/isolated.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <thread>

#include <boost/dll/runtime_symbol_info.hpp>

#include "plugin/library.hpp"
#include "plugin/manifest.hpp"

namespace hopnhat::plugin {
namespace {

std::string hopnhat_binary() {
  std::filesystem::path self = boost::dll::program_location();
  if (self.filename() == "hopnhat") return self.string();
  if (const char* env = std::getenv("HOPNHAT_BIN")) return env;
  return (self.parent_path() / "hopnhat").string();
}

sdk::Status status_from(const nlohmann::json& done) {
  int code = done.value("code", 0);
  std::string message = done.value("message", "");
  if (code == 0) return sdk::Status::ok();
  switch (static_cast<sdk::Status::Code>(code)) {
    case sdk::Status::Code::kInvalidOptions: return sdk::Status::invalid_options(message);
    case sdk::Status::Code::kInvalidInput: return sdk::Status::invalid_input(message);
    case sdk::Status::Code::kIoError: return sdk::Status::io_error(message);
    case sdk::Status::Code::kUnavailable: return sdk::Status::unavailable(message);
    case sdk::Status::Code::kCancelled: return sdk::Status::cancelled(message);
    default: return sdk::Status::internal(message);
  }
}

nlohmann::json done_of(const sdk::Status& st) {
  return {{"code", static_cast<int>(st.code())}, {"message", st.message()}};
}

}  // namespace

nlohmann::json record_to_json(const sdk::SourceRecord& r) {
  return {{"id", r.id}, {"origin", r.origin}, {"fields", r.fields}, {"attributes", r.attributes}};
}

sdk::SourceRecord record_from_json(const nlohmann::json& j) {
  sdk::SourceRecord r;
  r.id = j.at("id");
  r.origin = j.value("origin", "");
  r.fields = j.at("fields").get<std::map<std::string, std::string>>();
  r.attributes = j.at("attributes").get<std::vector<std::pair<std::string, std::string>>>();
  return r;
}

nlohmann::json header_to_json(const sdk::ExportHeader& h) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : h.sources)
    sources.push_back({{"name", s.name}, {"read", s.read}, {"new", s.new_records}, {"changed", s.changed},
                       {"unchanged", s.unchanged}, {"deleted", s.deleted}, {"failed", s.failed}, {"error", s.error}});
  return {{"run_id", h.run_id}, {"run_started_at", h.run_started_at}, {"fields", h.fields}, {"sources", sources},
          {"previous_state", h.previous_state}, {"previous_run", h.previous_run}};
}

sdk::ExportHeader header_from_json(const nlohmann::json& j) {
  sdk::ExportHeader h;
  h.run_id = j.at("run_id");
  h.run_started_at = j.value("run_started_at", "");
  h.fields = j.at("fields").get<std::vector<std::string>>();
  for (const auto& s : j.value("sources", nlohmann::json::array()))
    h.sources.push_back({s.at("name"), s.at("read"), s.at("new"), s.at("changed"), s.at("unchanged"), s.at("deleted"),
                         s.at("failed"), s.at("error")});
  h.previous_state = j.value("previous_state", "");
  h.previous_run = j.value("previous_run", std::int64_t{0});
  return h;
}

nlohmann::json person_to_json(const sdk::PersonRecord& p) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [k, v] : p.fields)
    fields[k] = {{"value", v.value}, {"source", v.provenance.source}, {"record_id", v.provenance.record_id},
                 {"run", v.provenance.run_id}, {"rule", v.provenance.rule}};
  nlohmann::json records = nlohmann::json::array();
  for (const auto& r : p.records)
    records.push_back({{"source", r.source}, {"record_id", r.record_id}, {"status", r.status}, {"attributes", r.attributes}});
  nlohmann::json conflicts = nlohmann::json::array();
  for (const auto& c : p.conflicts) conflicts.push_back({{"field", c.field}, {"kind", c.kind}});
  nlohmann::json history = nlohmann::json::array();
  for (const auto& h : p.history)
    history.push_back({{"run", h.run_id}, {"date", h.date}, {"field", h.field}, {"old", h.old_value}, {"new", h.new_value}});
  return {{"person_id", p.person_id}, {"fields", fields}, {"records", records}, {"conflicts", conflicts}, {"history", history}};
}

sdk::PersonRecord person_from_json(const nlohmann::json& j) {
  sdk::PersonRecord p;
  p.person_id = j.at("person_id");
  for (const auto& [k, v] : j.at("fields").items())
    p.fields[k] = {v.at("value"), {v.at("source"), v.at("record_id"), v.at("run"), v.at("rule")}};
  for (const auto& r : j.at("records"))
    p.records.push_back({r.at("source"), r.at("record_id"), r.at("status"),
                         r.at("attributes").get<std::vector<std::pair<std::string, std::string>>>()});
  for (const auto& c : j.value("conflicts", nlohmann::json::array())) p.conflicts.push_back({c.at("field"), c.at("kind")});
  for (const auto& h : j.value("history", nlohmann::json::array()))
    p.history.push_back({h.at("run"), h.at("date"), h.at("field"), h.at("old"), h.at("new")});
  return p;
}

PluginProcess::PluginProcess(const IsolationSettings& settings, const std::string& kind) : settings_(settings), kind_(kind) {
  ::signal(SIGPIPE, SIG_IGN);  // a dead child must become an error, not end the job
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
    throw PluginError("cannot create pipes for an isolated plugin: " + std::string(std::strerror(errno)));
  std::string bin = hopnhat_binary();
  std::string manifest = settings.manifest.string();
  pid_ = ::fork();
  if (pid_ < 0) throw PluginError("cannot start an isolated plugin: " + std::string(std::strerror(errno)));
  if (pid_ == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    struct rlimit limit{};
    limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(settings.memory_mb) * 1024 * 1024;
    ::setrlimit(RLIMIT_AS, &limit);
    const char* argv[] = {bin.c_str(), "plugin-host", "--manifest", manifest.c_str(), "--kind", kind.c_str(), nullptr};
    ::execv(bin.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  to_child_ = in[1];
  from_child_ = out[0];
}

PluginProcess::~PluginProcess() {
  if (to_child_ >= 0) ::close(to_child_);  // end of input: the child exits
  if (from_child_ >= 0) ::close(from_child_);
  if (dead_ || pid_ <= 0) return;
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

sdk::Status PluginProcess::failure(const std::string& what) {
  std::string why = what;
  if (!dead_) {
    int status = 0;
    if (::waitpid(pid_, &status, 0) == pid_) {
      if (WIFSIGNALED(status))
        why = "the plugin process was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
      else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        why = "the plugin process could not be started (" + hopnhat_binary() + " plugin-host)";
      else if (WIFEXITED(status))
        why = "the plugin process exited with code " + std::to_string(WEXITSTATUS(status)) + " in the middle of its work";
    }
    dead_ = true;
  }
  return sdk::Status::unavailable(why + " (isolation: process)");
}

sdk::Status PluginProcess::call(const nlohmann::json& op, sdk::Context* ctx,
                                const std::function<void(const nlohmann::json&)>& on_line, nlohmann::json* result) {
  if (dead_) return sdk::Status::unavailable("the plugin process is gone (isolation: process)");
  std::string line = op.dump() + "\n";
  for (std::size_t off = 0; off < line.size();) {
    ssize_t n = ::write(to_child_, line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failure("the plugin process stopped reading");
    off += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(settings_.timeout_s);
  char chunk[65536];
  while (true) {
    std::size_t nl;
    while ((nl = buffer_.find('\n')) != std::string::npos) {
      std::string text = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      nlohmann::json msg;
      try {
        msg = nlohmann::json::parse(text);
      } catch (const std::exception&) {
        return sdk::Status::internal("the plugin process wrote a line that is not JSON: " + text.substr(0, 80));
      }
      if (msg.contains("done")) {
        if (result && msg["done"].contains("result")) *result = msg["done"]["result"];
        return status_from(msg["done"]);
      }
      if (msg.contains("log") && ctx) {
        ctx->log(static_cast<sdk::LogLevel>(msg["log"].value("level", 1)), msg["log"].value("message", ""));
        continue;
      }
      on_line(msg);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      dead_ = true;
      return sdk::Status::unavailable("the plugin did not finish within timeout_s = " + std::to_string(settings_.timeout_s).substr(0, 6) +
                                      " seconds and was stopped (isolation: process)");
    }
    struct pollfd p{from_child_, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = ::read(from_child_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failure("the plugin process ended without answering");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

sdk::Status IsolatedImporter::configure(const std::string& options_json, sdk::Context& ctx) noexcept {
  ctx_ = &ctx;
  try {
    return process_.call({{"op", "configure"}, {"options", options_json}, {"base_dir", ctx.base_dir()}, {"dry_run", ctx.dry_run()}},
                         &ctx, [](const nlohmann::json&) {});
  } catch (const std::exception& e) {
    return sdk::Status::internal(e.what());
  }
}

sdk::Status IsolatedImporter::check() noexcept {
  try {
    return process_.call({{"op", "check"}}, ctx_, [](const nlohmann::json&) {});
  } catch (const std::exception& e) {
    return sdk::Status::internal(e.what());
  }
}

sdk::Status IsolatedImporter::read(const sdk::ReadRequest& request, sdk::RecordSink& sink, sdk::ReadResult& result) noexcept {
  try {
    nlohmann::json r;
    sdk::Status st = process_.call(
        {{"op", "read"}, {"state", request.state}, {"full", request.full}}, ctx_,
        [&](const nlohmann::json& msg) {
          if (msg.contains("record")) sink.emit(record_from_json(msg["record"]));
          else if (msg.contains("reject")) sink.reject(msg["reject"].value("origin", ""), msg["reject"].value("message", ""));
        },
        &r);
    if (st && r.is_object()) {
      result.full_snapshot = r.value("full_snapshot", true);
      result.state = r.value("state", "");
    }
    return st;
  } catch (const std::exception& e) {
    return sdk::Status::internal(std::string("isolated read: ") + e.what());
  }
}

sdk::Status IsolatedExporter::configure(const std::string& options_json, sdk::Context& ctx) noexcept {
  ctx_ = &ctx;
  try {
    return process_.call({{"op", "configure"}, {"options", options_json}, {"base_dir", ctx.base_dir()}, {"dry_run", ctx.dry_run()}},
                         &ctx, [](const nlohmann::json&) {});
  } catch (const std::exception& e) {
    return sdk::Status::internal(e.what());
  }
}

sdk::Status IsolatedExporter::begin(const sdk::ExportHeader& header, sdk::ExportPlan& plan) noexcept {
  try {
    nlohmann::json r;
    plan = sdk::ExportPlan{};
    sdk::Status st = process_.call({{"op", "begin"}, {"header", header_to_json(header)}}, ctx_, [](const nlohmann::json&) {}, &r);
    if (st && r.is_object()) plan.changes_only = r.value("changes_only", false);
    return st;
  } catch (const std::exception& e) {
    return sdk::Status::internal(e.what());
  }
}

sdk::Status IsolatedExporter::write(const sdk::PersonRecord& person) noexcept {
  try {
    return process_.call({{"op", "write"}, {"person", person_to_json(person)}}, ctx_, [](const nlohmann::json&) {});
  } catch (const std::exception& e) {
    return sdk::Status::internal(e.what());
  }
}

sdk::Status IsolatedExporter::remove(const std::string& person_id) noexcept {
  try {
    return process_.call({{"op", "remove"}, {"person_id", person_id}}, ctx_, [](const nlohmann::json&) {});
  } catch (const std::exception& e) {
    return sdk::Status::internal(e.what());
  }
}

sdk::Status IsolatedExporter::finish(sdk::ExportResult& result) noexcept {
  try {
    nlohmann::json r;
    sdk::Status st = process_.call({{"op", "finish"}}, ctx_, [](const nlohmann::json&) {}, &r);
    if (st && r.is_object()) {
      result.written = r.value("written", std::int64_t{0});
      result.removed = r.value("removed", std::int64_t{0});
      result.target = r.value("target", "");
      result.state = r.value("state", "");
    }
    return st;
  } catch (const std::exception& e) {
    return sdk::Status::internal(e.what());
  }
}

namespace {

class ChildContext final : public sdk::Context {
 public:
  std::string base_dir() const noexcept override { return base_dir_; }
  bool dry_run() const noexcept override { return dry_run_; }
  bool cancelled() const noexcept override { return false; }
  void log(sdk::LogLevel level, const std::string& message) noexcept override {
    try {
      std::cout << nlohmann::json{{"log", {{"level", static_cast<int>(level)}, {"message", message}}}}.dump() << "\n";
    } catch (...) {
    }
  }
  std::string base_dir_;
  bool dry_run_ = false;
};

class ChildSink final : public sdk::RecordSink {
 public:
  bool emit(sdk::SourceRecord&& r) noexcept override {
    try {
      std::cout << nlohmann::json{{"record", record_to_json(r)}}.dump() << "\n";
      return static_cast<bool>(std::cout);
    } catch (...) {
      return false;
    }
  }
  void reject(const std::string& origin, const std::string& message) noexcept override {
    try {
      std::cout << nlohmann::json{{"reject", {{"origin", origin}, {"message", message}}}}.dump() << "\n";
    } catch (...) {
    }
  }
};

void reply(const nlohmann::json& done) { std::cout << nlohmann::json{{"done", done}}.dump() << "\n" << std::flush; }

}  // namespace

int serve_plugin(const std::filesystem::path& manifest_path, const std::string& kind) {
  std::ios::sync_with_stdio(false);
  std::shared_ptr<PluginLibrary> lib;
  ImporterPtr importer(nullptr, ImporterDeleter{});
  ExporterPtr exporter(nullptr, ExporterDeleter{});
  ChildContext ctx;
  std::string line;
  while (std::getline(std::cin, line)) {
    nlohmann::json op, done;
    try {
      op = nlohmann::json::parse(line);
      const std::string name = op.at("op");
      if (!lib) {
        lib = PluginLibrary::load(read_manifest(manifest_path));
        if (kind == "importer") importer = lib->create_importer();
        else exporter = lib->create_exporter();
      }
      sdk::Status st;
      if (name == "configure") {
        ctx.base_dir_ = op.value("base_dir", "");
        ctx.dry_run_ = op.value("dry_run", false);
        st = importer ? importer->configure(op.at("options"), ctx) : exporter->configure(op.at("options"), ctx);
        done = done_of(st);
      } else if (name == "check" && importer) {
        done = done_of(importer->check());
      } else if (name == "read" && importer) {
        ChildSink sink;
        sdk::ReadResult result;
        st = importer->read({op.value("state", ""), op.value("full", false)}, sink, result);
        done = done_of(st);
        done["result"] = {{"full_snapshot", result.full_snapshot}, {"state", result.state}};
      } else if (name == "begin" && exporter) {
        sdk::ExportHeader h = header_from_json(op.at("header"));
        sdk::ExportPlan plan;
        done = done_of(exporter->begin(h, plan));
        done["result"] = {{"changes_only", plan.changes_only}};
      } else if (name == "write" && exporter) {
        done = done_of(exporter->write(person_from_json(op.at("person"))));
      } else if (name == "remove" && exporter) {
        done = done_of(exporter->remove(op.at("person_id").get<std::string>()));
      } else if (name == "finish" && exporter) {
        sdk::ExportResult result;
        done = done_of(exporter->finish(result));
        done["result"] = {{"written", result.written}, {"removed", result.removed}, {"target", result.target}, {"state", result.state}};
      } else {
        done = done_of(sdk::Status::internal("unknown operation \"" + name + "\" for an " + kind));
      }
    } catch (const std::exception& e) {
      done = done_of(sdk::Status::internal(e.what()));
    }
    reply(done);
  }
  return 0;
}

}  // namespace hopnhat::plugin
