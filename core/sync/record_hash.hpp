// Comparing a record read now with the content hash the store keeps of it. Stores written by
// hopnhat before sdk::compute_content_hash used XXH3 hold 32 hex digits of two FNV-1a streams;
// those are compared by computing that digest again, so that an upgrade does not make every
// record look changed (the hash stored is replaced when the record next changes).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "hopnhat/sdk/record.hpp"

namespace hopnhat::sync {

/// Whether `record` (its content_hash set by sdk::compute_content_hash) has the content that
/// `stored_hash`, of either form, was computed from.
bool same_content(std::string_view stored_hash, const sdk::SourceRecord& record);

/// The older form of a record's content hash (32 hex digits).
std::string legacy_content_hash(const sdk::SourceRecord& record);

}  // namespace hopnhat::sync
