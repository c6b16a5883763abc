// The conformance tests. Each names the behaviour a plugin must have. The plugin runs in a child
// process (plugin/isolated.hpp) with settings().timeout_s for each op, read or export: a crash,
// hang, exit or print fails the check that caused it, with the cause, and the next check runs.
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "check.hpp"
#include "config/json_schema.hpp"
#include "hopnhat/sdk/text.hpp"
#include "plugin/isolated.hpp"
#include "plugin/manifest.hpp"
#include "testkit.hpp"

namespace {

using hopnhat::testkit::section;
using hopnhat::testkit::settings;
namespace sdk = hopnhat::sdk;
namespace plugin = hopnhat::plugin;
namespace fs = std::filesystem;

class TestContext final : public sdk::Context {
 public:
  TestContext(fs::path base, bool dry_run) : base_(std::move(base)), dry_run_(dry_run) {}
  std::string base_dir() const noexcept override { return base_.string(); }
  bool dry_run() const noexcept override { return dry_run_; }
  bool cancelled() const noexcept override { return false; }
  void log(sdk::LogLevel, const std::string&) noexcept override {}

 private:
  fs::path base_;
  bool dry_run_;
};

class CollectingSink final : public sdk::RecordSink {
 public:
  bool emit(sdk::SourceRecord&& r) noexcept override {
    records.push_back(std::move(r));
    return true;
  }
  void reject(const std::string& origin, const std::string& message) noexcept override {
    rejections.push_back(origin + ": " + message);
  }
  std::vector<sdk::SourceRecord> records;
  std::vector<std::string> rejections;
};

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "hopnhat-testkit-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const plugin::PluginManifest& manifest() {
  static const plugin::PluginManifest m = plugin::read_manifest(settings().manifest);
  return m;
}

// What the plugin under test wrote to its standard output since the last look. Checks run one
// after another on one thread.
std::vector<std::string>& stdout_lines() {
  static std::vector<std::string> lines;
  return lines;
}

plugin::IsolationSettings isolation() {
  plugin::IsolationSettings s;
  s.manifest = settings().manifest;
  s.timeout_s = settings().timeout_s;
  s.host = settings().host;
  s.on_stdout = [](const std::string& line) { stdout_lines().push_back(line); };
  return s;
}

std::unique_ptr<plugin::IsolatedImporter> new_importer() { return std::make_unique<plugin::IsolatedImporter>(isolation()); }
std::unique_ptr<plugin::IsolatedExporter> new_exporter() { return std::make_unique<plugin::IsolatedExporter>(isolation()); }

// Standard output is not the plugin's to use: the host sends it to the log, where an
// administrator finds another program's debugging among the run's warnings.
void expect_quiet(const char* during) {
  auto lines = std::exchange(stdout_lines(), {});
  if (lines.empty()) return;
  FAIL_CHECK("the plugin wrote " << lines.size() << " line(s) to its standard output during " << during
                                 << " (log with ctx.log instead); the first: \"" << lines.front().substr(0, 200) << "\"");
}

// Fails the check when the op failed; `plugin_alive` false means the child crashed, exited, hung
// or broke the protocol, which the message of `st` names.
template <class Plugin>
void require_ok(const sdk::Status& st, const Plugin& p, const char* op) {
  expect_quiet(op);
  if (!st.is_ok()) FAIL(op << " failed" << (p.alive() ? "" : " (the plugin process is gone)") << ": " << st.message());
}

// Options that break the schema at `property`: a value of a JSON type it does not allow.
nlohmann::json wrong_value_for(const nlohmann::json& property_schema) {
  std::set<std::string> allowed;
  if (property_schema.contains("type")) {
    const auto& t = property_schema["type"];
    if (t.is_string()) allowed.insert(t.get<std::string>());
    else for (const auto& x : t) allowed.insert(x.get<std::string>());
  }
  if (allowed.count("number")) allowed.insert("integer");
  const std::pair<const char*, nlohmann::json> candidates[] = {
      {"integer", 12345}, {"string", "not-a-valid-value"}, {"boolean", true}, {"array", nlohmann::json::array({1})}};
  for (const auto& [type, value] : candidates)
    if (!allowed.count(type) && !(allowed.empty() && std::string(type) == "string")) return value;
  return nlohmann::json::object({{"unexpected", 1}});
}

