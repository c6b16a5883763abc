// Reconciliation step of a run: links every active source record to a person, retires persons
// left without records, recomputes golden records and opens or closes conflicts — writing only
// what differs from the store, so that a run over unchanged inputs writes nothing.
// Runs inside the caller's transaction.
#pragma once

#include <cstdint>

#include "merge/survivorship.hpp"
#include "store/store.hpp"
#include "sync/report.hpp"

namespace hopnhat::sync {

void reconcile(store::Store& store, std::int64_t run_id, const merge::SurvivorshipRules& rules, RunReport& report);

}  // namespace hopnhat::sync
