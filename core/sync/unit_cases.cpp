#include "sync/unit_cases.hpp"

#include <limits>
#include <map>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "admin/audit.hpp"
#include "admin/decisions.hpp"
#include "merge/golden_text.hpp"
#include "org/positions.hpp"
#include "sync/timelines.hpp"
#include "org/unit_resolver.hpp"
#include "store/conflict_query.hpp"

namespace hopnhat::sync {

namespace {

std::string golden_value(const nlohmann::json& g, const char* field) {
  auto it = g.find(field);
  return it != g.end() && it->contains("value") && (*it)["value"].is_string() ? (*it)["value"].get<std::string>() : "";
}

const char* case_kind(const std::string& reason) {
  if (reason == "unresolved" || reason == "ambiguous") return "unit_unresolved";
  if (reason == "split") return "unit_split";
  return nullptr;  // "none" (nothing written) and "ended" (no successor) are the registry's to say
}

// The store's form of a registry row: (kind, key) and the row as JSON text.
using OrgRows = std::map<std::pair<std::string, std::string>, std::string>;

OrgRows rows_of(const org::OrgRegistry& registry) {
  OrgRows out;
  for (const org::Unit& u : registry.units()) {
    nlohmann::ordered_json row{{"code", u.code},         {"name", u.name},         {"kind", u.kind},      {"parent_code", u.parent_code},
                               {"valid_from", u.valid_from}, {"valid_to", u.valid_to}, {"aliases", u.aliases}};
    if (u.quota >= 0) row["quota"] = u.quota;  // absent when not given: a store of before keeps its rows unchanged
    out[{"unit", u.code + "@" + u.valid_from}] = row.dump();
  }
  for (const org::CrosswalkEdge& e : registry.crosswalk())
    out[{"crosswalk", e.old_code + ">" + e.new_code + "@" + e.valid_from}] =
        nlohmann::ordered_json{{"old_code", e.old_code}, {"new_code", e.new_code}, {"valid_from", e.valid_from},
                               {"share", e.partial ? "partial" : "full"}, {"legal_ref", e.legal_ref}}.dump();
  return out;
}

}  // namespace

RegistryChanges store_registry(store::Store& store, std::int64_t run_id, const org::OrgRegistry& registry) {
  const OrgRows now = rows_of(registry);
  const OrgRows before = store.org_rows();
  RegistryChanges n;
  nlohmann::json added = nlohmann::json::array(), changed = nlohmann::json::array(), removed = nlohmann::json::array();
  auto row_json = [](const std::string& kind, const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text);
    j["of"] = kind;
    return j;
  };
  for (const auto& [key, row] : now) {
    auto it = before.find(key);
    if (it != before.end() && it->second == row) continue;
    store.put_org_row(key.first, key.second, row, run_id);
    if (it == before.end()) {
      added.push_back(row_json(key.first, row));
      ++n.added;
    } else {
      changed.push_back({{"before", row_json(key.first, it->second)}, {"after", row_json(key.first, row)}});
      ++n.changed;
    }
  }
  for (const auto& [key, row] : before) {
    if (now.count(key)) continue;
    store.delete_org_row(key.first, key.second);
    removed.push_back(row_json(key.first, row));
    ++n.removed;
  }
  if (n.added || n.changed || n.removed) {
    admin::audit(store, "sync", "units.registry", {{"run", run_id}, {"added", added}, {"changed", changed}, {"removed", removed}});
    spdlog::info("units: the registry changed since the last run: {} rows added, {} changed, {} removed (audited)", n.added,
                 n.changed, n.removed);
  }
  return n;
}

std::vector<org::PersonPlace> person_places(store::Store& store, const org::OrgRegistry& registry) {
  const Timelines timelines(store, &registry);
  std::vector<org::PersonPlace> out;
  store.each_person([&](store::PersonRow&& p) {
    if (p.retired_run || p.golden.empty()) return;
    const nlohmann::json g = merge::decode_golden(p.golden);
    out.push_back({p.id, golden_value(g, "org_unit"), golden_value(g, "party_unit"), golden_value(g, "position"), {}});
    out.back().timeline = timelines.of(p.id, out.back().org_unit, out.back().position);
  });
  return out;
}