void check_option_rejections(const nlohmann::json& schema, const nlohmann::json& valid, bool importer) {
  auto configure = [&](const nlohmann::json& options, std::string& message) {
    TestContext ctx(settings().base_dir, true);
    sdk::Status st;
    bool alive = true;
    if (importer) {
      auto p = new_importer();
      st = p->configure(options.dump(), ctx);
      alive = p->alive();
    } else {
      auto p = new_exporter();
      st = p->configure(options.dump(), ctx);
      alive = p->alive();
    }
    expect_quiet("configure");
    // A refusal counts only when the plugin gave it: a crash is not a rejection.
    if (!alive) FAIL("configure with " << options.dump() << " ended the plugin process: " << st.message());
    message = st.message();
    return st.is_ok();
  };
  std::string message;
  section("the options given to the testkit are accepted", [&] {
    INFO("options: " << valid.dump());
    CHECK(configure(valid, message));
    INFO(message);
  });
  section("an unknown option is rejected with a message that names it", [&] {
    nlohmann::json bad = valid;
    bad["no_such_option_xyz"] = 1;
    CHECK_FALSE(configure(bad, message));
    CHECK_CONTAINS(message, "no_such_option_xyz");
  });
  section("options that are not a JSON object are rejected", [&] {
    CHECK_FALSE(configure(nlohmann::json::array({1, 2}), message));
    CHECK_FALSE(message.empty());
  });
  section("a value of the wrong type is rejected with a message that names the option", [&] {
    if (!schema.contains("properties")) return;
    for (auto& [name, prop] : schema["properties"].items()) {
      nlohmann::json bad = valid;
      bad[name] = wrong_value_for(prop);
      INFO("option " << name << " = " << bad[name].dump());
      CHECK_FALSE(configure(bad, message));
      CHECK_CONTAINS(message, name);
    }
  });
}

std::vector<sdk::SourceRecord> read_all(const nlohmann::json& options, const fs::path& base, std::vector<std::string>* rejected = nullptr) {
  TestContext ctx(base, false);
  auto importer = new_importer();
  require_ok(importer->configure(options.dump(), ctx), *importer, "configure");
  require_ok(importer->check(), *importer, "check");
  CollectingSink sink;
  sdk::ReadResult result;
  require_ok(importer->read(sdk::ReadRequest{}, sink, result), *importer, "read");
  if (rejected) *rejected = sink.rejections;
  for (auto& r : sink.records) r.content_hash = sdk::compute_content_hash(r);
  return std::move(sink.records);
}

}  // namespace

TESTKIT_CASE("the manifest is valid and its option schemas are JSON Schemas", "[manifest]") {
  const auto& m = manifest();
  CHECK_FALSE(m.name.empty());
  CHECK((m.importer || m.exporter));
  CHECK_NOTHROW(hopnhat::config::SchemaCheck(m.importer_options));
  CHECK_NOTHROW(hopnhat::config::SchemaCheck(m.exporter_options));
  CHECK(fs::exists(m.library_path));
}

TESTKIT_CASE("the library loads and carries this SDK's ABI stamp", "[load]") {
  for (const char* kind : {"importer", "exporter"}) {
    if (std::string(kind) == "importer" ? !manifest().importer : !manifest().exporter) continue;
    plugin::PluginProcess process(isolation(), kind);
    sdk::Status st = process.call({{"op", "load"}}, nullptr, [](const nlohmann::json&) {});
    expect_quiet("load");
    INFO("loading the " << kind);
    if (!st.is_ok()) FAIL("load of the " << kind << " failed: " << st.message());
  }
}

TESTKIT_CASE("the importer rejects bad options clearly", "[importer][options]") {
  if (!manifest().importer || settings().importer_options.is_null()) return;
  check_option_rejections(manifest().importer_options, settings().importer_options, true);
}

TESTKIT_CASE("the importer yields records with unique, non-empty ids and NFC text", "[importer]") {
  if (!manifest().importer || settings().importer_options.is_null()) return;
  auto records = read_all(settings().importer_options, settings().base_dir);
  REQUIRE_FALSE(records.empty());
  std::set<std::string> ids;
  for (const auto& r : records) {
    INFO("record at " << r.origin);
    CHECK_FALSE(r.id.empty());
    CHECK(ids.insert(r.id).second);
    for (const auto& [k, v] : r.fields) {
      CHECK(sdk::is_valid_utf8(v));
      CHECK(v == sdk::to_nfc(v));
    }
    for (const auto& [k, v] : r.attributes) CHECK(sdk::is_valid_utf8(k + v));
  }
}

TESTKIT_CASE("the importer gives the same output for the same input", "[importer]") {
  if (!manifest().importer || settings().importer_options.is_null()) return;
  auto first = read_all(settings().importer_options, settings().base_dir);
  auto second = read_all(settings().importer_options, settings().base_dir);
  REQUIRE(first.size() == second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    CHECK(first[i].id == second[i].id);
    CHECK(first[i].content_hash == second[i].content_hash);
  }
}

TESTKIT_CASE("the importer reads the expected records", "[importer][expected]") {
  if (!manifest().importer || !settings().has_expected_records) return;
  auto records = read_all(settings().importer_options, settings().base_dir);
  std::string difference = hopnhat::testkit::first_difference(settings().expected_records, records);
  if (!difference.empty()) FAIL("what the importer read differs from --expected-records: " << difference);
}

TESTKIT_CASE("the exporter rejects bad options clearly", "[exporter][options]") {
  if (!manifest().exporter || settings().exporter_options.is_null()) return;
  check_option_rejections(manifest().exporter_options, settings().exporter_options, false);
}

