#include "match/person_ids.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace hopnhat::match {

PersonAssignment assign_persons(const std::vector<std::uint32_t>& cluster_of, std::size_t clusters,
                                const std::vector<std::string>& current) {
  // How many records of each existing person sit in each cluster.
  std::map<std::pair<std::string, std::uint32_t>, int> overlap;
  for (std::size_t i = 0; i < cluster_of.size(); ++i)
    if (!current[i].empty()) ++overlap[{current[i], cluster_of[i]}];
  std::vector<std::tuple<int, std::string, std::uint32_t>> options;  // (records, person, cluster)
  for (const auto& [key, n] : overlap) options.emplace_back(n, key.first, key.second);
  std::sort(options.begin(), options.end(), [](const auto& x, const auto& y) {
    if (std::get<0>(x) != std::get<0>(y)) return std::get<0>(x) > std::get<0>(y);
    if (std::get<1>(x) != std::get<1>(y)) return std::get<1>(x) < std::get<1>(y);  // older id first
    return std::get<2>(x) < std::get<2>(y);
  });

  PersonAssignment out;
  out.cluster_person.assign(clusters, "");
  out.split_from.assign(clusters, "");
  std::set<std::string> placed;
  for (const auto& [n, person, cluster] : options) {
    if (!out.cluster_person[cluster].empty() || placed.count(person)) continue;
    out.cluster_person[cluster] = person;
    placed.insert(person);
  }
  // New persons: lineage from the person most of their records came from.
  std::map<std::uint32_t, std::pair<int, std::string>> best_source;
  std::map<std::string, std::pair<int, std::uint32_t>> best_target;  // unplaced person → cluster
  for (const auto& [n, person, cluster] : options) {
    if (out.cluster_person[cluster] != person) {
      auto& bs = best_source[cluster];
      if (n > bs.first) bs = {n, person};
    }
    if (!placed.count(person)) {
      auto& bt = best_target[person];
      if (n > bt.first) bt = {n, cluster};
    }
  }
  for (const auto& [cluster, src] : best_source)
    if (out.cluster_person[cluster].empty()) out.split_from[cluster] = src.second;
  for (const auto& [person, target] : best_target) out.merged.emplace_back(person, target.second);
  return out;
}

}  // namespace hopnhat::match
