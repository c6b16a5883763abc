// The JSON columns both store backends share: a record's fields and attributes, a decision's
// records. One encoding, so that a store can be moved between backends row by row.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hopnhat/sdk/record.hpp"

namespace hopnhat::store {

std::string fields_json(const sdk::SourceRecord& r);
std::string attributes_json(const sdk::SourceRecord& r);
/// Fills `r.fields` and `r.attributes` from the two columns.
void read_record_json(const std::string& fields, const std::string& attributes, sdk::SourceRecord& r);
/// A record's history rows as a JSON array; "" when it has none (the column stays NULL).
std::string history_json(const sdk::SourceRecord& r);
std::vector<sdk::HistoryRow> read_history_json(const std::string& text);
std::string pairs_json(const std::vector<std::pair<std::string, std::string>>& pairs);
std::vector<std::pair<std::string, std::string>> read_pairs_json(const std::string& text);

}  // namespace hopnhat::store
