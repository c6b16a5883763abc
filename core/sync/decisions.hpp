// Administrators' decisions inside a run: loaded before matching and applied before any
// automatic decision — pair decisions as constraints of the clustering, value decisions over the
// survivorship rules. A decision whose records or person disappeared is marked orphaned (and
// audited) so that a person looks at it again; it is never dropped silently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "match/engine.hpp"
#include "merge/survivorship.hpp"
#include "store/store.hpp"

namespace hopnhat::sync {

class RunDecisions {
 public:
  /// `records`: the run's records in (source, record id) byte order; pair decisions name them
  /// by their index there.
  RunDecisions(store::Store& store, const std::vector<store::StoredRecord>& records, bool dry_run);

  const match::PairDecisions& pairs() const { return pairs_; }
  /// Applies the value decisions on `person` to its golden record (the stored JSON shape);
  /// `members` are its records. Findings on decided fields are removed from `conflicts` (the
  /// administrator settled them).
  void apply(const std::string& person, const std::vector<const store::StoredRecord*>& members, nlohmann::json& golden,
             std::vector<merge::ConflictFinding>& conflicts);
  /// Whether an administrator decided a value of `person` (its golden record is then rebuilt).
  bool has_value_decision(const std::string& person) const {
    auto it = values_.lower_bound({person, ""});
    return it != values_.end() && it->first.first == person;
  }
  /// Whether an administrator confirmed that `person`, holding more records than a person
  /// should, is one person, and it holds no record beyond those confirmed.
  bool confirmed(const std::string& person, const std::vector<const store::StoredRecord*>& members) const;
  /// Marks value decisions on persons that no longer exist (retired or merged away) orphaned.
  void finish(const std::map<std::string, store::PersonRow>& persons, const std::function<bool(const std::string&)>& alive);

  /// Applies value decisions committed by administrators while this run was going (PostgreSQL
  /// lets them commit meanwhile), so that the golden records this run wrote do not hide them.
  void catch_up();

  std::int64_t applied() const { return applied_; }
  std::int64_t orphaned() const { return orphaned_; }

 private:
  void orphan(store::DecisionRow d, const std::string& why);

  store::Store& store_;
  bool dry_run_;
  match::PairDecisions pairs_;
  std::map<std::pair<std::string, std::string>, store::DecisionRow> values_;  // (person, field) → newest
  std::map<std::string, std::set<std::pair<std::string, std::string>>> confirmed_;  // person → its records then
  std::int64_t applied_ = 0, orphaned_ = 0;
  std::int64_t newest_seen_ = 0;  // the highest decision id loaded at the start
};

}  // namespace hopnhat::sync
