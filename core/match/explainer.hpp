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

namespace hopnhat::match {

class Explainer {
 public:
  /// Throws std::runtime_error when the store has no model yet or the comparisons changed.
  Explainer(store::Store& store, const MatchSettings& settings);

  bool has(const std::string& key) const { return index_.count(key) != 0; }  // key: "source:id"
  const std::map<std::string, std::string>& person_of() const { return person_of_; }
  Explanation explain(const std::string& a, const std::string& b) const;
  static nlohmann::json to_json(const Explanation& e, const std::string& a, const std::string& b);

 private:
  const MatchSettings& settings_;
  std::vector<store::StoredRecord> records_;
  std::map<std::string, std::uint32_t> index_;
  std::map<std::string, std::string> person_of_;
  ModelParameters model_;
  std::unique_ptr<FeatureTable> features_;
};

}  // namespace hopnhat::match
