#include "check.hpp"

#include <exception>
#include <fstream>
#include <ostream>
#include <stdexcept>

namespace hopnhat::testkit {
namespace {

struct Case {
  std::string name, tags;
  void (*body)();
};

struct Failure {
  std::string where;  // the case, and " / section" inside one
  std::string message;
  std::string file;
  int line = 0;
  std::vector<std::string> context;  // INFO in force, outermost first
};

// Start-up registration fills it before main(); the run reads it on the main thread only.
std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}

struct RunState {
  std::string where;
  std::vector<std::string> context;
  std::vector<Failure> failures;
};
RunState& state() {
  static RunState s;
  return s;
}

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

std::string xml_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Runs `body`, recording what escapes it.
void guarded(const std::function<void()>& body) {
  try {
    body();
  } catch (const Abort&) {
    // Already recorded by REQUIRE or FAIL.
  } catch (const std::exception& e) {
    record_failure(std::string("unexpected exception: ") + e.what(), "", 0);
  } catch (...) {
    record_failure("unexpected exception of an unknown type", "", 0);
  }
}

bool selected(const Case& c, const std::vector<std::string>& filters) {
  if (filters.empty()) return true;
  for (const auto& f : filters) {
    if (f.size() > 2 && f.front() == '[' && f.back() == ']' ? c.tags.find(f) != std::string::npos : c.name == f) return true;
  }
  return false;
}

void write_junit(const std::string& path, const std::vector<std::pair<const Case*, std::vector<Failure>>>& results) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("--junit: cannot write " + path);
  std::size_t failed = 0;
  for (const auto& [c, f] : results) failed += f.empty() ? 0 : 1;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"hopnhat-testkit\" tests=\""
      << results.size() << "\" failures=\"" << failed << "\">\n";
  for (const auto& [c, failures] : results) {
    out << "  <testcase name=\"" << xml_escaped(c->name) << "\"";
    if (failures.empty()) {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    for (const auto& f : failures) {
      out << "    <failure message=\"" << xml_escaped(one_line(f.message)) << "\">" << xml_escaped(f.where);
      if (!f.file.empty()) out << " at " << xml_escaped(f.file) << ":" << f.line;
      for (const auto& info : f.context) out << "\nwith: " << xml_escaped(info);
      out << "</failure>\n";
    }
    out << "  </testcase>\n";
  }
  out << "</testsuite>\n</testsuites>\n";
  if (!out) throw std::runtime_error("--junit: cannot write " + path);
}

}  // namespace

CaseRegistrar::CaseRegistrar(const char* name, const char* tags, void (*body)()) { cases().push_back({name, tags, body}); }

void record_failure(const std::string& message, const char* file, int line) {
  auto& s = state();
  s.failures.push_back({s.where, message, file, line, s.context});
}

void end_with_failure(const std::string& message, const char* file, int line) {
  record_failure(message, file, line);
  throw Abort{};
}

void section(const std::string& name, const std::function<void()>& body) {
  auto& s = state();
  const std::string outer = s.where;
  s.where = outer + " / " + name;
  guarded(body);
  s.where = outer;
}

Info::Info(std::string text) { state().context.push_back(std::move(text)); }
Info::~Info() { state().context.pop_back(); }

int run_cases(const RunOptions& options, std::ostream& out) {
  std::vector<std::pair<const Case*, std::vector<Failure>>> results;
  for (const auto& c : cases()) {
    if (!selected(c, options.filters)) continue;
    if (options.list) {
      out << c.name << "  " << c.tags << "\n";
      continue;
    }
    auto& s = state();
    s = RunState{c.name, {}, {}};
    guarded(c.body);
    results.emplace_back(&c, std::move(s.failures));
  }
  if (options.list) return 0;
  if (results.empty() && !options.filters.empty()) {
    out << "no check matches the names or [tags] given (--list shows them)\n";
    return 2;
  }
  std::size_t passed = 0, failed = 0;
  for (const auto& [c, failures] : results) {
    if (failures.empty()) {
      ++passed;
      continue;
    }
    ++failed;
    for (const auto& f : failures) {
      out << "FAILED: " << f.where << " :: " << one_line(f.message) << "\n";
      if (!f.file.empty()) out << "    at " << f.file << ":" << f.line << "\n";
      for (const auto& info : f.context) out << "    with: " << one_line(info) << "\n";
    }
  }
  out << "cases: " << passed << " passed, " << failed << " failed\n";
  if (!options.junit_path.empty()) write_junit(options.junit_path, results);
  return failed ? 1 : 0;
}

}  // namespace hopnhat::testkit
