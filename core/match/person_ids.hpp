// Stable person IDs across runs. Given this run's clusters and the person each record belonged to
// before, every cluster keeps the existing person that holds most of its records (the oldest on a
// tie); each existing person goes to at most one cluster. A cluster that can keep no one gets a
// new person — split off from the person most of its records left, if any — and persons whose
// records all went to other clusters are merged into the cluster that took most of them.
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hopnhat::match {

struct PersonAssignment {
  std::vector<std::string> cluster_person;   // per cluster: kept person id, or "" for a new one
  std::vector<std::string> split_from;       // per cluster: for a new person, the person it left
  /// Persons that keep no cluster: (absorbed person, cluster that took most of its records).
  std::vector<std::pair<std::string, std::uint32_t>> merged;
};

PersonAssignment assign_persons(const std::vector<std::uint32_t>& cluster_of, std::size_t clusters,
                                const std::vector<std::string>& current_person);

}  // namespace hopnhat::match
