// Reconciliation step of a run: matches every active source record (match/engine), gives each
// cluster a stable person (match/person_ids), retires merged persons with their lineage,
// recomputes golden records, and opens or closes conflicts and review cases — writing only what
// differs from the store, so that a run over unchanged inputs writes nothing but its model.
// Runs inside the caller's transaction.
#pragma once

#include <cstdint>

#include "match/settings.hpp"
#include "merge/survivorship.hpp"
#include "store/store.hpp"
#include "sync/report.hpp"

namespace hopnhat::sync {

void reconcile(store::Store& store, std::int64_t run_id, const match::MatchSettings& match_settings,
               const merge::SurvivorshipRules& rules, RunReport& report);

}  // namespace hopnhat::sync
