// Explaining matches with the model the last run trained: the waterfall of weights for a pair
// of records, as `hopnhat explain` prints it and the admin UI shows it on a review case.
// Loads every active record (term frequencies need them all), so build one and reuse it until
// the store has a newer run. Not thread-safe; the object owns what it loaded.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "match/engine.hpp"
#include "match/features.hpp"
#include "store/store.hpp"

namespace hopnhat::sync {

/// What the clustering weighs beyond one pair: every pair across two persons (or within one),
/// as the anti-chaining rule does before it lets a record join a person.
struct ClusterView {
  std::string person_a, person_b;  // equal when both records already are one person
  std::size_t records_a = 0, records_b = 0;
  std::size_t pairs = 0;          // pairs weighed (at most kMaxPairs)
  bool capped = false;            // more pairs than that: the first kMaxPairs were weighed
  double mean_probability = 0, min_probability = 1;
  std::string weakest_a, weakest_b;  // the weakest pair
  std::string decision;              // what the mean means for the clustering, in words
  static constexpr std::size_t kMaxPairs = 4096;
};

class Explainer {
 public:
  /// Throws std::runtime_error when the store has no model yet or the comparisons changed.
  Explainer(store::Store& store, const match::MatchSettings& settings);

  bool has(const std::string& key) const { return index_.count(key) != 0; }  // key: "source:id"
  const std::map<std::string, std::string>& person_of() const { return person_of_; }
  match::Explanation explain(const std::string& a, const std::string& b) const;
  static nlohmann::json to_json(const match::Explanation& e, const std::string& a, const std::string& b);
  /// The persons of records a and b weighed as wholes (records of a person only when a == b's).
  ClusterView cluster(const std::string& a, const std::string& b) const;
  static nlohmann::json to_json(const ClusterView& v);

 private:
  /// When the records of one side carry no citizen ID and resemble a third person about as
  /// strongly as the other side (the clustering's ambiguity rule), the sentence that says so;
  /// otherwise empty. Scans the records sharing a folded name with that side.
  std::string ambiguity(const std::vector<std::uint32_t>& side, const std::vector<std::uint32_t>& other,
                        const std::string& side_person, const std::string& other_person) const;

  const match::MatchSettings& settings_;
  std::vector<store::StoredRecord> records_;
  std::map<std::string, std::uint32_t> index_;
  std::map<std::string, std::string> person_of_;
  match::ModelParameters model_;
  std::unique_ptr<match::FeatureTable> features_;
};

}  // namespace hopnhat::sync
