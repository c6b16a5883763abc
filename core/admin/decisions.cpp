#include "admin/decisions.hpp"

#include <algorithm>

#include "admin/audit.hpp"
#include "admin/crypto.hpp"
#include "base/iso_time.hpp"
#include "admin/users.hpp"
#include "merge/golden_text.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "text/normalize.hpp"

namespace hopnhat::admin {

using Kind = AdminError::Kind;

int case_severity(const store::ConflictRow& c, const nlohmann::json& candidates) {
  int base = 1;
  if (c.kind == "oversized_person") base = 4;
  else if (c.kind == "unit_unresolved" || c.kind == "unit_split") {
    // How many persons the name leaves out of every headcount.
    const std::int64_t persons = candidates.empty() ? 1 : candidates[0].value("persons", std::int64_t{1});
    return (c.kind == "unit_split" ? 3 : 2) + (persons >= 10 ? 2 : persons >= 3 ? 1 : 0);
  }
  else if (c.kind == "posting_disputed") return 3;  // counted, but in one unit of the two until answered
  else if (c.kind == "match_review")
    base = !candidates.empty() && candidates[0].value("score", 0.0) >= 0.8 ? 4 : 3;  // likely one person, counted twice
  else if (c.field == "citizen_id" || c.field == "birth_date") base = 4;
  else if (c.field == "full_name") base = 3;
  else if (c.field == "gender") base = 2;
  std::vector<std::string> sources;
  for (const auto& cand : candidates) {
    std::string s = cand.value("source", "");
    if (std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(std::move(s));
  }
  return base + std::min<int>(std::max<int>(static_cast<int>(sources.size()) - 1, 0), 3);
}

const char* severity_label(int severity) { return severity >= 5 ? "high" : severity >= 3 ? "medium" : "low"; }

nlohmann::json conflict_json(const store::ConflictRow& c) {
  nlohmann::json cands = nlohmann::json::parse(c.candidates);
  for (std::size_t i = 0; i < cands.size(); ++i) cands[i]["id"] = i + 1;
  const int severity = case_severity(c, cands);
  return {{"id", c.id}, {"kind", c.kind}, {"person_id", c.person_id}, {"field", c.field}, {"status", c.status},
          {"opened_run", c.opened_run}, {"closed_run", c.closed_run ? nlohmann::json(*c.closed_run) : nlohmann::json()},
          {"severity", severity}, {"severity_label", severity_label(severity)}, {"candidates", cands}};
}

nlohmann::json decision_json(const store::DecisionRow& d) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& [s, id] : d.records) records.push_back({{"source", s}, {"record_id", id}});
  nlohmann::json j{{"id", d.id}, {"kind", d.kind}, {"conflict_id", d.conflict_id ? nlohmann::json(d.conflict_id) : nlohmann::json()},
                   {"person_id", d.person_id}, {"field", d.field}, {"records", records}, {"note", d.note},
                   {"author", d.author}, {"created_at", d.created_at}, {"status", d.status}};
  if (d.kind == "choose" || d.kind == "value" || d.kind == "unit" || d.kind == "posting") j["value"] = d.value;
  if (d.kind == "choose") j["chosen"] = {{"source", d.source}, {"record_id", d.record_id}};
  if (d.kind == "rule") j["rule"] = {{"field", d.field}, {"source", d.source}, {"when", d.value}};
  if (!d.status_note.empty()) j["status_note"] = d.status_note;
  if (!d.undone_by.empty()) j["undone"] = {{"by", d.undone_by}, {"at", d.undone_at}};
  return j;
}

std::string body_text(const nlohmann::json& body, const char* key, bool required) {
  auto it = body.find(key);
  if (it == body.end()) {
    if (required) throw AdminError(Kind::kInvalid, std::string("/") + key + ": required");
    return std::string();
  }
  if (!it->is_string()) throw AdminError(Kind::kInvalid, std::string("/") + key + ": expected a string, got " + it->type_name());
  return it->get<std::string>();
}

