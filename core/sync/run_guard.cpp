#include "sync/run_guard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/exit_codes.hpp"
#include "sync/sync_job.hpp"

namespace hopnhat::sync {

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

// What the handlers need, prepared outside them. Text buffers are swapped whole: a handler
// reads the one `current` names, the writers fill the other first.
struct Shared {
  std::atomic<bool> armed{false};
  std::atomic<bool> committed{false};
  char note_path[4096] = {};
  char phase_text[2][1024] = {};        // "the plugin of source hrm (plugin csv), during read"
  char note_head[2][2048] = {};         // {"started_at": …, "phase": …, "how": "
  std::atomic<int> current{0};
  std::string summary, report_json;     // set once, at commit, before `committed`
  char report_path[4096] = {};
  int exit_code = 0;
};
Shared g;
std::mutex g_writers;  // phase() and committed() from the run's threads
bool g_installed = false;
RunGuard* g_guard = nullptr;
char g_alt_stack[64 * 1024];

void say(const char* text) {
  std::size_t n = std::strlen(text);
  while (n > 0) {
    ssize_t w = ::write(STDERR_FILENO, text, n);
    if (w <= 0) return;
    text += w;
    n -= static_cast<std::size_t>(w);
  }
}

void write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w <= 0) return;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

// Records in the note how the run ended ("how" is plain ASCII without quotes).
void write_note(const char* how) {
  if (!g.note_path[0]) return;
  int fd = ::open(g.note_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const char* head = g.note_head[g.current.load()];
  write_all(fd, head, std::strlen(head));
  write_all(fd, how, std::strlen(how));
  write_all(fd, "\"}\n", 3);
  ::close(fd);
}

// After the commit: what the run printed and wrote had it ended normally.
void finish_committed_run() {
  write_all(STDOUT_FILENO, g.summary.data(), g.summary.size());
  if (g.report_path[0]) {
    int fd = ::open(g.report_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      write_all(fd, g.report_json.data(), g.report_json.size());
      ::close(fd);
    }
  }
}

void ended(const char* how) {
  say("hopnhat: ");
  say(g.phase_text[g.current.load()]);
  say(": ");
  say(how);
  if (g.committed) {
    say("; the run's outcome was recorded before this: its data stand and its report follows\n");
    finish_committed_run();
  } else {
    say("; the run did not commit and nothing changed (the next sync records it as failed)\n");
    write_note(how);
  }
}

void on_signal(int sig) {
  if (g.armed.exchange(false)) {
    char how[64] = "killed by signal ";
    const char* name = sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGILL ? "SIGILL" : sig == SIGFPE ? "SIGFPE" : "SIGABRT";
    std::strcat(how, name);
    ended(how);
    if (g.committed) ::_exit(g.exit_code);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void on_exit() {
  if (!g.armed.exchange(false)) return;
  ended("the process was ended by a call to exit()");
  ::_exit(g.committed ? g.exit_code : base::kExitFailed);
}

std::terminate_handler g_previous_terminate = nullptr;
void on_terminate() {
  if (g.armed.exchange(false)) {
    std::string how = "std::terminate";
    if (auto e = std::current_exception()) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        how += " after an exception escaped (a destructor that throws?): ";
        how += x.what();
      } catch (...) {
        how += " after an exception that is not a std::exception escaped";
      }
    }
    for (char& c : how)
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = ' ';
    ended(how.substr(0, 400).c_str());
    ::_exit(g.committed ? g.exit_code : base::kExitFailed);
  }
  if (g_previous_terminate) g_previous_terminate();
  std::abort();
}

void install_once() {
  if (g_installed) return;
  g_installed = true;
  stack_t ss{};
  ss.ss_sp = g_alt_stack;
  ss.ss_size = sizeof g_alt_stack;
  ::sigaltstack(&ss, nullptr);  // a stack overflow still gets its word
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  for (int sig : kFatalSignals) ::sigaction(sig, &sa, nullptr);
  std::atexit(on_exit);
  g_previous_terminate = std::set_terminate(on_terminate);
}

void copy_into(char* buffer, std::size_t size, const std::string& text) {
  std::size_t n = std::min(size - 1, text.size());
  std::memcpy(buffer, text.data(), n);
  buffer[n] = '\0';
}

std::string g_started_at;

}  // namespace

