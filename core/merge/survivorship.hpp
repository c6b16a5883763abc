// Survivorship: the golden value of each canonical field of one person, with its provenance,
// and the conflicts found on the way (trusted sources disagreeing on a critical field).
//
// Rule order for a field: the sources of survivorship.fields[field] (else source_priority),
// then the most recently changed record, then the record id. Values are compared normalised
// (full_name on its folded key, so "Nguyễn Văn An" and "NGUYEN VAN AN" do not conflict).
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "text/normalize.hpp"

namespace hopnhat::merge {

struct SurvivorshipRules {
  std::vector<std::string> source_priority;
  std::map<std::string, std::vector<std::string>> field_priority;
};

struct ConflictFinding {
  std::string field;
  std::string kind;          // value_mismatch
  nlohmann::json candidates; // [{source, record_id, value}], in rule order
};

/// The golden value of one field and where it came from.
struct GoldenValue {
  std::string_view field;               // a name in sdk::kCanonicalFields (static storage)
  std::string value;
  const store::StoredRecord* record;    // the winning record: source, id and the run it changed in
  std::string_view rule;                // "only_value", "agreement", "source_priority"
};

struct GoldenRecord {
  std::vector<GoldenValue> values;  // in canonical field order
  std::vector<ConflictFinding> conflicts;

  /// field → {value, source, record_id, run, rule}: the stored shape, as a JSON tree.
  nlohmann::json to_json() const;
  /// The stored text (merge/golden_text.hpp), equal to encode_golden(to_json()) byte for byte,
  /// written directly: a million of them per run.
  std::string to_text() const;
};

/// `normalized[k]` holds the normalised values of `records[k]`.
GoldenRecord build_golden(const std::vector<const store::StoredRecord*>& records,
                          const std::vector<const text::NormalizedFields*>& normalized, const SurvivorshipRules& rules);

}  // namespace hopnhat::merge
