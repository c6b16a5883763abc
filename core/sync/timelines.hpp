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
#include "org/timeline.hpp"
#include "org/unit_resolver.hpp"
#include "org/units.hpp"
#include "store/store.hpp"

namespace hopnhat::sync {

class Timelines {
 public:
  /// Reads the dated rows of `store`; `registry` (may be null) resolves the postings' units and
  /// carries undated ones through its crosswalk, with the administrators' unit answers.
  Timelines(store::Store& store, const org::OrgRegistry* registry);
  /// The same for one person only (a person page).
  Timelines(store::Store& store, const org::OrgRegistry* registry, const std::string& person_id);
  Timelines(const Timelines&) = delete;  // its functions point into it
  Timelines& operator=(const Timelines&) = delete;

  /// The timeline of the person: empty when no record of theirs dates any history.
  std::vector<sdk::PersonPeriod> of(const std::string& person_id, const std::string& org_unit, const std::string& position) const;
  /// How many persons have dated rows.
  std::size_t persons() const { return dated_.size(); }

 private:
  void resolve_with(store::Store& store, const org::OrgRegistry* registry);

  std::map<std::string, std::vector<org::StatedRow>> dated_;  // by person id
  std::optional<org::UnitResolver> resolver_;
  org::UnitOf unit_of_;
  org::SucceededBy succeeded_by_;
};

}  // namespace hopnhat::sync
