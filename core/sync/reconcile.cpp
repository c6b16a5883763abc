#include "sync/reconcile.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "base/memory.hpp"
#include "base/parallel.hpp"
#include "match/engine.hpp"
#include "match/features.hpp"
#include "match/person_ids.hpp"
#include "sync/match_scope.hpp"
#include "sync/decisions.hpp"
#include "sync/progress.hpp"
#include "text/normalize.hpp"

namespace hopnhat::sync {
namespace {

// What a run keeps of a stored golden record (see reconcile()).
struct GoldenState {
  std::size_t hash = 0;
  bool empty = true;     // no golden record yet
  bool decided = false;  // an administrator's decision set one of its values
};

std::string new_person_id(store::Store& store) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "P%07lld", static_cast<long long>(store.next_counter("person")));
  return buf;
}

// Open conflicts are found again by what they are about, not by their row id.
std::string conflict_key(const std::string& kind, const std::string& person, const std::string& field) {
  return kind + '\x1f' + person + '\x1f' + field;
}

// The fields whose golden value differs between the stored golden JSON and the new one.
void record_changes(store::Store& store, std::int64_t run_id, const std::string& started_at, const std::string& person,
                    const std::string& old_text, const nlohmann::json& now) {
  const nlohmann::json before = nlohmann::json::parse(old_text);
  auto value_of = [](const nlohmann::json& golden, const std::string& field) -> std::string {
    auto it = golden.find(field);
    return it == golden.end() ? "" : it->value("value", "");
  };
  std::set<std::string> fields;
  for (auto& [k, v] : before.items()) fields.insert(k);
  for (auto& [k, v] : now.items()) fields.insert(k);
  for (const auto& f : fields) {
    std::string a = value_of(before, f), b = value_of(now, f);
    if (a != b) store.put_person_change({person, run_id, started_at, f, a, b});
  }
}

}  // namespace

