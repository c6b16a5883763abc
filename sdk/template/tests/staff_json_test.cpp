#include <catch2/catch.hpp>

#include "staff_json.hpp"

TEST_CASE("canonical keys become fields, other keys attributes") {
  std::vector<hopnhat::sdk::SourceRecord> out;
  auto st = example::parse_staff(R"([{"id": "7", "full_name": "Lê Văn Tám", "room": "204"}])", "id", "f.json", out);
  REQUIRE(st.is_ok());
  REQUIRE(out.size() == 1);
  CHECK(out[0].id == "7");
  CHECK(out[0].fields.at("full_name") == "Lê Văn Tám");
  CHECK(out[0].attributes.at(0).first == "room");
}

TEST_CASE("a record without its id is an error naming the element") {
  std::vector<hopnhat::sdk::SourceRecord> out;
  auto st = example::parse_staff(R"([{"id": "1"}, {"full_name": "A"}])", "id", "f.json", out);
  CHECK_FALSE(st.is_ok());
  CHECK_THAT(st.message(), Catch::Contains("f.json: [1].id"));
}