ResolveRequest parse_resolve_request(const nlohmann::json& body) {
  if (!body.is_object()) throw AdminError(Kind::kInvalid, "/: expected a JSON object such as {\"action\": \"choose\", \"candidate\": 1}");
  ResolveRequest r;
  auto text = [&](const char* key, bool required) { return body_text(body, key, required); };
  r.action = text("action", true);
  if (r.action != "same" && r.action != "different" && r.action != "choose" && r.action != "value" && r.action != "confirm" &&
      r.action != "defer")
    throw AdminError(Kind::kInvalid, "/action: expected one of same, different, choose, value, confirm, defer; got \"" + r.action + "\"");
  r.note = text("note", false);
  r.value = text("value", r.action == "value");
  if (r.action == "choose") {
    auto it = body.find("candidate");
    if (it == body.end() || !it->is_number_integer())
      throw AdminError(Kind::kInvalid, "/candidate: expected the id (a number) of the candidate whose value is right");
    r.candidate = it->get<std::int64_t>();
  }
  if (auto it = body.find("candidates"); it != body.end()) {
    if (!it->is_array() || it->size() != 2 || !(*it)[0].is_number_integer() || !(*it)[1].is_number_integer())
      throw AdminError(Kind::kInvalid, "/candidates: expected the ids of two records, such as [1, 4]");
    r.candidates = {(*it)[0].get<std::int64_t>(), (*it)[1].get<std::int64_t>()};
  }
  for (auto& [k, v] : body.items())
    if (k != "action" && k != "candidate" && k != "candidates" && k != "value" && k != "note")
      throw AdminError(Kind::kInvalid, "/" + k + ": unknown key (expected action, candidate, candidates, value, note)");
  return r;
}

bool apply_decided_value(const store::DecisionRow& d, nlohmann::json& golden) {
  // A chosen value keeps the provenance of its record; a typed one points at the decision.
  const bool chosen = d.kind == "choose";
  std::int64_t run = golden.contains(d.field) ? golden[d.field].value("run", std::int64_t{0}) : 0;
  nlohmann::json want = {{"value", d.value}, {"source", chosen ? d.source : "decision"},
                         {"record_id", chosen ? d.record_id : "#" + std::to_string(d.id)}, {"run", run}, {"rule", "decision"}};
  if (golden.contains(d.field) && golden[d.field] == want) return false;
  golden[d.field] = std::move(want);
  return true;
}

bool write_decided_value(store::Store& store, const store::DecisionRow& d) {
  auto p = store.person(d.person_id);
  if (!p || p->golden.empty()) return false;
  nlohmann::json golden = merge::decode_golden(p->golden);
  if (!apply_decided_value(d, golden)) return false;
  p->golden = merge::encode_golden(golden);
  store.put_person(*p);
  store.mark_views_changed({p->id}, 0);  // outside a run: exports take it up with the next one
  return true;
}

