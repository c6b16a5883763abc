#include "plugin/isolated.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include <boost/dll/runtime_symbol_info.hpp>
#include <fmt/format.h>

#include "plugin/library.hpp"

namespace hopnhat::plugin {
namespace {

std::string hopnhat_binary() {
  std::filesystem::path self = boost::dll::program_location();
  if (self.filename() == "hopnhat") return self.string();
  if (const char* env = std::getenv("HOPNHAT_BIN")) return env;
  return (self.parent_path() / "hopnhat").string();
}

constexpr std::size_t kMaxOutputLine = 4096;  // a longer run of output without a newline is cut

void close_all(std::initializer_list<int> fds) {
  for (int fd : fds)
    if (fd >= 0) ::close(fd);
}

}  // namespace

sdk::Status status_from_done(const nlohmann::json& done) {
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

nlohmann::json record_to_json(const sdk::SourceRecord& r) {
  nlohmann::json j = {{"id", r.id}, {"origin", r.origin}, {"fields", r.fields}, {"attributes", r.attributes}};
  if (!r.history.empty()) {  // absent for most sources: a line per record stays as it was
    nlohmann::json& h = j["history"] = nlohmann::json::array();
    for (const auto& row : r.history)
      h.push_back({{"kind", row.kind}, {"from", row.from}, {"to", row.to}, {"fields", row.fields}, {"origin", row.origin}});
  }
  return j;
}

sdk::SourceRecord record_from_json(const nlohmann::json& j) {
  sdk::SourceRecord r;
  r.id = j.at("id");
  r.origin = j.value("origin", "");
  r.fields = j.at("fields").get<std::map<std::string, std::string>>();
  r.attributes = j.at("attributes").get<std::vector<std::pair<std::string, std::string>>>();
  for (const auto& h : j.value("history", nlohmann::json::array()))
    r.history.push_back({h.at("kind"), h.value("from", ""), h.value("to", ""),
                         h.value("fields", std::map<std::string, std::string>{}), h.value("origin", "")});
  return r;
}

nlohmann::json header_to_json(const sdk::ExportHeader& h) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : h.sources)
    sources.push_back({{"name", s.name}, {"read", s.read}, {"new", s.new_records}, {"changed", s.changed},
                       {"unchanged", s.unchanged}, {"deleted", s.deleted}, {"failed", s.failed}, {"error", s.error}});
  nlohmann::json units = nlohmann::json::array(), crosswalk = nlohmann::json::array();
  for (const auto& u : h.units)
    units.push_back({{"code", u.code}, {"name", u.name}, {"kind", u.kind}, {"parent_code", u.parent_code},
                     {"valid_from", u.valid_from}, {"valid_to", u.valid_to}, {"quota", u.quota}});
  for (const auto& e : h.crosswalk)
    crosswalk.push_back({{"old_code", e.old_code}, {"new_code", e.new_code}, {"valid_from", e.valid_from},
                         {"partial", e.partial}, {"legal_ref", e.legal_ref}});
  return {{"run_id", h.run_id}, {"run_started_at", h.run_started_at}, {"fields", h.fields}, {"sources", sources},
          {"previous_state", h.previous_state}, {"previous_run", h.previous_run}, {"units", units}, {"crosswalk", crosswalk}};
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
  for (const auto& u : j.value("units", nlohmann::json::array()))
    h.units.push_back({u.at("code"), u.at("name"), u.at("kind"), u.at("parent_code"), u.at("valid_from"), u.at("valid_to"),
                       u.at("quota")});
  for (const auto& e : j.value("crosswalk", nlohmann::json::array()))
    h.crosswalk.push_back({e.at("old_code"), e.at("new_code"), e.at("valid_from"), e.at("partial"), e.at("legal_ref")});
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
  nlohmann::json timeline = nlohmann::json::array();
  for (const auto& t : p.timeline)
    timeline.push_back({{"kind", t.kind}, {"from", t.from}, {"to", t.to}, {"fields", t.fields}, {"unit_code", t.unit_code},
                        {"sources", t.sources}, {"inferred", t.inferred}, {"level", t.level}});
  return {{"person_id", p.person_id}, {"fields", fields},     {"records", records},
          {"conflicts", conflicts},   {"history", history},   {"timeline", timeline}};
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
  for (const auto& t : j.value("timeline", nlohmann::json::array()))
    p.timeline.push_back({t.at("kind"), t.at("from"), t.at("to"), t.at("fields").get<std::map<std::string, std::string>>(),
                          t.at("unit_code"), t.at("sources").get<std::vector<std::string>>(), t.value("inferred", false),
                          t.value("level", "")});
  return p;
}

