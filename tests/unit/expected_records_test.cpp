// The testkit's --expected-records: its format and the sentence naming the first difference.
#include <catch2/catch.hpp>

#include "expected_records.hpp"

using namespace hopnhat;
using testkit::expected_records_from_json;
using testkit::first_difference;

namespace {
sdk::SourceRecord record(const std::string& id, std::map<std::string, std::string> fields) {
  sdk::SourceRecord r;
  r.id = id;
  r.fields = std::move(fields);
  r.attributes = {{"Ghi chú", "x"}};
  return r;
}
const auto kExpected = expected_records_from_json(
    nlohmann::json::parse(R"([{"id": "A1", "fields": {"full_name": "Lê Thị Hoa", "birth_date": "1970"}},
                             {"id": "A2", "fields": {"full_name": "Trần Văn Bình"}, "attributes": [["Ghi chú", "x"]]}])"),
    "expected.json");
}  // namespace

TEST_CASE("records that match the expected ones, in any order, have no difference") {
  CHECK(first_difference(kExpected, {record("A2", {{"full_name", "Trần Văn Bình"}}),
                                     record("A1", {{"full_name", "Lê Thị Hoa"}, {"birth_date", "1970"}})}) == "");
}

TEST_CASE("the first difference names the record, the field, what was expected and what was read") {
  auto got = std::vector{record("A1", {{"full_name", "Lê Thị Hoa"}, {"birth_date", "1970-01"}}),
                         record("A2", {{"full_name", "Trần Văn Bình"}})};
  CHECK(first_difference(kExpected, got) == R"(record "A1" (expected record 1), field birth_date: expected "1970", got "1970-01")");
  got[0].fields.erase("birth_date");
  CHECK_THAT(first_difference(kExpected, got), Catch::EndsWith(R"(field birth_date: expected "1970", got no such field)"));
  got[0].fields["birth_date"] = "1970";
  got[1].fields["phone"] = "0912";
  CHECK_THAT(first_difference(kExpected, got), Catch::Contains(R"(record "A2" (expected record 2), field phone: expected no such field, got "0912")"));
  got[1].fields.erase("phone");
  got[1].attributes = {{"Ghi chú", "y"}};
  CHECK_THAT(first_difference(kExpected, got), Catch::Contains(R"(attribute 1: expected ["Ghi chú", "x"], got ["Ghi chú", "y"])"));
}

TEST_CASE("a record missing from the read and one read but not expected are named") {
  CHECK_THAT(first_difference(kExpected, {record("A1", {{"full_name", "Lê Thị Hoa"}, {"birth_date", "1970"}})}),
             Catch::StartsWith(R"(record "A2" (expected record 2) was not read)"));
  auto got = std::vector{record("A1", {{"full_name", "Lê Thị Hoa"}, {"birth_date", "1970"}}), record("A2", {{"full_name", "Trần Văn Bình"}}),
                         record("A3", {})};
  CHECK(first_difference(kExpected, got) == R"(record "A3" was read but is not among the 2 expected records)");
}

TEST_CASE("an expected-records file that is not an array of records is refused with the entry's path") {
  auto error = [](const char* text) {
    try {
      expected_records_from_json(nlohmann::json::parse(text), "e.json");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(error(R"({"id": "A1"})"), Catch::Contains("a JSON array"));
  CHECK_THAT(error(R"([{"id": "A1", "fields": {"full_name": 3}}])"), Catch::Contains("e.json: [0].fields.full_name: expected a string"));
  CHECK_THAT(error(R"([{"id": "A1", "fields": {}}, {"id": "A1", "fields": {}}])"), Catch::Contains("[1].id: the id \"A1\" is listed twice"));
  CHECK_THAT(error(R"([{"id": "A1", "field": {}}])"), Catch::Contains("[0].field: unknown key"));
}

TEST_CASE("an expected history is compared row by row, its origin aside") {
  const auto expected = expected_records_from_json(nlohmann::json::parse(R"([{"id": "A1", "fields": {"full_name": "Lê Thị Hoa"},
      "history": [{"kind": "posting", "from": "01/07/2025", "fields": {"unit": "Phòng Tổ chức - Nội vụ"}}]}])"),
                                                   "e.json");
  auto got = std::vector{record("A1", {{"full_name", "Lê Thị Hoa"}})};
  got[0].history = {{"posting", "01/07/2025", "", {{"unit", "Phòng Tổ chức - Nội vụ"}}, "hr.jsonl line 1"}};
  CHECK(first_difference(expected, got) == "");
  got[0].history[0].fields["unit"] = "Phòng Nội vụ";
  CHECK_THAT(first_difference(expected, got), Catch::Contains(R"(record "A1" (expected record 1), history row 1: expected {"fields":{"unit":"Phòng Tổ chức - Nội vụ"})"));
  got[0].history.push_back(got[0].history[0]);
  got[0].history[0].fields["unit"] = "Phòng Tổ chức - Nội vụ";
  CHECK_THAT(first_difference(expected, got), Catch::Contains("history row 2: expected none, got"));
  try {
    expected_records_from_json(nlohmann::json::parse(R"([{"id": "A1", "fields": {}, "history": [{"kind": "posting", "unit": "x"}]}])"), "e.json");
    FAIL("a history row with an unknown key was taken");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("e.json: [0].history[0].unit: unknown key (kind, from, to, fields)"));
  }
}
