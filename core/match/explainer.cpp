#include "match/explainer.hpp"

#include <stdexcept>

namespace hopnhat::match {

Explainer::Explainer(store::Store& store, const MatchSettings& settings) : settings_(settings) {
  auto model = store.latest_model();
  if (!model) throw std::runtime_error("the store holds no match model yet; run `hopnhat sync` first");
  model_ = ModelParameters::from_json(nlohmann::json::parse(*model));
  bool same_levels = model_.m.size() == settings.comparisons.size();
  for (std::size_t c = 0; same_levels && c < model_.m.size(); ++c)
    same_levels = model_.m[c].size() == level_names(settings.comparisons[c].kind).size();
  if (!same_levels)
    throw std::runtime_error("the configuration's match comparisons (or this hopnhat's comparison levels) changed since the last run; run `hopnhat sync` first");
  records_ = store.active_records();
  std::vector<const sdk::SourceRecord*> inputs;
  for (std::size_t i = 0; i < records_.size(); ++i) {
    inputs.push_back(&records_[i].record);
    index_[records_[i].record.source + ":" + records_[i].record.id] = static_cast<std::uint32_t>(i);
  }
  for (const auto& link : store.links()) person_of_[link.source + ":" + link.record_id] = link.person_id;
  features_ = std::make_unique<FeatureTable>(inputs, settings);
}

Explanation Explainer::explain(const std::string& a, const std::string& b) const {
  for (const auto& k : {a, b})
    if (!has(k)) throw std::runtime_error("no active record " + k + " (write SOURCE:ID, as `hopnhat links` shows)");
  return explain_pair(*features_, settings_, model_, index_.at(a), index_.at(b));
}

nlohmann::json Explainer::to_json(const Explanation& e, const std::string& a, const std::string& b) {
  nlohmann::json terms = nlohmann::json::array();
  for (const auto& t : e.terms)
    terms.push_back({{"comparison", t.comparison}, {"a", t.value_a}, {"b", t.value_b}, {"level", t.level},
                     {"m", t.m}, {"u", t.u}, {"weight", t.weight}});
  return {{"a", a}, {"b", b}, {"prior_weight", e.prior_weight}, {"terms", terms}, {"total_weight", e.total_weight},
          {"probability", e.probability}, {"decision", e.decision}, {"notes", e.notes}};
}

}  // namespace hopnhat::match
