// Where a person is counted in a report that groups by unit (docs/reports.md, "Units and
// mergers"): the posting they held on the report's date (PersonRecord::timeline, whose unit
// codes the host resolved), carried through the crosswalk to the structure asked — the units
// valid on another date — the way the host's `units list` counts. A person whose own postings
// say which of several units they were in is placed by them; where nothing decides (a unit
// split over several, a new unit asked of the old structure with several predecessors), the
// person is not placed and the reason says why: never guessed. Immutable; thread-safe.
#pragma once

#include <string>

#include "hopnhat/sdk/record.hpp"
#include "hopnhat/sdk/units.hpp"

namespace hopnhat_reports {

struct Placement {
  std::string code;    // the unit valid on the structure date; "" when not placed
  std::string reason;  // when not placed: "not_posted" (held no posting that day), "none"
                       // (no unit written), "unresolved", "split", "ended", "predecessors"
  std::string text;    // the unit as the posting writes it (for a registry-less report, its group)
};

class Placer {
 public:
  /// `map` must outlive the placer; `as_of` and `structure` are ISO days.
  Placer(const hopnhat::sdk::UnitMap& map, std::string as_of, std::string structure)
      : map_(map), as_of_(std::move(as_of)), structure_(std::move(structure)) {}

  const hopnhat::sdk::UnitMap& map() const { return map_; }
  const std::string& as_of() const { return as_of_; }
  const std::string& structure() const { return structure_; }
  Placement place(const hopnhat::sdk::PersonRecord& p) const;
  /// The name of what `placement` counts under: the unit's name on the structure date; the
  /// posting's text when the configuration has no units; "" when neither.
  std::string label(const Placement& placement) const;

 private:
  const hopnhat::sdk::UnitMap& map_;
  std::string as_of_, structure_;
};

/// Of the units `code` (valid on `from`) became on `to`, the one person `p` went to: the only
/// one, else the one their own posting on `to` names. "" when nothing decides.
std::string successor_for(const hopnhat::sdk::UnitMap& map, const hopnhat::sdk::PersonRecord& p, const std::string& code,
                          const std::string& to);

}  // namespace hopnhat_reports