TESTKIT_CASE("the exporter writes what it was given", "[exporter]") {
  if (!manifest().exporter || settings().exporter_options.is_null()) return;
  std::vector<sdk::PersonRecord> persons(3);
  const char* names[] = {"Nguyễn Văn An", "Trần Thị Ánh", "Đặng Hữu Đức"};
  const char* births[] = {"1965", "1978-09", "1990-12-31"};
  for (int i = 0; i < 3; ++i) {
    persons[i].person_id = "P000000" + std::to_string(i + 1);
    persons[i].fields["full_name"] = {names[i], {"test", std::to_string(i), 1, "only_value"}};
    persons[i].fields["birth_date"] = {births[i], {"test", std::to_string(i), 1, "only_value"}};
    persons[i].fields["citizen_id"] = {"00119000000" + std::to_string(i), {"test", std::to_string(i), 1, "only_value"}};
    persons[i].records = {{"test", std::to_string(i), i == 2 ? "review" : "linked", {{"Ghi chú", "dòng " + std::to_string(i)}}}};
  }
  persons[2].conflicts = {{"birth_date", "value_mismatch"}};
  sdk::ExportHeader header;
  header.run_id = 7;
  header.run_started_at = "2026-01-01T00:00:00Z";
  header.fields = {"full_name", "birth_date", "citizen_id"};
  header.sources = {{"test", 3, 3, 0, 0, 0, 0, ""}};
  auto run_export = [&](const fs::path& dir, bool dry_run) {
    TestContext ctx(dir, dry_run);
    auto exporter = new_exporter();
    require_ok(exporter->configure(settings().exporter_options.dump(), ctx), *exporter, "configure");
    sdk::ExportPlan plan;
    require_ok(exporter->begin(header, plan), *exporter, "begin");
    CHECK_FALSE(plan.changes_only);  // nothing to patch: no previous state was given
    for (const auto& p : persons) require_ok(exporter->write(p), *exporter, "write");
    sdk::ExportResult result;
    require_ok(exporter->finish(result), *exporter, "finish");
    return result;
  };

  section("every person is written", [&] {
    TempDir dir;
    auto result = run_export(dir.path, false);
    CHECK(result.written == 3);
    if (settings().roundtrip_options.is_null() || !manifest().importer) return;
    auto back = read_all(settings().roundtrip_options, dir.path);
    REQUIRE(back.size() == 3);
    for (int i = 0; i < 3; ++i) {
      CHECK(back[i].id == persons[i].person_id);
      CHECK(back[i].fields["full_name"] == names[i]);
      CHECK(back[i].fields["citizen_id"] == persons[i].value("citizen_id"));
    }
  });
  section("a patched output is what a whole export writes", [&] {
    // An exporter that returns a state and then accepts it must, given only the changes, leave
    // exactly the output a whole export of the new persons leaves.
    TempDir dir;
    auto first = run_export(dir.path, false);
    if (first.state.empty()) return;  // it writes whole outputs only
    auto snapshot = [](const fs::path& root) {  // every file under root: its path → its bytes
      std::map<std::string, std::string> files;
      for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file()) {
          std::ifstream in(e.path(), std::ios::binary);
          files[fs::relative(e.path(), root).string()].assign(std::istreambuf_iterator<char>(in), {});
        }
      return files;
    };
    // The next run: P0000001 changed its name, P0000002 retired, P0000004 is new.
    std::vector<sdk::PersonRecord> next = {persons[0], persons[2], persons[1]};
    next[0].fields["full_name"].value = "Nguyễn Văn Anh";
    next[2].person_id = "P0000004";
    sdk::ExportHeader again = header;
    again.run_id = 8;
    again.previous_state = first.state;
    again.previous_run = 7;
    {
      TestContext ctx(dir.path, false);
      auto exporter = new_exporter();
      require_ok(exporter->configure(settings().exporter_options.dump(), ctx), *exporter, "configure");
      sdk::ExportPlan plan;
      require_ok(exporter->begin(again, plan), *exporter, "begin");
      if (!plan.changes_only) return;  // it chose to write the whole output
      require_ok(exporter->write(next[0]), *exporter, "write");
      require_ok(exporter->remove("P0000002"), *exporter, "remove");
      require_ok(exporter->write(next[2]), *exporter, "write");
      sdk::ExportResult result;
      require_ok(exporter->finish(result), *exporter, "finish");
      CHECK(result.written == 2);
      CHECK(result.removed == 1);
      CHECK_FALSE(result.state.empty());
    }
    auto patched = snapshot(dir.path);
    TempDir whole_dir;
    {
      TestContext ctx(whole_dir.path, false);
      auto exporter = new_exporter();
      require_ok(exporter->configure(settings().exporter_options.dump(), ctx), *exporter, "configure");
      sdk::ExportHeader fresh = again;
      fresh.previous_state.clear();
      fresh.previous_run = 0;
      sdk::ExportPlan plan;
      require_ok(exporter->begin(fresh, plan), *exporter, "begin");
      for (const auto& p : next) require_ok(exporter->write(p), *exporter, "write");
      sdk::ExportResult result;
      require_ok(exporter->finish(result), *exporter, "finish");
    }
    CHECK(patched == snapshot(whole_dir.path));
  });
  section("a dry run writes nothing", [&] {
    TempDir dir;
    auto result = run_export(dir.path, true);
    CHECK(result.written == 3);
    CHECK(fs::is_empty(dir.path));
  });
}
