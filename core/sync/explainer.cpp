#include "sync/explainer.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace hopnhat::sync {

using match::FeatureTable;
using match::ModelParameters;

Explainer::Explainer(store::Store& store, const match::MatchSettings& settings) : settings_(settings) {
  auto model = store.latest_model();
  if (!model) throw std::runtime_error("the store holds no match model yet; run `hopnhat sync` first");
  model_ = ModelParameters::from_json(nlohmann::json::parse(*model));
  if (!model_.fits(settings))
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

match::Explanation Explainer::explain(const std::string& a, const std::string& b) const {
  for (const auto& k : {a, b})
    if (!has(k)) throw std::runtime_error("no active record " + k + " (write SOURCE:ID, as `hopnhat links` shows)");
  return match::explain_pair(*features_, settings_, model_, index_.at(a), index_.at(b));
}

nlohmann::json Explainer::to_json(const match::Explanation& e, const std::string& a, const std::string& b) {
  nlohmann::json terms = nlohmann::json::array();
  for (const auto& t : e.terms)
    terms.push_back({{"comparison", t.comparison}, {"a", t.value_a}, {"b", t.value_b}, {"level", t.level},
                     {"m", t.m}, {"u", t.u}, {"weight", t.weight}});
  return {{"a", a}, {"b", b}, {"prior_weight", e.prior_weight}, {"terms", terms}, {"total_weight", e.total_weight},
          {"probability", e.probability}, {"decision", e.decision}, {"notes", e.notes}};
}

ClusterView Explainer::cluster(const std::string& a, const std::string& b) const {
  ClusterView v;
  v.person_a = person_of_.count(a) ? person_of_.at(a) : "";
  v.person_b = person_of_.count(b) ? person_of_.at(b) : "";
  std::vector<std::uint32_t> in_a, in_b;
  for (const auto& [key, person] : person_of_) {
    auto it = index_.find(key);
    if (it == index_.end()) continue;
    if (person == v.person_a) in_a.push_back(it->second);
    if (person == v.person_b) in_b.push_back(it->second);
  }
  v.records_a = in_a.size();
  v.records_b = in_b.size();
  const bool one = v.person_a == v.person_b;
  auto weigh = [&](std::uint32_t x, std::uint32_t y) {
    if (v.pairs == ClusterView::kMaxPairs) {
      v.capped = true;
      return;
    }
    const double p = match::score_pair(*features_, settings_, model_, x, y).probability;
    v.mean_probability += p;
    ++v.pairs;
    if (p < v.min_probability) {
      v.min_probability = p;
      v.weakest_a = records_[x].record.source + ":" + records_[x].record.id;
      v.weakest_b = records_[y].record.source + ":" + records_[y].record.id;
    }
  };
  for (std::size_t i = 0; i < in_a.size(); ++i)
    for (std::size_t j = one ? i + 1 : 0; j < in_b.size(); ++j) weigh(in_a[i], in_b[j]);
  if (v.pairs) v.mean_probability /= static_cast<double>(v.pairs);
  else v.min_probability = 0;
  // Across two persons, the clustering's own measure: records sharing a citizen ID count as one.
  if (!one && !v.capped && v.pairs)
    v.mean_probability = match::whole_resemblance(*features_, in_a, in_b, [&](std::uint32_t x, std::uint32_t y) {
      return match::score_pair(*features_, settings_, model_, x, y).probability;
    });
  const std::string candidate = fmt::format("{:.2f}", settings_.candidate);
  if (one) {
    v.decision = v.records_a < 2 ? "one record" :
                 v.records_a == 2 ? "one pair: its probability decided" :
                 v.mean_probability >= settings_.candidate ? "the person holds together: the mean over its pairs reaches candidate " + candidate
                                                           : "the person is held by identifiers or decisions more than by likeness: the mean over its pairs is below candidate " + candidate;
    if (settings_.max_person_records && v.records_a > settings_.max_person_records)
      v.decision += "; more records than match.max_person_records (" + std::to_string(settings_.max_person_records) + "): a case";
  } else if (std::string why = ambiguity(in_a, in_b, v.person_a, v.person_b); !why.empty()) {
    v.decision = why;
  } else if (std::string why_b = ambiguity(in_b, in_a, v.person_b, v.person_a); !why_b.empty()) {
    v.decision = why_b;
  } else if (v.records_a + v.records_b <= 2) {
    v.decision = "two single records: the pair's probability decides";
  } else if (auto c = match::attested_values_differ(*features_, in_a, in_b)) {
    const match::ComparisonKind kind = settings_.comparisons[*c].kind;
    v.decision = "each person has a " + std::string(kind == match::ComparisonKind::kDate ? "full date" : kind == match::ComparisonKind::kUnit ? "unit" : "name") +
                 " (" + settings_.comparisons[*c].label + ") that two sources agree on, and the two differ: one strong pair does not join them";
  } else if (auto twice = match::sources_hold_one_record_each(settings_, model_)
                             ? match::same_source_apart(*features_, settings_, model_, in_a, in_b)
                             : std::nullopt) {
    const auto& x = records_[twice->first].record;
    const auto& y = records_[twice->second].record;
    v.decision = "each person has a record of source " + x.source + " (" + x.id + ", " + y.id +
                 "), which keeps one record per person, and the two are not alike enough to be one (below candidate " +
                 candidate + "): one strong pair does not join them";
  } else {
    v.decision = v.mean_probability >= settings_.candidate
                     ? "as wholes the two persons resemble each other (mean over their pairs, records sharing a citizen ID as one, reaches candidate " + candidate + ")"
                     : "as wholes the two persons do not resemble each other (mean over their pairs, records sharing a citizen ID as one, below candidate " + candidate +
                           "): one strong pair does not join them";
  }
  return v;
}

std::string Explainer::ambiguity(const std::vector<std::uint32_t>& side, const std::vector<std::uint32_t>& other,
                                 const std::string& side_person, const std::string& other_person) const {
  const match::FeatureTable& f = *features_;
  for (std::uint32_t x : side)
    if (f.identity(x)) return {};  // held by a citizen ID
  std::size_t name = settings_.comparisons.size();
  for (std::size_t c = 0; c < settings_.comparisons.size() && name == settings_.comparisons.size(); ++c)
    if (settings_.comparisons[c].kind == match::ComparisonKind::kPersonName && !settings_.comparisons[c].crosswise()) name = c;
  if (name == settings_.comparisons.size() || side.size() * other.size() > ClusterView::kMaxPairs) return {};
  auto best = [&](const std::vector<std::uint32_t>& into) {
    match::ScoredPair top;
    top.weight = -1e300;
    for (std::uint32_t x : side)
      for (std::uint32_t y : into)
        if (auto p = match::score_pair(f, settings_, model_, x, y); p.weight > top.weight) top = p;
    return top;
  };
  const match::ScoredPair into_other = best(other);
  if (into_other.probability < settings_.definite) return {};
  // The strongest pair from this side into a third person: among the records sharing a folded name.
  std::vector<std::uint32_t> names;
  for (std::uint32_t x : side) names.push_back(f.at(x, name).slot[1]);
  std::map<std::string, std::vector<std::uint32_t>> third;
  for (std::uint32_t r = 0; r < f.size(); ++r) {
    if (!f.at(r, name).present() || std::find(names.begin(), names.end(), f.at(r, name).slot[1]) == names.end()) continue;
    auto it = person_of_.find(records_[r].record.source + ":" + records_[r].record.id);
    if (it != person_of_.end() && it->second != side_person && it->second != other_person) third[it->second].push_back(r);
  }
  for (const auto& [person, members] : third) {
    const match::ScoredPair rival = best(members);
    if (rival.probability < settings_.definite || into_other.weight - rival.weight >= match::ambiguity_margin(settings_)) continue;
    if (!match::cannot_be_one_person(f, other, members)) continue;
    return fmt::format("{} resembles {} (probability {:.4f}) and {} ({:.4f}) about equally, and they are two persons: "
                       "it joins neither automatically",
                       side_person.empty() ? "this record" : side_person, other_person, into_other.probability, person,
                       rival.probability);
  }
  return {};
}

nlohmann::json Explainer::to_json(const ClusterView& v) {
  return {{"person_a", v.person_a}, {"person_b", v.person_b}, {"records_a", v.records_a}, {"records_b", v.records_b},
          {"pairs", v.pairs}, {"capped", v.capped}, {"mean_probability", v.mean_probability},
          {"min_probability", v.min_probability}, {"weakest", {v.weakest_a, v.weakest_b}}, {"decision", v.decision}};
}

}  // namespace hopnhat::sync
