#include "admin/decision_rules.hpp"

#include <algorithm>

#include "admin/audit.hpp"
#include "admin/crypto.hpp"
#include "base/iso_time.hpp"
#include "admin/decisions.hpp"
#include "admin/users.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "merge/golden_text.hpp"
#include "text/normalize.hpp"

namespace hopnhat::admin {
namespace {

using Kind = AdminError::Kind;

merge::DecisionRule to_rule(const RuleRequest& r, std::int64_t id) {
  return {id, r.field, r.source, r.condition == "agrees_with_cccd"};
}

}  // namespace

RuleRequest parse_rule_request(const nlohmann::json& body, const std::vector<std::string>& sources) {
  if (!body.is_object())
    throw AdminError(Kind::kInvalid, "/: expected a JSON object such as {\"field\": \"birth_date\", \"source\": \"civil\", \"when\": \"agrees_with_cccd\"}");
  auto text = [&](const char* key, bool required) { return body_text(body, key, required); };
  for (auto& [k, v] : body.items())
    if (k != "field" && k != "source" && k != "when" && k != "note")
      throw AdminError(Kind::kInvalid, "/" + k + ": unknown key (expected field, source, when, note)");
  RuleRequest r{text("field", true), text("source", true), text("when", false), text("note", false)};
  if (r.condition.empty()) r.condition = "always";
  const sdk::FieldInfo* field = sdk::find_field(r.field);
  if (!field || !field->critical)
    throw AdminError(Kind::kInvalid, "/field: expected a field whose disagreements open cases (full_name, birth_date, gender, citizen_id), got \"" + r.field + "\"");
  if (std::find(sources.begin(), sources.end(), r.source) == sources.end())
    throw AdminError(Kind::kInvalid, "/source: \"" + r.source + "\" is not a configured source");
  if (r.condition != "always" && r.condition != "agrees_with_cccd")
    throw AdminError(Kind::kInvalid, "/when: expected always or agrees_with_cccd, got \"" + r.condition + "\"");
  if (r.condition == "agrees_with_cccd" && r.field == "full_name")
    throw AdminError(Kind::kInvalid, "/when: a CCCD says nothing of a name; use always");
  return r;
}

std::vector<RulePreviewItem> preview_rule(store::Store& store, const RuleRequest& request, const merge::SurvivorshipRules& base) {
  merge::SurvivorshipRules rules = base;
  rules.decision_rules.insert(rules.decision_rules.begin(), to_rule(request, 0));  // this one first: what it alone decides
  std::vector<RulePreviewItem> out;
  for (const auto& c : store.conflicts(true)) {
    if (c.kind != "value_mismatch" || c.field != request.field || c.status != "open") continue;
    std::vector<store::StoredRecord> records;
    for (const auto& l : store.links_of(c.person_id)) {
      if (l.status == "deleted") continue;
      if (auto r = store.record(l.source, l.record_id); r && !r->deleted_run) records.push_back(std::move(*r));
    }
    std::vector<text::NormalizedFields> normalized;
    normalized.reserve(records.size());
    for (const auto& r : records) normalized.push_back(text::normalized_from_json(r.normalized));
    std::vector<const store::StoredRecord*> rs;
    std::vector<const text::NormalizedFields*> ns;
    for (std::size_t i = 0; i < records.size(); ++i) {
      rs.push_back(&records[i]);
      ns.push_back(&normalized[i]);
    }
    const merge::GoldenRecord golden = merge::build_golden(rs, ns, rules);
    for (const auto& v : golden.values)
      if (v.field == request.field && v.rule == "decision_rule")
        out.push_back({c.id, c.person_id, v.value, v.record->record.source, v.record->record.id});
  }
  return out;
}

AppliedRule apply_rule(store::Store& store, const RuleRequest& request, const merge::SurvivorshipRules& base, const std::string& author) {
  if (request.note.empty()) throw AdminError(Kind::kInvalid, "/note: a rule that decides many cases needs a reason");
  AppliedRule out;
  out.decided = preview_rule(store, request, base);
  store::DecisionRow d;
  d.kind = "rule";
  d.field = request.field;
  d.source = request.source;
  d.value = request.condition;
  d.note = request.note;
  d.author = author;
  d.created_at = base::now_iso();
  d.id = store.put_decision(d);
  for (const auto& item : out.decided) {
    // The case leaves the queue now; the person shows the rule's value now. The next sync
    // rebuilds both from the rule, as it does on every later run.
    auto c = store.conflict(item.conflict_id);
    if (!c) continue;
    c->status = "settled";
    store.put_conflict(*c);
    store::DecisionRow value = d;
    value.kind = "choose";
    value.value = item.value;
    value.record_id = item.record_id;
    value.source = item.source;
    value.person_id = item.person_id;
    if (auto p = store.person(item.person_id); p && !p->golden.empty()) {
      nlohmann::json golden = merge::decode_golden(p->golden);
      if (apply_decided_value(value, golden)) {
        golden[request.field]["rule"] = "decision_rule";
        p->golden = merge::encode_golden(golden);
        store.put_person(*p);
        store.mark_views_changed({p->id}, 0);
      }
    }
  }
  out.rule = d;
  audit(store, author, "decision.rule",
        {{"decision", d.id}, {"field", d.field}, {"source", d.source}, {"when", d.value}, {"note", d.note}, {"cases", out.decided.size()}});
  return out;
}

std::vector<merge::DecisionRule> active_rules(store::Store& store) {
  std::vector<merge::DecisionRule> out;
  for (const auto& d : store.decisions(true))
    if (d.kind == "rule" && d.status == "active") out.push_back({d.id, d.field, d.source, d.value == "agrees_with_cccd"});
  return out;
}

nlohmann::json rule_preview_json(const std::vector<RulePreviewItem>& items) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& i : items)
    list.push_back({{"conflict_id", i.conflict_id}, {"person_id", i.person_id}, {"value", i.value}, {"source", i.source},
                    {"record_id", i.record_id}});
  return {{"cases", items.size()}, {"items", list}};
}

}  // namespace hopnhat::admin
