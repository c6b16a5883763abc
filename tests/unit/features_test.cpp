#include <catch2/catch.hpp>

#include <deque>

#include "match/features.hpp"
#include "text/provinces.hpp"

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
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Văn Hùng", "Nguyễn Văn Hưng") == "same without diacritics");
  // How people mistype: one letter wrong, two swapped, one lost.
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Văn Thanh", "Nguyễn Văn Thahn") == "one typing error apart");
  CHECK(level_of(K::kPersonName, "full_name", "Phạm Thắng Lợi", "Phạm Thắgn Lợi") == "one typing error apart");
  CHECK(level_of(K::kPersonName, "full_name", "Trần Thị Mai", "Trần Th Mai") == "one typing error apart");
  // A middle name dropped or added, the family name left out, regional family spellings.
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Trọng Khánh", "Nguyễn Khánh") == "same names, a middle name dropped or the order changed");
  CHECK(level_of(K::kPersonName, "full_name", "Lê Thị Thu Hà", "Lê Thu Hà") == "same names, a middle name dropped or the order changed");
  CHECK(level_of(K::kPersonName, "full_name", "Huỳnh Thị Lan", "Hoàng Lan") == "same names, a middle name dropped or the order changed");
  CHECK(level_of(K::kPersonName, "full_name", "Đỗ Văn Tùng", "Văn Tùng") == "same names, a middle name dropped or the order changed");
  // The family name written last, as on some forms.
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Văn Hùng", "Văn Hùng Nguyễn") == "same names, a middle name dropped or the order changed");
  // Another middle name: namesakes as often as the same person.
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Văn Hùng", "Nguyễn Đức Hùng") == "same family and given name, another middle name");
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Văn Hùng", "Trần Văn Hùng") != "same names, a middle name dropped or the order changed");
  CHECK(level_of(K::kPersonName, "full_name", "Nguyễn Thị Thanh Hương", "Nguyễn Thị Thanh Hường") == "same without diacritics");
  CHECK(level_of(K::kPersonName, "full_name", "Trần Văn An", "Lê Thị Bình") == "different");
  CHECK(level_of(K::kPersonName, "full_name", "Trần Văn An", "") == "missing");
}

TEST_CASE("date levels, including swaps, partial precision and one mistyped digit") {
  using K = match::ComparisonKind;
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "1965-09-12") == "exact");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "09/12/1965") == "day and month swapped");
  CHECK(level_of(K::kDate, "birth_date", "1965", "12/09/1965") == "agree to the lesser precision");
  CHECK(level_of(K::kDate, "birth_date", "09/1965", "12/09/1965") == "agree to the lesser precision");
  CHECK(level_of(K::kDate, "birth_date", "1965", "1965") == "agree to the lesser precision");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "13/09/1965") == "one digit mistyped");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "12/09/1975") == "one digit mistyped");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "12/09/1956") == "one digit mistyped");  // neighbours swapped
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "13/10/1965") == "same year");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "13/09/1966") == "a year apart");
  CHECK(level_of(K::kDate, "birth_date", "12/09/1965", "01/03/1975") == "different");
  CHECK(level_of(K::kDate, "birth_date", "1965", "1975") == "different");  // a year alone is no typed date
}

TEST_CASE("identifier levels: exact, one typing error, different, or of two numbering schemes") {
  using K = match::ComparisonKind;
  CHECK(level_of(K::kIdentifier, "citizen_id", "001090012345", "01090012345") == "exact");  // leading zero restored
  CHECK(level_of(K::kIdentifier, "citizen_id", "001090012345", "001090012354") == "one typing error apart");
  CHECK(level_of(K::kIdentifier, "citizen_id", "001090012345", "001090099999") == "different");
  // A 12-digit number that is not a CCCD (no such province) is still a CCCD mistyped: different.
  CHECK(level_of(K::kIdentifier, "citizen_id", "022195807183", "021295496344") == "different");
  // An old 9-digit CMND beside a 12-digit CCCD: two documents, whose numbers say nothing of
  // whether one person holds both.
  CHECK(level_of(K::kIdentifier, "citizen_id", "022189246461", "100959428") == "missing");
  CHECK(level_of(K::kIdentifier, "citizen_id", "100959428", "100959429") == "one typing error apart");
}

