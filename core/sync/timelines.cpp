#include "sync/timelines.hpp"

namespace hopnhat::sync {

namespace {

auto keep_in(std::map<std::string, std::vector<org::StatedRow>>& dated) {
  return [&dated](const std::string& person, const std::string& source, const std::string& record, std::vector<sdk::HistoryRow>&& rows) {
    auto& mine = dated[person];
    for (auto& r : rows) mine.push_back({source, record, std::move(r), false});
  };
}

}  // namespace

Timelines::Timelines(store::Store& store, const org::OrgRegistry* registry, org::PositionLevels levels)
    : levels_(std::move(levels)) {
  store.each_linked_history(keep_in(dated_));
  resolve_with(store, registry);
}

Timelines::Timelines(store::Store& store, const org::OrgRegistry* registry, const std::string& person_id,
                     org::PositionLevels levels)
    : levels_(std::move(levels)) {
  store.each_linked_history_of(person_id, keep_in(dated_));
  resolve_with(store, registry);
}

void Timelines::resolve_with(store::Store& store, const org::OrgRegistry* registry) {
  for (const auto& d : store.decisions(true))
    if (d.kind == "posting" && d.status == "active") decided_[d.person_id] = {d.value, d.id};  // oldest first: the newest wins
  if (registry) {
    resolver_.emplace(*registry, store.unit_aliases());
    unit_of_ = [this](const std::string& text) { return resolver_->resolve_undated(text).code; };
    succeeded_by_ = org::succession_of(*registry);
  }
}

std::vector<sdk::PersonPeriod> Timelines::of(const std::string& person_id, const std::string& org_unit,
                                             const std::string& position) const {
  auto it = dated_.find(person_id);
  if (it == dated_.end()) return {};
  std::vector<org::StatedRow> rows = it->second;
  if (auto inferred = org::inferred_posting(org_unit, position)) rows.push_back(std::move(*inferred));
  return finished(person_id, org::merge_timeline(std::move(rows), unit_of_, succeeded_by_));
}

std::vector<sdk::PersonPeriod> Timelines::of_or_golden(const std::string& person_id, const std::string& org_unit,
                                                       const std::string& party_unit, const std::string& position) const {
  if (dated_.count(person_id)) return of(person_id, org_unit, position);
  // A party cell names its unit only through the registry ("Chi bộ Văn phòng" → Văn phòng).
  auto inferred = org::inferred_posting(org_unit.empty() && resolver_ ? party_unit : org_unit, position);
  if (!inferred) return {};
  return finished(person_id, org::merge_timeline({std::move(*inferred)}, unit_of_, succeeded_by_));
}

std::vector<sdk::PersonPeriod> Timelines::finished(const std::string& person_id, std::vector<sdk::PersonPeriod> timeline) const {
  static const char* const kLevel[] = {"staff", "deputy", "head"};
  // The posting an administrator named as the current one: the open posting of that unit.
  if (auto d = decided_.find(person_id); d != decided_.end())
    for (auto& p : timeline)
      if (p.kind == "posting" && p.to.empty() && p.unit_code == d->second.first) {
        p.sources.push_back("decision:#" + std::to_string(d->second.second));
        break;
      }
  for (auto& p : timeline)
    if (p.kind == "posting") {
      auto it = p.fields.find("position");
      p.level = kLevel[static_cast<int>(levels_.level(it == p.fields.end() ? "" : it->second))];
    }
  return timeline;
}

}  // namespace hopnhat::sync
