// The audit log: every decision, undo, login and user change, append-only and hash-chained, so
// that an entry changed or removed by hand breaks the chain at that entry. The store refuses
// updates and deletes of entries; the chain catches what goes around the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace hopnhat::admin {

/// Appends one entry inside the store's current transaction (or as its own statement).
void audit(store::Store& store, const std::string& actor, const std::string& action, const nlohmann::json& detail);

struct AuditCheck {
  std::int64_t entries = 0;
  std::optional<std::int64_t> first_broken;  // seq of the first entry that does not verify
  std::string problem;                        // what is wrong with it
};

AuditCheck verify_audit(store::Store& store);

/// The hash an entry must have: SHA-256 over its fields and the previous entry's hash.
std::string audit_hash(const store::AuditRow& row);

}  // namespace hopnhat::admin
