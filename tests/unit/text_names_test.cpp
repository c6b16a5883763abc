#include <catch2/catch.hpp>

#include "match/similarity.hpp"
#include "text/names.hpp"
#include "text/repair.hpp"

using namespace hopnhat;

TEST_CASE("old and new tone placement give the same key; different diacritics do not") {
  CHECK(text::tone_key("Hoà") == text::tone_key("Hòa"));
  CHECK(text::tone_key("Thuý") == text::tone_key("Thúy"));
  CHECK(text::tone_key("Nguyễn Văn Hoà") == text::tone_key("NGUYỄN VĂN HÒA"));
  CHECK(text::tone_key("Hà") != text::tone_key("Hạ"));
  CHECK(text::tone_key("Hà") != text::tone_key("Ha"));
}

TEST_CASE("a full name splits into family, middle and given names") {
  auto p = text::split_name("Nguyễn Thị Thu Hà");
  CHECK(p.family == "Nguyễn");
  CHECK(p.middle == "Thị Thu");
  CHECK(p.given == "Hà");
  CHECK(text::split_name("An").given == "An");
  CHECK(text::split_name("Lê Lợi").middle.empty());
}

TEST_CASE("regional spellings of one family name are variants, from the surname table") {
  CHECK(text::family_name_variants("Huỳnh", "Hoàng"));
  CHECK(text::family_name_variants("vo", "Vũ"));
  CHECK_FALSE(text::family_name_variants("Nguyễn", "Trần"));
  CHECK(text::family_name_share("Nguyễn") > 0.3);
  CHECK(text::family_name_share("Triệu") == 0.0);  // not in the table: rare
}

TEST_CASE("TCVN3 and VNI text read as Windows-1252 is repaired") {
  CHECK(text::repair_mojibake("NguyÔn V¨n Hïng") == std::optional<std::string>("Nguyễn Văn Hùng"));
  CHECK(text::repair_mojibake("Nguyeãn Vaên Huøng") == std::optional<std::string>("Nguyễn Văn Hùng"));
}

TEST_CASE("text that is already right is left alone") {
  CHECK_FALSE(text::repair_mojibake("Hà Nội"));
  CHECK_FALSE(text::repair_mojibake("Lê Hà"));
  CHECK_FALSE(text::repair_mojibake("plain ASCII"));
  CHECK_FALSE(text::repair_mojibake("José Müller"));
}

TEST_CASE("Jaro-Winkler and Damerau-Levenshtein on code points") {
  using match::to_u32;
  CHECK(match::jaro_winkler(to_u32("martha"), to_u32("marhta")) == Approx(0.9611).epsilon(0.001));
  CHECK(match::jaro_winkler(to_u32("dixon"), to_u32("dicksonx")) == Approx(0.8133).epsilon(0.001));
  CHECK(match::jaro_winkler(to_u32("nguyễn"), to_u32("nguyễn")) == 1.0);
  CHECK(match::jaro_winkler(to_u32(""), to_u32("a")) == 0.0);
  CHECK(match::damerau_levenshtein(to_u32("001090012345"), to_u32("001090012354")) == 1);  // transposition
  CHECK(match::damerau_levenshtein(to_u32("001090012345"), to_u32("001090012346")) == 1);
  CHECK(match::damerau_levenshtein(to_u32("abc"), to_u32("xyz"), 1) == 2);  // stops past the limit
}
