// The units stage of a run (issue #21, items 1 and 2). First the registry: the units and
// crosswalk rows the configuration's files hold are compared with those the store kept from the
// last run; what was added, changed or removed is written and recorded in one audit entry
// (`units.registry`), so the store says which structure each run counted in and when it changed.
// Then the units the persons work in: every living
// person's unit — the posting of the day where a source dates their postings, else as their
// golden record writes it (`org_unit`, else the unit their party cell is named after) — is resolved against the organisation's registry and carried to today's units.
// A text that does not resolve, or resolves to several units, becomes a `unit_unresolved` case;
// one whose unit was split over several new ones (a `partial` crosswalk) a `unit_split` case —
// one case per text, however many persons write it, with the units it most likely means. An
// administrator's answer (admin::resolve_conflict) is stored as an alias of that text, so the
// case closes on the next run and stays closed. Runs inside the caller's transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "org/headcount.hpp"
#include "org/positions.hpp"
#include "org/units.hpp"
#include "store/store.hpp"
#include "sync/report.hpp"

namespace hopnhat::sync {

/// Brings the store's copy of the registry up to `registry`; one audit entry lists the changes.
/// Returns how many rows were added, changed and removed.
struct RegistryChanges {
  std::int64_t added = 0, changed = 0, removed = 0;
};
RegistryChanges store_registry(store::Store& store, std::int64_t run_id, const org::OrgRegistry& registry);

/// What a unit count needs of every living person with a golden record, in person-id order:
/// golden values, and the merged timeline of those whose records date any history.
std::vector<org::PersonPlace> person_places(store::Store& store, const org::OrgRegistry& registry);

/// Opens, updates and closes the unit cases after a run's reconciliation, as of `as_of`, and
/// fills `report.units`.
void keep_unit_cases(store::Store& store, std::int64_t run_id, const org::OrgRegistry& registry, const std::string& as_of,
                     RunReport& report);

/// The headcount of every unit valid on `as_of` over the store's living persons, with the
/// administrators' aliases; what `units list` and the web UI's units page show.
org::Headcount count_units(store::Store& store, const org::OrgRegistry& registry, const org::PositionLevels& levels,
                           const std::string& as_of);
/// Its JSON form: {as_of, persons, placed_by, units: [{code, name, kind, parent_code, headcount,
/// heads, deputies, predecessors}], unplaced: [{text, reason, candidates, persons}], names: {code: name}}.
nlohmann::json headcount_json(const org::Headcount& count, const org::OrgRegistry& registry);

/// The candidates of a unit case: each unit with its name (`value` is what a choice shows).
std::string unit_case_candidates(const org::OrgRegistry& registry, const org::Unplaced& unplaced, const std::string& as_of);

}  // namespace hopnhat::sync
