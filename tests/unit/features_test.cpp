#include <catch2/catch.hpp>

#include <deque>

#include "match/features.hpp"

using namespace hopnhat;

namespace {

// Compares two records on one comparison of the given kind and returns the level's name.
std::string level_of(match::ComparisonKind kind, const std::string& field, const std::string& a, const std::string& b) {
  match::MatchSettings s;
  s.comparisons = {{field, {field, true}, kind, false}};
  s.blocking.clear();
  std::deque<sdk::SourceRecord> records(2);
  records[0].fields[field] = a;
  records[1].fields[field] = b;
  std::vector<const sdk::SourceRecord*> inputs{&records[0], &records[1]};
  match::FeatureTable f(inputs, s);
  std::uint8_t l = f.level(0, 0, 1);
  if (l == match::kNullLevel) return "missing";
  return match::FeatureTable::level_names(kind)[l];
}

}  // namespace

TEST_CASE("person-name levels") {
  using K = match::ComparisonKind;
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Văn Hoà", "NGUYỄN VĂN HÒA") == "exact");
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Văn Hòa", "Nguyen Van Hoa") == "same without diacritics");
  CHECK(level_of(K::kPersonName, "full_name", "Huỳnh Thị Lan", "Hoàng Lan") == "same family and given name");
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Văn Hùng", "Nguyễn Văn Hưng") == "same without diacritics");
  CHECK(level_of(K::kPersonName, "full_name", "Phạm Thắng Lợi", "Phạm Thắgn Lợi") == "same family and given name");
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Văn Thanh", "Nguyễn Văn Thahn") == "similar (Jaro-Winkler >= 0.90)");
  CHECK(level_of(K::kPersonName, "full_name", "Trần Văn An", "Lê Thị Bình") == "different");
  CHECK(level_of(K::kPersonName, "full_name", "Trần Văn An", "") == "missing");
}

TEST_CASE("date levels, including swaps and partial precision") {
  using K = match::ComparisonKind;
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "1965-09-12") == "exact");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "09/12/1965") == "day and month swapped");
  CHECK(level_of(K::kDate, "birth_date", "1965", "12/09/1965") == "agree to the lesser precision");
  CHECK(level_of(K::kDate, "birth_date", "09/1965", "12/09/1965") == "agree to the lesser precision");
  CHECK(level_of(K::kDate, "birth_date", "1965", "1965") == "agree to the lesser precision");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "13/10/1965") == "same year");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "12/09/1966") == "a year apart");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "12/09/1975") == "different");
}

TEST_CASE("identifier levels: exact, one typing error, different") {
  using K = match::ComparisonKind;
  CHECK(level_of(K::kIdentifier, "citizen_id", "001090012345", "01090012345") == "exact");  // leading zero restored
  CHECK(level_of(K::kIdentifier, "citizen_id", "001090012345", "001090012354") == "one typing error apart");
  CHECK(level_of(K::kIdentifier, "citizen_id", "001090012345", "001090099999") == "different");
}

TEST_CASE("text and exact levels") {
  using K = match::ComparisonKind;
  CHECK(level_of(K::kText, "hometown", "Hà Nội", "Hà Nội") == "exact");
  CHECK(level_of(K::kText, "hometown", "Hà Nội", "Ha Noi") == "same without diacritics");
  CHECK(level_of(K::kText, "hometown", "Quảng Ninh", "Quang Nihn") == "similar (Jaro-Winkler >= 0.90)");
  CHECK(level_of(K::kExact, "gender", "Nam", "1") == "equal");
  CHECK(level_of(K::kExact, "gender", "Nam", "Nữ") == "different");
}