void reconcile(store::Store& store, std::int64_t run_id, const match::MatchSettings& settings,
               const merge::SurvivorshipRules& rules, const RunChanges& changes, const ReconcileOptions& options,
               RunReport& report) {
  auto lap = std::chrono::steady_clock::now();
  auto stage = [&](const char* name) {  // sub-stage durations for the run report
    auto now = std::chrono::steady_clock::now();
    report.stage_seconds[std::string("reconcile.") + name] += std::chrono::duration<double>(now - lap).count();
    spdlog::debug("stage reconcile.{} done: resident {} MiB, peak {} MiB", name, base::resident_mib(), base::resident_mib("VmHWM"));
    lap = now;
  };
  const std::string started_at = report.started_at;
  // The survivorship rules travel with the model: when they change, every golden record is
  // rebuilt; otherwise only those of the persons this run touched (below).
  nlohmann::json rules_json = {{"source_priority", rules.source_priority}, {"fields", rules.field_priority}};
  bool rules_changed = true;
  std::optional<match::ModelParameters> last_model;  // when trained under these match settings
  std::string last_model_text;
  if (auto previous = store.latest_model()) {
    nlohmann::json prev = nlohmann::json::parse(*previous);
    rules_changed = !prev.contains("survivorship") || prev["survivorship"] != rules_json;
    if (prev.contains("settings") && prev["settings"] == match::settings_to_json(settings)) {
      last_model = match::ModelParameters::from_json(prev);
      last_model_text = *previous;
    }
  }

  // Persons without their golden text (a million of them would take gigabytes): what the run
  // needs of it is whether there is one, whether a decision set a value in it, and a hash to
  // tell whether a rebuilt one changed. The text itself is read again for the few that did.
  absl::flat_hash_map<std::string, GoldenState> golden_of;
  auto keep_golden_state = [&](store::PersonRow& p) {
    golden_of[p.id] = {std::hash<std::string>{}(p.golden), p.golden.empty(),
                       p.golden.find("\"rule\":\"decision\"") != std::string::npos};
    std::string().swap(p.golden);
  };
  // Few records changed, and the model and rules stand: only the records near them are matched.
  std::optional<MatchScope> scope;
  if (!options.rematch && last_model && !rules_changed)
    scope = incremental_scope(store, settings, *last_model, changes, report.dry_run, keep_golden_state, stage);
  if (!scope) {
    if (options.keep_model && !last_model) throw std::runtime_error("--keep-model: no model trained under these match settings yet");
    scope = full_scope(store, settings, options.keep_model ? &*last_model : nullptr, report.dry_run, keep_golden_state, stage);
  }
  std::vector<store::StoredRecord>& records = scope->records;
  std::vector<text::NormalizedFields>& normalized = scope->normalized;
  auto& links = scope->links;
  auto& persons = scope->persons;
  RunDecisions& decisions = *scope->decisions;
  match::MatchResult& result = scope->result;
  report.match = result.stats;
  auto stored_golden = [&](const std::string& id) {
    auto it = golden_of.find(id);
    return it == golden_of.end() ? GoldenState{} : it->second;
  };
  // Writes a person whose golden record is not in memory: the stored one is kept.
  auto put_person_keeping_golden = [&](const store::PersonRow& person) {
    store::PersonRow row = person;
    if (!stored_golden(person.id).empty)
      if (auto stored = store.person(person.id)) row.golden = std::move(stored->golden);
    store.put_person(row);
  };
  if (scope->result.stats.incremental || options.keep_model) {
    store.put_model(run_id, last_model_text);
  } else {
    nlohmann::json model_json = result.model.to_json(settings);
    model_json["survivorship"] = rules_json;
    store.put_model(run_id, model_json.dump());
  }
  stage("match");

  // Persons: keep, create (with lineage), merge.
  match::PersonAssignment assignment = match::assign_persons(result.cluster_of, result.clusters, scope->current);
  decltype(scope->current)().swap(scope->current);
  std::vector<std::string> cluster_person = assignment.cluster_person;
  for (std::size_t c = 0; c < cluster_person.size(); ++c) {
    if (!cluster_person[c].empty()) continue;
    cluster_person[c] = new_person_id(store);
    store::PersonRow row{cluster_person[c], run_id, run_id, std::nullopt, "", "", assignment.split_from[c]};
    persons[row.id] = row;  // stored with its golden record below (foreign keys are checked at commit)
    ++report.persons.created;
    if (!row.split_from.empty()) ++report.persons.split;
  }
  std::unordered_set<std::string> alive(cluster_person.begin(), cluster_person.end());
  // The persons this run may have changed: a member record new or changed, a link made, moved or
  // ended, a merge, a value decision. The others keep their golden record and cases as stored.
  absl::flat_hash_set<std::string> affected;
  for (std::size_t i = 0; i < records.size(); ++i)
    if (records[i].changed_run == run_id) affected.insert(cluster_person[result.cluster_of[i]]);
  for (const auto& [absorbed, cluster] : assignment.merged) {
    auto& row = persons[absorbed];
    affected.insert(absorbed);
    affected.insert(cluster_person[cluster]);
    if (row.retired_run) continue;
    row.merged_into = cluster_person[cluster];
    ++report.persons.merged;
  }

  // Links.
  absl::flat_hash_set<std::uint32_t> in_review;
  for (const auto& p : result.review) {
    in_review.insert(p.a);
    in_review.insert(p.b);
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i].record;
    std::optional<double> score;
    if (result.score[i] >= 0) score = result.score[i];
    store::LinkRow want{r.source,
                        r.id,
                        cluster_person[result.cluster_of[i]],
                        in_review.count(static_cast<std::uint32_t>(i)) ? "review" : "linked",
                        score,
                        result.rule[i],
                        run_id,
                        std::move(scope->keys[i])};
    auto it = links.empty() ? links.end() : links.find(record_key(r.source, r.id));  // empty: a first run
    if (it != links.end()) {
      it->second.run_id = -1;  // seen: an active record still has this link
      store::LinkRow have = it->second;
      have.run_id = run_id;
      if (have.score && want.score && std::abs(*have.score - *want.score) < 1e-9) have.score = want.score;
      if (have == want) continue;
      affected.insert(have.person_id);
    }
    affected.insert(want.person_id);
    store.put_link(want);
  }
  for (auto& [key, l] : links) {
    if (l.run_id == -1 || l.status == "deleted") continue;
    l.status = "deleted";  // the link stays for history
    l.run_id = run_id;
    affected.insert(l.person_id);
    store.put_link(l);
  }

  std::unordered_map<std::string, store::LinkRow>().swap(links);
  stage("links");

  // Golden records, value conflicts and review cases.
  // A person's golden record is rebuilt when the run touched it (or the rules changed); the
  // others keep theirs, so only the members of the rebuilt ones are gathered.
  // A value an administrator decided, whose decision was undone since, goes back to the rules.
  auto rebuilt = [&](const std::string& id, const store::PersonRow& person) {
    GoldenState g = stored_golden(id);
    return rules_changed || affected.count(id) || decisions.has_value_decision(id) || g.empty || person.retired_run ||
           !person.merged_into.empty() || g.decided;
  };
  struct Members {
    std::vector<const store::StoredRecord*> records;
    std::vector<const text::NormalizedFields*> values;  // values[k] of records[k]
  };
  std::unordered_map<std::string, Members> members;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string& id = cluster_person[result.cluster_of[i]];
    auto p = persons.find(id);
    if (p != persons.end() && !rebuilt(id, p->second)) continue;
    Members& m = members[id];
    m.records.push_back(&records[i]);
    m.values.push_back(&normalized[i]);
  }
  std::map<std::string, store::ConflictRow> open;
  std::map<std::string, std::vector<std::string>> open_of_person;  // value cases, by person
  for (auto& c : store.conflicts(true)) {
    std::string key = conflict_key(c.kind, c.kind == "match_review" ? "" : c.person_id, c.field);
    if (c.kind != "match_review") open_of_person[c.person_id].push_back(key);
    open.emplace(std::move(key), std::move(c));
  }
  std::set<std::string> still_open;
  auto keep_open = [&](const std::string& key, const std::string& person, const std::string& field, const std::string& kind,
                       const std::string& candidates) {
    still_open.insert(key);
    auto it = open.find(key);
    if (it == open.end()) {
      store.put_conflict({0, person, field, kind, "open", candidates, run_id, std::nullopt});
      ++report.conflicts.opened;
      spdlog::info("person {}: {} on {}; a case is open", person, kind == "match_review" ? "a possible match waits for review" : "its sources disagree", field);
    } else if (it->second.candidates != candidates || it->second.person_id != person) {
      it->second.candidates = candidates;
      it->second.person_id = person;
      store.put_conflict(it->second);
    }
  };

  // Who is rebuilt, in id order; the others retire or keep what they have.
  std::vector<std::pair<const std::string*, store::PersonRow*>> todo;
  for (auto& [id, person] : persons) {
    if (!alive.count(id)) {
      if (!person.retired_run) {
        person.retired_run = run_id;
        person.updated_run = run_id;
        put_person_keeping_golden(person);
        ++report.persons.retired;
      }
      continue;
    }
    ++report.persons.total;
    if (!rebuilt(id, person)) {
      for (const auto& key : open_of_person[id]) still_open.insert(key);  // its cases stand as they are
      continue;
    }
    todo.emplace_back(&id, &person);
  }
  // Golden records are built on every core a slice at a time (survivorship is a pure function);
  // what follows — decisions, store writes, case numbering — runs here, in id order.
  Progress progress("persons", static_cast<std::int64_t>(todo.size()));
  constexpr std::size_t kSlice = 1 << 15;
  std::vector<merge::GoldenRecord> built;
  std::vector<std::string> built_text;
  for (std::size_t from = 0; from < todo.size(); from += kSlice) {
    const std::size_t n = std::min(kSlice, todo.size() - from);
    built.assign(n, {});
    built_text.assign(n, {});
    base::parallel_slices(n, [&](std::size_t b, std::size_t e, unsigned) {
      for (std::size_t k = b; k < e; ++k) {
        const std::string& id = *todo[from + k].first;
        if (decisions.has_value_decision(id)) continue;  // built below, where decisions apply
        auto m = members.find(id);  // read-only here: several threads look up at once
        built[k] = m == members.end() ? merge::GoldenRecord{} : merge::build_golden(m->second.records, m->second.values, rules);
        built_text[k] = built[k].to_text();
      }
    });
    // Which changed (and of those, which count as updated: not created by this run), with the
    // stored text of those that had one, read before this slice writes anything (on PostgreSQL
    // a read first sends the buffered writes).
    std::vector<std::optional<nlohmann::json>> decided(n);  // the golden tree, when decisions changed it
    std::vector<char> changed(n), updated(n);
    std::vector<std::string> before(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::string& id = *todo[from + k].first;
      const store::PersonRow& person = *todo[from + k].second;
      if (decisions.has_value_decision(id)) {
        const Members& m = members[id];
        built[k] = merge::build_golden(m.records, m.values, rules);
        decided[k] = built[k].to_json();
        decisions.apply(id, m.records, *decided[k], built[k].conflicts);
        built_text[k] = decided[k]->dump();
      }
      const GoldenState old = stored_golden(id);
      changed[k] = old.empty || old.hash != std::hash<std::string>{}(built_text[k]) || person.retired_run;
      updated[k] = changed[k] && !(person.created_run == run_id && old.empty);
      if (updated[k] && !old.empty)
        if (auto stored = store.person(id)) before[k] = std::move(stored->golden);
    }
    for (std::size_t k = 0; k < n; ++k) {
      progress.advance();
      const std::string& id = *todo[from + k].first;
      store::PersonRow& person = *todo[from + k].second;
      const merge::GoldenRecord& golden = built[k];
      if (changed[k]) {
        if (updated[k]) {
          ++report.persons.updated;
          if (!before[k].empty())
            record_changes(store, run_id, started_at, id, before[k], decided[k] ? *decided[k] : golden.to_json());
        }
        person.golden = std::move(built_text[k]);
        person.updated_run = run_id;
        person.retired_run.reset();
        person.merged_into.clear();
        store.put_person(person);
        std::string().swap(person.golden);  // written: not kept for the rest of the run
      }
      for (const auto& f : golden.conflicts)
        keep_open(conflict_key(f.kind, id, f.field), id, f.field, f.kind, f.candidates.dump());
    }
  }
  for (const auto& p : result.review) {
    const auto& a = records[p.a].record;
    const auto& b = records[p.b].record;
    nlohmann::json cands = nlohmann::json::array();
    for (std::uint32_t r : {p.a, p.b})
      cands.push_back({{"source", records[r].record.source}, {"record_id", records[r].record.id},
                       {"person_id", cluster_person[result.cluster_of[r]]}, {"score", p.probability}});
    std::string field = a.source + ":" + a.id + " ~ " + b.source + ":" + b.id;
    std::string key = conflict_key("match_review", "", field);
    keep_open(key, cluster_person[result.cluster_of[p.a]], field, "match_review", cands.dump());
  }
  for (auto& [k, c] : open) {
    if (still_open.count(k)) continue;
    if (!scope->whole && !persons.count(c.person_id)) {  // about a person outside the region: it stands
      still_open.insert(k);
      continue;
    }
    c.status = "closed";
    c.closed_run = run_id;
    store.put_conflict(c);
    ++report.conflicts.closed;
  }
  decisions.finish(persons, alive);
  decisions.catch_up();
  report.decisions.applied = decisions.applied();
  report.decisions.orphaned = decisions.orphaned();
  report.conflicts.open = static_cast<std::int64_t>(still_open.size());
  report.persons.total += scope->persons_outside;
  stage("golden");
  report.review_records = static_cast<std::int64_t>(in_review.size()) + scope->review_outside;
}

}  // namespace hopnhat::sync
