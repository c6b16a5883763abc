#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "config/config.hpp"
#include "temp_dir.hpp"

using namespace hopnhat::config;

namespace {
std::filesystem::path write_config(const TempDir& dir, const std::string& text) {
  auto path = dir.path / "hopnhat.json";
  std::ofstream(path) << text;
  return path;
}
std::string error_of(const std::filesystem::path& path) {
  try {
    load_config(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
const char* kValid = R"({"store": {"sqlite": "var/h.db"},
  "sources": [{"name": "party", "plugin": "csv", "options": {"path": "a.csv"}}]})";
}  // namespace

TEST_CASE("a valid configuration loads with paths resolved against its folder") {
  TempDir dir;
  Config c = load_config(write_config(dir, kValid));
  CHECK(c.sqlite_path == dir.path / "var" / "h.db");
  REQUIRE(c.sources.size() == 1);
  CHECK(c.sources[0].options["path"] == "a.csv");
  CHECK(c.source_priority == std::vector<std::string>{"party"});
}

TEST_CASE("a misspelt key is named with its JSON path and the key meant") {
  TempDir dir;
  auto msg = error_of(write_config(dir, R"({"store": {"sqlite": "h.db"},
    "sources": [{"name": "party", "plugin": "csv", "optionz": {}}]})"));
  CHECK_THAT(msg, Catch::Contains("sources[0].optionz"));
  CHECK_THAT(msg, Catch::Contains("did you mean \"options\""));
  CHECK_THAT(msg, Catch::Contains("hopnhat.json"));
}

TEST_CASE("a value of the wrong type is named with its JSON path") {
  TempDir dir;
  auto msg = error_of(write_config(dir, R"({"store": {"sqlite": 5}, "sources": []})"));
  CHECK_THAT(msg, Catch::Contains("store.sqlite"));
}

TEST_CASE("a blocking rule may be an object with when_one_lacks and one without its parts is named") {
  TempDir dir;
  const std::string head = R"({"store": {"sqlite": "h.db"}, "sources": [{"name": "party", "plugin": "csv", "options": {"path": "a.csv"}}],
    "match": {"blocking": [["citizen_id"], )";
  CHECK(error_of(write_config(dir, head + R"({"on": ["full_name:fold", "birth_date:year"], "when_one_lacks": "birth_date:day_month"}]}})")).empty());
  auto msg = error_of(write_config(dir, head + R"({"when_one_lacks": "birth_date:day_month"}]}})"));
  CHECK_THAT(msg, Catch::Contains("match.blocking[1]"));
  CHECK_THAT(msg, Catch::Contains("'on'"));
}

TEST_CASE("environment variables are substituted, and a missing one is named") {
  TempDir dir;
  ::setenv("HOPNHAT_TEST_DB", "from-env.db", 1);
  Config c = load_config(write_config(dir, R"({"store": {"sqlite": "${HOPNHAT_TEST_DB}"},
    "sources": [{"name": "a", "plugin": "csv"}]})"));
  CHECK(c.sqlite_path.filename() == "from-env.db");
  auto msg = error_of(write_config(dir, R"({"store": {"sqlite": "x.db"},
    "sources": [{"name": "a", "plugin": "csv", "options": {"secret": "${HOPNHAT_TEST_UNSET_VAR}"}}]})"));
  CHECK_THAT(msg, Catch::Contains("sources[0].options.secret"));
  CHECK_THAT(msg, Catch::Contains("HOPNHAT_TEST_UNSET_VAR"));
}

TEST_CASE("survivorship may only name sources and canonical fields that exist") {
  TempDir dir;
  auto msg = error_of(write_config(dir, R"({"store": {"sqlite": "x.db"},
    "sources": [{"name": "a", "plugin": "csv"}], "survivorship": {"source_priority": ["b"]}})"));
  CHECK_THAT(msg, Catch::Contains("survivorship.source_priority[0]"));
  msg = error_of(write_config(dir, R"({"store": {"sqlite": "x.db"},
    "sources": [{"name": "a", "plugin": "csv"}], "survivorship": {"fields": {"birthday": ["a"]}}})"));
  CHECK_THAT(msg, Catch::Contains("survivorship.fields.birthday"));
}

TEST_CASE("two sources with one name are refused") {
  TempDir dir;
  auto msg = error_of(write_config(dir, R"({"store": {"sqlite": "x.db"},
    "sources": [{"name": "a", "plugin": "csv"}, {"name": "a", "plugin": "csv"}]})"));
  CHECK_THAT(msg, Catch::Contains("sources[1].name"));
}

TEST_CASE("a file that is not JSON is refused with the parser's position") {
  TempDir dir;
  auto msg = error_of(write_config(dir, "{\"store\": "));
  CHECK_THAT(msg, Catch::Contains("not valid JSON"));
}
