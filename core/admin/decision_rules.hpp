// Bulk decisions: an administrator decides a class of cases at once ("for birth_date, trust the
// civil-service system when its date agrees with the CCCD"). A rule is data — a decision of kind
// "rule" with its author, note and scope (field, source, condition), audited, undone like any
// decision — and every later sync applies it where the evidence cannot decide (merge::
// DecisionRule), so the cases it covers never open again. A preview first shows which open
// cases it would decide and the value each would get, computed by the survivorship code itself.
// Calls run inside the caller's store transaction; the functions keep no state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "merge/survivorship.hpp"
#include "store/store.hpp"

namespace hopnhat::admin {

struct RuleRequest {
  std::string field;      // full_name | birth_date | gender | citizen_id
  std::string source;     // a configured source
  std::string condition;  // always | agrees_with_cccd
  std::string note;       // why; required to apply
};

/// Parses {"field", "source", "when", "note"}; `sources` are the configured ones. Throws
/// AdminError naming the JSON path of what is wrong.
RuleRequest parse_rule_request(const nlohmann::json& body, const std::vector<std::string>& sources);

/// An open case the rule would decide, and how.
struct RulePreviewItem {
  std::int64_t conflict_id = 0;
  std::string person_id;
  std::string value;                // the value the rule gives
  std::string source, record_id;    // the record it comes from
};

/// The open value cases on the rule's field that it decides (the person's records rebuilt with
/// the rule among `base`'s), in case order.
std::vector<RulePreviewItem> preview_rule(store::Store& store, const RuleRequest& rule, const merge::SurvivorshipRules& base);

struct AppliedRule {
  store::DecisionRow rule;
  std::vector<RulePreviewItem> decided;  // the cases it settled now (they leave the queue at once)
};

/// Stores the rule (audited) and settles the open cases the preview names: their status becomes
/// settled and the person's golden value the rule's. Throws AdminError.
AppliedRule apply_rule(store::Store& store, const RuleRequest& rule, const merge::SurvivorshipRules& base, const std::string& author);

/// The rules in force, oldest first, as survivorship reads them.
std::vector<merge::DecisionRule> active_rules(store::Store& store);

nlohmann::json rule_preview_json(const std::vector<RulePreviewItem>& items);

}  // namespace hopnhat::admin