org::Headcount count_units(store::Store& store, const org::OrgRegistry& registry, const org::PositionLevels& levels,
                           const std::string& as_of) {
  const org::UnitResolver resolver(registry, store.unit_aliases());
  return org::count_heads(registry, resolver, levels, person_places(store, registry), as_of);
}

nlohmann::json headcount_json(const org::Headcount& count, const org::OrgRegistry& registry) {
  nlohmann::json out = {{"as_of", count.as_of},
                         {"persons", count.persons},
                         {"placed_by", count.placed_by},
                         {"by_posting", count.by_posting},
                         {"not_posted", count.not_posted},
                         {"disputed_postings", count.disputed}};
  out["units"] = nlohmann::json::array();
  nlohmann::json names = nlohmann::json::object();
  auto name_of = [&](const std::string& code) {
    if (const org::Unit* u = registry.latest(code)) names[code] = u->name;
  };
  for (const auto& u : count.units) {
    out["units"].push_back({{"code", u.unit->code}, {"name", u.unit->name}, {"kind", u.unit->kind}, {"parent_code", u.unit->parent_code},
                            {"headcount", u.headcount}, {"heads", u.heads}, {"deputies", u.deputies}, {"predecessors", u.predecessors}});
    for (const auto& p : u.predecessors) name_of(p);
  }
  out["unplaced"] = nlohmann::json::array();
  for (const auto& n : count.unplaced) {
    out["unplaced"].push_back({{"text", n.text}, {"reason", n.reason}, {"candidates", n.candidates}, {"persons", n.persons}});
    for (const auto& c : n.candidates) name_of(c);
  }
  out["names"] = std::move(names);
  return out;
}

std::string unit_case_candidates(const org::OrgRegistry& registry, const org::Unplaced& unplaced, const std::string& as_of) {
  nlohmann::json cands = nlohmann::json::array();
  for (const auto& code : unplaced.candidates) {
    const org::Unit* u = registry.find(code, as_of);
    if (!u) u = registry.latest(code);
    const std::string name = u ? u->name : code;
    cands.push_back({{"code", code}, {"name", name}, {"value", name + " (" + code + ")"}, {"persons", unplaced.persons}});
  }
  return cands.dump();
}

namespace {

// One case per person whose sources name different units as their posting today: the candidates
// are those postings (the unit, since when, who states it). The answer — which one is current —
// holds on later runs (Timelines marks that posting "decision:#ID"); undone, the case reopens.
void keep_posting_cases(store::CaseStore& store, std::int64_t run_id, const org::OrgRegistry& registry,
                        const std::vector<org::PersonPlace>& places, const org::Headcount& count, const std::string& as_of,
                        RunReport& report) {
  std::map<std::string, store::ConflictRow> live;  // by person
  store::ConflictQuery q;
  q.statuses = {"open", "deferred", "settled"};
  q.kind = "posting_disputed";
  q.sort = "oldest";
  q.limit = std::numeric_limits<std::int32_t>::max();
  for (auto& c : store.conflict_page(q).rows) live.emplace(c.person_id, std::move(c));
  std::map<std::string, const org::PersonPlace*> place_of;
  for (const auto& p : places) place_of[p.person_id] = &p;
  for (const std::string& person : count.disputed) {
    auto place = place_of.find(person);
    if (place == place_of.end()) continue;
    nlohmann::json cands = nlohmann::json::array();
    for (const sdk::PersonPeriod* p : org::current_disputes(place->second->timeline, as_of)) {
      const org::Unit* u = p->unit_code.empty() ? nullptr : registry.find(p->unit_code, as_of);
      if (!u && !p->unit_code.empty()) u = registry.latest(p->unit_code);
      const std::string text = p->fields.count("unit") ? p->fields.at("unit") : "";
      const std::string name = u ? u->name : text;
      cands.push_back({{"code", p->unit_code}, {"name", name}, {"unit", text}, {"from", p->from},
                       {"value", p->unit_code.empty() ? name : name + " (" + p->unit_code + ")"},
                       {"position", p->fields.count("position") ? p->fields.at("position") : ""}, {"stated_by", p->sources}});
    }
    if (cands.size() < 2) continue;
    store::ConflictRow row{0, person, "org_unit", "posting_disputed", "open", cands.dump(), run_id, std::nullopt};
    row.severity = admin::case_severity(row, cands);
    row.unit = cands[0].value("name", "");
    row.sources = store::sources_column({});
    auto it = live.find(person);
    if (it == live.end()) {
      store.put_conflict(row);
      ++report.units.posting_opened;
    } else {
      if (it->second.candidates != row.candidates || it->second.severity != row.severity) {
        it->second.candidates = row.candidates;
        it->second.severity = row.severity;
        it->second.unit = row.unit;
        store.put_conflict(it->second);
      }
      live.erase(it);
    }
    ++report.units.posting_open;
  }
  for (auto& [person, c] : live) {  // no dispute any more: the sources agree, or an answer holds
    c.status = "closed";
    c.closed_run = run_id;
    store.put_conflict(c);
    ++report.units.posting_closed;
  }
}

}  // namespace

