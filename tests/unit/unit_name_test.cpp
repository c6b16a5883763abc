#include <catch2/catch.hpp>

#include "text/unit_name.hpp"

using namespace hopnhat;

TEST_CASE("unit names: one key for the abbreviated, the full and the party cell's spelling") {
  const std::string office = text::unit_key("Văn phòng Huyện ủy");
  CHECK(office == "van phong huyen uy");
  CHECK(text::unit_key("VP Huyện uỷ") == office);
  CHECK(text::unit_key("VP HU") == office);
  CHECK(text::unit_key("Chi bộ Văn phòng Huyện ủy") == office);
  CHECK(text::unit_key("Đảng bộ Văn phòng Huyện ủy") == office);
  CHECK(text::unit_key("UBND huyện") == "uy ban nhan dan huyen");
  CHECK(text::unit_key("Phòng LĐTB&XH") == text::unit_key("Phòng Lao động - Thương binh và Xã hội"));
  CHECK(text::unit_key("Phòng TN&MT") == text::unit_key("Phòng Tài nguyên và Môi trường"));
  CHECK(text::unit_key("Chi bộ Phòng Lao động - TB và XH") == text::unit_key("Phòng Lao động - Thương binh và Xã hội"));
  CHECK(text::unit_key("Phòng VH-TT") == "phong van hoa thong tin");
  // Abbreviations with two readings stay as written; a prefix alone is a name, not a prefix.
  CHECK(text::unit_key("Phòng Nội vụ TT") == "phong noi vu tt");
  CHECK(text::unit_key("Chi bộ") == "chi bo");
  CHECK(text::unit_key(" , - ") == "");
}

TEST_CASE("unit names: one within the other, word by word in order") {
  CHECK(text::unit_key_within("van phong", "van phong huyen uy"));
  CHECK(text::unit_key_within("van phong huyen uy", "van phong"));
  CHECK(text::unit_key_within("phong noi vu", "phong noi vu"));
  CHECK_FALSE(text::unit_key_within("phong noi vu", "phong tu phap"));
  CHECK_FALSE(text::unit_key_within("huyen uy van phong", "van phong huyen uy uban"));
  CHECK_FALSE(text::unit_key_within("", "van phong"));
}

TEST_CASE("a unit key within another: word by word, in order, as the words split on single spaces") {
  CHECK(text::unit_key_within("phong", "van phong huyen uy"));
  CHECK(text::unit_key_within("van uy", "van phong huyen uy"));
  CHECK_FALSE(text::unit_key_within("uy van", "van phong huyen uy"));
  CHECK_FALSE(text::unit_key_within("van van", "van phong huyen uy"));
  CHECK(text::unit_key_within("van van", "van phong van"));
  CHECK(text::unit_key_within("van  phong", "van x  phong"));  // an empty word matches an empty word
  CHECK_FALSE(text::unit_key_within("van  phong", "van x phong"));
  CHECK_FALSE(text::unit_key_within("van phong", ""));
}