TEST_CASE("text and exact levels") {
  using K = match::ComparisonKind;
  CHECK(level_of(K::kText, "hometown", "Hà Nội", "Hà Nội") == "exact");
  CHECK(level_of(K::kText, "hometown", "Hà Nội", "Ha Noi") == "same without diacritics");
  CHECK(level_of(K::kText, "hometown", "Quảng Ninh", "Quang Nihn") == "one typing error apart");
  CHECK(level_of(K::kText, "hometown", "Thanh Hóa", "Thanh Hao") == "one typing error apart");
  CHECK(level_of(K::kText, "hometown", "Nam Định", "Nam Đình tỉnh") == "similar (Jaro-Winkler >= 0.90)");
  CHECK(level_of(K::kText, "hometown", "Peterborough", "Peterborouhg") == "one typing error apart");
  CHECK(level_of(K::kText, "hometown", "London", "Loonnod") == "loosely similar (Jaro-Winkler >= 0.80)");
  CHECK(level_of(K::kText, "hometown", "Hà Nội", "Cà Mau") == "different");
  CHECK(level_of(K::kExact, "gender", "Nam", "1") == "equal");
  CHECK(level_of(K::kExact, "gender", "Nam", "Nữ") == "different");
}

TEST_CASE("unit levels: abbreviations and the party cell's prefix aside") {
  using K = match::ComparisonKind;
  CHECK(level_of(K::kUnit, "org_unit", "VP Huyện uỷ", "Văn phòng Huyện ủy") == "same unit (abbreviations and party prefix aside)");
  CHECK(level_of(K::kUnit, "org_unit", "Chi bộ Văn phòng", "Văn phòng Huyện ủy") == "one name within the other");
  CHECK(level_of(K::kUnit, "org_unit", "Phòng Nội vụ", "Phòng Nội vu") == "same unit (abbreviations and party prefix aside)");
  CHECK(level_of(K::kUnit, "org_unit", "Phòng Nội vụ", "Phòng Nộ vụ") == "one typing error apart");
  CHECK(level_of(K::kUnit, "org_unit", "Phòng Nội vụ", "Phòng Tư pháp") == "different");
}

TEST_CASE("a cross-field comparison takes the better of the two crosswise levels") {
  match::MatchSettings s;
  match::ComparisonSpec swap{"name swapped", {"given_name", true}, match::ComparisonKind::kText, false};
  swap.with = {"family_name", true};
  s.comparisons = {swap};
  s.blocking.clear();
  std::deque<sdk::SourceRecord> records(4);
  records[0].fields = {{"given_name", "Freddie"}, {"family_name", "Bradley"}};
  records[1].fields = {{"given_name", "Bradley"}, {"family_name", "Freddie"}};  // written the other way round
  records[2].fields = {{"given_name", "Freddie"}, {"family_name", "Bradley"}};  // the same way: no cross agreement
  records[3].fields = {{"family_name", "Fredie"}};                             // only one side, mistyped
  std::vector<const sdk::SourceRecord*> inputs{&records[0], &records[1], &records[2], &records[3]};
  match::FeatureTable f(inputs, s);
  const auto& names = match::FeatureTable::level_names(match::ComparisonKind::kText);
  CHECK(names[f.level(0, 0, 1)] == "exact");
  CHECK(names[f.level(0, 1, 0)] == "exact");
  CHECK(names[f.level(0, 0, 2)] == "different");
  CHECK(names[f.level(0, 0, 3)] == "one typing error apart");  // record 0's given against record 3's family
  CHECK(f.display(1, 0) == "Bradley | Freddie");
}

