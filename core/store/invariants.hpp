// What a run leaves true of a store's rows beyond its references, each as a query that counts
// the rows breaking it: `hopnhat store check` runs them on either backend (plain SQL both
// understand), so that a fault in the reconciliation shows as a sentence, not as a roster that
// quietly lacks someone.
#pragma once

namespace hopnhat::store {

struct Invariant {
  const char* count_sql;  // SELECT COUNT(*) of the rows that break it
  const char* rows_that;  // "N <rows_that>" is the sentence
};

inline constexpr Invariant kInvariants[] = {
    {"SELECT COUNT(*) FROM links l WHERE l.status <> 'deleted' AND NOT EXISTS (SELECT 1 FROM source_records r "
     "WHERE r.source = l.source AND r.record_id = l.record_id AND r.deleted_run IS NULL)",
     "live links name a source record that is deleted or missing"},
    {"SELECT COUNT(*) FROM source_records r WHERE r.deleted_run IS NULL AND NOT EXISTS (SELECT 1 FROM links l "
     "WHERE l.source = r.source AND l.record_id = r.record_id AND l.status <> 'deleted')",
     "active source records have no live link (no person)"},
    {"SELECT COUNT(*) FROM links l JOIN persons p ON p.id = l.person_id WHERE l.status <> 'deleted' AND p.retired_run IS NOT NULL",
     "live links name a retired person"},
    {"SELECT COUNT(*) FROM persons p WHERE p.retired_run IS NULL AND NOT EXISTS (SELECT 1 FROM links l "
     "WHERE l.person_id = p.id AND l.status <> 'deleted')",
     "persons not retired have no live link"},
};

}  // namespace hopnhat::store
