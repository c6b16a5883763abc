// Reconciliation step of a run: matches the active source records (every one, or those near the
// records that changed: match_scope.hpp) with match/engine, gives each
// cluster a stable person (match/person_ids), retires merged persons with their lineage,
// recomputes golden records, and opens or closes conflicts and review cases — writing only what
// differs from the store, so that a run over unchanged inputs writes nothing but its model.
// Runs inside the caller's transaction.
#pragma once

#include <cstdint>

#include "base/parallel.hpp"
#include "match/settings.hpp"
#include "merge/survivorship.hpp"
#include "store/store.hpp"
#include "sync/match_scope.hpp"
#include "sync/report.hpp"

namespace hopnhat::sync {

struct ReconcileOptions {
  bool rematch = false;     // match every record and train a new model, however few changed
  bool keep_model = false;  // with rematch: match every record under the last model instead
};

/// `changes`: what the import stages of this run stored and deleted (an incremental run starts
/// from them; a run that matches every record frees them before it does). What the
/// reconciliation held is freed through `disposal`, beside the next stage.
void reconcile(store::Store& store, std::int64_t run_id, const match::MatchSettings& match_settings,
               const merge::SurvivorshipRules& rules, RunChanges changes, const ReconcileOptions& options,
               RunReport& report, base::BackgroundDisposal& disposal);

}  // namespace hopnhat::sync