std::filesystem::path unfinished_run_note(const config::Config& config) {
  if (!config.sqlite_path.empty()) return config.sqlite_path.string() + ".unfinished-run";
  return (config.base_dir / config.file.stem()).string() + ".unfinished-run";
}

RunGuard::RunGuard(const std::filesystem::path& note_base, const std::string& started_at) {
  {
    std::lock_guard lock(g_writers);
    g_guard = this;
    g_started_at = started_at;
    copy_into(g.note_path, sizeof g.note_path, note_base.string() + "." + std::to_string(::getpid()));
    g.report_path[0] = '\0';
    g.committed = false;
    g.summary.clear();
    g.report_json.clear();
    install_once();
  }
  phase("", "start");
  // Written now: a run killed without a chance to speak (SIGKILL) leaves it as it is.
  write_note("ended without a word: killed (SIGKILL, the out-of-memory killer) or the machine stopped");
  g.armed = true;
}

RunGuard::~RunGuard() {
  // Reaching here is not an abrupt end: whatever happened, the caller reports it.
  std::lock_guard lock(g_writers);
  g.armed = false;
  g_guard = nullptr;
  std::error_code ec;
  std::filesystem::remove(g.note_path, ec);
  g.note_path[0] = '\0';
}

void RunGuard::phase(const std::string& who, const std::string& what) {
  std::lock_guard lock(g_writers);
  const int next = 1 - g.current.load();
  std::string text = who.empty() ? "the run, during " + what : who + ", during " + what;
  copy_into(g.phase_text[next], sizeof g.phase_text[next], text);
  std::string head = "{\"started_at\": " + nlohmann::json(g_started_at).dump() + ", \"phase\": " +
                     nlohmann::json(text).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) + ", \"how\": \"";
  copy_into(g.note_head[next], sizeof g.note_head[next], head);
  g.current = next;
}

void RunGuard::outcome_recorded(const std::string& summary, const std::string& report_json, const std::filesystem::path& report_path,
                         int exit_code) {
  std::lock_guard lock(g_writers);
  g.summary = summary;
  g.report_json = report_json + "\n";
  copy_into(g.report_path, sizeof g.report_path, report_path.string());
  g.exit_code = exit_code;
  g.committed = true;
  // The outcome is in the store: nothing is left for a note to tell, however the process ends.
  std::error_code ec;
  std::filesystem::remove(g.note_path, ec);
  g.note_path[0] = '\0';
}

RunGuard* RunGuard::current() { return g_guard; }

void run_phase(const std::string& who, const std::string& what) {
  if (RunGuard* guard = RunGuard::current()) guard->phase(who, what);
}

std::vector<UnfinishedRun> take_unfinished_runs(const std::filesystem::path& note_base) {
  std::vector<UnfinishedRun> out;
  const std::string prefix = note_base.filename().string() + ".";
  std::error_code ec;
  const std::filesystem::path dir = note_base.parent_path().empty() ? "." : note_base.parent_path();
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    char* end = nullptr;
    long pid = std::strtol(name.c_str() + prefix.size(), &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    // A note of a process that still runs is its own (a run in its first steps, or this one).
    if (pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    in.close();
    UnfinishedRun run;
    auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_object()) {
      run.started_at = j.value("started_at", "");
      run.error = j.value("phase", std::string("the run")) + ": " + j.value("how", std::string("ended abruptly"));
    } else {
      run.error = "a run ended abruptly and left an unreadable note (" + entry.path().string() + ")";
    }
    std::filesystem::remove(entry.path(), ec);
    out.push_back(std::move(run));
  }
  return out;
}

}  // namespace hopnhat::sync