TEST_CASE("provinces of today: named by an old name or a new one, or by a CCCD's code") {
  CHECK(text::province_now_named_in("Hải Dương") == text::province_now_named_in("Thành phố Hải Phòng"));
  CHECK(text::province_now_named_in("Hải Dương") == text::province_now_of_citizen_id("030170469133"));
  CHECK(text::province_now_named_in("Xã Hoàng Tân, thị xã Quảng Yên, tỉnh Quảng Ninh") ==
        text::province_now_of_citizen_id("022170132827"));
  CHECK(text::province_now_named_in("Bà Rịa-Vũng Tàu") == text::province_now_named_in("TP Hồ Chí Minh"));
  CHECK(text::province_now_named_in("Thừa Thiên Huế") == text::province_now_of_citizen_id("046090000001"));
  // The province ends an address: a commune of the same name before it does not count.
  CHECK(text::province_now_named_in("Xã Long An, huyện Châu Thành, tỉnh Tiền Giang") == text::province_now_named_in("Đồng Tháp"));
  CHECK(text::province_now_named_in("Xã Long An, huyện Châu Thành, tỉnh Tiền Giang") != text::province_now_named_in("Long An"));
  CHECK(text::province_now_named_in("Phường Cao Thắng") == 0);
  CHECK(text::province_now_named_in("") == 0);
  CHECK(text::province_now_of_citizen_id("148673832") == 0);  // a CMND names no province of birth
  CHECK(text::province_now_of_citizen_id("999170132827") == 0);
}

TEST_CASE("province levels: a home town against the other record's CCCD, crosswise") {
  match::MatchSettings s;
  match::ComparisonSpec place{"hometown~citizen_id", {"hometown", true}, match::ComparisonKind::kProvince, false};
  place.with = {"citizen_id", true};
  s.comparisons = {place};
  s.blocking.clear();
  std::deque<sdk::SourceRecord> records(4);
  records[0].fields = {{"hometown", "Xã Hoàng Tân, thị xã Quảng Yên, tỉnh Quảng Ninh"}};
  records[1].fields = {{"citizen_id", "022170132827"}};  // registered in Quảng Ninh
  records[2].fields = {{"citizen_id", "030170469133"}};  // in Hải Dương
  records[3].fields = {{"hometown", "Cao Thắng, Hạ Long"}};  // names no province
  std::vector<const sdk::SourceRecord*> inputs{&records[0], &records[1], &records[2], &records[3]};
  match::FeatureTable f(inputs, s);
  const auto& names = match::FeatureTable::level_names(match::ComparisonKind::kProvince);
  CHECK(names[f.level(0, 0, 1)] == "the same province (of today's 34)");
  CHECK(names[f.level(0, 1, 0)] == "the same province (of today's 34)");
  CHECK(names[f.level(0, 0, 2)] == "another province");
  CHECK(f.level(0, 1, 2) == match::kNullLevel);  // two CCCDs: the identifier comparison's business
  CHECK(f.level(0, 3, 1) == match::kNullLevel);
}

TEST_CASE("a source comparison reads no value: configured as source, shown and levelled by the records' sources") {
  auto s = match::parse_settings(nlohmann::json::parse(R"({"comparisons": [
    {"value": "full_name", "kind": "person_name"}, {"value": "source", "kind": "source"}]})"));
  REQUIRE(s.comparisons.size() == 2);
  CHECK(s.comparisons[1].kind == match::ComparisonKind::kSource);
  CHECK(s.comparisons[1].label == "source");
  CHECK_FALSE(s.uses_attributes());  // the raw columns need not be read for it
  CHECK(match::settings_to_json(s)["comparisons"][1]["value"] == "source");
  try {
    match::parse_settings(nlohmann::json::parse(R"({"comparisons": [{"value": "full_name", "kind": "source"}]})"));
    FAIL("a source comparison of a field was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("match.comparisons[0]") != std::string::npos);
  }

  std::deque<sdk::SourceRecord> records(3);
  records[0].source = "civil";
  records[1].source = "civil";
  records[2].source = "party";
  // A raw column named "source" is a column like any other, not the record's source.
  records[2].attributes.emplace_back("source", "civil");
  std::vector<const sdk::SourceRecord*> inputs;
  for (auto& r : records) {
    r.fields["full_name"] = "Nguyễn Văn An";
    inputs.push_back(&r);
  }
  match::FeatureTable f(inputs, s);
  CHECK(f.level(1, 0, 1) == 0);  // one source
  CHECK(f.level(1, 0, 2) == 1);  // two
  CHECK(f.display(2, 1) == "party");
}
