#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "base/similarity.hpp"
#include "text/names.hpp"
#include "text/repair.hpp"

using namespace hopnhat;

TEST_CASE("old and new tone placement give the same key, different diacritics do not") {
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
  using base::to_u32;
  CHECK(base::jaro_winkler(to_u32("martha"), to_u32("marhta")) == Approx(0.9611).epsilon(0.001));
  CHECK(base::jaro_winkler(to_u32("dixon"), to_u32("dicksonx")) == Approx(0.8133).epsilon(0.001));
  CHECK(base::jaro_winkler(to_u32("nguyễn"), to_u32("nguyễn")) == 1.0);
  CHECK(base::jaro_winkler(to_u32(""), to_u32("a")) == 0.0);
  CHECK(base::damerau_levenshtein(to_u32("001090012345"), to_u32("001090012354")) == 1);  // transposition
  CHECK(base::damerau_levenshtein(to_u32("001090012345"), to_u32("001090012346")) == 1);
  CHECK(base::damerau_levenshtein(to_u32("abc"), to_u32("xyz"), 1) == 2);  // stops past the limit
}

TEST_CASE("Byte forms of the similarities agree with the code-point ones") {
  using base::to_u32;
  CHECK(base::jaro_winkler(std::string_view("martha"), std::string_view("marhta")) == base::jaro_winkler(to_u32("martha"), to_u32("marhta")));
  CHECK(base::within_one_edit(std::string_view("001090012345"), std::string_view("001090012354")));  // a swap
  CHECK(base::within_one_edit(std::string_view("00109001234"), std::string_view("001090012345")));   // one missing
  CHECK_FALSE(base::within_one_edit(std::string_view("001090012345"), std::string_view("001090012453")));
  CHECK(base::within_one_edit(to_u32("nguyễn"), to_u32("nguyên")));  // one code point, two bytes
  CHECK_FALSE(base::within_one_edit(std::string_view("nguyễn"), std::string_view("nguyên")));
  // Every pair of strings of up to five letters over a small alphabet (and a longer name):
  // within_one_edit is damerau_levenshtein(.., 1) <= 1, Jaro-Winkler the same on bytes.
  std::vector<std::string> words{""};
  for (int len = 1; len <= 4; ++len) {
    std::vector<std::string> longer;
    for (const auto& w : words)
      if (static_cast<int>(w.size()) == len - 1)
        for (char c : std::string("abc")) longer.push_back(w + c);
    words.insert(words.end(), longer.begin(), longer.end());
  }
  words.push_back("nguyen van an");
  words.push_back("nguyen van na");
  int checked = 0;
  for (const auto& a : words)
    for (const auto& b : words) {
      const bool one = base::damerau_levenshtein(to_u32(a), to_u32(b), 1) <= 1;
      REQUIRE(base::within_one_edit(std::string_view(a), std::string_view(b)) == one);
      REQUIRE(base::within_one_edit(to_u32(a), to_u32(b)) == one);
      REQUIRE(base::jaro_winkler(std::string_view(a), std::string_view(b)) == base::jaro_winkler(to_u32(a), to_u32(b)));
      ++checked;
    }
  CHECK(checked > 10000);
  CHECK(base::is_ascii("nguyen"));
  CHECK_FALSE(base::is_ascii("nguyễn"));
}
