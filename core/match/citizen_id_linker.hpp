// The foundation's linkage rule: records that carry the same valid citizen ID (CCCD) are the same
// person; nothing else joins records. Existing person IDs are kept wherever the rule allows, so
// person IDs stay stable across runs: a group keeps the oldest person that already held it,
// persons that now share a CCCD are merged into the oldest, and a record whose CCCD changed
// leaves its person. Pure function of its input; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hopnhat::match {

struct LinkInput {
  std::string key;             // normalised valid citizen ID, or empty
  std::string current_person;  // the person the record is linked to now, or empty
};

struct Cluster {
  std::string person_id;               // existing person to keep, or empty for a new person
  std::vector<std::size_t> members;    // indices into the input
  std::vector<std::string> absorbed;   // existing persons merged into this one
};

struct Linkage {
  std::vector<Cluster> clusters;
  std::vector<std::size_t> cluster_of;        // per input record
  std::vector<std::string> rule;              // per input record: citizen_id | single | previous_link
  std::vector<std::optional<double>> score;   // per input record
};

Linkage link_by_citizen_id(const std::vector<LinkInput>& records);

}  // namespace hopnhat::match