namespace {

// A decision on case `c` of `kind`, by `author`, with the request's note.
store::DecisionRow decision_on(const store::ConflictRow& c, const std::string& kind, const ResolveRequest& req, const std::string& author) {
  store::DecisionRow d;
  d.kind = kind;
  d.conflict_id = c.id;
  d.person_id = c.person_id;
  d.field = c.field;
  d.note = req.note;
  d.author = author;
  d.created_at = base::now_iso();
  return d;
}

// The candidate the request chooses, checked against the case's list.
const nlohmann::json& chosen(const nlohmann::json& cands, const ResolveRequest& req) {
  if (req.candidate < 1 || req.candidate > static_cast<std::int64_t>(cands.size()))
    throw AdminError(Kind::kInvalid, "/candidate: expected 1 to " + std::to_string(cands.size()) + ", got " + std::to_string(req.candidate));
  return cands[static_cast<std::size_t>(req.candidate - 1)];
}

// The answer to a unit case: the unit the text means, kept as an alias of the text.
store::DecisionRow resolve_unit_case(store::Store& store, store::ConflictRow& c, const ResolveRequest& req, const std::string& author,
                                     const org::OrgRegistry* units) {
  if (req.action != "choose" && req.action != "value" && req.action != "defer")
    throw AdminError(Kind::kInvalid, "/action: \"" + req.action + "\" does not answer which unit \"" + c.field +
                                         "\" is (use choose with a candidate, value with a unit's code, or defer)");
  const nlohmann::json cands = nlohmann::json::parse(c.candidates);
  store::DecisionRow d = decision_on(c, req.action == "defer" ? "defer" : "unit", req, author);
  if (req.action == "choose") {
    d.value = chosen(cands, req).value("code", "");
  } else if (req.action == "value") {
    d.value = req.value;
    d.value.erase(0, d.value.find_first_not_of(" \t"));
    d.value.erase(d.value.find_last_not_of(" \t") + 1);
    if (!units) throw AdminError(Kind::kInvalid, "/value: the configuration names no organisation, so no unit code can be checked");
    if (!units->latest(d.value))
      throw AdminError(Kind::kInvalid, "/value: no unit has the code \"" + d.value.substr(0, 40) + "\" in the units file");
  }
  d.id = store.put_decision(d);
  c.status = req.action == "defer" ? "deferred" : "resolved";
  store.set_conflict_status(c.id, c.status);
  if (d.kind == "unit") {
    store.put_unit_alias(d.field, d.value, author, d.created_at);
    audit(store, author, "unit.alias", {{"text", d.field}, {"code", d.value}, {"conflict", c.id}, {"decision", d.id}});
  }
  nlohmann::json detail{{"decision", d.id}, {"conflict", c.id}, {"action", d.kind}, {"unit_text", d.field}};
  if (!d.value.empty()) detail["code"] = d.value;
  if (!d.note.empty()) detail["note"] = d.note;
  audit(store, author, "decision." + d.kind, detail);
  return d;
}

// The answer to a disputed posting: which of the open postings is the person's current one. It
// holds on later runs (sync/timelines marks that posting) until undone.
store::DecisionRow resolve_posting_case(store::Store& store, store::ConflictRow& c, const ResolveRequest& req, const std::string& author) {
  if (req.action != "choose" && req.action != "defer")
    throw AdminError(Kind::kInvalid, "/action: \"" + req.action + "\" does not say which posting is current (use choose with a candidate, or defer)");
  const nlohmann::json cands = nlohmann::json::parse(c.candidates);
  store::DecisionRow d = decision_on(c, req.action == "defer" ? "defer" : "posting", req, author);
  if (req.action == "choose") {
    const auto& cand = chosen(cands, req);
    d.value = cand.value("code", "");
    if (d.value.empty())
      throw AdminError(Kind::kInvalid, "/candidate: the posting names \"" + cand.value("unit", "") +
                                           "\", which is no unit of the registry: answer which unit that is first (hopnhat units alias)");
    for (const auto& s : cand.value("stated_by", nlohmann::json::array())) {
      const std::string by = s.get<std::string>();
      const auto colon = by.find(':');
      if (colon != std::string::npos && by.rfind("golden:", 0) != 0 && by.rfind("decision:", 0) != 0)
        d.records.emplace_back(by.substr(0, colon), by.substr(colon + 1));
    }
  }
  d.id = store.put_decision(d);
  c.status = req.action == "defer" ? "deferred" : "resolved";
  store.set_conflict_status(c.id, c.status);
  nlohmann::json detail{{"decision", d.id}, {"conflict", c.id}, {"person", d.person_id}, {"action", d.kind}};
  if (!d.value.empty()) detail["code"] = d.value;
  if (!d.note.empty()) detail["note"] = d.note;
  audit(store, author, "decision." + d.kind, detail);
  return d;
}

}  // namespace

