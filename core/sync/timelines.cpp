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

Timelines::Timelines(store::Store& store, const org::OrgRegistry* registry) {
  store.each_linked_history(keep_in(dated_));
  resolve_with(store, registry);
}

Timelines::Timelines(store::Store& store, const org::OrgRegistry* registry, const std::string& person_id) {
  store.each_linked_history_of(person_id, keep_in(dated_));
  resolve_with(store, registry);
}

void Timelines::resolve_with(store::Store& store, const org::OrgRegistry* registry) {
  if (registry && !dated_.empty()) {
    resolver_.emplace(*registry, store.unit_aliases());
    unit_of_ = [this](const std::string& text) { return resolver_->resolve(text).code; };
    succeeded_by_ = org::succession_of(*registry);
  }
}

std::vector<sdk::PersonPeriod> Timelines::of(const std::string& person_id, const std::string& org_unit,
                                             const std::string& position) const {
  auto it = dated_.find(person_id);
  if (it == dated_.end()) return {};
  std::vector<org::StatedRow> rows = it->second;
  if (auto inferred = org::inferred_posting(org_unit, position)) rows.push_back(std::move(*inferred));
  return org::merge_timeline(std::move(rows), unit_of_, succeeded_by_);
}

}  // namespace hopnhat::sync
