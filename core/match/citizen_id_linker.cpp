#include "match/citizen_id_linker.hpp"

#include <map>
#include <set>

namespace hopnhat::match {

Linkage link_by_citizen_id(const std::vector<LinkInput>& records) {
  // 1. Each current person's key: the CCCD most of its records carry.
  std::map<std::string, std::map<std::string, int>> key_votes;  // person → key → count
  for (const auto& r : records)
    if (!r.current_person.empty() && !r.key.empty()) ++key_votes[r.current_person][r.key];
  std::map<std::string, std::string> person_key;
  for (const auto& [person, votes] : key_votes) {
    std::string best;
    int best_n = 0;
    for (const auto& [key, n] : votes)
      if (n > best_n) { best = key; best_n = n; }
    person_key[person] = best;
  }
  std::map<std::string, std::set<std::string>> persons_by_key;  // ordered: oldest id first
  for (const auto& [person, key] : person_key) persons_by_key[key].insert(person);

  Linkage out;
  out.cluster_of.assign(records.size(), 0);
  out.rule.assign(records.size(), "single");
  out.score.assign(records.size(), std::nullopt);
  std::map<std::string, std::size_t> cluster_of_person;  // existing person → cluster

  // 2. One cluster per CCCD.
  std::map<std::string, std::vector<std::size_t>> by_key;
  for (std::size_t i = 0; i < records.size(); ++i)
    if (!records[i].key.empty()) by_key[records[i].key].push_back(i);
  for (const auto& [key, members] : by_key) {
    Cluster c;
    if (auto it = persons_by_key.find(key); it != persons_by_key.end()) {
      c.person_id = *it->second.begin();
      for (const auto& p : it->second) {
        if (p != c.person_id) c.absorbed.push_back(p);
        cluster_of_person[p] = out.clusters.size();
      }
    }
    c.members = members;
    for (std::size_t i : members) {
      out.cluster_of[i] = out.clusters.size();
      if (members.size() > 1) { out.rule[i] = "citizen_id"; out.score[i] = 1.0; }
    }
    out.clusters.push_back(std::move(c));
  }

  // 3. Records without a CCCD stay with the person they had; otherwise each is a person alone.
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!records[i].key.empty()) continue;
    const std::string& p = records[i].current_person;
    if (!p.empty()) {
      auto it = cluster_of_person.find(p);
      if (it == cluster_of_person.end()) {
        Cluster c;
        c.person_id = p;
        it = cluster_of_person.emplace(p, out.clusters.size()).first;
        out.clusters.push_back(std::move(c));
      }
      out.clusters[it->second].members.push_back(i);
      out.cluster_of[i] = it->second;
      continue;
    }
    Cluster c;
    c.members.push_back(i);
    out.cluster_of[i] = out.clusters.size();
    out.clusters.push_back(std::move(c));
  }
  for (auto& c : out.clusters) {
    if (c.members.size() < 2) continue;
    for (std::size_t i : c.members)
      if (records[i].key.empty()) out.rule[i] = "previous_link";
  }
  return out;
}

}  // namespace hopnhat::match