store::DecisionRow resolve_conflict(store::Store& store, std::int64_t conflict_id, const ResolveRequest& req,
                                    const std::string& author, const org::OrgRegistry* units) {
  auto c = store.conflict(conflict_id);
  if (!c) throw AdminError(Kind::kNotFound, "no conflict #" + std::to_string(conflict_id));
  // A disagreement the rules settled can be decided otherwise; closed and resolved ones cannot.
  if (c->status != "open" && c->status != "deferred" && c->status != "settled")
    throw AdminError(Kind::kConflict, "conflict #" + std::to_string(conflict_id) + " is " + c->status + ", not open");
  if (c->kind == "unit_unresolved" || c->kind == "unit_split") return resolve_unit_case(store, *c, req, author, units);
  if (c->kind == "posting_disputed") return resolve_posting_case(store, *c, req, author);
  if (c->status == "settled" && req.action != "choose" && req.action != "value")
    throw AdminError(Kind::kInvalid, "/action: the rules settled this disagreement; choose or type another value to decide otherwise");
  const bool review = c->kind == "match_review";
  const bool oversized = c->kind == "oversized_person";
  if (oversized) {
    if (req.action != "confirm" && req.action != "different" && req.action != "defer")
      throw AdminError(Kind::kInvalid, "/action: \"" + req.action + "\" does not apply to a person with too many records (use confirm, different with two candidates, or defer)");
  } else if (req.action == "confirm") {
    throw AdminError(Kind::kInvalid, "/action: \"confirm\" accepts a person with too many records; this case is " + c->kind);
  } else if ((req.action == "same" || req.action == "different") && !review) {
    throw AdminError(Kind::kInvalid, "/action: \"" + req.action + "\" decides a possible match; this case is sources disagreeing on " + c->field +
                                         " (use choose, value or defer)");
  }
  if ((req.action == "choose" || req.action == "value") && review)
    throw AdminError(Kind::kInvalid, "/action: \"" + req.action + "\" picks a value; this case is a possible match (use same, different or defer)");
  if (req.action == "value" && req.note.empty())
    throw AdminError(Kind::kInvalid, "/note: a typed value needs a reason");

  const nlohmann::json cands = nlohmann::json::parse(c->candidates);
  store::DecisionRow d;
  d.kind = req.action;
  d.conflict_id = c->id;
  d.person_id = c->person_id;
  d.field = review || oversized ? "" : c->field;
  d.note = req.note;
  d.author = author;
  d.created_at = base::now_iso();
  for (const auto& cand : cands) d.records.emplace_back(cand.value("source", ""), cand.value("record_id", ""));
  if (oversized && req.action == "different") {
    if (req.candidates.size() != 2 || req.candidates[0] == req.candidates[1])
      throw AdminError(Kind::kInvalid, "/candidates: name two different records of the person, such as [1, 4]");
    d.records.clear();
    for (std::int64_t k : req.candidates) {
      if (k < 1 || k > static_cast<std::int64_t>(cands.size()))
        throw AdminError(Kind::kInvalid, "/candidates: expected ids from 1 to " + std::to_string(cands.size()) + ", got " + std::to_string(k));
      const auto& cand = cands[static_cast<std::size_t>(k - 1)];
      d.records.emplace_back(cand.value("source", ""), cand.value("record_id", ""));
    }
  } else if (req.action == "choose") {
    if (req.candidate < 1 || req.candidate > static_cast<std::int64_t>(cands.size()))
      throw AdminError(Kind::kInvalid, "/candidate: expected 1 to " + std::to_string(cands.size()) + ", got " + std::to_string(req.candidate));
    const auto& cand = cands[static_cast<std::size_t>(req.candidate - 1)];
    d.value = cand.value("value", "");
    d.source = cand.value("source", "");
    d.record_id = cand.value("record_id", "");
    d.records = {{d.source, d.record_id}};
  } else if (req.action == "value") {
    // The typed value is normalised like a source's value, so "12/9/1965" becomes 1965-09-12.
    d.value = req.value;
    if (const sdk::FieldInfo* field = sdk::find_field(c->field)) {
      auto norm = text::normalize_value(*field, req.value);
      if (!norm.valid || norm.value.empty())
        throw AdminError(Kind::kInvalid, "/value: \"" + req.value + "\" is not a valid " + c->field + (norm.problem.empty() ? "" : " (" + norm.problem + ")"));
      d.value = norm.value;
    }
    d.records.clear();
  }
  d.id = store.put_decision(d);
  c->status = req.action == "defer" ? "deferred" : "resolved";
  store.set_conflict_status(c->id, c->status);
  // The person page shows the value at once; the next sync applies the decision again.
  if (req.action == "choose" || req.action == "value") write_decided_value(store, d);
  nlohmann::json detail{{"decision", d.id}, {"conflict", c->id}, {"person", d.person_id}, {"action", d.kind}};
  if (!d.field.empty()) detail["field"] = d.field;
  if (!d.note.empty()) detail["note"] = d.note;
  audit(store, author, "decision." + d.kind, detail);
  return d;
}

store::DecisionRow undo_decision(store::Store& store, std::int64_t decision_id, const std::string& author) {
  auto d = store.decision(decision_id);
  if (!d) throw AdminError(Kind::kNotFound, "no decision #" + std::to_string(decision_id));
  if (d->status == "undone") throw AdminError(Kind::kConflict, "decision #" + std::to_string(decision_id) + " was undone already");
  d->status = "undone";
  d->undone_by = author;
  d->undone_at = base::now_iso();
  store.put_decision(*d);
  if (d->kind == "unit") {
    // The alias goes with the answer, unless the text has been given another unit since.
    const auto aliases = store.unit_aliases();
    if (auto it = aliases.find(d->field); it != aliases.end() && it->second == d->value) {
      store.delete_unit_alias(d->field);
      audit(store, author, "unit.alias.remove", {{"text", d->field}, {"decision", d->id}});
    }
  }
  if (d->conflict_id) {
    auto c = store.conflict(d->conflict_id);
    if (c && (c->status == "resolved" || c->status == "deferred")) {
      store.set_conflict_status(c->id, "open");
    }
  }
  audit(store, author, "decision.undo", {{"decision", d->id}, {"kind", d->kind}, {"person", d->person_id}});
  return *d;
}

}  // namespace hopnhat::admin
