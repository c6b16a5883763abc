// Headcount per unit on a date (issue #21, items 1, 3 and 4): each living person is placed by
// the posting their timeline holds on the date, or where no source dates postings, by the unit their record names — `org_unit`, else the unit their party cell is named after
// (`party_unit`: "Chi bộ Văn phòng" names Văn phòng) — resolved (unit_resolver.hpp) and carried
// through the crosswalk to the units valid on the date. A person whose unit cannot be resolved,
// or whose unit split over several (a `partial` crosswalk) with nothing to say which, is not
// counted in any unit: they are listed with the text and the candidates, never guessed.
// Pure function; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hopnhat/sdk/record.hpp"
#include "org/positions.hpp"
#include "org/unit_resolver.hpp"
#include "org/units.hpp"

namespace hopnhat::org {

/// What the count needs of a person: their golden values, and their timeline when any source
/// dates their postings (timeline.hpp). With postings, the person is placed by the posting valid
/// on the date, and not counted at all on a date they held none (before they joined, after they
/// left); without, by the golden values, as today's.
struct PersonPlace {
  std::string person_id;
  std::string org_unit, party_unit, position;
  std::vector<sdk::PersonPeriod> timeline;
};

struct UnitCount {
  const Unit* unit = nullptr;
  std::int64_t headcount = 0, heads = 0, deputies = 0;
  std::vector<std::string> predecessors;
};

struct Unplaced {
  std::string text;  // the unit as written (org_unit, else party_unit); empty: none written
  std::string reason;  // "unresolved", "ambiguous", "split", "ended", "none"
  std::vector<std::string> candidates;
  std::int64_t persons = 0;
  std::vector<std::string> person_ids;  // who writes it, in the order given
};

struct Headcount {
  std::string as_of;
  std::vector<UnitCount> units;  // every unit valid on the date, in file order
  std::vector<Unplaced> unplaced;  // most persons first
  std::map<std::string, std::int64_t> placed_by;  // how the units were found: "name", "acronym", …
  std::int64_t persons = 0;
  std::int64_t by_posting = 0;   // persons placed by a dated posting (the rest by golden values)
  std::int64_t not_posted = 0;   // persons with dated postings, none on the date: not counted
  /// Persons whose sources name different units as their posting on the date (timeline.hpp's
  /// current_disputes): each is counted once, where most sources put them, and listed here.
  std::vector<std::string> disputed;
};

Headcount count_heads(const OrgRegistry& registry, const UnitResolver& resolver, const PositionLevels& levels,
                      const std::vector<PersonPlace>& persons, const std::string& as_of);

}  // namespace hopnhat::org