PluginProcess::PluginProcess(const IsolationSettings& settings, const std::string& kind) : settings_(settings), kind_(kind) {
  // The frames travel over a socket, so a write to a dead child fails with EPIPE by itself
  // (MSG_NOSIGNAL) and SIGPIPE stays as the rest of the program set it.
  int channel[2] = {-1, -1}, output[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0 || ::pipe2(output, O_CLOEXEC) != 0) {
    int err = errno;
    close_all({channel[0], channel[1], output[0], output[1]});
    throw PluginError("cannot create the channel to an isolated plugin: " + std::string(std::strerror(err)));
  }
  std::string bin = settings.host.empty() ? hopnhat_binary() : settings.host.string();
  std::string manifest = settings.manifest.string();
  pid_ = ::fork();
  if (pid_ < 0) {
    int err = errno;
    close_all({channel[0], channel[1], output[0], output[1]});
    throw PluginError("cannot start an isolated plugin: " + std::string(std::strerror(err)));
  }
  if (pid_ == 0) {
    // Copies above 3 first, so no dup2 below overwrites a descriptor another still needs; dup2
    // clears close-on-exec on 0, 1 and 3 only.
    int chan = ::fcntl(channel[1], F_DUPFD_CLOEXEC, 10);
    int out = ::fcntl(output[1], F_DUPFD_CLOEXEC, 10);
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (chan < 0 || out < 0 || null < 0 || ::dup2(null, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(chan, 3) < 0) ::_exit(127);
#ifndef HOPNHAT_SANITIZED
    // (Not in a sanitizer build: AddressSanitizer reserves terabytes of address space for its
    // shadow memory, and a child under the limit would die before main.)
    struct rlimit limit{};
    limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(settings.memory_mb) * 1024 * 1024;
    ::setrlimit(RLIMIT_AS, &limit);
#endif
    const char* argv[] = {bin.c_str(), "plugin-host", "--manifest", manifest.c_str(), "--kind", kind.c_str(), nullptr};
    ::execv(bin.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
  }
  close_all({channel[1], output[1]});
  channel_ = channel[0];
  output_ = output[0];
  ::fcntl(output_, F_SETFL, ::fcntl(output_, F_GETFL) | O_NONBLOCK);  // drained as far as it goes
}

PluginProcess::~PluginProcess() {
  close_all({channel_, output_});  // end of input: the child exits
  if (dead_ || pid_ <= 0) return;
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
}

void PluginProcess::begin_span() {
  span_deadline_ = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(settings_.timeout_s));
}

void PluginProcess::stop() {
  if (dead_ || pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  dead_ = true;
}

void PluginProcess::output_line(const std::string& line, sdk::Context* ctx) {
  if (ctx) ctx->log(sdk::LogLevel::kWarning, "the plugin wrote to its standard output: " + line.substr(0, 500));
  if (settings_.on_stdout) settings_.on_stdout(line);
}

// Reads what the plugin wrote to its standard output, line by line, into the log. `to_the_end`:
// the op is over, so a last line without a newline is passed on too. Whatever the child wrote
// before its last frame is in the pipe by now, so a "done" never overtakes the output before it.
void PluginProcess::take_output(sdk::Context* ctx, bool to_the_end) {
  char chunk[8192];
  while (output_ >= 0) {
    ssize_t n = ::read(output_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;  // EAGAIN: nothing more for now
    if (n == 0) {      // the child and every process it started closed their output
      ::close(output_);
      output_ = -1;
      to_the_end = true;
      break;
    }
    output_buffer_.append(chunk, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = output_buffer_.find('\n')) != std::string::npos || output_buffer_.size() >= kMaxOutputLine) {
      std::size_t cut = nl == std::string::npos ? kMaxOutputLine : nl;
      output_line(output_buffer_.substr(0, cut), ctx);
      output_buffer_.erase(0, nl == std::string::npos ? cut : cut + 1);
    }
  }
  if (to_the_end && !output_buffer_.empty()) output_line(std::exchange(output_buffer_, {}), ctx);
}

sdk::Status PluginProcess::failure(const std::string& what, sdk::Context* ctx) {
  std::string why = what;
  if (!dead_) {
    // A child that closed its channel but lives on is stopped after a second, not waited for.
    int status = 0;
    pid_t waited = 0;
    for (int i = 0; i < 100 && (waited = ::waitpid(pid_, &status, WNOHANG)) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (waited == 0) {
      ::kill(pid_, SIGKILL);
      waited = ::waitpid(pid_, &status, 0);
      why = what + "; it was stopped";
    } else if (waited == pid_) {
      if (WIFSIGNALED(status))
        why = "the plugin process was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
      else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        why = "the plugin process could not be started (" +
              (settings_.host.empty() ? hopnhat_binary() : settings_.host.string()) + " plugin-host)";
      else if (WIFEXITED(status))
        why = "the plugin process exited with code " + std::to_string(WEXITSTATUS(status)) + " in the middle of its work";
    }
    dead_ = true;
  }
  take_output(ctx, true);
  return sdk::Status::unavailable(why + " (isolation: process)");
}

sdk::Status PluginProcess::call(const nlohmann::json& op, sdk::Context* ctx,
                                const std::function<void(const nlohmann::json&)>& on_line, nlohmann::json* result) {
  if (dead_) return sdk::Status::unavailable("the plugin process is gone (isolation: process)");
  std::string line = op.dump() + "\n";
  for (std::size_t off = 0; off < line.size();) {
    ssize_t n = ::send(channel_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failure("the plugin process stopped reading", ctx);
    off += static_cast<std::size_t>(n);
  }
  const auto deadline = span_deadline_.value_or(
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(settings_.timeout_s)));
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
        // What follows a garbled frame cannot be trusted to belong to this op: the child ends here.
        stop();
        take_output(ctx, true);
        return sdk::Status::internal("the plugin process wrote a frame that is not JSON and was stopped: " + text.substr(0, 80) +
                                     " (isolation: process)");
      }
      if (msg.contains("done")) {
        take_output(ctx, true);
        if (result && msg["done"].contains("result")) *result = msg["done"]["result"];
        return status_from_done(msg["done"]);
      }
      if (msg.contains("log") && ctx) {
        ctx->log(static_cast<sdk::LogLevel>(msg["log"].value("level", 1)), msg["log"].value("message", ""));
        continue;
      }
      on_line(msg);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      stop();
      take_output(ctx, true);
      return sdk::Status::unavailable("the plugin did not finish within timeout_s = " + fmt::format("{}", settings_.timeout_s) +
                                      " seconds and was stopped (isolation: process)");
    }
    struct pollfd p[2] = {{channel_, POLLIN, 0}, {output_, POLLIN, 0}};  // a negative fd is skipped
    int r = ::poll(p, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    if (p[1].revents) take_output(ctx, false);
    if (!p[0].revents) continue;
    ssize_t n = ::read(channel_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failure("the plugin process ended without answering", ctx);
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
    process_.begin_span();  // timeout_s is for the whole read
    sdk::Status st = process_.call(
        {{"op", "read"}, {"state", request.state}, {"full", request.full}}, ctx_,
        [&](const nlohmann::json& msg) {
          if (msg.contains("record")) sink.emit(record_from_json(msg["record"]));
          else if (msg.contains("reject")) sink.reject(msg["reject"].value("origin", ""), msg["reject"].value("message", ""));
        },
        &r);
    process_.end_span();
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
    process_.begin_span();  // timeout_s is for the whole export, begin to finish
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
    process_.end_span();
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

}  // namespace hopnhat::plugin
