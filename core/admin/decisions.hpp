// Administrators' decisions on conflicts: resolve a case (same person / different persons /
// choose a candidate's value / type the corrected value / defer) and undo a decision. The
// effect that needs no re-matching is immediate (the case leaves the queue; a chosen value
// becomes the golden value); every later sync applies the decision before any automatic one
// (sync/reconcile). Every call is audited and runs inside the caller's store transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "org/units.hpp"
#include "store/store.hpp"

namespace hopnhat::admin {

struct ResolveRequest {
  std::string action;       // same | different | choose | value | confirm | defer
  std::int64_t candidate = 0;  // choose: the candidate's id (1, 2, …)
  std::string value;        // value: the corrected value
  std::string note;         // why; required for "value"
  /// different, on an oversized person: the ids of two of its records that are not one person
  /// (the run then keeps them apart, and the chain through them splits).
  std::vector<std::int64_t> candidates;
};

/// The string at `key` of a request body ("" when absent and not `required`); throws AdminError
/// naming the JSON path when it is required and absent, or not a string.
std::string body_text(const nlohmann::json& body, const char* key, bool required);

/// Parses a request body ({"action", "candidate", "candidates", "value", "note"}); throws AdminError naming
/// the JSON path of what is wrong.
ResolveRequest parse_resolve_request(const nlohmann::json& body);

/// Throws AdminError (kNotFound, kInvalid, kConflict when the case is no longer open).
/// A unit case (unit_unresolved, unit_split) is answered with a unit: a candidate, or a code
/// typed as the value, which must be in `units` (the organisation's registry; null: none
/// configured). The answer is stored as an alias of the text (decision kind "unit").
store::DecisionRow resolve_conflict(store::Store& store, std::int64_t conflict_id, const ResolveRequest& request,
                                    const std::string& author, const org::OrgRegistry* units = nullptr);

/// Undoes a decision (active or orphaned); the case it resolved opens again. Undoing a unit
/// answer removes its alias (when the text still names that unit).
store::DecisionRow undo_decision(store::Store& store, std::int64_t decision_id, const std::string& author);

/// Sets the field a choose/value decision is about in `golden` (field → {value, source,
/// record_id, run, rule}) to the decided value, keeping the run it had; false when it already was.
bool apply_decided_value(const store::DecisionRow& d, nlohmann::json& golden);
/// The same on the person's stored golden record; false when there was nothing to change.
bool write_decided_value(store::Store& store, const store::DecisionRow& d);

nlohmann::json decision_json(const store::DecisionRow& d);
nlohmann::json conflict_json(const store::ConflictRow& c);

/// How much a case matters, 1 (least) to 7, what orders the queue: the field (the citizen ID,
/// birth date and name reach every report and match; a person with too many records mixes
/// persons), a possible match that is likely, and how many sources are involved.
int case_severity(const store::ConflictRow& c, const nlohmann::json& candidates);
/// "high" (5 and above), "medium" (3–4) or "low".
const char* severity_label(int severity);

}  // namespace hopnhat::admin
