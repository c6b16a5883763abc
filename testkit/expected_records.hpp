// The records an author says the importer must read (hopnhat-testkit --expected-records FILE),
// and the first way what it read differs from them. The file is a JSON array, one object per
// record: {"id": "A1", "fields": {"full_name": "…"}, "attributes": [["Ghi chú", "…"]],
// "history": [{"kind": "posting", "from": "01/07/2025", "to": "", "fields": {"unit": "…"}}]};
// "fields" must match exactly, "attributes" and "history" (in order, its origin aside) only when
// given; the order of the records does not matter
// (docs/plugin-guide.md, "The conformance testkit"). Plain functions, no state.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hopnhat/sdk/record.hpp"

namespace hopnhat::testkit {

struct ExpectedRecord {
  std::string id;
  std::map<std::string, std::string> fields;
  std::optional<std::vector<std::pair<std::string, std::string>>> attributes;  // unset: not compared
  std::optional<std::vector<sdk::HistoryRow>> history;                         // unset: not compared; origin never
};

/// Throws std::runtime_error naming `where` and the entry ("[2].fields.full_name") that is wrong.
std::vector<ExpectedRecord> expected_records_from_json(const nlohmann::json& j, const std::string& where);
std::vector<ExpectedRecord> read_expected_records(const std::filesystem::path& file);

/// A sentence naming the first difference (record, field, expected vs got); empty when none.
std::string first_difference(const std::vector<ExpectedRecord>& expected, const std::vector<sdk::SourceRecord>& got);

}  // namespace hopnhat::testkit
