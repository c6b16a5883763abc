// isolation: process, over the protocol's descriptor 3: what the plugin prints, a garbled frame,
// an exit, a dead child and a slow export, each as the host must see it.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "plugin/isolated.hpp"
#include "sync/plugin_setup.hpp"
#include "temp_dir.hpp"

using namespace hopnhat;
namespace fs = std::filesystem;

namespace {
const fs::path kPlugins = HOPNHAT_TEST_PLUGIN_DIR;

struct Collect final : sdk::RecordSink {
  bool emit(sdk::SourceRecord&& r) noexcept override {
    ids.push_back(r.id);
    return true;
  }
  void reject(const std::string&, const std::string&) noexcept override {}
  std::vector<std::string> ids;
};

plugin::IsolationSettings misbehaving(std::vector<std::string>* printed = nullptr) {
  plugin::IsolationSettings s;
  s.manifest = kPlugins / "misbehaving" / "test-misbehaving.plugin.json";
  s.timeout_s = 20;
  s.host = HOPNHAT_TEST_HOST;
  if (printed) s.on_stdout = [printed](const std::string& line) { printed->push_back(line); };
  return s;
}

// Reads through an isolated misbehaving importer in `mode`.
sdk::Status read_in_mode(plugin::IsolatedImporter& importer, sync::HostContext& ctx, const std::string& mode, Collect& sink) {
  REQUIRE(importer.configure(R"({"mode": ")" + mode + R"("})", ctx).is_ok());
  sdk::ReadResult result;
  return importer.read({}, sink, result);
}

// A stand-in child (docs/plugin-guide.md: any program that speaks the protocol may be one).
fs::path script(const TempDir& tmp, const std::string& body) {
  fs::path p = tmp.path / "child.sh";
  std::ofstream(p) << "#!/bin/bash\n" << body << "\n";
  fs::permissions(p, fs::perms::owner_all);
  return p;
}
}  // namespace

TEST_CASE("what an isolated plugin prints goes to the log and to on_stdout, and its records still arrive") {
  std::vector<std::string> printed;
  plugin::IsolatedImporter importer(misbehaving(&printed));
  sync::HostContext ctx("bad", ".", false);
  Collect sink;
  sdk::Status st = read_in_mode(importer, ctx, "print", sink);
  INFO(st.message());
  REQUIRE(st.is_ok());
  CHECK(sink.ids == std::vector<std::string>{"1"});
  CHECK(printed == std::vector<std::string>{"debug: reading", "debug: one record"});
  auto warnings = ctx.take_warnings();
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[0], Catch::Contains("standard output: debug: reading"));
}

TEST_CASE("a frame that is not JSON ends the child, and no stale frame answers the next op") {
  plugin::IsolatedImporter importer(misbehaving());
  sync::HostContext ctx("bad", ".", false);
  Collect sink;
  sdk::Status st = read_in_mode(importer, ctx, "garbage", sink);
  CHECK_THAT(st.message(), Catch::Contains("not JSON") && Catch::Contains("not json"));
  CHECK_FALSE(importer.alive());
  CHECK_THAT(importer.check().message(), Catch::Contains("gone"));
}

TEST_CASE("an isolated plugin that exits with code 0 in the middle of a read fails it") {
  plugin::IsolatedImporter importer(misbehaving());
  sync::HostContext ctx("bad", ".", false);
  Collect sink;
  sdk::Status st = read_in_mode(importer, ctx, "exit", sink);
  CHECK_FALSE(st.is_ok());
  CHECK_THAT(st.message(), Catch::Contains("exited with code 0"));
}

TEST_CASE("writing to a dead child is an error of that call, and SIGPIPE is left as it was") {
  TempDir tmp;
  plugin::IsolationSettings s;
  s.host = script(tmp, "exit 0");
  s.timeout_s = 5;
  plugin::PluginProcess process(s, "importer");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  sdk::Status st = process.call({{"op", "check"}}, nullptr, [](const nlohmann::json&) {});
  CHECK_FALSE(st.is_ok());
  CHECK_FALSE(process.alive());
  struct sigaction now{};
  REQUIRE(::sigaction(SIGPIPE, nullptr, &now) == 0);
  CHECK(now.sa_handler == SIG_DFL);
}

