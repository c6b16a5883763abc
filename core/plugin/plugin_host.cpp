// The child side of `isolation: process`: `hopnhat plugin-host` serves one plugin instance over
// descriptor 3 (isolated.hpp has the protocol). Standard output is left to the plugin: the host
// reads it into its log, so a plugin that prints cannot break a frame.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

#include "plugin/isolated.hpp"
#include "plugin/library.hpp"
#include "plugin/manifest.hpp"

namespace hopnhat::plugin {
namespace {

constexpr int kChannel = 3;

// Writes one frame; false when the host is gone. MSG_NOSIGNAL: a closed channel is an error
// here, not a SIGPIPE; a program that passes a pipe as descriptor 3 gets plain writes.
bool send_frame(const nlohmann::json& frame) noexcept {
  try {
    std::string line = frame.dump() + "\n";
    for (std::size_t off = 0; off < line.size();) {
      ssize_t n = ::send(kChannel, line.data() + off, line.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == ENOTSOCK) n = ::write(kChannel, line.data() + off, line.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  } catch (...) {
    return false;  // a record that cannot be JSON (invalid UTF-8): emit reports it as refused
  }
}

// One line from descriptor 3; false at its end.
bool read_frame(std::string& buffer, std::string& line) {
  char chunk[65536];
  while (true) {
    if (std::size_t nl = buffer.find('\n'); nl != std::string::npos) {
      line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      return true;
    }
    ssize_t n = ::read(kChannel, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

class ChildContext final : public sdk::Context {
 public:
  std::string base_dir() const noexcept override { return base_dir_; }
  bool dry_run() const noexcept override { return dry_run_; }
  bool cancelled() const noexcept override { return false; }
  void log(sdk::LogLevel level, const std::string& message) noexcept override {
    try {
      send_frame({{"log", {{"level", static_cast<int>(level)}, {"message", message}}}});
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
      return send_frame({{"record", record_to_json(r)}});
    } catch (...) {
      return false;
    }
  }
  void reject(const std::string& origin, const std::string& message) noexcept override {
    try {
      send_frame({{"reject", {{"origin", origin}, {"message", message}}}});
    } catch (...) {
    }
  }
};

}  // namespace

int serve_plugin(const std::filesystem::path& manifest_path, const std::string& kind) {
  if (::fcntl(kChannel, F_GETFD) < 0) {
    std::cerr << "hopnhat plugin-host: descriptor 3 is not open; this command is started by hopnhat for a plugin with "
                 "\"isolation\": \"process\" and speaks over descriptor 3 (docs/plugin-guide.md)\n";
    return 2;
  }
  ::fcntl(kChannel, F_SETFD, FD_CLOEXEC);  // programs the plugin starts do not get the channel
  std::shared_ptr<PluginLibrary> lib;
  ImporterPtr importer(nullptr, ImporterDeleter{});
  ExporterPtr exporter(nullptr, ExporterDeleter{});
  ChildContext ctx;
  std::string buffer, line;
  while (read_frame(buffer, line)) {
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
      if (name == "load") {
        done = done_of(sdk::Status::ok());  // loaded above: the library, its stamp and the instance
      } else if (name == "configure") {
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
    // What the plugin printed goes into the pipe before the "done" goes out, so the host sees it
    // with this op.
    std::cout.flush();
    std::fflush(stdout);
    if (!send_frame({{"done", done}})) return 0;  // the host is gone
  }
  return 0;
}

}  // namespace hopnhat::plugin
