// Running one export of a sync: the persons of the store, as sdk::PersonRecords with what the
// exporter's manifest asks for (linked records always; their raw columns and the history of
// golden values only on request), handed to the exporter in person-id order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hopnhat/sdk/record.hpp"
#include "org/positions.hpp"
#include "org/units.hpp"
#include "store/store.hpp"
#include "sync/plugin_setup.hpp"
#include "sync/report.hpp"

namespace hopnhat::sync {

struct ExportNeeds {
  bool attributes = false;
  bool history = false;
  bool timeline = false;  // each person's merged postings, grades and party events
  const org::OrgRegistry* registry = nullptr;  // resolves postings' units when the configuration has an organisation
  const org::PositionLevels* levels = nullptr;  // each posting's level; the defaults when null
};

/// Streams every person not retired, in id order: first `begin` with the canonical fields
/// present among them (registry order, also left in `present_fields`), then `visit` for each
/// person until one of them returns false. The persons' stored golden texts are read once and
/// held meanwhile (about 560 MB at a million persons); each is parsed only for its batch. `visit` runs on another thread than the caller's
/// (one thread, in person order), while this thread reads the store; it must not use the store,
/// nor keep the person past the call (its storage is filled again with later persons).
void each_export_person(store::Store& store, const ExportNeeds& needs, std::vector<std::string>& present_fields,
                        const std::function<bool(const std::vector<std::string>&)>& begin,
                        const std::function<bool(const sdk::PersonRecord&)>& visit);

/// Runs `exp` within the current run; fills `rep`. When the store holds the state the same
/// exporter returned after an earlier run (and `full_export` is false), the exporter is offered
/// it and may patch that output: then it gets only the persons whose view changed since, and
/// the retired. The state it returns is kept with the run. Returns an error sentence
/// ("export NAME: …") or "" on success.
/// `registry`: the organisation's, for the header's units and the timeline's unit codes, or
/// null; `levels`: the configuration's position levels (the defaults when null).
std::string run_export(store::Store& store, std::int64_t run_id, const RunReport& run, PreparedExport& exp,
                       ExportReport& rep, bool full_export, const org::OrgRegistry* registry = nullptr,
                       const org::PositionLevels* levels = nullptr);

}  // namespace hopnhat::sync
