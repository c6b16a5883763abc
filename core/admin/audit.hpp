// The audit log: every decision, undo, login and user change, append-only and hash-chained, so
// that an entry changed or removed by hand breaks the chain at that entry. The store refuses
// updates and deletes of entries; the chain catches what goes around the store. The chain is
// keyed (HMAC under a key kept outside the store, audit_key.hpp), so that who can write the
// store cannot recompute it, and its head is anchored outside the store (a checkpoint file, and
// the head each run records), so that removing the newest entries is seen.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace hopnhat::admin {

/// Appends one entry inside the store's current transaction (or as its own statement).
void audit(store::Store& store, const std::string& actor, const std::string& action, const nlohmann::json& detail);

struct AuditCheck {
  std::int64_t entries = 0;
  std::optional<std::int64_t> first_broken;  // seq of the first entry that does not verify
  std::string problem;                        // what is wrong with it
  std::int64_t keyed = 0;         // entries whose HMAC verified under the key
  std::int64_t unkeyed = 0;       // entries from before the key: plain SHA-256
  std::int64_t unverifiable = 0;  // keyed entries, but the key is not there to check them
  std::vector<std::string> proven, unproven;  // what the check could and could not show, one sentence each
};

/// Checks the chain entry by entry (keyed entries with the store's AuditKey, if attached), then
/// its tail against the checkpoint outside the store and against the head the last committed
/// run recorded.
AuditCheck verify_audit(store::Store& store);

/// The hash of an entry written without a key: SHA-256 over its fields and the previous entry's
/// hash. Entries written with a key carry "hmac:" and HMAC-SHA256 over the same text.
std::string audit_hash(const store::AuditRow& row);

}  // namespace hopnhat::admin
