#include <catch2/catch.hpp>

#include "match/citizen_id_linker.hpp"

using namespace hopnhat::match;

namespace {
const Cluster& cluster_of(const Linkage& l, std::size_t record) { return l.clusters[l.cluster_of[record]]; }
}  // namespace

TEST_CASE("records with the same citizen ID form one new person") {
  auto l = link_by_citizen_id({{"001090012345", ""}, {"001090012345", ""}, {"", ""}});
  CHECK(l.cluster_of[0] == l.cluster_of[1]);
  CHECK(l.cluster_of[2] != l.cluster_of[0]);
  CHECK(cluster_of(l, 0).person_id.empty());
  CHECK(l.rule[0] == "citizen_id");
  CHECK(l.score[0] == 1.0);
  CHECK(l.rule[2] == "single");
}

TEST_CASE("a person keeps its id when its records are linked again") {
  auto l = link_by_citizen_id({{"001090012345", "P0000003"}, {"001090012345", ""}});
  CHECK(cluster_of(l, 1).person_id == "P0000003");
}

TEST_CASE("two persons that now share a citizen ID merge into the older one") {
  auto l = link_by_citizen_id({{"001090012345", "P0000009"}, {"001090012345", "P0000002"}});
  CHECK(cluster_of(l, 0).person_id == "P0000002");
  CHECK(cluster_of(l, 0).absorbed == std::vector<std::string>{"P0000009"});
}

TEST_CASE("a record whose citizen ID changed leaves its person") {
  auto l = link_by_citizen_id({{"001090012345", "P0000001"}, {"001090012345", "P0000001"}, {"002090099999", "P0000001"}});
  CHECK(cluster_of(l, 0).person_id == "P0000001");
  CHECK(l.cluster_of[2] != l.cluster_of[0]);
  CHECK(cluster_of(l, 2).person_id.empty());
}

TEST_CASE("records without a citizen ID stay with the person they had, and never join others") {
  auto l = link_by_citizen_id({{"", "P0000004"}, {"", ""}, {"", ""}});
  CHECK(cluster_of(l, 0).person_id == "P0000004");
  CHECK(l.cluster_of[1] != l.cluster_of[2]);
}
