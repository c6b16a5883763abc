#include "sync/report.hpp"

#include <sstream>

namespace hopnhat::sync {

nlohmann::json RunReport::to_json() const {
  nlohmann::json j;
  j["run_id"] = run_id;
  j["status"] = status;
  j["dry_run"] = dry_run;
  j["started_at"] = started_at;
  j["finished_at"] = finished_at;
  j["stages"] = stage_seconds;
  j["sources"] = nlohmann::json::array();
  for (const auto& s : sources) {
    nlohmann::json o{{"name", s.name}, {"read", s.read}, {"new", s.new_records}, {"changed", s.changed},
                     {"unchanged", s.unchanged}, {"deleted", s.deleted}, {"failed", s.failed}};
    if (!s.error.empty()) o["error"] = s.error;
    if (!s.notes.empty()) o["notes"] = s.notes;
    if (!s.rejections.empty()) o["rejections"] = s.rejections;
    j["sources"].push_back(std::move(o));
  }
  j["persons"] = {{"created", persons.created}, {"updated", persons.updated}, {"merged", persons.merged},
                  {"split", persons.split}, {"retired", persons.retired}, {"total", persons.total},
                  {"oversized", persons.oversized}};
  auto per_second = [](double n, double s) { return s > 0 ? n / s : 0.0; };
  j["match"] = {{"incremental", match.incremental},
                {"all_records", match.all_records},
                {"records", match.records},
                {"candidate_pairs", match.candidate_pairs},
                {"skipped_blocks", match.skipped_blocks},
                {"em_iterations", match.em_iterations},
                {"review_records", review_records},
                {"clusters", {{"sizes", [&] {
                                 nlohmann::json sizes = nlohmann::json::object();
                                 for (auto [size, count] : match.cluster_sizes) sizes[std::to_string(size)] = count;
                                 return sizes;
                               }()},
                              {"largest", match.largest_cluster},
                              {"joins_weighed", match.linkage_checks},
                              {"joins_refused", match.linkage_refused},
                              {"ambiguous", match.ambiguous},
                              {"review_settled", match.review_settled}}},
                {"seconds", {{"features", match.seconds_features}, {"blocking", match.seconds_blocking},
                             {"comparing", match.seconds_comparing}, {"training", match.seconds_training},
                             {"clustering", match.seconds_clustering}}},
                {"per_second", {{"records_prepared", per_second(static_cast<double>(match.records), match.seconds_features)},
                                {"pairs_compared", per_second(static_cast<double>(match.candidate_pairs), match.seconds_comparing)},
                                {"pairs_scored", per_second(static_cast<double>(match.candidate_pairs), match.seconds_clustering)}}}};
  j["conflicts"] = {{"opened", conflicts.opened}, {"closed", conflicts.closed}, {"open", conflicts.open}, {"settled", conflicts.settled}};
  if (units.counted)
    j["units"] = {{"placed", units.placed}, {"unplaced", units.unplaced},
                  {"postings", {{"placed_by", units.by_posting}, {"not_posted", units.not_posted}, {"disputed", units.disputed_postings},
                                {"cases", {{"opened", units.posting_opened}, {"closed", units.posting_closed}, {"open", units.posting_open}}}}},
                  {"cases", {{"opened", units.opened}, {"closed", units.closed}, {"open", units.open}}},
                  {"registry", {{"added", units.registry_added}, {"changed", units.registry_changed}, {"removed", units.registry_removed}}}};
  j["decisions"] = {{"applied", decisions.applied}, {"orphaned", decisions.orphaned}};
  j["exports"] = nlohmann::json::array();
  for (const auto& e : exports) {
    nlohmann::json o{{"name", e.name}, {"mode", e.mode}, {"written", e.written}, {"removed", e.removed}, {"target", e.target}};
    if (e.mode == "changes") o["since_run"] = e.since_run;
    if (!e.error.empty()) o["error"] = e.error;
    j["exports"].push_back(std::move(o));
  }
  if (runs_pruned) j["runs_pruned"] = runs_pruned;
  if (!error.empty()) j["error"] = error;
  if (audit_head) j["audit_head"] = {{"seq", audit_head->first}, {"hash", audit_head->second}};
  return j;
}

std::string RunReport::summary() const {
  std::ostringstream out;
  out << (dry_run ? "Dry run " : "Run ") << run_id << ": " << status;
  if (dry_run) out << " (nothing was committed)";
  out << "\n";
  for (const auto& s : sources) {
    out << "  source " << s.name << ": read " << s.read << ", new " << s.new_records << ", changed " << s.changed
        << ", unchanged " << s.unchanged << ", deleted " << s.deleted << ", failed " << s.failed << "\n";
    for (const auto& n : s.notes) out << "    note: " << n << "\n";
    for (const auto& r : s.rejections) out << "    rejected: " << r << "\n";
    if (!s.error.empty()) out << "    error: " << s.error << "\n";
  }
  out << "  persons: " << persons.total << " in all; created " << persons.created << ", updated " << persons.updated
      << ", merged " << persons.merged << ", split " << persons.split << ", retired " << persons.retired;
  if (persons.oversized) out << "; " << persons.oversized << " with more records than a person should have (cases)";
  out << "\n";
  out << "  matching: ";
  if (match.incremental)
    out << match.records << " of " << match.all_records << " records near the changed ones, under the last model; ";
  else
    out << "all " << match.records << " records; ";
  out << match.candidate_pairs << " candidate pairs; " << review_records << " records wait for review\n";
  out << "  conflicts: " << conflicts.open << " open; opened " << conflicts.opened << ", closed " << conflicts.closed
      << "; " << conflicts.settled << " disagreements settled by the rules (no case)\n";
  if (units.counted)
    out << "  units: " << units.placed << " persons placed in a unit, " << units.unplaced << " not; " << units.open
        << " unit names wait for an answer (opened " << units.opened << ", closed " << units.closed << ")\n";
  if (units.posting_open || units.posting_opened || units.posting_closed)
    out << "  postings: " << units.posting_open << " persons' current posting in dispute wait for an answer (opened "
        << units.posting_opened << ", closed " << units.posting_closed << ")\n";
  if (units.registry_added || units.registry_changed || units.registry_removed)
    out << "  units registry: " << units.registry_added << " rows added, " << units.registry_changed << " changed, "
        << units.registry_removed << " removed since the last run (audited)\n";
  if (decisions.applied || decisions.orphaned) {
    out << "  decisions: " << decisions.applied << " applied";
    if (decisions.orphaned) out << "; " << decisions.orphaned << " lost their records and need a look (hopnhat decisions list)";
    out << "\n";
  }
  for (const auto& e : exports) {
    if (e.mode == "changes")
      out << "  export " << e.name << ": brought up to date since run " << e.since_run << ", " << e.written << " persons written, "
          << e.removed << " removed";
    else
      out << "  export " << e.name << ": " << e.written << " persons";
    if (!e.target.empty()) out << " -> " << e.target;
    if (!e.error.empty()) out << " (error: " << e.error << ")";
    out << "\n";
  }
  if (!error.empty()) out << "  error: " << error << "\n";
  return out.str();
}

}  // namespace hopnhat::sync
