// A person's history over time (issue #21, item 3): postings (unit, position), grades (grade
// code, salary step and coefficient) and party events (event, cell), each with its dates, as
// the sources state them (sdk::HistoryRow, SDK ABI 4) and as the host merges them for a person
// (sdk::PersonPeriod).
//
// Merging works per period. Rows of one kind that say the same thing — a posting to the same
// unit (resolved through the registry, else the same folded text) with the same position, the
// same grade, the same party event — and whose days overlap or touch are one period: its first
// day the earliest any source states, its last the latest (open when any source says it still
// lasts), its sources all of theirs. A record that keeps no history contributes one posting from
// its `org_unit` and `position` with no dates (the person's golden values): it joins a stated period of the same unit without
// moving its ends (an office sheet that still names last year's unit does not keep a closed
// posting open), and stands alone otherwise. Two open postings of different units that come
// from different records are the person's *current* posting in dispute: current_disputes()
// names them, and the run opens a case (docs/organisation.md). Pure functions; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hopnhat/sdk/record.hpp"
#include "hopnhat/sdk/units.hpp"

namespace hopnhat::org {

class OrgRegistry;

/// Checks a record's history rows and reads their dates into ISO form in place (dd/mm/yyyy,
/// mm/yyyy, yyyy, ISO, Excel serials): a kind of posting, grade or party; dates that parse;
/// the first day not after the last; a posting with a unit, a grade with a grade code, a party
/// row with an event. Returns the first problem as a sentence that names the row's origin.
std::optional<std::string> normalize_history(std::vector<sdk::HistoryRow>& rows);

/// One source row of a person's history, with the record that states it.
struct StatedRow {
  std::string source, record_id;
  sdk::HistoryRow row;
  bool inferred = false;  // made from a record's org_unit/position, no dates (see above)
};

/// The posting a person's golden values stand for where no source dates it: `org_unit` and
/// `position`, no dates, stated by "golden:org_unit"; nullopt when no unit is written.
std::optional<StatedRow> inferred_posting(const std::string& org_unit, const std::string& position);

/// `unit_of`: a posting's unit text → the registry code it resolves to, "" when none.
using UnitOf = std::function<std::string(const std::string& unit_text)>;

/// Whether the people of unit `old_code` belong, from some day on, to `new_code` (the crosswalk).
using SucceededBy = std::function<bool(const std::string& old_code, const std::string& new_code)>;

/// The crosswalk of `registry` as a SucceededBy (which must not outlive it).
SucceededBy succession_of(const OrgRegistry& registry);

/// Merges the rows of every record of one person into periods, by kind, oldest first (undated
/// last). An undated posting whose unit has no dated posting joins one of a unit that succeeded
/// it (a system whose "unit" column still names the unit of before a merger).
std::vector<sdk::PersonPeriod> merge_timeline(std::vector<StatedRow> rows, const UnitOf& unit_of,
                                              const SucceededBy& succeeded_by = {});

/// The posting valid on `date` (ISO day), shared with the exporters that read a timeline.
using sdk::posting_on;

/// Whether the timeline has any posting at all (a person without one is placed by their golden
/// values, as before there was history).
bool has_postings(const std::vector<sdk::PersonPeriod>& timeline);

/// The open postings on `date` that name different units and come from different records:
/// empty when there is one current posting (or none).
std::vector<const sdk::PersonPeriod*> current_disputes(const std::vector<sdk::PersonPeriod>& timeline, const std::string& date);

/// The first and the last day a partial ISO date can mean ("2025-07" → 2025-07-01 / 2025-07-31).
using sdk::first_day;
using sdk::last_day;

}  // namespace hopnhat::org
