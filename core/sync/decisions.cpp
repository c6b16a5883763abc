#include "sync/decisions.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include <spdlog/spdlog.h>

#include "admin/audit.hpp"
#include "admin/decisions.hpp"

namespace hopnhat::sync {

namespace {

// The index of a record in records sorted in (source, record id) byte order, or -1.
std::int64_t find_record(const std::vector<store::StoredRecord>& records, const std::pair<std::string, std::string>& key) {
  auto it = std::lower_bound(records.begin(), records.end(), key, [](const store::StoredRecord& r, const auto& k) {
    return std::tie(r.record.source, r.record.id) < std::tie(k.first, k.second);
  });
  if (it == records.end() || it->record.source != key.first || it->record.id != key.second) return -1;
  return it - records.begin();
}

}  // namespace

RunDecisions::RunDecisions(store::Store& store, const std::vector<store::StoredRecord>& records, bool dry_run)
    : store_(store), dry_run_(dry_run) {
  for (auto& d : store.decisions(true)) {
    newest_seen_ = std::max(newest_seen_, d.id);
    if (d.kind == "same" || d.kind == "different") {
      if (d.records.size() != 2) continue;
      const std::int64_t a = find_record(records, d.records[0]), b = find_record(records, d.records[1]);
      if (a < 0 || b < 0) {
        const auto& gone = a < 0 ? d.records[0] : d.records[1];
        orphan(d, "the record " + gone.first + ":" + gone.second + " is no longer in its source");
        continue;
      }
      (d.kind == "same" ? pairs_.same : pairs_.different).emplace_back(static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b));
      ++applied_;
    } else if (d.kind == "choose" || d.kind == "value") {
      values_[{d.person_id, d.field}] = d;  // decisions come oldest first: the newest wins
    } else if (d.kind == "confirm") {
      confirmed_[d.person_id] = {d.records.begin(), d.records.end()};  // the newest wins
      ++applied_;
    }
  }
}

bool RunDecisions::confirmed(const std::string& person, const std::vector<const store::StoredRecord*>& members) const {
  auto it = confirmed_.find(person);
  if (it == confirmed_.end()) return false;
  for (const store::StoredRecord* r : members)
    if (!it->second.count({r->record.source, r->record.id})) return false;
  return true;
}

void RunDecisions::orphan(store::DecisionRow d, const std::string& why) {
  ++orphaned_;
  d.status = "orphaned";
  d.status_note = why;
  store_.put_decision(d);
  if (!dry_run_) spdlog::warn("decision #{} needs a look again: {}", d.id, why);
  admin::audit(store_, "sync", "decision.orphaned", {{"decision", d.id}, {"reason", why}});
}

void RunDecisions::apply(const std::string& person, const std::vector<const store::StoredRecord*>& members,
                         nlohmann::json& golden, std::vector<merge::ConflictFinding>& conflicts) {
  for (auto it = values_.lower_bound({person, ""}); it != values_.end() && it->first.first == person;) {
    const store::DecisionRow& d = it->second;
    if (d.kind == "choose") {
      bool present = false;
      for (const auto* r : members) present = present || (r->record.source == d.source && r->record.id == d.record_id);
      if (!present) {
        orphan(d, "the chosen record " + d.source + ":" + d.record_id + " no longer belongs to " + person);
        it = values_.erase(it);
        continue;
      }
    }
    admin::apply_decided_value(d, golden);
    std::erase_if(conflicts, [&](const merge::ConflictFinding& f) { return f.field == d.field; });
    ++applied_;
    it = values_.erase(it);  // applied: what is left at the end lost its person
  }
}

void RunDecisions::catch_up() {
  for (const auto& d : store_.decisions(true)) {
    if (d.id <= newest_seen_ || (d.kind != "choose" && d.kind != "value")) continue;
    if (admin::write_decided_value(store_, d)) ++applied_;
  }
}

void RunDecisions::finish(const std::map<std::string, store::PersonRow>& persons, const std::function<bool(const std::string&)>& alive) {
  for (auto& [key, d] : values_) {
    auto p = persons.find(key.first);
    std::string why = p == persons.end() || !alive(key.first)
                          ? "the person " + key.first + " no longer exists" +
                                (p != persons.end() && !p->second.merged_into.empty() ? " (merged into " + p->second.merged_into + ")" : "")
                          : "the person " + key.first + " was not reconciled";
    orphan(d, why);
  }
  values_.clear();
}

}  // namespace hopnhat::sync
