#include "sync/reconcile.hpp"

#include <cstdio>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "hopnhat/sdk/fields.hpp"
#include "match/citizen_id_linker.hpp"
#include "text/normalize.hpp"

namespace hopnhat::sync {
namespace {

std::string record_key(const std::string& source, const std::string& id) { return source + '\x1f' + id; }

std::string new_person_id(store::Store& store) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "P%07lld", static_cast<long long>(store.next_counter("person")));
  return buf;
}

}  // namespace

void reconcile(store::Store& store, std::int64_t run_id, const merge::SurvivorshipRules& rules, RunReport& report) {
  std::vector<store::StoredRecord> records = store.active_records();
  std::map<std::string, store::LinkRow> links;
  for (auto& l : store.links()) links.emplace(record_key(l.source, l.record_id), std::move(l));
  std::map<std::string, store::PersonRow> persons;
  for (auto& p : store.persons()) persons.emplace(p.id, std::move(p));

  // Link.
  const sdk::FieldInfo* cccd = sdk::find_field("citizen_id");
  std::vector<match::LinkInput> inputs(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i].record;
    if (auto it = r.fields.find("citizen_id"); it != r.fields.end()) {
      auto nv = text::normalize_value(*cccd, it->second);
      if (nv.valid) inputs[i].key = nv.value;
    }
    auto l = links.find(record_key(r.source, r.id));
    if (l != links.end() && l->second.status == "linked") {
      auto p = persons.find(l->second.person_id);
      if (p != persons.end() && !p->second.retired_run) inputs[i].current_person = l->second.person_id;
    }
  }
  match::Linkage linkage = match::link_by_citizen_id(inputs);

  // Persons: allocate new ones, apply links.
  std::set<std::string> alive;
  std::vector<std::string> cluster_person(linkage.clusters.size());
  for (std::size_t c = 0; c < linkage.clusters.size(); ++c) {
    auto& cl = linkage.clusters[c];
    if (cl.members.empty()) continue;
    if (cl.person_id.empty()) {
      cl.person_id = new_person_id(store);
      persons[cl.person_id] = store::PersonRow{cl.person_id, run_id, run_id, std::nullopt, ""};
      store.put_person(persons[cl.person_id]);  // before its links refer to it
      ++report.persons.created;
    }
    report.persons.merged += static_cast<std::int64_t>(cl.absorbed.size());
    cluster_person[c] = cl.person_id;
    alive.insert(cl.person_id);
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i].record;
    store::LinkRow want{r.source, r.id, cluster_person[linkage.cluster_of[i]], "linked", linkage.score[i],
                        linkage.rule[i], run_id};
    auto it = links.find(record_key(r.source, r.id));
    if (it != links.end()) {
      store::LinkRow have = it->second;
      have.run_id = run_id;
      if (have == want) continue;
    }
    store.put_link(want);
  }
  // Links of deleted records stay, marked deleted, for history.
  std::set<std::string> active_keys;
  for (const auto& r : records) active_keys.insert(record_key(r.record.source, r.record.id));
  for (auto& [key, l] : links) {
    if (active_keys.count(key) || l.status == "deleted") continue;
    l.status = "deleted";
    l.run_id = run_id;
    store.put_link(l);
  }

  // Golden records and conflicts.
  std::map<std::string, std::vector<const store::StoredRecord*>> members;
  for (std::size_t i = 0; i < records.size(); ++i)
    members[cluster_person[linkage.cluster_of[i]]].push_back(&records[i]);
  std::map<std::pair<std::string, std::string>, store::ConflictRow> open;
  for (auto& c : store.conflicts(true)) open.emplace(std::make_pair(c.person_id, c.field), std::move(c));
  std::set<std::pair<std::string, std::string>> still_open;

  for (auto& [id, person] : persons) {
    bool is_alive = alive.count(id) > 0;
    if (!is_alive) {
      if (!person.retired_run) {
        person.retired_run = run_id;
        person.updated_run = run_id;
        store.put_person(person);
        ++report.persons.retired;
      }
      continue;
    }
    ++report.persons.total;
    merge::GoldenRecord golden = merge::build_golden(members[id], rules);
    std::string golden_text = golden.fields.dump();
    bool created = person.created_run == run_id && person.golden.empty();
    if (golden_text != person.golden || person.retired_run) {
      if (!created) ++report.persons.updated;
      person.golden = golden_text;
      person.updated_run = run_id;
      person.retired_run.reset();
      store.put_person(person);
    }
    for (auto& f : golden.conflicts) {
      auto k = std::make_pair(id, f.field);
      still_open.insert(k);
      std::string cands = f.candidates.dump();
      auto it = open.find(k);
      if (it == open.end()) {
        store.put_conflict({0, id, f.field, f.kind, "open", cands, run_id, std::nullopt});
        ++report.conflicts.opened;
        spdlog::info("person {}: its sources disagree on {} ({} values); a conflict is open", id, f.field,
                     f.candidates.size());
        if (spdlog::should_log(spdlog::level::debug)) {
          const bool identifier = f.field == "citizen_id";
          for (const auto& c : f.candidates)
            spdlog::debug("  {} {}: {}", c["source"].get<std::string>(), text::mask_id(c["record_id"].get<std::string>()),
                          identifier ? text::mask_id(c["value"].get<std::string>()) : c["value"].get<std::string>());
        }
      } else if (it->second.candidates != cands) {
        it->second.candidates = cands;
        store.put_conflict(it->second);
      }
    }
  }
  for (auto& [k, c] : open) {
    if (still_open.count(k)) continue;
    c.status = "closed";
    c.closed_run = run_id;
    store.put_conflict(c);
    ++report.conflicts.closed;
  }
  report.conflicts.open = static_cast<std::int64_t>(still_open.size());
}

}  // namespace hopnhat::sync
