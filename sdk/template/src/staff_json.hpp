// Turning a JSON array of staff objects into hopnhat records, and golden records back into
// JSON. Kept apart from the plugin glue so it can be unit-tested on its own.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hopnhat/sdk/record.hpp"
#include "hopnhat/sdk/status.hpp"

namespace example {

/// Parses `text` (a JSON array of objects). Keys that are canonical fields become fields, the
/// rest attributes; `id_key` holds the record id. `where` names the file in messages.
hopnhat::sdk::Status parse_staff(const std::string& text, const std::string& id_key, const std::string& where,
                                 std::vector<hopnhat::sdk::SourceRecord>& out);

/// One golden record as a JSON object: {"person_id": …, "<field>": "<value>", …}.
nlohmann::json person_to_json(const hopnhat::sdk::PersonRecord& person);

}  // namespace example
