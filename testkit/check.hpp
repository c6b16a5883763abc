// The testkit's checks and its runner: named cases, checks that record a failure and go on
// (CHECK) or end the case or section (REQUIRE, FAIL), scoped context for the failures (INFO),
// and independent sections (a failure in one does not stop the next). Its own, small, so that
// the installed testkit needs nothing beyond the host: a packager builds it without a test
// framework. Not thread-safe: cases run one after another on the main thread.
#pragma once

#include <functional>
#include <iosfwd>
#include <sstream>
#include <string>
#include <vector>

namespace hopnhat::testkit {

/// Thrown by REQUIRE and FAIL: ends the case, or the section it is in.
struct Abort {};

/// Registers a case (TESTKIT_CASE does it at start-up).
struct CaseRegistrar {
  CaseRegistrar(const char* name, const char* tags, void (*body)());
};

/// Records a failed check of the running case, with the INFO context in force.
void record_failure(const std::string& message, const char* file, int line);
/// Records it and ends the case, or the section it is in (REQUIRE, FAIL).
[[noreturn]] void end_with_failure(const std::string& message, const char* file, int line);

/// Runs `body` as a part of the running case whose REQUIRE or FAIL ends only that part.
void section(const std::string& name, const std::function<void()>& body);

/// Context added to every failure recorded while the object lives.
class Info {
 public:
  explicit Info(std::string text);
  ~Info();
  Info(const Info&) = delete;
  Info& operator=(const Info&) = delete;
};

struct RunOptions {
  std::vector<std::string> filters;  // "[tag]" or a case's name; none: every case
  std::string junit_path;            // also write a JUnit XML report here
  bool list = false;                 // list the cases, run none
};

/// Runs the registered cases: a line per failure ("case :: message") and a summary
/// ("cases: N passed, M failed") on `out`. Returns 0 when every case passed, 1 when some
/// failed, 2 when filters were given and no case matches them.
int run_cases(const RunOptions& options, std::ostream& out);

}  // namespace hopnhat::testkit

#define TESTKIT_CAT2(a, b) a##b
#define TESTKIT_CAT(a, b) TESTKIT_CAT2(a, b)
#define TESTKIT_CASE(name, tags)                                                                               \
  static void TESTKIT_CAT(testkit_case_, __LINE__)();                                                          \
  static const ::hopnhat::testkit::CaseRegistrar TESTKIT_CAT(testkit_registrar_, __LINE__)(                     \
      name, tags, &TESTKIT_CAT(testkit_case_, __LINE__));                                                      \
  static void TESTKIT_CAT(testkit_case_, __LINE__)()
#define TESTKIT_TEXT(message) (static_cast<std::ostringstream&&>(std::ostringstream() << message).str())

#define CHECK(...) \
  ((__VA_ARGS__) ? void() : ::hopnhat::testkit::record_failure("CHECK(" #__VA_ARGS__ ") is false", __FILE__, __LINE__))
#define CHECK_FALSE(...) \
  (!(__VA_ARGS__) ? void() : ::hopnhat::testkit::record_failure("CHECK_FALSE(" #__VA_ARGS__ ") is true", __FILE__, __LINE__))
#define REQUIRE(...) \
  ((__VA_ARGS__) ? void() : ::hopnhat::testkit::end_with_failure("REQUIRE(" #__VA_ARGS__ ") is false", __FILE__, __LINE__))
#define REQUIRE_FALSE(...) \
  (!(__VA_ARGS__) ? void() : ::hopnhat::testkit::end_with_failure("REQUIRE_FALSE(" #__VA_ARGS__ ") is true", __FILE__, __LINE__))
#define CHECK_NOTHROW(...)                                                                                        \
  do {                                                                                                            \
    try {                                                                                                         \
      static_cast<void>(__VA_ARGS__);                                                                             \
    } catch (const std::exception& testkit_e) {                                                                   \
      ::hopnhat::testkit::record_failure(std::string(#__VA_ARGS__ " threw: ") + testkit_e.what(), __FILE__, __LINE__); \
    }                                                                                                             \
  } while (false)
/// CHECK_CONTAINS(text, part): the text holds the part (both shown when it does not).
#define CHECK_CONTAINS(text, part)                                                                          \
  do {                                                                                                      \
    const std::string testkit_text(text), testkit_part(part);                                               \
    if (testkit_text.find(testkit_part) == std::string::npos)                                               \
      ::hopnhat::testkit::record_failure("\"" + testkit_text + "\" does not contain \"" + testkit_part + "\"", \
                                         __FILE__, __LINE__);                                               \
  } while (false)
/// FAIL(message << …): records the message and ends the case or section; FAIL_CHECK goes on.
#define FAIL(message) ::hopnhat::testkit::end_with_failure(TESTKIT_TEXT(message), __FILE__, __LINE__)
#define FAIL_CHECK(message) ::hopnhat::testkit::record_failure(TESTKIT_TEXT(message), __FILE__, __LINE__)
#define INFO(message) const ::hopnhat::testkit::Info TESTKIT_CAT(testkit_info_, __LINE__)(TESTKIT_TEXT(message))
