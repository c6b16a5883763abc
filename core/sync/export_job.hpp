// Running one export of a sync: the persons of the store, as sdk::PersonRecords with what the
// exporter's manifest asks for (linked records always; their raw columns and the history of
// golden values only on request), handed to the exporter in person-id order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hopnhat/sdk/record.hpp"
#include "store/store.hpp"
#include "sync/plugin_setup.hpp"
#include "sync/report.hpp"

namespace hopnhat::sync {

struct ExportNeeds {
  bool attributes = false;
  bool history = false;
};

/// Every person not retired, with the canonical fields present among them (registry order).
std::vector<sdk::PersonRecord> load_export_persons(store::Store& store, const ExportNeeds& needs,
                                                   std::vector<std::string>& present_fields);

/// Runs `exp` over the store's persons within the current run; fills `rep`. Returns an error
/// sentence ("export NAME: …") or "" on success.
std::string run_export(store::Store& store, std::int64_t run_id, const RunReport& run, PreparedExport& exp,
                       ExportReport& rep);

}  // namespace hopnhat::sync
