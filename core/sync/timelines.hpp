// The persons' timelines as the store holds them (docs/organisation.md, "Postings, grades and
// party history"): every dated history row of the live records, read once, merged per person
// with the person's golden org_unit and position (org/timeline.hpp). What the units count, the
// exporters that ask for "timeline" and `persons` share. Read-only after construction: of()
// may be called from any thread; the registry must outlive the object.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hopnhat/sdk/record.hpp"
#include "org/positions.hpp"
#include "org/timeline.hpp"
#include "org/unit_resolver.hpp"
#include "org/units.hpp"
#include "store/store.hpp"

namespace hopnhat::sync {

class Timelines {
 public:
  /// Reads the dated rows of `store`; `registry` (may be null) resolves the postings' units and
  /// carries undated ones through its crosswalk, with the administrators' unit answers;
  /// `levels` says each posting's level (PersonPeriod::level).
  Timelines(store::Store& store, const org::OrgRegistry* registry, org::PositionLevels levels = org::PositionLevels());
  /// The same for one person only (a person page).
  Timelines(store::Store& store, const org::OrgRegistry* registry, const std::string& person_id,
            org::PositionLevels levels = org::PositionLevels());
  Timelines(const Timelines&) = delete;  // its functions point into it
  Timelines& operator=(const Timelines&) = delete;

  /// The timeline of the person: empty when no record of theirs dates any history.
  std::vector<sdk::PersonPeriod> of(const std::string& person_id, const std::string& org_unit, const std::string& position) const;
  /// of(), and for a person no record dates the one undated posting their golden values stand
  /// for (`org_unit`, else the unit `party_unit` names), resolved as `units list` resolves it
  /// when a registry is configured: what an exporter counting by unit needs of everyone.
  std::vector<sdk::PersonPeriod> of_or_golden(const std::string& person_id, const std::string& org_unit,
                                              const std::string& party_unit, const std::string& position) const;
  /// How many persons have dated rows.
  std::size_t persons() const { return dated_.size(); }

 private:
  void resolve_with(store::Store& store, const org::OrgRegistry* registry);
  /// Levels on the postings, and the decided posting marked (PersonPeriod::sources gains "decision:#ID").
  std::vector<sdk::PersonPeriod> finished(const std::string& person_id, std::vector<sdk::PersonPeriod> timeline) const;

  std::map<std::string, std::vector<org::StatedRow>> dated_;  // by person id
  std::optional<org::UnitResolver> resolver_;
  org::UnitOf unit_of_;
  org::SucceededBy succeeded_by_;
  org::PositionLevels levels_;
  // Administrators' answers to disputed postings: person → (unit code, decision id).
  std::map<std::string, std::pair<std::string, std::int64_t>> decided_;
};

}  // namespace hopnhat::sync
