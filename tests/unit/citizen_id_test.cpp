#include <catch2/catch.hpp>

#include "text/citizen_id.hpp"
#include "text/names.hpp"

using namespace hopnhat;
using text::CitizenIdRelation;

TEST_CASE("two CCCDs relate as equal, one keystroke apart, or contradicting") {
  CHECK(text::relate_citizen_ids("001180555001", "001180555001") == CitizenIdRelation::kEqual);
  CHECK(text::relate_citizen_ids("001180555001", "001180555002") == CitizenIdRelation::kOneKeystroke);  // a digit
  CHECK(text::relate_citizen_ids("001180555001", "002180555001") == CitizenIdRelation::kOneKeystroke);  // the province
  CHECK(text::relate_citizen_ids("001180555001", "001180550501") == CitizenIdRelation::kOneKeystroke);  // a swap
  CHECK(text::relate_citizen_ids("001180555001", "001180555012") == CitizenIdRelation::kContradicting);  // two digits
  CHECK(text::relate_citizen_ids("001180555001", "001181555001") == CitizenIdRelation::kContradicting);  // the year
  CHECK(text::relate_citizen_ids("001180555001", "001080555001") == CitizenIdRelation::kContradicting);  // the gender
  CHECK(text::relate_citizen_ids("001180555001", "001118055001") == CitizenIdRelation::kContradicting);  // swap into digits 4-6
  CHECK(text::relate_citizen_ids("001180555001", "00118055500") == CitizenIdRelation::kContradicting);   // not 12 digits
}

TEST_CASE("a keystroke in the embedded digits is one keystroke when it made one of the two CCCDs contradict its record") {
  // "58" typed for "85": the record says 1985, so that CCCD is suspect and the pair one keystroke apart.
  CHECK(text::relate_citizen_ids("022058587211", "022085587211", true, false) == CitizenIdRelation::kOneKeystroke);
  CHECK(text::relate_citizen_ids("022183975365", "022383975365", false, true) == CitizenIdRelation::kOneKeystroke);
  // Both consistent with their records: two persons born in different years.
  CHECK(text::relate_citizen_ids("022058587211", "022085587211") == CitizenIdRelation::kContradicting);
  // Suspect, but two keystrokes apart: still never one person automatically.
  CHECK(text::relate_citizen_ids("022058587211", "022085587299", true, false) == CitizenIdRelation::kContradicting);
}

TEST_CASE("a CCCD is checked against its own record's birth year and gender") {
  CHECK(text::citizen_id_birth_year("001180555001") == 1980);
  CHECK(text::citizen_id_birth_year("001205555001") == 2005);
  CHECK(text::citizen_id_gender("001180555001") == "Nữ");
  CHECK(text::citizen_id_gender("001080555001") == "Nam");
  auto ok = text::check_citizen_id("001180555001", "1980-03-02", "Nữ");
  CHECK_FALSE(ok.suspect);
  CHECK(ok.year_checked);
  CHECK(ok.gender_checked);
  auto year = text::check_citizen_id("001180555001", "1981-03-02", "Nữ");
  CHECK(year.suspect);
  CHECK(year.reason == "its digits say born 1980, the record says 1981");
  auto gender = text::check_citizen_id("001180555001", "1980", "Nam");
  CHECK(gender.suspect);
  CHECK_THAT(gender.reason, Catch::Contains("Nữ"));
  auto nothing = text::check_citizen_id("001180555001", "", "");
  CHECK_FALSE(nothing.suspect);
  CHECK_FALSE(nothing.year_checked);
}

TEST_CASE("a name with a typing error is not a possible Vietnamese name") {
  for (const char* good : {"Nguyễn Văn An", "Nguyen Van An", "Trần Thị Thuỳ", "Nghiêm Khuyến Học", "Quách Gia Khiêm", "Lê"})
    CHECK(text::plausible_vietnamese_name(good));
  for (const char* typo : {"Nguyễn Thhanh Hạnh", "Nguyễn Thu Vọg", "Nguyễn Hữu Tùùng", "Trần Thuỳ Lsn", "Bế Mknh Hưng", ""})
    CHECK_FALSE(text::plausible_vietnamese_name(typo));
}
