#include <catch2/catch.hpp>

#include "hopnhat/sdk/options.hpp"

using hopnhat::sdk::OptionReader;

TEST_CASE("an unknown option is reported with the closest known one") {
  OptionReader r("csv", R"({"pth": "a.csv"})");
  r.string("path");
  r.string("id");
  auto st = r.status();
  CHECK_FALSE(st.is_ok());
  CHECK_THAT(st.message(), Catch::Contains("unknown option 'pth'"));
  CHECK_THAT(st.message(), Catch::Contains("did you mean 'path'"));
}

TEST_CASE("a required option that is missing is named") {
  OptionReader r("csv", "{}");
  r.required_string("path");
  CHECK_THAT(r.status().message(), Catch::Contains("option 'path': is required"));
}

TEST_CASE("wrongly typed values are named with what was expected") {
  OptionReader r("csv", R"({"path": 3, "fields": {"full_name": 1}})");
  r.string("path");
  r.string_map("fields");
  CHECK_THAT(r.status().message(), Catch::Contains("option 'path': expected a string, got 3"));
}

TEST_CASE("options that are not JSON are refused") {
  OptionReader r("csv", "{nope");
  CHECK_THAT(r.status().message(), Catch::Contains("not valid JSON"));
}

TEST_CASE("a list of objects is read element by element, each problem named by its place") {
  OptionReader r("csv", R"({"history": [{"path": "qtct.csv", "kind": "posting"}, {"path": "l.csv", "knd": "grade"}]})");
  auto items = r.object_list("history");
  REQUIRE(items.size() == 2);
  CHECK(r.status().is_ok());
  OptionReader first("csv", items[0], "history[0].");
  CHECK(first.required_string("kind") == "posting");
  CHECK(first.required_string("path") == "qtct.csv");
  CHECK(first.status().is_ok());
  OptionReader second("csv", items[1], "history[1].");
  second.required_string("path");
  second.string("kind");
  CHECK_THAT(second.status().message(), Catch::Contains("unknown option 'history[1].knd'") && Catch::Contains("did you mean 'kind'"));

  OptionReader wrong("csv", R"({"history": [{"path": "a"}, 3]})");
  wrong.object_list("history");
  CHECK_THAT(wrong.status().message(), Catch::Contains("option 'history[1]': expected an object, got 3"));
}
