// hopnhat SDK — the records that cross the plugin boundary.
//
// An importer turns each row, document or API item of its source into a SourceRecord; the host
// fills in `source` (the name the configuration gives the source) and `content_hash`. An
// exporter receives PersonRecords: the golden values of one person of the merged agency.
//
// Both are plain values: the receiver owns what it is given, and distinct objects may be used
// from different threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hopnhat/sdk/version.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

/// One dated row of a person's history as a source states it (docs/organisation.md): a
/// `posting` (fields "unit", "position"), a `grade` ("grade_code", "salary_step",
/// "salary_coefficient") or a `party` event ("event": admitted, official, transferred, …;
/// "cell"). Dates as the source writes them ("01/07/2025", "2025-07-01", "07/2025"); the host
/// reads them as dates and rejects the record, naming `origin`, when one does not parse.
struct HistoryRow {
  std::string kind;    // "posting", "grade" or "party"
  std::string from;    // the first day; "" when the source does not say
  std::string to;      // the last day; "" while it lasts
  std::map<std::string, std::string> fields;
  std::string origin;  // where it came from, for messages: "qtct.csv line 4"
  bool operator==(const HistoryRow&) const = default;
};

struct SourceRecord {
  std::string source;     // set by the host: the source's name in the configuration
  std::string id;         // unique and non-empty within one read of one source, stable across reads
  std::string origin;     // where it came from, for messages: "staff.csv row 12"
  std::map<std::string, std::string> fields;                  // canonical field → NFC text
  std::vector<std::pair<std::string, std::string>> attributes;  // raw column → text, in source order
  std::vector<HistoryRow> history;  // oldest first; empty for a source that keeps none (ABI 4)
  std::string content_hash;  // set by the host from id, fields, attributes and history

  /// The attribute named `column` (exact match), or nullptr.
  const std::string* attribute(const std::string& column) const {
    for (const auto& [name, value] : attributes)
      if (name == column) return &value;
    return nullptr;
  }
};

/// How a golden value was chosen, so that an administrator can see where it came from.
struct Provenance {
  std::string source;
  std::string record_id;
  std::int64_t run_id = 0;
  std::string rule;  // e.g. "source_priority", "only_value", "decision"
};

struct PersonValue {
  std::string value;
  Provenance provenance;
};

/// A source record linked to a person, as an exporter sees it.
struct LinkedRecord {
  std::string source;
  std::string record_id;
  std::string status;  // "linked", or "review" while its match waits for an administrator
  /// The record's raw columns; filled only for exporters whose manifest lists "attributes" in
  /// "needs" (most exporters do not use them, and at a million persons they are not free).
  std::vector<std::pair<std::string, std::string>> attributes;
};

/// An open case on a person: sources disagreeing on a field, or a match waiting for review.
struct PersonConflict {
  std::string field;
  std::string kind;  // "value_mismatch", "match_review", …
};

/// One change of a golden value after the person was created; filled only for exporters whose
/// manifest lists "history" in "needs".
struct ValueChange {
  std::int64_t run_id = 0;
  std::string date;  // the run's start, ISO 8601
  std::string field;
  std::string old_value;
  std::string new_value;
};

/// One period of a person's history as the host merged it from every linked record (ABI 4):
/// rows of two sources that state the same unit (or grade, or event) over overlapping days are
/// one period. Filled only for exporters whose manifest lists "timeline" in "needs".
struct PersonPeriod {
  std::string kind;  // "posting", "grade" or "party"
  std::string from;  // ISO date (or "YYYY-MM", "YYYY"); "" when no source says
  std::string to;    // "" while it lasts
  std::map<std::string, std::string> fields;
  std::string unit_code;             // a posting's unit in the registry; "" when it names none
  std::vector<std::string> sources;  // "source:record_id" of each row that states it; "decision:#ID" when an administrator did
  bool inferred = false;  // no source dates it: a posting made from the golden org_unit/position
  std::string level;      // a posting's position: "head", "deputy" or "staff" (ABI 5: the host's position levels)
};

struct PersonRecord {
  std::string person_id;                      // stable across runs
  std::map<std::string, PersonValue> fields;  // canonical field → golden value
  std::vector<LinkedRecord> records;          // the source records linked to this person
  std::vector<PersonConflict> conflicts;      // open cases, empty for most persons
  std::vector<ValueChange> history;           // oldest first
  std::vector<PersonPeriod> timeline;         // postings, grades, party events; oldest first

  /// The golden value of `field`, or an empty string.
  const std::string& value(const std::string& field) const {
    static const std::string kEmpty;
    auto it = fields.find(field);
    return it == fields.end() ? kEmpty : it->second.value;
  }
  /// The first linked record's attribute named `column`, or nullptr.
  const std::string* attribute(const std::string& column) const {
    for (const auto& r : records)
      for (const auto& [name, v] : r.attributes)
        if (name == column) return &v;
    return nullptr;
  }
};

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {
/// A stable digest of a record's id, fields and attributes; equal content, equal hash: "2" and
/// 32 hex digits of XXH3-128. (hopnhat before this form stored 32 hex digits of two FNV-1a
/// streams; the host still compares records against those.)
std::string compute_content_hash(const SourceRecord& record);
/// A stable 128-bit digest (hex) of `bytes` and `salt`. A file importer keeps the digest of its
/// file, salted with its version and options, as its state: when the next read finds the same
/// digest, nothing in the file changed and it need not be read again (docs/plugin-guide.md).
std::string fingerprint(std::string_view bytes, std::string_view salt);
/// The same over the bytes of the file at `path` (read in pieces); nullopt when it cannot be read.
std::optional<std::string> fingerprint_file(const std::string& path, std::string_view salt);
}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
