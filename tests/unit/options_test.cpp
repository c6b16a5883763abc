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