void keep_unit_cases(store::Store& store, std::int64_t run_id, const org::OrgRegistry& registry, const std::string& as_of,
                     RunReport& report) {
  const std::vector<org::PersonPlace> places = person_places(store, registry);
  const org::UnitResolver resolver(registry, store.unit_aliases());
  const org::Headcount count = org::count_heads(registry, resolver, org::PositionLevels(), places, as_of);
  keep_posting_cases(store, run_id, registry, places, count, as_of, report);
  report.units.counted = true;
  report.units.unplaced = 0;
  for (const auto& n : count.unplaced) report.units.unplaced += n.persons;
  report.units.placed = count.persons - report.units.unplaced;
  report.units.by_posting = count.by_posting;
  report.units.not_posted = count.not_posted;
  report.units.disputed_postings = static_cast<std::int64_t>(count.disputed.size());
  if (!count.disputed.empty())
    spdlog::warn("units: {} persons have sources that name different units as their posting today (each counted where "
                 "most sources put them until an administrator answers; a posting_disputed case each: {} opened, {} closed)",
                 count.disputed.size(), report.units.posting_opened, report.units.posting_closed);

  // The unit cases still waiting, by what they are about (kind and text); read by kind, not
  // with the other cases (a large queue holds a hundred thousand of those).
  std::map<std::pair<std::string, std::string>, store::ConflictRow> live;
  for (const char* kind : {"unit_unresolved", "unit_split"}) {
    store::ConflictQuery q;
    q.statuses = {"open", "deferred", "settled"};
    q.kind = kind;
    q.sort = "oldest";
    q.limit = std::numeric_limits<std::int32_t>::max();
    for (auto& c : store.conflict_page(q).rows) live.emplace(std::make_pair(c.kind, c.field), std::move(c));
  }

  for (const org::Unplaced& n : count.unplaced) {
    const char* kind = case_kind(n.reason);
    if (!kind || n.text.empty()) continue;
    store::ConflictRow row{0, n.person_ids.front(), n.text, kind, "open", unit_case_candidates(registry, n, as_of), run_id, std::nullopt};
    row.severity = admin::case_severity(row, nlohmann::json::parse(row.candidates));
    row.unit = n.text;
    row.sources = store::sources_column({});
    auto it = live.find({kind, n.text});
    if (it == live.end()) {
      store.put_conflict(row);
      ++report.units.opened;
      spdlog::debug("unit \"{}\" ({} persons): {}; a case is open", n.text, n.persons, n.reason);
    } else {
      store::ConflictRow& c = it->second;
      if (c.candidates != row.candidates || c.person_id != row.person_id || c.severity != row.severity) {
        c.candidates = row.candidates;
        c.person_id = row.person_id;
        c.severity = row.severity;
        c.unit = row.unit;
        store.put_conflict(c);
      }
      live.erase(it);
    }
    ++report.units.open;
  }
  // What no person writes any more, or what now resolves (an administrator answered it).
  for (auto& [key, c] : live) {
    c.status = "closed";
    c.closed_run = run_id;
    store.put_conflict(c);
    ++report.units.closed;
  }
  if (report.units.opened || report.units.closed || report.units.open)
    spdlog::info("units: {} persons placed, {} not; {} unit names wait for an answer ({} opened, {} closed)", report.units.placed,
                 report.units.unplaced, report.units.open, report.units.opened, report.units.closed);
}

}  // namespace hopnhat::sync
