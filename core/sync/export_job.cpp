#include "sync/export_job.hpp"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "hopnhat/sdk/fields.hpp"

namespace hopnhat::sync {

std::vector<sdk::PersonRecord> load_export_persons(store::Store& store, const ExportNeeds& needs,
                                                   std::vector<std::string>& present_fields) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> attributes;  // "source\x1fid" → columns
  if (needs.attributes)
    for (auto& r : store.active_records()) attributes[r.record.source + '\x1f' + r.record.id] = std::move(r.record.attributes);
  std::map<std::string, std::vector<sdk::LinkedRecord>> records_of;
  for (const auto& l : store.links()) {
    if (l.status == "deleted") continue;
    sdk::LinkedRecord linked{l.source, l.record_id, l.status, {}};
    if (needs.attributes) {
      auto it = attributes.find(l.source + '\x1f' + l.record_id);
      if (it != attributes.end()) linked.attributes = std::move(it->second);
    }
    records_of[l.person_id].push_back(std::move(linked));
  }
  std::map<std::string, std::vector<sdk::PersonConflict>> conflicts_of;
  for (const auto& c : store.conflicts(true)) conflicts_of[c.person_id].push_back({c.field, c.kind});
  std::map<std::string, std::vector<sdk::ValueChange>> history_of;
  if (needs.history)
    for (auto& c : store.person_changes(""))
      history_of[c.person_id].push_back({c.run_id, c.changed_at, c.field, std::move(c.old_value), std::move(c.new_value)});

  std::set<std::string> present;
  std::vector<sdk::PersonRecord> persons;
  for (const auto& row : store.persons()) {
    if (row.retired_run) continue;
    sdk::PersonRecord p;
    p.person_id = row.id;
    const nlohmann::json golden = nlohmann::json::parse(row.golden);
    for (auto& [field, v] : golden.items()) {
      present.insert(field);
      p.fields[field] = sdk::PersonValue{v["value"], {v["source"], v["record_id"], v["run"], v["rule"]}};
    }
    if (auto it = records_of.find(row.id); it != records_of.end()) p.records = std::move(it->second);
    if (auto it = conflicts_of.find(row.id); it != conflicts_of.end()) p.conflicts = std::move(it->second);
    if (auto it = history_of.find(row.id); it != history_of.end()) p.history = std::move(it->second);
    persons.push_back(std::move(p));
  }
  present_fields.clear();
  for (const auto& f : sdk::kCanonicalFields)
    if (present.count(std::string(f.name))) present_fields.emplace_back(f.name);
  return persons;
}

std::string run_export(store::Store& store, std::int64_t run_id, const RunReport& run, PreparedExport& exp,
                       ExportReport& rep) {
  sdk::ExportHeader header;
  header.run_id = run_id;
  header.run_started_at = run.started_at;
  for (const auto& s : run.sources)
    header.sources.push_back({s.name, s.read, s.new_records, s.changed, s.unchanged, s.deleted, s.failed, s.error});
  std::vector<sdk::PersonRecord> persons =
      load_export_persons(store, {exp.needs_attributes, exp.needs_history}, header.fields);
  sdk::Status st = exp.exporter->begin(header);
  for (std::size_t i = 0; st && i < persons.size(); ++i) st = exp.exporter->write(persons[i]);
  sdk::ExportResult result;
  if (st) st = exp.exporter->finish(result);
  if (!st) return "export " + exp.use->name + ": " + st.message();
  rep.written = result.written;
  rep.target = result.target;
  return "";
}

}  // namespace hopnhat::sync
