// The run report: what a sync read, changed and decided, as JSON (--report) and as a short
// summary a person reads in the morning. Plain values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "match/engine.hpp"

namespace hopnhat::sync {

struct SourceReport {
  std::string name;
  std::int64_t read = 0;
  std::int64_t new_records = 0;
  std::int64_t changed = 0;
  std::int64_t unchanged = 0;
  std::int64_t deleted = 0;
  std::int64_t failed = 0;
  std::string error;
  std::vector<std::string> notes;        // e.g. why deletions were not applied
  std::vector<std::string> rejections;   // first few rejected rows, for the operator
};

struct ExportReport {
  std::string name;
  std::string mode = "full";     // full | changes (the exporter patched its last output)
  std::int64_t since_run = 0;    // changes: the run its last output showed
  std::int64_t written = 0;
  std::int64_t removed = 0;
  std::string target;
  std::string error;
};

struct RunReport {
  std::int64_t run_id = 0;
  std::string status = "running";  // succeeded | partial | failed
  bool partial = false;             // a source failed and kept its previous records
  std::int64_t runs_pruned = 0;     // old runs removed by keep_runs
  bool dry_run = false;
  std::string started_at;
  std::string finished_at;
  std::map<std::string, double> stage_seconds;
  std::vector<SourceReport> sources;
  struct {
    std::int64_t created = 0, updated = 0, merged = 0, split = 0, retired = 0, total = 0;
    std::int64_t oversized = 0;  // rebuilt persons with more records than match.max_person_records
  } persons;
  match::MatchStats match;
  std::int64_t review_records = 0;  // records whose match waits for a person
  struct {
    std::int64_t opened = 0, closed = 0, open = 0;
    std::int64_t settled = 0;  // disagreements on critical fields the rules settled (no case), held after the run
  } conflicts;
  // The units the persons work in (only when the configuration names an organisation).
  struct {
    bool counted = false;
    std::int64_t placed = 0, unplaced = 0;  // living persons whose unit resolves today, or not
    std::int64_t opened = 0, closed = 0, open = 0;  // unit_unresolved and unit_split cases
    std::int64_t registry_added = 0, registry_changed = 0, registry_removed = 0;  // rows of the units and crosswalk files
    // Persons placed by a dated posting; with dated postings but none today; whose sources name
    // different units as today's posting (docs/organisation.md, "Postings").
    std::int64_t by_posting = 0, not_posted = 0, disputed_postings = 0;
    std::int64_t posting_opened = 0, posting_closed = 0, posting_open = 0;  // posting_disputed cases
  } units;
  struct {
    std::int64_t applied = 0;   // administrators' decisions applied in this run
    std::int64_t orphaned = 0;  // decisions whose records or person disappeared: to look at again
  } decisions;
  std::vector<ExportReport> exports;
  std::string error;
  // The audit log's newest entry when the run committed: an anchor of the chain's head kept
  // apart from the log itself (admin::verify_audit).
  std::optional<std::pair<std::int64_t, std::string>> audit_head;

  /// The report as JSON text. A message a plugin or a server gave may hold bytes that are not
  /// UTF-8 (a page cut in the middle of a character): they are written as U+FFFD, so that a
  /// failed run is always recorded.
  std::string json_text(int indent = -1) const {
    return to_json().dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  nlohmann::json to_json() const;
  /// A few lines for a terminal: what ran, what changed, what needs a person.
  std::string summary() const;
};

}  // namespace hopnhat::sync
