// A source record as the host holds it between runs: what the importer gave, the runs that
// first saw it, last changed it and deleted it, and its normalised values. Its own module, below
// both the store (which keeps it) and merge (which builds golden records from it), so that
// building a golden record does not depend on how records are stored. A plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hopnhat/sdk/record.hpp"

namespace hopnhat::record {

struct StoredRecord {
  sdk::SourceRecord record;  // source, id, origin, fields, attributes, content_hash
  std::int64_t first_run = 0;
  std::int64_t changed_run = 0;
  std::optional<std::int64_t> deleted_run;
  std::string normalized;  // JSON text of text::NormalizedFields, "{}" when not computed yet
};

}  // namespace hopnhat::record
