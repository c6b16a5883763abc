// Survivorship: the golden value of each canonical field of one person, with its provenance,
// and the conflicts a person must decide (critical fields the evidence cannot settle).
//
// Values are compared on what they say before where they come from (docs/matching.md):
//  1. values that say the same (full_name on its folded key) form one group; its spelling is a
//     possible Vietnamese one, with diacritics ("Lê Bá Thịnh" over "Le Ba Thinh"), written so by
//     the most sources, else the best source's;
//  2. a group another contains gives way to it and supports it: a full date over its month or
//     year, a name with its middle name over the name without (rule `more_precise`);
//  3. among the rest: an understood value over one that is not (`valid_value`); a name whose
//     every word could be Vietnamese over one with a typing error ("Thhanh", `plausible_spelling`); the citizen ID
//     that agrees with the records' birth year and gender, the birth date and gender that agree
//     with the citizen IDs (`consistent_with_cccd`); more distinct sources (`agreement`); a
//     birth date whose year a CCCD embeds that its own record (giving another date) contradicts
//     (`consistent_with_cccd`); of three or more values, the one every other is a typing error
//     from (`explains_others`); a citizen ID whose province is named in the person's home town
//     or birth place (`consistent_with_place`);
//  4. among equals, the sources of survivorship.fields[field] (else source_priority), then the
//     most recently changed record, then the record id (`source_priority`). Such a tie on a
//     critical field opens a conflict, except names a typing error apart (one edit).
// An administrator's decision overrides all of it (`decision`, applied by sync/decisions).
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "record/stored_record.hpp"
#include "text/normalize.hpp"

namespace hopnhat::merge {

/// An administrator's rule for a class of cases ("for birth_date, trust the civil-service system
/// when its date agrees with the CCCD"): where the evidence cannot decide a critical field, the
/// value of `source` wins — always, or only when it is consistent with the person's CCCD. Stored
/// as a decision of kind "rule" (core/admin); it decides before a case would open.
struct DecisionRule {
  std::int64_t id = 0;
  std::string field;
  std::string source;
  bool needs_cccd_agreement = false;  // condition "agrees_with_cccd" (else "always")
};

struct SurvivorshipRules {
  std::vector<std::string> source_priority;
  std::map<std::string, std::vector<std::string>> field_priority;
  std::vector<DecisionRule> decision_rules;  // active ones, oldest first: the first that applies decides
};

struct ConflictFinding {
  std::string field;
  std::string kind;          // value_mismatch
  nlohmann::json candidates; // [{source, record_id, value}], in rule order
  /// Empty: the evidence could not decide, a person must (a case). Otherwise the rule that
  /// settled the disagreement (agreement, consistent_with_cccd, …): recorded, no case.
  std::string_view settled_by;
  bool settled() const { return !settled_by.empty(); }
};

/// The golden value of one field and where it came from.
struct GoldenValue {
  std::string_view field;               // a name in sdk::kCanonicalFields (static storage)
  std::string value;
  const record::StoredRecord* record;    // the winning record: source, id and the run it changed in
  std::string_view rule;                // only_value, agreement, more_precise, valid_value, plausible_spelling,
                                        // consistent_with_cccd, source_priority (decision: later)
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
GoldenRecord build_golden(const std::vector<const record::StoredRecord*>& records,
                          const std::vector<const text::NormalizedFields*>& normalized, const SurvivorshipRules& rules);

}  // namespace hopnhat::merge