TEST_CASE("timeout_s covers a whole export, not each of its writes") {
  TempDir tmp;
  plugin::IsolationSettings s;
  // Each op takes 0.3 s: configure alone fits in 1 s, begin and four writes do not.
  s.host = script(tmp, R"(while IFS= read -r line <&3; do sleep 0.3; printf '{"done": {"code": 0}}\n' >&3; done)");
  s.timeout_s = 1;
  plugin::IsolatedExporter exporter(s);
  sync::HostContext ctx("out", ".", false);
  REQUIRE(exporter.configure("{}", ctx).is_ok());
  sdk::ExportPlan plan;
  REQUIRE(exporter.begin(sdk::ExportHeader{}, plan).is_ok());
  sdk::Status st;
  sdk::PersonRecord person;
  person.person_id = "P1";
  for (int i = 0; i < 5 && st.is_ok(); ++i) st = exporter.write(person);
  CHECK_THAT(st.message(), Catch::Contains("timeout_s = 1"));
}

TEST_CASE("plugin-host run by hand without descriptor 3 says what it is for") {
  TempDir tmp;
  fs::path err = tmp.path / "err";
  std::string cmd = std::string(HOPNHAT_TEST_HOST) + " plugin-host --manifest x --kind importer 3>&- 2>" + err.string();
  CHECK(WEXITSTATUS(std::system(cmd.c_str())) == 2);
  std::ifstream in(err);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK_THAT(text, Catch::Contains("descriptor 3"));
}

TEST_CASE("a record's history and a person's timeline cross the protocol intact (ABI 4 and 5)") {
  sdk::SourceRecord r;
  r.id = "CB1";
  r.fields["full_name"] = "Nguyễn Văn An";
  CHECK_FALSE(plugin::record_to_json(r).contains("history"));  // a record without: the line it always was
  r.history = {{"posting", "01/07/2025", "", {{"unit", "Phòng Tổ chức - Nội vụ"}, {"position", "Chuyên viên"}}, "qtct.csv line 3"}};
  CHECK(plugin::record_from_json(plugin::record_to_json(r)).history == r.history);

  sdk::PersonRecord p;
  p.person_id = "P0000001";
  p.timeline = {{"posting", "2015-03-01", "2025-06-30", {{"unit", "Phòng Nội vụ"}}, "PNV", {"civil:CB1", "golden:org_unit"}, false, "deputy"},
                {"posting", "", "", {{"unit", "VP"}}, "VP", {"golden:org_unit"}, true, "staff"}};
  const sdk::PersonRecord back = plugin::person_from_json(plugin::person_to_json(p));
  REQUIRE(back.timeline.size() == 2);
  CHECK(back.timeline[0].sources == p.timeline[0].sources);
  CHECK(back.timeline[0].unit_code == "PNV");
  CHECK(back.timeline[0].level == "deputy");
  CHECK(back.timeline[1].inferred);

  // The unit registry an exporter receives in its header (ABI 5).
  sdk::ExportHeader h;
  h.run_id = 7;
  h.units = {{"PNV", "Phòng Nội vụ", "state", "", "", "2025-06-30", 12}, {"TCNV", "Phòng Tổ chức - Nội vụ", "state", "", "2025-07-01", "", -1}};
  h.crosswalk = {{"PNV", "TCNV", "2025-07-01", false, "QĐ 1"}};
  const sdk::ExportHeader hb = plugin::header_from_json(plugin::header_to_json(h));
  REQUIRE(hb.units.size() == 2);
  CHECK(hb.units[0].quota == 12);
  CHECK(hb.units[1].valid_from == "2025-07-01");
  CHECK(hb.units[1].quota == -1);
  REQUIRE(hb.crosswalk.size() == 1);
  CHECK(hb.crosswalk[0].new_code == "TCNV");
  CHECK(hb.crosswalk[0].legal_ref == "QĐ 1");
}
